import { expect, test, type Page } from '@playwright/test';
import {
	AALBORG_SPOT,
	KØBENHAVN_SPOT,
	USERS,
	ensurePublicMapCameras,
	ensureTestUsers,
	signInPage,
	type PublicMapCameras
} from './support';

type MapHandle = {
	project(lngLat: [number, number]): { x: number; y: number };
	jumpTo(options: { center: [number, number]; zoom: number }): void;
	once(event: string, listener: () => void): void;
};

/** A Danish wall-clock date and time `days` from now, as a datetime-local input holds it. */
function danishLocal(days: number, time = '12:00'): string {
	const date = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen' }).format(
		new Date(Date.now() + days * 86_400_000)
	);
	return `${date}T${time}`;
}

async function clickAt(page: Page, lngLat: [number, number]) {
	await page.evaluate(
		(lngLat) =>
			new Promise<void>((resolve) => {
				const map = (window as unknown as { __tryghedskortMap: MapHandle }).__tryghedskortMap;
				map.once('moveend', () => resolve());
				map.jumpTo({ center: lngLat, zoom: 17 });
			}),
		lngLat
	);
	const point = await page.evaluate((lngLat) => {
		const map = (window as unknown as { __tryghedskortMap: MapHandle }).__tryghedskortMap;
		return map.project(lngLat);
	}, lngLat);
	const box = await page.getByTestId('map').boundingBox();
	await page.mouse.click(box!.x + point.x, box!.y + point.y);
}

let cameras: PublicMapCameras;

test.beforeAll(async () => {
	await ensureTestUsers();
	cameras = await ensurePublicMapCameras();
});

test('a police reviewer of Københavns Politi finds the camera that filmed a spot in København', async ({
	page
}) => {
	const tiles: { status: number; cacheControl: string | undefined }[] = [];
	page.on('response', (r) => {
		if (/\/tiles\/cameras\//.test(r.url()))
			tiles.push({ status: r.status(), cacheControl: r.headers()['cache-control'] });
	});
	await signInPage(page, USERS.police);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.police.name);
	await page.goto('/politi/optagelser');
	await expect(page.getByRole('heading', { name: 'Find optagelser' })).toBeVisible();
	await expect(page.getByTestId('map')).toHaveAttribute('data-loaded', 'true');

	await clickAt(page, KØBENHAVN_SPOT);
	const lon = Number(await page.getByLabel('Længdegrad').inputValue());
	const lat = Number(await page.getByLabel('Breddegrad').inputValue());
	expect(lon).toBeCloseTo(KØBENHAVN_SPOT[0], 4);
	expect(lat).toBeCloseTo(KØBENHAVN_SPOT[1], 4);
	const incident = danishLocal(-1, '22:15');
	await page.getByLabel('Tidspunkt', { exact: true }).fill(incident);
	await page.getByRole('button', { name: 'Søg' }).click();

	await expect(page).toHaveURL(/sog=1/);
	const results = page.getByTestId('footage-results');
	await expect(results).toContainText('Stedet ligger i København.');
	const hit = results.locator(`[data-testid="footage-hit"][data-camera-id="${cameras.active.id}"]`);
	await expect(hit).toContainText(cameras.active.name);
	await expect(hit).toContainText(`Drift af ${cameras.active.name}`);
	await expect(hit.getByRole('link', { name: 'tryghed@kk.example' })).toBeVisible();
	await expect(hit).toContainText('+45 33 66 33 66');
	await expect(hit.getByTestId('footage-density')).toHaveText('Identifikation (mindst 250 px/m)');
	const keptUntil = new Date(`${incident.slice(0, 10)}T12:00:00Z`);
	keptUntil.setUTCDate(keptUntil.getUTCDate() + 30);
	await expect(hit.getByTestId('footage-kept-until')).toContainText(keptUntil.toISOString().slice(0, 10));

	// The map drew the district's cameras from the scoped tiles, which no shared cache may keep.
	expect(tiles.length).toBeGreaterThan(0);
	expect(tiles.every((t) => t.status === 200 || t.status === 204 || t.status === 304)).toBe(true);
	expect(tiles.every((t) => t.cacheControl?.startsWith('private'))).toBe(true);
});

test('bad input is a 400 that names the field; a spot in another district is refused', async ({ page }) => {
	await signInPage(page, USERS.police);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.police.name);
	const [lon, lat] = KØBENHAVN_SPOT;
	const future = await page.goto(
		`/politi/optagelser?sog=1&where=point&lon=${lon}&lat=${lat}&when=at&at=${danishLocal(2)}`
	);
	expect(future?.status()).toBe(400);
	await expect(page.getByTestId('footage-error')).toHaveText('Tidspunkt: Må ikke ligge i fremtiden.');
	await page.getByRole('link', { name: 'Ret søgningen' }).click();
	await expect(page.getByLabel('Længdegrad')).toHaveValue(String(lon));
	await expect(page.getByTestId('footage-results')).toHaveCount(0);

	const reversed = await page.goto(
		`/politi/optagelser?sog=1&when=period&from=${danishLocal(-1)}&to=${danishLocal(-2)}&lon=${lon}&lat=${lat}`
	);
	expect(reversed?.status()).toBe(400);
	await expect(page.getByTestId('footage-error')).toHaveText(
		'Til: Periodens slutning må ikke ligge før dens start.'
	);

	const badPoint = await page.goto(`/politi/optagelser?sog=1&lon=1000&lat=${lat}&at=${danishLocal(-1)}`);
	expect(badPoint?.status()).toBe(400);
	await expect(page.getByTestId('footage-error')).toHaveText(
		'Længdegrad: Skal være et tal mellem -180 og 180.'
	);

	const [alon, alat] = AALBORG_SPOT;
	const aalborg = await page.goto(`/politi/optagelser?sog=1&lon=${alon}&lat=${alat}&at=${danishLocal(-1)}`);
	expect(aalborg?.status()).toBe(403);
	await expect(page.getByTestId('footage-error')).toHaveText(
		'Stedet ligger i Aalborg (Nordjyllands Politi). Du kan kun søge i Københavns Politi.'
	);
});

test('a planner is refused and the public is sent to sign in', async ({ page }) => {
	const anonymous = await page.request.get('/politi/optagelser', { maxRedirects: 0 });
	expect(anonymous.status()).toBe(303);
	expect(anonymous.headers()['location']).toMatch(/^\/login\?next=/);

	await signInPage(page, USERS.planner);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.planner.name);
	const response = await page.goto('/politi/optagelser');
	expect(response?.status()).toBe(403);
	await expect(page.getByTestId('footage-form')).toHaveCount(0);
});
