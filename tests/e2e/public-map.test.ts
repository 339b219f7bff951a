import { expect, test, type Page } from '@playwright/test';
import { KØBENHAVN_SPOT, ensurePublicMapCameras, type PublicMapCameras } from './support';

type MapHandle = {
	queryRenderedFeatures(options: { layers: string[] }): { properties: Record<string, unknown> }[];
	project(lngLat: [number, number]): { x: number; y: number };
	getZoom(): number;
};

async function waitForMap(page: Page) {
	await expect(page.getByTestId('map')).toHaveAttribute('data-loaded', 'true');
}

/** Camera ids drawn in a layer of the map right now. */
async function rendered(page: Page, layer: string, property: string): Promise<string[]> {
	return page.evaluate(
		([layer, property]) => {
			const map = (window as unknown as { __tryghedskortMap: MapHandle }).__tryghedskortMap;
			return [
				...new Set(map.queryRenderedFeatures({ layers: [layer] }).map((f) => String(f.properties[property])))
			];
		},
		[layer, property]
	);
}

async function clickAt(page: Page, lngLat: [number, number]) {
	const point = await page.evaluate((lngLat) => {
		const map = (window as unknown as { __tryghedskortMap: MapHandle }).__tryghedskortMap;
		return map.project(lngLat);
	}, lngLat);
	const box = await page.getByTestId('map').boundingBox();
	await page.mouse.click(box!.x + point.x, box!.y + point.y);
}

let cameras: PublicMapCameras;

test.beforeAll(async () => {
	cameras = await ensurePublicMapCameras();
});

test('anyone sees active public-space cameras with owner, purpose, retention and contact', async ({
	page
}) => {
	await page.goto('/');
	await page.getByRole('link', { name: 'Offentligt kort' }).click();
	await expect(page).toHaveURL(/\/offentlig$/);
	await expect(page.getByRole('heading', { name: 'Tv-overvågning af offentlige steder' })).toBeVisible();

	const list = page.getByTestId('public-cameras');
	await page.getByLabel('Kommune').selectOption('101');
	await page.getByRole('button', { name: 'Vis' }).click();
	await expect(page).toHaveURL(/kommune=101/);
	await expect(list.getByRole('link', { name: cameras.active.name })).toBeVisible();

	await page.goto('/offentlig?kommune=147');
	await expect(page.getByTestId('public-count')).toBeVisible();
	await expect(page.getByText(cameras.private.name)).toHaveCount(0);
	await expect(page.getByText(cameras.proposed.name)).toHaveCount(0);

	await page.goto('/offentlig?kommune=101');
	await waitForMap(page);
	await list.getByRole('link', { name: cameras.active.name }).click();
	await expect(page).toHaveURL(new RegExp(`kamera=${cameras.active.id}`));
	const panel = page.getByTestId('public-camera');
	await expect(panel.getByRole('heading', { name: cameras.active.name })).toBeVisible();
	await expect(panel.getByTestId('camera-operator')).toHaveText(`Drift af ${cameras.active.name}`);
	await expect(panel).toContainText('Tryghed på pladsen');
	await expect(panel).toContainText('30 dage');
	await expect(panel.getByRole('link', { name: 'tryghed@kk.example' })).toHaveAttribute(
		'href',
		'mailto:tryghed@kk.example'
	);

	// The map has moved to the camera: its point and its view are drawn from the public tiles.
	await expect.poll(() => rendered(page, 'public-cameras-circle', 'id')).toContain(cameras.active.id);
	await expect
		.poll(() => rendered(page, 'public-camera-views-fill', 'camera_id'))
		.toContain(cameras.active.id);

	// Closing the panel keeps the map where it is; clicking the camera on the map opens it again.
	await panel.getByRole('link', { name: 'Luk' }).click();
	await expect(panel).toHaveCount(0);
	const [lon, lat] = KØBENHAVN_SPOT;
	const metresPerDegree = 111_320 * Math.cos((lat * Math.PI) / 180);
	await clickAt(page, [lon + 5 / metresPerDegree, lat]);
	await expect(page).toHaveURL(new RegExp(`kamera=${cameras.active.id}`));
	await expect(panel.getByRole('heading', { name: cameras.active.name })).toBeVisible();
});

test('private and inactive cameras cannot be opened by link', async ({ page }) => {
	for (const camera of [cameras.private, cameras.proposed]) {
		await page.goto(`/offentlig?kamera=${camera.id}`);
		await expect(page.getByText('Kameraet findes ikke på det offentlige kort.')).toBeVisible();
		await expect(page.getByTestId('public-camera')).toHaveCount(0);
	}
});

test('the register downloads as GeoJSON and CSV with the same public cameras', async ({ request }) => {
	const geojson = await request.get('/offentlig/kameraer.geojson');
	expect(geojson.status()).toBe(200);
	expect(geojson.headers()['content-type']).toContain('application/geo+json');
	expect(geojson.headers()['content-disposition']).toContain('kameraer.geojson');
	const collection = (await geojson.json()) as {
		features: { id: string; geometry: { coordinates: number[] }; properties: Record<string, unknown> }[];
	};
	const ids = collection.features.map((f) => f.id);
	expect(ids).toContain(cameras.active.id);
	expect(ids).not.toContain(cameras.private.id);
	expect(ids).not.toContain(cameras.proposed.id);
	const active = collection.features.find((f) => f.id === cameras.active.id)!;
	expect(active.properties.operator_name).toBe(`Drift af ${cameras.active.name}`);
	expect(active.geometry.coordinates[0]).toBeCloseTo(KØBENHAVN_SPOT[0], 3);
	expect(active.geometry.coordinates[1]).toBeCloseTo(KØBENHAVN_SPOT[1], 3);
	for (const f of collection.features) expect(f.properties.owner_type).not.toBe('private');

	const csv = await request.get('/offentlig/kameraer.csv');
	expect(csv.status()).toBe(200);
	expect(csv.headers()['content-type']).toContain('text/csv');
	const lines = (await csv.text())
		.replace(/^\uFEFF/, '')
		.trimEnd()
		.split('\r\n');
	expect(lines[0].split(',').slice(0, 2)).toEqual(['id', 'name']);
	// Ids are UUIDs and come first, so a line's id needs no CSV parser.
	expect(
		lines
			.slice(1)
			.map((l) => l.slice(0, 36))
			.sort()
	).toEqual([...ids].sort());
});
