// Planning on the map: a planner places a proposed camera, turns it, sees at once what it would
// see and then what a building hides, and saves it into the register; police may not plan.
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { sql } from 'kysely';
import { createDb } from '../../src/lib/server/db/connect';
import { USERS, ensureTestUsers, signInPage, signInRequest } from './support';

/** Rådhuspladsen, København (lon, lat). */
const RÅDHUSPLADSEN: [number, number] = [12.5683, 55.6761];
const WALL_SOURCE = 'e2e planning test';

function e2eDb() {
	return createDb(process.env.E2E_DATABASE_URL!, 1);
}

/**
 * Where the planner puts the camera: the point of København nearest Rådhuspladsen that lies at
 * least 30 m inside the municipality (Rådhuspladsen itself with DAGI boundaries; the demo
 * boundaries' coarse coast leaves the square in the sea), and the same 4 m further west.
 */
let place: [number, number];
let placeWest: [number, number];
let placeUtm: [number, number];

test.beforeAll(async () => {
	await ensureTestUsers();
	const db = e2eDb();
	try {
		const { rows } = await sql<{
			x: number;
			y: number;
			lon: number;
			lat: number;
			west_lon: number;
			west_lat: number;
		}>`
			WITH spot AS (
				SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${RÅDHUSPLADSEN[0]}::float8, ${RÅDHUSPLADSEN[1]}::float8), 4326), 25832) AS p
			), inside AS (
				SELECT ST_ClosestPoint(ST_Buffer(m.geom, -30), spot.p) AS p FROM municipalities m, spot WHERE m.code = 101
			)
			SELECT ST_X(p) AS x, ST_Y(p) AS y, ST_X(ST_Transform(p, 4326)) AS lon, ST_Y(ST_Transform(p, 4326)) AS lat,
				ST_X(ST_Transform(ST_Translate(p, -4, 0), 4326)) AS west_lon,
				ST_Y(ST_Transform(ST_Translate(p, -4, 0), 4326)) AS west_lat
			FROM inside
		`.execute(db);
		place = [rows[0].lon, rows[0].lat];
		placeWest = [rows[0].west_lon, rows[0].west_lat];
		placeUtm = [rows[0].x, rows[0].y];
		// A wall 12–20 m east of the place, 12 m wide: it hides part of a camera looking east.
		await sql`DELETE FROM buildings WHERE source = ${WALL_SOURCE}`.execute(db);
		await sql`
			INSERT INTO buildings (source, source_ref, geom)
			SELECT ${WALL_SOURCE}, 'wall', ST_Multi(ST_MakeEnvelope(ST_X(p) + 12, ST_Y(p) - 6, ST_X(p) + 20, ST_Y(p) + 6, 25832))
			FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${place[0]}::float8, ${place[1]}::float8), 4326), 25832) AS p) s
		`.execute(db);
	} finally {
		await db.destroy();
	}
});

test.afterAll(async () => {
	const db = e2eDb();
	try {
		await sql`DELETE FROM buildings WHERE source = ${WALL_SOURCE}`.execute(db);
	} finally {
		await db.destroy();
	}
});

interface SourceData {
	features: { properties: { part: string; level_id?: string } }[];
}

/** The data of one of the planning map's GeoJSON sources, as MapLibre holds it. */
async function sourceData(page: Page, source: 'planning-live' | 'planning-server'): Promise<SourceData> {
	return page.evaluate(async (id) => {
		const map = (window as unknown as { __tryghedskortPlanningMap: import('maplibre-gl').Map })
			.__tryghedskortPlanningMap;
		const data = await (map.getSource(id) as import('maplibre-gl').GeoJSONSource).getData();
		return JSON.parse(JSON.stringify(data));
	}, source);
}

/** Page coordinates of a lon/lat on the planning map. */
async function screenPoint(page: Page, lonLat: [number, number]): Promise<{ x: number; y: number }> {
	const box = (await page.getByTestId('planning-map').boundingBox())!;
	const p = await page.evaluate((at) => {
		const map = (window as unknown as { __tryghedskortPlanningMap: import('maplibre-gl').Map })
			.__tryghedskortPlanningMap;
		const { x, y } = map.project(at);
		return { x, y };
	}, lonLat);
	return { x: box.x + p.x, y: box.y + p.y };
}

