// Safety surveys: a ministry reviewer uploads results and places through the import page; every
// reviewer reads the paged list; planners cannot import.
import { expect, test, type Page } from '@playwright/test';
import { USERS, ensureTestUsers, formHeaders, gotoHydrated, signInPage, signInRequest } from './support';

test.beforeAll(async () => {
	await ensureTestUsers();
});

async function upload(page: Page, kind: 'Resultater' | 'Steder', name: string, text: string) {
	await gotoHydrated(page, '/tryghed/import');
	await expect(page.getByRole('heading', { name: 'Importér tryghedsundersøgelse' })).toBeVisible();
	await page
		.getByLabel(kind === 'Resultater' ? 'Resultater (andele utrygge)' : 'Steder nævnt som utrygge')
		.check();
	await page.locator('input[type="file"][name="file"]').setInputFiles({
		name,
		mimeType: name.endsWith('.csv') ? 'text/csv' : 'application/geo+json',
		buffer: Buffer.from(text)
	});
	await page.getByRole('button', { name: 'Importér', exact: true }).click();
}

test('a ministry reviewer imports survey results and unsafe places, then finds them in the list', async ({
	page
}) => {
	const survey = `E2E-undersøgelse ${crypto.randomUUID().slice(0, 6)}`;
	await signInPage(page, USERS.ministry);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.ministry.name);

	await upload(
		page,
		'Resultater',
		'resultater.csv',
		'survey;source;periodFrom;periodTo;kommunekode;politikreds;unsafeShare;respondents\n' +
			`${survey};Justitsministeriet;2025;2025;101;;"23,5 %";1.234\n` +
			`${survey};Justitsministeriet;2025;2025;851;;12;800\n` +
			`${survey};Justitsministeriet;2025;2025;;11;19,5;4000\n`
	);
	await expect(page.getByTestId('import-count')).toHaveText('Importerede 3 rækker (3 nye, 0 opdaterede).');
	await expect(page.getByTestId('import-done')).toContainText(`${survey}, 2025-01-01 – 2025-12-31: 3 rækker`);

	await upload(
		page,
		'Steder',
		'steder.csv',
		`name,description,survey,periodFrom,periodTo,mentions,lon,lat\nE2E Torvet,Mørkt,${survey},2025,2025,7,10.039,57.109\n`
	);
	await expect(page.getByTestId('import-count')).toHaveText('Importerede 1 rækker (1 nye, 0 opdaterede).');

	await page.getByRole('link', { name: 'Se undersøgelserne' }).click();
	await expect(page.getByTestId('survey-list')).toBeVisible();
	await page.getByLabel('Undersøgelse').selectOption(survey);
	await page.getByRole('button', { name: 'Vis' }).click();
	await expect(page).toHaveURL(/undersoegelse=/);
	const results = page.getByTestId('survey-results');
	await expect(results.locator('tbody tr')).toHaveCount(3);
	await expect(results.locator('tr[data-kind="police_district"]')).toContainText('Københavns Politi');
	await expect(results.locator('tr[data-kind="police_district"]')).toContainText('19,5 %');
	await expect(results).toContainText('23,5 %');
	await expect(results).toContainText('1.234');
	await expect(page.getByTestId('survey-places')).toContainText('E2E Torvet');
	await expect(page.getByTestId('survey-places')).toContainText('Aalborg');
});

test('a bad file imports nothing and lists each bad row and field', async ({ page }) => {
	const survey = `E2E-fejl ${crypto.randomUUID().slice(0, 6)}`;
	await signInPage(page, USERS.ministry);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.ministry.name);
	await upload(
		page,
		'Resultater',
		'forkert.csv',
		'survey,periodFrom,periodTo,municipalityCode,unsafeShare,respondents\n' +
			`${survey},2025,2025,101,0.2,500\n` +
			`${survey},2025,2025,999,0.2,500\n` +
			`${survey},2025,2025,147,1.7,0\n`
	);
	const report = page.getByTestId('import-report');
	await expect(report).toContainText('Intet blev importeret: 2 af 3 rækker har fejl (3 i alt).');
	await expect(report.locator('tr[data-row="3"][data-field="municipalityCode"]')).toContainText(
		'Ingen kommune har koden 999.'
	);
	await expect(report.locator('tr[data-row="4"][data-field="unsafeShare"]')).toContainText(
		'En andel skal ligge mellem 0 og 1'
	);
	await expect(report.locator('tr[data-row="4"][data-field="respondents"]')).toContainText(
		'Skal være et helt tal over 0.'
	);
	await page.goto('/tryghed');
	await expect(page.getByTestId('survey-list')).toBeVisible();
	await expect(page.locator('select[name="undersoegelse"] option', { hasText: survey })).toHaveCount(0);
});

test('a planner reads the surveys but gets 403 on the import, page and form action', async ({
	page,
	request,
	baseURL
}) => {
	const signIn = await signInRequest(request, baseURL!, USERS.planner);
	expect(signIn.status()).toBe(303);
	const form = await request.get('/tryghed/import', { maxRedirects: 0 });
	expect(form.status()).toBe(403);
	const post = await request.post('/tryghed/import', {
		headers: { origin: baseURL!, accept: 'text/html' },
		multipart: {
			kind: 'results',
			file: {
				name: 'x.csv',
				mimeType: 'text/csv',
				buffer: Buffer.from(
					'survey,periodFrom,periodTo,municipalityCode,unsafeShare,respondents\nX,2025,2025,101,0.2,5\n'
				)
			}
		},
		maxRedirects: 0
	});
	expect(post.status()).toBe(403);
	expect((await request.get('/tryghed', { maxRedirects: 0 })).status()).toBe(200);

	await signInPage(page, USERS.planner);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.planner.name);
	await page.goto('/tryghed');
	await expect(page.getByTestId('survey-list')).toBeVisible();
	await expect(page.getByRole('link', { name: 'Importér undersøgelse' })).toHaveCount(0);
	// The form action refuses, whatever the form looks like (SvelteKit's Origin check passes).
	const refused = await page.request.post('/tryghed/import', {
		headers: { ...formHeaders(baseURL!), 'content-type': 'application/x-www-form-urlencoded' },
		form: { kind: 'results' },
		maxRedirects: 0
	});
	expect(refused.status()).toBe(403);
});

test('the list shows the synthetic demo results 25 at a time', async ({ page }) => {
	await signInPage(page, USERS.police);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.police.name);
	await gotoHydrated(page, '/tryghed');
	const rows = page.getByTestId('survey-results').locator('tbody tr');
	await expect(rows).toHaveCount(25);
	const count = page.getByTestId('survey-count');
	await expect(count).toHaveText(/^1–25 af \d+$/);
	const total = Number((await count.textContent())!.split(' af ')[1]);
	// Every municipality and police district for two periods, and four drawn areas.
	expect(total).toBeGreaterThanOrEqual(98 * 2 + 12 * 2 + 4 * 2);
	await expect(page.getByText('Rækker mærket »Syntetisk« er opdigtede demodata')).toBeVisible();

	await page.getByRole('link', { name: 'Næste' }).first().click();
	await expect(page).toHaveURL(/side=2/);
	await expect(count).toHaveText(`26–50 af ${total}`);
	await expect(rows).toHaveCount(25);

	await page.getByLabel('Områdetype').selectOption('area');
	await page.getByRole('button', { name: 'Vis' }).click();
	await expect(page).toHaveURL(/type=area/);
	await expect(rows.first()).toContainText('(demo)');
	await expect(rows.first()).toContainText('Syntetisk');
	await expect(rows.first()).toContainText('Tegnet område');
});
