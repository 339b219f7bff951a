// Debian's Chromium for the end-to-end tests (Playwright's own browser download is not used).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function ensureChromium(log = (m: string) => console.error(m)): string {
	const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
	if (existsSync(path)) return path;
	if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
		throw new Error(
			`Chromium is not installed at ${path}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH.`
		);
	}
	log('Installing Chromium with apt-get…');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	for (const args of [
		['update', '-qq'],
		['install', '-y', '-qq', 'chromium']
	]) {
		const result = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
		if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
	}
	return path;
}
