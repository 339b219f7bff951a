// Dependency-free entry point for every npm script that needs the project's own code.
// It installs npm dependencies when they are missing or stale, then runs a TypeScript
// script through tsx. Kept in plain JavaScript because it must work before `npm ci`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
	console.error(`Tryghedskort needs Node.js 20.19 or newer (this is ${process.versions.node}).`);
	process.exit(1);
}

function dependenciesStale() {
	const installed = join(root, 'node_modules', '.package-lock.json');
	if (!existsSync(installed)) return true;
	return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(installed).mtimeMs + 1000;
}

if (dependenciesStale()) {
	console.error('Installing npm dependencies (npm ci)…');
	const result = spawnSync('npm', ['ci', '--no-fund', '--no-audit'], { cwd: root, stdio: ['ignore', 2, 2] });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

const [script, ...args] = process.argv.slice(2);
const child = spawn(process.execPath, ['--import', 'tsx', join(root, script), ...args], {
	cwd: root,
	stdio: 'inherit'
});
// Whoever stops this wrapper (a terminal, Playwright, a benchmark) means the script itself.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
