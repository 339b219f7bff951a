// Runs test tiers against one throwaway PostGIS cluster that is deleted afterwards; the
// development database under .pgdata/ is never touched.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium } from './chromium';
import { projectRoot } from './database';
import { connectionString, createDatabase, destroyCluster, freePort, startCluster } from './postgis-cluster';
import { buildApp, buildIsStale } from './prepare';

export type Tier = 'static' | 'unit' | 'integration' | 'e2e';

function run(command: string, args: string[], env: Record<string, string> = {}): boolean {
	const result = spawnSync(join(projectRoot, 'node_modules', '.bin', command), args, {
		cwd: projectRoot,
		stdio: 'inherit',
		env: { ...process.env, ...env }
	});
	return result.status === 0;
}

/**
 * The end-to-end tier builds into and serves from the one build/ folder; two runs at once (two
 * terminals) would overwrite each other's build. mkdir is atomic, so it serves as the lock.
 */
async function withBuildLock<T>(fn: () => T): Promise<T> {
	const lock = join(
		tmpdir(),
		`tryghedskort-build-${createHash('sha1').update(projectRoot).digest('hex').slice(0, 8)}.lock`
	);
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch {
			// A lock left by a killed run is stale after 20 minutes.
			const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
			if (Date.now() - since > 20 * 60_000) rmSync(lock, { recursive: true, force: true });
			else await new Promise((r) => setTimeout(r, 1000));
		}
	}
	try {
		return fn();
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

export async function runTiers(tiers: Tier[], extraArgs: string[] = []): Promise<boolean> {
	const needsDb = tiers.some((t) => t === 'integration' || t === 'e2e');
	const chromium = tiers.includes('e2e') ? ensureChromium() : null;
	const stateDir = needsDb ? mkdtempSync(join(tmpdir(), 'tryghedskort-test-')) : null;
	const results: string[] = [];
	let ok = true;
	try {
		const state = stateDir
			? await startCluster({ stateDir, database: 'integration', throwaway: true, log: () => {} })
			: null;
		for (const tier of tiers) {
			let passed: boolean;
			if (tier === 'static') {
				passed = run('svelte-kit', ['sync']) && run('svelte-check', ['--tsconfig', './tsconfig.json']);
				passed = run('prettier', ['--check', '.']) && run('eslint', ['.']) && passed;
			} else if (tier === 'unit') {
				passed = run('vitest', ['run', '--project', 'unit', ...extraArgs]);
			} else if (tier === 'integration') {
				passed = run('vitest', ['run', '--project', 'integration', ...extraArgs], {
					TEST_DATABASE_URL: connectionString(state!)
				});
			} else {
				const e2eState = { ...state!, database: 'e2e' };
				await createDatabase(e2eState);
				const port = String(await freePort());
				passed = await withBuildLock(() => {
					if (buildIsStale()) buildApp();
					return run('playwright', ['test', ...extraArgs], {
						E2E_DATABASE_URL: connectionString(e2eState),
						E2E_PORT: port,
						CHROMIUM_PATH: chromium!
					});
				});
			}
			results.push(`${tier} ${passed ? 'passed' : 'FAILED'}`);
			ok &&= passed;
		}
	} finally {
		if (stateDir) destroyCluster(stateDir);
	}
	console.log(`\nTest tiers: ${results.join(', ')}`);
	return ok;
}
