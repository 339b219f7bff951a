// Starts the built app on a free port against a given database, for HTTP benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../lib/database';
import { freePort } from '../lib/postgis-cluster';

export interface RunningApp {
	origin: string;
	stop(): Promise<void>;
}

export async function startApp(databaseUrl: string): Promise<RunningApp> {
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const child: ChildProcess = spawn(
		process.execPath,
		[join(projectRoot, 'scripts', 'run.mjs'), 'scripts/cli/start.ts', '--no-build'],
		{
			cwd: projectRoot,
			env: {
				...process.env,
				DATABASE_URL: databaseUrl,
				HOST: '127.0.0.1',
				PORT: String(port),
				ORIGIN: origin
			},
			stdio: ['ignore', 'ignore', 'inherit']
		}
	);
	const deadline = Date.now() + 60_000;
	for (;;) {
		try {
			if ((await fetch(`${origin}/healthz`)).ok) break;
		} catch {
			// not listening yet
		}
		if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}`);
		if (Date.now() > deadline) throw new Error('the app did not become healthy within 60 s');
		await new Promise((r) => setTimeout(r, 200));
	}
	return {
		origin,
		stop: () =>
			new Promise((resolve) => {
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			})
	};
}