async function cameraNamed(name: string) {
	const db = e2eDb();
	try {
		const { rows } = await sql<{
			id: string;
			municipality_code: number;
			azimuth_deg: number;
			status: string;
			off_m: number;
			behind_wall_seen: boolean;
			before_wall_seen: boolean;
		}>`
			WITH spot AS (
				SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${placeWest[0]}::float8, ${placeWest[1]}::float8), 4326), 25832) AS p
			)
			SELECT c.id, c.municipality_code, c.azimuth_deg, c.status, ST_Distance(c.geom, spot.p) AS off_m,
				ST_Covers(v.view, ST_Translate(c.geom, 35, 0)) AS behind_wall_seen,
				ST_Covers(v.view, ST_Translate(c.geom, 10, 0)) AS before_wall_seen
			FROM cameras c CROSS JOIN spot LEFT JOIN camera_views v ON v.camera_id = c.id
			WHERE c.name = ${name}
		`.execute(db);
		return rows;
	} finally {
		await db.destroy();
	}
}

/** The position the side panel shows is `at`, to 20 cm (about a pixel at zoom 18). */
async function expectPositionAt(page: Page, at: [number, number]) {
	await expect
		.poll(async () => {
			const text = await page.getByTestId('planning-position-at').innerText();
			const [lat, lon] = (text.match(/\d+\.\d+/g) ?? []).map(Number);
			return Math.max(Math.abs(lat - at[1]) * 111_000, Math.abs(lon - at[0]) * 63_000);
		})
		.toBeLessThan(0.2);
}

async function drag(page: Page, testId: string, to: { x: number; y: number }) {
	const box = (await page.getByTestId(testId).boundingBox())!;
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	await page.mouse.down();
	await page.mouse.move(to.x, to.y, { steps: 8 });
	await page.mouse.up();
}

test('a planner places a camera near Rådhuspladsen, aims it, sees what a building hides and saves it', async ({
	page
}) => {
	const name = `Rådhuspladsen øst ${crypto.randomUUID().slice(0, 6)}`;
	await signInPage(page, USERS.planner);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.planner.name);
	await page.goto('/kameraer');
	await page.getByRole('link', { name: 'Planlæg kamera' }).click();
	await expect(page.getByTestId('camera-planning')).toBeVisible();
	await expect(page.getByTestId('planning-map')).toHaveAttribute('data-loaded', 'true');
	await expect(page.getByTestId('planning-legend')).toContainText('Skjult af bygninger');
	await expect(page.getByTestId('server-check')).toHaveAttribute('data-state', 'idle');

	// The map opens on København; zoom in on the place and click it.
	await page.evaluate((center) => {
		const map = (window as unknown as { __tryghedskortPlanningMap: import('maplibre-gl').Map })
			.__tryghedskortPlanningMap;
		map.jumpTo({ center, zoom: 18 });
	}, place);
	const spot = await screenPoint(page, place);
	await page.mouse.click(spot.x, spot.y);
	await expect(page.getByTestId('handle-camera')).toBeVisible();
	await expectPositionAt(page, place);

	const north = await sourceData(page, 'planning-live');
	expect(north.features.map((f) => f.properties.part)).toContain('view');
	expect(north.features.filter((f) => f.properties.part === 'band').length).toBeGreaterThan(0);

	// Drag the aim handle round to the south: the camera turns, and the live cone with it. (Azimuths
	// are taken from grid north of EPSG:25832, about 3° from true north in København, so due south
	// on the map reads about 177°.)
	await drag(page, 'handle-aim', { x: spot.x, y: spot.y + 80 });
	await expect
		.poll(async () => Number(await page.locator('#field-azimuthDeg').inputValue()))
		.toBeGreaterThan(170);
	expect(Number(await page.locator('#field-azimuthDeg').inputValue())).toBeLessThan(190);
	const south = await sourceData(page, 'planning-live');
	expect(south).not.toEqual(north);

	// Then type the direction: east, towards the wall; and move the camera 4 m west by dragging it.
	await page.locator('#field-azimuthDeg').fill('90');
	await expect
		.poll(async () => JSON.stringify(await sourceData(page, 'planning-live')))
		.not.toBe(JSON.stringify(south));
	await drag(page, 'handle-camera', await screenPoint(page, placeWest));
	await expectPositionAt(page, placeWest);

	// The server check draws the view the building leaves, and what it hides.
	const check = page.getByTestId('server-check');
	await expect(check).toHaveAttribute('data-state', 'done');
	await expect(check).toContainText(/bygninger skjuler [\d,]+ % af synsfeltet/);
	const server = await sourceData(page, 'planning-server');
	const parts = server.features.map((f) => f.properties.part);
	expect(parts).toContain('hidden');
	expect(parts).toContain('view');
	expect(parts).toContain('band');
	await expect(page.getByTestId('planning-municipality')).toHaveText('Ligger i København.');

	// The register fields; a retention the law does not allow is refused next to its field.
	await page.getByLabel('Navn', { exact: true }).fill(name);
	await page.getByLabel('Formål').fill('Tryghed på Rådhuspladsen om natten');
	await page.getByLabel('Lovgrundlag').selectOption('§ 2 a');
	await page.getByLabel('Kontakt-e-mail').fill('tryghed@kk.dk');
	await page.getByLabel('Opbevaring (dage)').fill('5000');
	await page.getByRole('button', { name: 'Gem forslaget' }).click();
	await expect(page.getByTestId('error-retentionDays')).toHaveText('Skal være mellem 0 og 3650.');
	await expect(page).toHaveURL(/\/kameraer\/planlaeg$/);
	expect(await cameraNamed(name)).toEqual([]);
	// The proposal is still there, as placed and aimed.
	await expect(page.getByTestId('handle-camera')).toBeVisible();
	await expect(page.locator('#field-azimuthDeg')).toHaveValue('90');

	await page.getByLabel('Opbevaring (dage)').fill('30');
	await page.getByRole('button', { name: 'Gem forslaget' }).click();
	await expect(page).toHaveURL(/\/kameraer\/[0-9a-f-]{36}$/);
	await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
	await expect(page.getByTestId('camera-status')).toHaveText('Foreslået');
	await expect(page.getByTestId('camera-municipality')).toHaveText('København');
	await expect(page.getByTestId('camera-view-area')).toContainText('m²');

	// Stored where it was dragged, as aimed, with the view the server drew: nothing behind the wall.
	const [saved] = await cameraNamed(name);
	expect(page.url()).toContain(saved.id);
	expect(saved).toMatchObject({
		municipality_code: 101,
		azimuth_deg: 90,
		status: 'proposed',
		before_wall_seen: true,
		behind_wall_seen: false
	});
	expect(saved.off_m).toBeLessThan(1);
});

