import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);
const databaseUrl = process.env.E2E_DATABASE_URL;
if (!databaseUrl) {
	throw new Error(
		'E2E_DATABASE_URL is not set: run the end-to-end tests with `npm run test:e2e` (or `npm test`).'
	);
}

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.test.ts',
	fullyParallel: false,
	workers: 1,
	// One retry in CI keeps a timing flake from blocking a submission; Playwright still reports it as flaky.
	retries: process.env.CI ? 1 : 0,
	forbidOnly: true,
	timeout: 60_000,
	expect: { timeout: 20_000 },
	reporter: [['list']],
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		locale: 'da-DK',
		viewport: { width: 1280, height: 800 },
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run',
				'--disable-quic',
				'--use-angle=swiftshader',
				'--enable-unsafe-swiftshader'
			]
		}
	},
	webServer: {
		command: 'node scripts/run.mjs scripts/cli/start.ts --no-build',
		url: `http://127.0.0.1:${port}/healthz`,
		reuseExistingServer: false,
		timeout: 120_000,
		stdout: 'pipe',
		env: {
			DATABASE_URL: databaseUrl,
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: `http://127.0.0.1:${port}`,
			DEMO_MODE: 'false'
		}
	}
});
