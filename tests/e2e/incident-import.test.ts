// Importing incidents through the upload page: a police reviewer's file streams in, with the
// report of what went in; a file with rows outside the district goes in not at all; planners
// are turned away.
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { USERS, ensureTestUsers, gotoHydrated, pointIn, signInPage, signInRequest } from './support';

test.beforeAll(async () => {
	await ensureTestUsers();
});

const csv = (...lines: string[]) => lines.join('\r\n') + '\r\n';

async function upload(page: Page, name: string, text: string) {
	await expect(page.getByRole('heading', { name: 'Importér hændelser' })).toBeVisible();
	await expect(page.getByText(/Højst \d[\d,]* (KB|MB)\./)).toBeVisible();
	await page.getByLabel('Fil (CSV eller GeoJSON)').setInputFiles({
		name,
		mimeType: 'text/csv',
		buffer: Buffer.from(text)
	});
	await page.getByRole('button', { name: 'Importér' }).click();
}

test('a police reviewer imports a small CSV from the nav link and sees what went in', async ({ page }) => {
	const tag = crypto.randomUUID().slice(0, 8);
	const kbh = await pointIn(101);
	const frb = await pointIn(147);
	await signInPage(page, USERS.police);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.police.name);
	await page.getByRole('link', { name: 'Importér hændelser' }).click();
	await page.locator('body[data-hydrated="true"]').waitFor();
	await expect(page.getByTestId('incident-import')).toContainText('Københavns Politi');

	await upload(
		page,
		'haendelser.csv',
		csv(
			'sourceRef;occurredAt;category;lon;lat',
			`E2E-${tag}-1;2025-05-01T22:15;Vold;${kbh.lon};${kbh.lat}`,
			`E2E-${tag}-2;2025-05-02T01:40;theft;${frb.lon};${frb.lat}`,
			`E2E-${tag}-1;2025-05-01T22:15;Vold;${kbh.lon};${kbh.lat}`
		)
	);
	const done = page.getByTestId('import-done');
	await expect(page.getByTestId('import-count')).toContainText(
		'Hændelser importeret: 2. Dubletter sprunget over: 1. Rækker læst: 3'
	);
	await expect(done).toContainText('København: 1');
	await expect(done).toContainText('Frederiksberg: 1');

	// The same file again: every row is a duplicate, nothing is an error.
	await upload(
		page,
		'igen.csv',
		csv('sourceRef,occurredAt,category,lon,lat', `E2E-${tag}-2,2025-05-02T01:40,theft,${frb.lon},${frb.lat}`)
	);
	await expect(page.getByTestId('import-count')).toContainText(
		'Hændelser importeret: 0. Dubletter sprunget over: 1. Rækker læst: 1'
	);
});

test('a file with bad rows and a row outside the district imports nothing and lists every bad row', async ({
	page
}) => {
	const tag = crypto.randomUUID().slice(0, 8);
	const kbh = await pointIn(101);
	const aalborg = await pointIn(851);
	await signInPage(page, USERS.police);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.police.name);
	await gotoHydrated(page, '/haendelser/import');
	await upload(
		page,
		'forkert.csv',
		csv(
			'sourceRef,occurredAt,category,lon,lat',
			`E2E-${tag}-ok,2025-05-01T10:00,theft,${kbh.lon},${kbh.lat}`,
			`E2E-${tag}-cat,2025-05-01T10:00,lommetyveri,${kbh.lon},${kbh.lat}`,
			`E2E-${tag}-aal,2025-05-01T10:00,theft,${aalborg.lon},${aalborg.lat}`
		)
	);
	const report = page.getByTestId('import-report');
	await expect(report).toContainText('Intet er importeret: 2 af 3 rækker har fejl');
	await expect(report.locator('tr[data-row="3"][data-field="category"]')).toContainText('Ukendt kategori');
	await expect(report.locator('tr[data-row="4"]')).toContainText(
		'Positionen ligger i Aalborg, uden for din politikreds.'
	);

	// Nothing went in: the good row imports on its own afterwards.
	await upload(
		page,
		'god.csv',
		csv('sourceRef,occurredAt,category,lon,lat', `E2E-${tag}-ok,2025-05-01T10:00,theft,${kbh.lon},${kbh.lat}`)
	);
	await expect(page.getByTestId('import-count')).toContainText(
		'Hændelser importeret: 1. Dubletter sprunget over: 0.'
	);
});

