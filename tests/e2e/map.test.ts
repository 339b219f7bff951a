import { expect, test, type Page } from '@playwright/test';

type MapHandle = {
	queryRenderedFeatures(options: { layers: string[] }): { properties: Record<string, unknown> }[];
	project(lngLat: [number, number]): { x: number; y: number };
	loaded(): boolean;
	areTilesLoaded(): boolean;
};

async function waitForMap(page: Page) {
	await expect(page.getByTestId('map')).toHaveAttribute('data-loaded', 'true');
}

async function renderedUnits(page: Page, layer: string, property: string): Promise<number[]> {
	return page.evaluate(
		([layer, property]) => {
			const map = (window as unknown as { __tryghedskortMap: MapHandle }).__tryghedskortMap;
			const ids = map.queryRenderedFeatures({ layers: [layer] }).map((f) => Number(f.properties[property]));
			return [...new Set(ids)];
		},
		[layer, property]
	);
}

/** Clicks the map at a longitude/latitude. */
async function clickAt(page: Page, lngLat: [number, number]) {
	const point = await page.evaluate((lngLat) => {
		const map = (window as unknown as { __tryghedskortMap: MapHandle }).__tryghedskortMap;
		return map.project(lngLat);
	}, lngLat);
	const box = await page.getByTestId('map').boundingBox();
	await page.mouse.click(box!.x + point.x, box!.y + point.y);
}

// Interior points from geodata/municipalities.csv.
const AALBORG: [number, number] = [10.039, 57.109];
const ODENSE: [number, number] = [10.402, 55.39];

test('the map of Denmark loads and renders every municipality from vector tiles', async ({ page }) => {
	const tileResponses: number[] = [];
	page.on('response', (r) => {
		if (r.url().includes('/tiles/municipalities/')) tileResponses.push(r.status());
	});
	await page.goto('/');
	await waitForMap(page);
	await expect(page.getByTestId('demo-banner')).toBeVisible();
	await expect
		.poll(async () => (await renderedUnits(page, 'municipalities-fill', 'code')).length)
		.toBeGreaterThanOrEqual(95);
	expect(tileResponses.length).toBeGreaterThan(0);
	expect(tileResponses.every((s) => s === 200 || s === 204)).toBe(true);
});

test('clicking a municipality opens its panel and puts the selection in the URL', async ({ page }) => {
	await page.goto('/');
	await waitForMap(page);
	await expect
		.poll(async () => (await renderedUnits(page, 'municipalities-fill', 'code')).includes(851))
		.toBe(true);
	await clickAt(page, AALBORG);
	const panel = page.getByTestId('details-panel');
	await expect(panel.getByRole('heading', { name: 'Aalborg' })).toBeVisible();
	await expect(panel.getByTestId('municipality-code')).toHaveText('851');
	await expect(panel).toContainText('Nordjyllands Politi');
	await expect(panel).toContainText('Region Nordjylland');
	await expect(page).toHaveURL(/[?&]kommune=851\b/);

	// The URL can be shared: opening it shows the same selection.
	await page.goto('/?kommune=461');
	await expect(page.getByTestId('details-panel').getByRole('heading', { name: 'Odense' })).toBeVisible();
	await waitForMap(page);
	await clickAt(page, ODENSE);
	await expect(page).toHaveURL(/[?&]kommune=461\b/);
});

test('police districts can be switched on and selected', async ({ page }) => {
	await page.goto('/');
	await waitForMap(page);
	await page.getByRole('link', { name: 'Politikredse' }).click();
	await expect(page).toHaveURL(/lag=politikredse/);
	await expect
		.poll(async () => (await renderedUnits(page, 'police-districts-fill', 'number')).length)
		.toBe(12);
	await clickAt(page, AALBORG);
	await expect(
		page.getByTestId('details-panel').getByRole('heading', { name: 'Nordjyllands Politi' })
	).toBeVisible();
	await expect(page.getByTestId('details-panel')).toContainText('Hjørring');
});

test('an unknown code in the URL says so instead of failing', async ({ page }) => {
	await page.goto('/?kommune=999');
	await expect(page.getByTestId('details-panel')).toContainText('Ingen kommune');
});

test('English is available', async ({ page }) => {
	await page.goto('/?lang=en');
	await expect(page.getByRole('link', { name: 'Police districts' })).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('tile endpoint validates coordinates, caches and answers empty tiles cheaply', async ({ request }) => {
	const bad = await request.get('/tiles/municipalities/23/0/0.mvt');
	expect(bad.status()).toBe(400);
	expect((await bad.json()).message).toMatch(/z must be at most 22/);
	expect((await request.get('/tiles/municipalities/3/8/0.mvt')).status()).toBe(400);
	expect((await request.get('/tiles/municipalities/a/0/0.mvt')).status()).toBe(400);
	expect((await request.get('/tiles/nope/0/0/0.mvt')).status()).toBe(404);

	const tile = await request.get('/tiles/municipalities/6/33/20.mvt');
	expect(tile.status()).toBe(200);
	expect(tile.headers()['content-type']).toBe('application/vnd.mapbox-vector-tile');
	expect(tile.headers()['cache-control']).toContain('max-age');
	const etag = tile.headers()['etag'];
	expect(etag).toBeTruthy();
	expect((await tile.body()).length).toBeGreaterThan(100);
	const again = await request.get('/tiles/municipalities/6/33/20.mvt', {
		headers: { 'if-none-match': etag }
	});
	expect(again.status()).toBe(304);

	// Mid-Atlantic: outside every boundary.
	expect((await request.get('/tiles/municipalities/6/26/24.mvt')).status()).toBe(204);
});

test('health check reports the database and migrations', async ({ request }) => {
	const health = await request.get('/healthz');
	expect(health.status()).toBe(200);
	expect(await health.json()).toMatchObject({ ok: true, database: 'reachable', pendingMigrations: [] });
});