test('the planning map shows nothing to police reviewers, and its server check refuses them', async ({
	browser,
	baseURL
}) => {
	const page = await browser.newPage();
	await signInPage(page, USERS.police);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.police.name);
	const response = await page.goto('/kameraer/planlaeg');
	expect(response?.status()).toBe(403);
	await expect(page.getByTestId('camera-planning')).toHaveCount(0);
	await page.goto('/kameraer');
	await expect(page.getByTestId('camera-register')).toBeVisible();
	await expect(page.getByRole('link', { name: 'Planlæg kamera' })).toHaveCount(0);
	await page.close();

	const body = {
		x: placeUtm[0],
		y: placeUtm[1],
		kind: 'fixed',
		mountHeightM: 5,
		azimuthDeg: 90,
		tiltDeg: 15,
		hfovDeg: 80,
		resolutionPx: 1920,
		maxRangeM: 40,
		levelTable: 'en62676-4-2015'
	};
	const anonymous = await playwrightRequest.newContext({ baseURL });
	expect((await anonymous.post('/api/cameras/preview', { data: body })).status()).toBe(401);
	const police = await playwrightRequest.newContext({ baseURL });
	expect((await signInRequest(police, baseURL!, USERS.police)).status()).toBe(303);
	expect((await police.post('/api/cameras/preview', { data: body })).status()).toBe(403);
	const planner = await playwrightRequest.newContext({ baseURL });
	expect((await signInRequest(planner, baseURL!, USERS.planner)).status()).toBe(303);
	const ok = await planner.post('/api/cameras/preview', { data: body });
	expect(ok.status()).toBe(200);
	expect(await ok.json()).toMatchObject({
		view: { type: 'MultiPolygon' },
		municipality: { code: 101, allowed: true }
	});
	const bad = await planner.post('/api/cameras/preview', { data: { ...body, maxRangeM: 5000 } });
	expect(bad.status()).toBe(400);
	expect((await bad.json()).errors).toHaveProperty('maxRangeM');
	await Promise.all([anonymous.dispose(), police.dispose(), planner.dispose()]);
});
