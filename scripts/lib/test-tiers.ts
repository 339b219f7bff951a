// Runs test tiers against one throwaway PostGIS cluster that is deleted afterwards; the
// development database under .pgdata/ is never touched.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
				if (buildIsStale()) buildApp();
				passed = run('playwright', ['test', ...extraArgs], {
					E2E_DATABASE_URL: connectionString(e2eState),
					E2E_PORT: String(await freePort()),
					CHROMIUM_PATH: chromium!
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
