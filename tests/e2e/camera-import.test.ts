// Importing cameras through the upload page: a planner's good file goes in whole, a bad one
// not at all, with every bad row and field listed.
import { expect, test, type Page } from '@playwright/test';
import {
	OWN_MUNICIPALITY,
	USERS,
	cameraForm,
	cameraImportCsv,
	ensureTestUsers,
	pointIn,
	signInPage,
	gotoHydrated
} from './support';

test.beforeAll(async () => {
	await ensureTestUsers();
});

async function upload(page: Page, name: string, csv: string) {
	await gotoHydrated(page, '/kameraer/import');
	await expect(page.getByRole('heading', { name: 'Importér kameraer' })).toBeVisible();
	// The size limit is stated before anything is uploaded.
	await expect(page.getByText(/Højst \d[\d,]* (KB|MB)\./)).toBeVisible();
	await page.getByLabel('Fil (CSV eller GeoJSON)').setInputFiles({
		name,
		mimeType: 'text/csv',
		buffer: Buffer.from(csv)
	});
	await page.getByRole('button', { name: 'Importér' }).click();
}

test('a planner imports a small CSV and sees how many cameras went in', async ({ page }) => {
	const at = await pointIn(OWN_MUNICIPALITY);
	const tag = crypto.randomUUID().slice(0, 6);
	const csv = cameraImportCsv([
		cameraForm({ name: `Import ${tag} A`, lon: String(at.lon), lat: String(at.lat) }),
		cameraForm({ name: `Import ${tag} B`, lon: String(at.lon + 0.0005), lat: String(at.lat), kind: 'dome' })
	]);
	await signInPage(page, USERS.planner);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.planner.name);
	await upload(page, 'kameraer.csv', csv);

	await expect(page.getByTestId('import-count')).toHaveText('2 kameraer er importeret.');
	await expect(page.getByTestId('import-done')).toContainText('København: 2');
	await page.getByRole('link', { name: 'Se kameraerne i registeret' }).click();
	await expect(page.getByTestId('camera-table')).toContainText(`Import ${tag} A`);
	await expect(page.getByTestId('camera-table')).toContainText(`Import ${tag} B`);
});

test('a planner uploads a bad CSV: nothing is imported and each bad row is listed', async ({ page }) => {
	const at = await pointIn(OWN_MUNICIPALITY);
	const tag = crypto.randomUUID().slice(0, 6);
	const position = { lon: String(at.lon), lat: String(at.lat) };
	const csv = cameraImportCsv([
		cameraForm({ name: `Bad import ${tag} ok`, ...position }),
		cameraForm({ name: `Bad import ${tag} no operator`, ...position, operatorName: '' }),
		cameraForm({ name: `Bad import ${tag} retention`, ...position, retentionDays: '5000' }),
		cameraForm({ name: `Bad import ${tag} Aalborg`, lon: '10.039', lat: '57.109' })
	]);
	await signInPage(page, USERS.planner);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.planner.name);
	await upload(page, 'forkert.csv', csv);

	const report = page.getByTestId('import-report');
	await expect(report).toContainText('Intet er importeret: 3 af 4 rækker har fejl');
	await expect(report.locator('tr[data-row="3"][data-field="operatorName"]')).toContainText('Skal udfyldes.');
	await expect(report.locator('tr[data-row="4"][data-field="retentionDays"]')).toContainText(
		'Skal være mellem 0 og 3650.'
	);
	await expect(report.locator('tr[data-row="5"]')).toContainText('Aalborg');

	await page.goto(`/kameraer?kommune=${OWN_MUNICIPALITY}`);
	await expect(page.getByTestId('camera-register')).toBeVisible();
	await expect(page.getByText(`Bad import ${tag} ok`)).toHaveCount(0);
});

test('the export downloads what the planner may read, with the import’s columns', async ({ page }) => {
	await signInPage(page, USERS.planner);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.planner.name);
	await gotoHydrated(page, '/kameraer/import');
	const download = page.waitForEvent('download');
	await page.getByTestId('export-csv').click();
	const file = await download;
	expect(file.suggestedFilename()).toBe('kameraer.csv');
	const text = await (await import('node:fs/promises')).readFile((await file.path())!, 'utf8');
	expect(text.split('\r\n')[0]).toContain('id,name,status,lon,lat,kind,mountHeightM');
});
