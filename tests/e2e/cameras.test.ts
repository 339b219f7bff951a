// The camera register end to end: a planner proposes a camera through the form, the district's
// police approve it, and nobody reaches cameras outside what the policy lets them read.
import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import {
	OTHER_MUNICIPALITY,
	OWN_MUNICIPALITY,
	USERS,
	cameraForm,
	createTestCamera,
	ensureTestUsers,
	formHeaders,
	pointIn,
	signInPage,
	signInRequest,
	type TestUser,
	gotoHydrated
} from './support';
import { danishToday } from '../../src/lib/dates';

test.beforeAll(async () => {
	await ensureTestUsers();
});

async function signedIn(baseURL: string, user: TestUser): Promise<APIRequestContext> {
	const api = await playwrightRequest.newContext({ baseURL });
	expect((await signInRequest(api, baseURL, user)).status()).toBe(303);
	return api;
}

test('a planner proposes a camera in København and the district’s police approve it', async ({ browser }) => {
	const name = `Nørrebro Station ${crypto.randomUUID().slice(0, 6)}`;
	const at = await pointIn(OWN_MUNICIPALITY);

	const plannerPage = await browser.newPage();
	await signInPage(plannerPage, USERS.planner);
	await expect(plannerPage.getByTestId('current-user')).toHaveText(USERS.planner.name);
	await plannerPage.getByRole('link', { name: 'Kameraer' }).click();
	await expect(plannerPage.getByTestId('camera-register')).toBeVisible();
	await plannerPage.getByRole('link', { name: 'Registrér kamera' }).click();
	await expect(plannerPage.getByTestId('camera-new')).toBeVisible();
	await expect(plannerPage).toHaveURL(/\/kameraer\/ny$/);

	await plannerPage.getByLabel('Længdegrad (°Ø)').fill(String(at.lon));
	await plannerPage.getByLabel('Breddegrad (°N)').fill(String(at.lat));
	await plannerPage.getByLabel('Navn', { exact: true }).fill(name);
	await plannerPage.getByLabel('Type', { exact: true }).selectOption('ptz');
	await plannerPage.getByLabel('Monteringshøjde (m)').fill('6,5');
	await plannerPage.getByLabel('Retning (°)').fill('200');
	await plannerPage.getByLabel('Hældning nedad (°)').fill('20');
	await plannerPage.getByLabel('Brændvidde (mm)').fill('4');
	await plannerPage.getByLabel('Sensorbredde (mm)').fill('6.17');
	await expect(plannerPage.getByText('Beregnet ud fra objektivet: 75.3°')).toBeVisible();
	await plannerPage.getByLabel('Vandret opløsning (px)').fill('2560');
	await plannerPage.getByLabel('Største rækkevidde (m)').fill('80');
	await plannerPage.getByLabel('Panorering fra (°)').fill('150');
	await plannerPage.getByLabel('Panorering til (°)').fill('250');
	await plannerPage.getByLabel('Formål').fill('Fremme trygheden ved stationen om aftenen');
	await plannerPage.getByLabel('Lovgrundlag').selectOption('§ 2 a');
	await plannerPage.getByLabel('Kontakt-e-mail').fill('tryghed@kk.dk');
	await plannerPage.getByRole('button', { name: 'Registrér kamera' }).click();

	await expect(plannerPage).toHaveURL(/\/kameraer\/[0-9a-f-]{36}$/);
	const detailUrl = plannerPage.url();
	await expect(plannerPage.getByRole('heading', { level: 1, name })).toBeVisible();
	await expect(plannerPage.getByTestId('camera-status')).toHaveText('Foreslået');
	await expect(plannerPage.getByTestId('camera-municipality')).toHaveText('København');
	await expect(plannerPage.getByTestId('camera-legal-basis')).toContainText('§ 2 a');
	await expect(plannerPage.getByTestId('camera-view-area')).toContainText('m²');
	await expect(plannerPage.getByTestId('camera-history')).toContainText('camera.create');

	await plannerPage.getByRole('link', { name: 'Alle kameraer' }).click();
	await expect(plannerPage.getByTestId('camera-table').getByRole('link', { name })).toBeVisible();
	await plannerPage.close();

	const policePage = await browser.newPage();
	await signInPage(policePage, USERS.police);
	await expect(policePage.getByTestId('current-user')).toHaveText(USERS.police.name);
	await policePage.goto(detailUrl);
	await expect(policePage.getByTestId('camera-status')).toHaveText('Foreslået');
	await expect(policePage.getByTestId('camera-edit')).toHaveCount(0);
	await policePage.getByRole('button', { name: 'Godkend' }).click();
	await expect(policePage.getByTestId('camera-done')).toHaveText('Status er nu: Godkendt.');
	await expect(policePage.getByTestId('camera-status')).toHaveText('Godkendt');
	await expect(policePage.getByTestId('camera-approved-on')).toHaveText(danishToday());
	await expect(policePage.getByTestId('camera-history')).toContainText('camera.approve');
	await policePage.close();
});