test('the template and the column list are there; the page refuses a planner with 403', async ({
	page,
	baseURL,
	browser
}) => {
	await signInPage(page, USERS.police);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.police.name);
	await gotoHydrated(page, '/haendelser/import');
	await page.getByText('Kolonner').click();
	await expect(page.getByTestId('incident-import')).toContainText('public_order (Offentlig orden)');
	const download = page.waitForEvent('download');
	await page.getByRole('link', { name: 'Hent en tom skabelon (CSV)' }).click();
	const text = await (await import('node:fs/promises')).readFile((await (await download).path())!, 'utf8');
	expect(text).toBe('\uFEFFsourceRef,occurredAt,category,lon,lat,source\r\n');

	const api = await playwrightRequest.newContext({ baseURL });
	try {
		expect((await signInRequest(api, baseURL!, USERS.planner)).status()).toBe(303);
		const pageResponse = await api.get('/haendelser/import', { maxRedirects: 0 });
		expect(pageResponse.status()).toBe(403);
		const kbh = await pointIn(101);
		const post = await api.post('/haendelser/import/upload?name=x.csv', {
			headers: { origin: baseURL!, accept: 'application/json', 'content-type': 'text/csv' },
			data: Buffer.from(
				csv(
					'sourceRef,occurredAt,category,lon,lat',
					`E2E-planner,2025-05-01T10:00,theft,${kbh.lon},${kbh.lat}`
				)
			),
			maxRedirects: 0
		});
		expect(post.status()).toBe(403);
	} finally {
		await api.dispose();
	}
	// Planners have no link to it either.
	const context = await browser.newContext({ baseURL, locale: 'da-DK' });
	try {
		const planner = await context.newPage();
		await signInPage(planner, USERS.planner);
		await expect(planner.getByTestId('current-user')).toHaveText(USERS.planner.name);
		await expect(planner.getByRole('link', { name: 'Importér hændelser' })).toHaveCount(0);
	} finally {
		await context.close();
	}
});

test('every other route refuses a body over 21 MB before reading it', async ({ baseURL }) => {
	const api = await playwrightRequest.newContext({ baseURL });
	try {
		const response = await api.post('/login', {
			headers: { origin: baseURL!, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
			data: Buffer.alloc(22 * 1024 ** 2, 'a'),
			maxRedirects: 0
		});
		expect(response.status()).toBe(413);
		expect(await response.text()).toBe('Forespørgslen er for stor (højst 21 MB).');
	} finally {
		await api.dispose();
	}
});

test('the upload refuses what it cannot import before reading the body', async ({ baseURL }) => {
	const api = await playwrightRequest.newContext({ baseURL });
	try {
		expect((await signInRequest(api, baseURL!, USERS.police)).status()).toBe(303);
		const post = (path: string, headers: Record<string, string>, data: Buffer | string = 'sourceRef\r\n') =>
			api.post(path, {
				headers: { origin: baseURL!, accept: 'application/json', ...headers },
				data,
				maxRedirects: 0
			});

		const form = await post('/haendelser/import/upload?name=x.csv', {
			'content-type': 'multipart/form-data; boundary=x'
		});
		expect(form.status()).toBe(415);
		expect((await form.json()).message).toBe('Send filen som CSV eller GeoJSON.');
		const srs = await post('/haendelser/import/upload?name=x.csv&srs=EPSG:3857', {
			'content-type': 'text/csv'
		});
		expect(srs.status()).toBe(400);
		expect((await srs.json()).message).toBe('Ugyldig værdi for srs.');
		const elsewhere = await post('/haendelser/import/upload?name=x.csv', {
			'content-type': 'text/csv',
			origin: 'https://evil.example'
		});
		expect(elsewhere.status()).toBe(403);

		// A file announced as larger than 200 MB is refused from its Content-Length alone.
		const cookies = (await api.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
		const { request } = await import('node:http');
		const status = await new Promise<number>((resolve, reject) => {
			const req = request(`${baseURL}/haendelser/import/upload?name=big.csv`, {
				method: 'POST',
				headers: {
					origin: baseURL!,
					cookie: cookies,
					accept: 'application/json',
					'content-type': 'text/csv',
					'content-length': String(300 * 1024 ** 2)
				}
			});
			req.on('response', (res) => {
				resolve(res.statusCode!);
				req.destroy();
			});
			req.on('error', reject);
			req.flushHeaders();
		});
		expect(status).toBe(413);
	} finally {
		await api.dispose();
	}
});
