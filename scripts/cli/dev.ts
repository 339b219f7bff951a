// npm run dev: the same database preparation as npm start, then Vite's dev server.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../lib/database';
import { prepareDatabase } from '../lib/prepare';

const url = await prepareDatabase();
const vite = spawn(join(projectRoot, 'node_modules', '.bin', 'vite'), ['dev', ...process.argv.slice(2)], {
	cwd: projectRoot,
	stdio: 'inherit',
	env: { ...process.env, DATABASE_URL: url }
});
vite.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => vite.kill(signal));