test('bad fields show their messages next to them and nothing is stored', async ({ page, baseURL }) => {
	const name = `Ugyldigt kamera ${crypto.randomUUID().slice(0, 6)}`;
	await signInPage(page, USERS.planner);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.planner.name);
	await gotoHydrated(page, '/kameraer/ny');
	await page.getByLabel('Længdegrad (°Ø)').fill('13.0');
	await page.getByLabel('Breddegrad (°N)').fill('55.6');
	await page.getByLabel('Navn', { exact: true }).fill(name);
	await page.getByLabel('Monteringshøjde (m)').fill('5');
	await page.getByLabel('Retning (°)').fill('400');
	await page.getByLabel('Hældning nedad (°)').fill('10');
	await page.getByLabel('Vandret synsvinkel (°)').fill('90');
	await page.getByLabel('Vandret opløsning (px)').fill('1920');
	await page.getByLabel('Største rækkevidde (m)').fill('50');
	await page.getByLabel('Opbevaring (dage)').fill('5000');
	await page.getByRole('button', { name: 'Registrér kamera' }).click();

	await expect(page.getByTestId('error-retentionDays')).toHaveText('Skal være mellem 0 og 3650.');
	await expect(page.getByTestId('error-azimuthDeg')).toHaveText('Skal være mindst 0 og under 360.');
	await expect(page.getByTestId('error-purpose')).toHaveText('Skal udfyldes.');
	await expect(page.getByTestId('error-legalBasis')).toHaveText('Skal udfyldes.');
	await expect(page.getByLabel('Opbevaring (dage)')).toHaveAttribute('aria-invalid', 'true');
	// What was typed is still there.
	await expect(page.getByLabel('Navn', { exact: true })).toHaveValue(name);

	// Fixed, the form is valid but the position lies in Sweden: refused at the position.
	await page.getByLabel('Retning (°)').fill('90');
	await page.getByLabel('Opbevaring (dage)').fill('30');
	await page.getByLabel('Formål').fill('Tryghed');
	await page.getByLabel('Lovgrundlag').selectOption('§ 2 c');
	await page.getByRole('button', { name: 'Registrér kamera' }).click();
	await expect(page.getByTestId('error-position')).toHaveText(
		'Positionen ligger uden for alle danske kommuner.'
	);
	await expect(page.getByTestId('error-retentionDays')).toHaveCount(0);
	await expect(page).toHaveURL(/\/kameraer\/ny$/);

	const api = await signedIn(baseURL!, USERS.ministry);
	try {
		const list = await api.get('/kameraer');
		expect(await list.text()).not.toContain(name);
	} finally {
		await api.dispose();
	}
});

test('a planner of 101 cannot open an Aalborg proposal or its edit action', async ({ baseURL }) => {
	const camera = await createTestCamera(OTHER_MUNICIPALITY, 'proposed');
	const planner = await signedIn(baseURL!, USERS.planner);
	const ministry = await signedIn(baseURL!, USERS.ministry);
	try {
		expect((await planner.get(`/kameraer/${camera.id}`, { maxRedirects: 0 })).status()).toBe(403);
		const update = await planner.post(`/kameraer/${camera.id}?/update`, {
			headers: formHeaders(baseURL!),
			form: cameraForm({ name: 'Taken over by 101' }),
			maxRedirects: 0
		});
		expect(update.status()).toBe(403);
		const move = await planner.post(`/kameraer/${camera.id}?/move`, {
			headers: formHeaders(baseURL!),
			form: { positionCrs: 'EPSG:4326', lon: '12.602', lat: '55.657' },
			maxRedirects: 0
		});
		expect(move.status()).toBe(403);

		const unchanged = await ministry.get(`/kameraer/${camera.id}`);
		expect(unchanged.status()).toBe(200);
		const body = await unchanged.text();
		expect(body).toContain(camera.name);
		expect(body).toContain('Aalborg');
		expect(body).not.toContain('Taken over by 101');
	} finally {
		await planner.dispose();
		await ministry.dispose();
	}
});

test('a planner cannot move an own camera into another municipality', async ({ baseURL }) => {
	const camera = await createTestCamera(OWN_MUNICIPALITY, 'proposed');
	const aalborg = await pointIn(OTHER_MUNICIPALITY);
	const planner = await signedIn(baseURL!, USERS.planner);
	try {
		const move = await planner.post(`/kameraer/${camera.id}?/move`, {
			headers: formHeaders(baseURL!),
			form: { positionCrs: 'EPSG:4326', lon: String(aalborg.lon), lat: String(aalborg.lat) },
			maxRedirects: 0
		});
		expect(move.status()).toBe(403);
		expect(await move.text()).toContain('Positionen ligger i Aalborg Kommune');
		const detail = await (await planner.get(`/kameraer/${camera.id}`)).text();
		expect(detail).toContain('data-testid="camera-municipality">København');
	} finally {
		await planner.dispose();
	}
});

test('active cameras are readable by every camera reader; proposals only in scope', async ({ baseURL }) => {
	const active = await createTestCamera(OTHER_MUNICIPALITY, 'active');
	const proposal = await createTestCamera(OTHER_MUNICIPALITY, 'proposed');
	const expected: Record<TestUser['key'], { active: number; proposal: number }> = {
		planner: { active: 200, proposal: 403 },
		police: { active: 200, proposal: 403 },
		ministry: { active: 200, proposal: 200 },
		admin: { active: 403, proposal: 403 }
	};
	for (const [key, want] of Object.entries(expected) as [
		TestUser['key'],
		{ active: number; proposal: number }
	][]) {
		const api = await signedIn(baseURL!, USERS[key]);
		try {
			const got = {
				active: (await api.get(`/kameraer/${active.id}`, { maxRedirects: 0 })).status(),
				proposal: (await api.get(`/kameraer/${proposal.id}`, { maxRedirects: 0 })).status()
			};
			expect(got, key).toEqual(want);

			// The list shows the same: the active Aalborg camera to everyone who may list, the proposal not.
			const list = await api.get(`/kameraer?kommune=${OTHER_MUNICIPALITY}`, { maxRedirects: 0 });
			if (key === 'admin') {
				expect(list.status()).toBe(403);
				continue;
			}
			const body = await list.text();
			expect(body.includes(active.name), `${key} lists the active camera`).toBe(true);
			expect(body.includes(proposal.name), `${key} lists the proposal`).toBe(want.proposal === 200);
			// The history of another municipality's camera is not shown to planners and police.
			const detail = await (await api.get(`/kameraer/${active.id}`)).text();
			expect(detail.includes('data-testid="camera-history"'), `${key} sees the history`).toBe(
				key === 'ministry'
			);
		} finally {
			await api.dispose();
		}
	}
});

test('the register pages 25 at a time with the filters in the URL', async ({ page }) => {
	for (let i = 0; i < 26; i++) await createTestCamera(OWN_MUNICIPALITY, 'approved', `Paging ${i}`);
	await signInPage(page, USERS.ministry);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.ministry.name);
	await page.goto(`/kameraer?kommune=${OWN_MUNICIPALITY}&status=approved`);
	await expect(page.getByTestId('camera-table').locator('tbody tr')).toHaveCount(25);
	await expect(page.locator('select[name=status]')).toHaveValue('approved');
	await page.getByRole('link', { name: 'Næste' }).click();
	await expect(page).toHaveURL(/side=2/);
	await expect(page).toHaveURL(/status=approved/);
	await expect(page.getByTestId('camera-table').locator('tbody tr').first()).toBeVisible();
	const count = await page.getByTestId('camera-table').locator('tbody tr').count();
	expect(count).toBeGreaterThanOrEqual(1);
	expect(count).toBeLessThanOrEqual(25);
	for (const status of await page
		.getByTestId('camera-table')
		.locator('tbody tr')
		.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))))
		expect(status).toBe('approved');
});
