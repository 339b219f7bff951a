// Rule checks end to end: a planner drags a proposal on the planning map and the list of the rules
// in force follows it (far from the housing area, § 2 a fails and says by how much), a rule's
// evidence is drawn on the map when chosen, and after the police approve the proposal its page
// shows the evaluation recorded with the rule-set version. Planners elsewhere are refused the check.
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { sql } from 'kysely';
import { createDb } from '../../src/lib/server/db/connect';
import { USERS, ensureTestUsers, formHeaders, signInPage, signInRequest } from './support';

const SOURCE = 'e2e rule check';

function e2eDb() {
	return createDb(process.env.E2E_DATABASE_URL!, 1);
}

/** Where the proposal is placed (inside the test's housing area) and where it is dragged to (700 m away). */
let home: { lon: number; lat: number; x: number; y: number };
let away: { lon: number; lat: number };

test.beforeAll(async ({ baseURL }) => {
	test.setTimeout(240_000);
	await ensureTestUsers();
	const db = e2eDb();
	try {
		// The shipped rule sets are published on every start of the app (scripts/lib/prepare.ts).
		const sets = await sql<{ slug: string }>`SELECT slug FROM rule_sets ORDER BY slug`.execute(db);
		expect(sets.rows.map((r) => r.slug)).toEqual(
			expect.arrayContaining(['tv-overvaagning-2020-07', 'tv-overvaagning-2025-07'])
		);
		await sql`DELETE FROM reference_features WHERE source = ${SOURCE}`.execute(db);
		// A spot in København with no housing area within 1.5 km and room for a 700 m move inside
		// the municipality, found on a 250 m grid.
		const { rows } = await sql<{
			x: number;
			y: number;
			lon: number;
			lat: number;
			away_lon: number;
			away_lat: number;
		}>`
			WITH m AS (SELECT geom, ST_Buffer(geom, -100) AS inner_geom FROM municipalities WHERE code = 101),
			grid AS (
				SELECT ST_SetSRID(ST_MakePoint(x, y), 25832) AS p
				FROM m, generate_series(floor(ST_XMin(m.geom))::int, ceil(ST_XMax(m.geom))::int, 250) x,
					generate_series(floor(ST_YMin(m.geom))::int, ceil(ST_YMax(m.geom))::int, 250) y
			),
			candidates AS (
				SELECT g.p, d.q
				FROM grid g, m, LATERAL (
					SELECT ST_Translate(g.p, 700 * cos(radians(a)), 700 * sin(radians(a))) AS q
					FROM generate_series(0, 315, 45) a
				) d
				WHERE ST_Within(g.p, m.inner_geom) AND ST_Within(d.q, m.inner_geom)
					AND NOT EXISTS (
						SELECT 1 FROM reference_features f
						WHERE f.layer IN ('housing_area', 'housing_area_permit') AND ST_DWithin(f.geom, g.p, 1500)
					)
			)
			SELECT ST_X(p) AS x, ST_Y(p) AS y, ST_X(ST_Transform(p, 4326)) AS lon, ST_Y(ST_Transform(p, 4326)) AS lat,
				ST_X(ST_Transform(q, 4326)) AS away_lon, ST_Y(ST_Transform(q, 4326)) AS away_lat
			FROM candidates
			ORDER BY ST_X(p), ST_Y(p)
			LIMIT 1
		`.execute(db);
		expect(rows).toHaveLength(1);
		const r = rows[0];
		home = { lon: r.lon, lat: r.lat, x: r.x, y: r.y };
		away = { lon: r.away_lon, lat: r.away_lat };
		// The housing area: 200 m square around the spot.
		await sql`
			INSERT INTO reference_features (layer, name, source, source_ref, geom)
			VALUES ('housing_area', 'E2E Boligområdet', ${SOURCE}, 'home',
				ST_Multi(ST_MakeEnvelope(${r.x - 100}, ${r.y - 100}, ${r.x + 100}, ${r.y + 100}, 25832)))
		`.execute(db);
	} finally {
		await db.destroy();
	}
	// The first check of the day computes the national hotspot run the rules need: do it here.
	const api = await playwrightRequest.newContext({ baseURL });
	try {
		expect((await signInRequest(api, baseURL!, USERS.planner)).status()).toBe(303);
		const warm = await api.post('/api/cameras/check', {
			data: placement(home.x, home.y),
			headers: { origin: baseURL!, accept: 'application/json' },
			timeout: 200_000
		});
		expect(warm.status()).toBe(200);
	} finally {
		await api.dispose();
	}
});

test.afterAll(async () => {
	const db = e2eDb();
	try {
		await sql`DELETE FROM reference_features WHERE source = ${SOURCE}`.execute(db);
	} finally {
		await db.destroy();
	}
});

function placement(x: number, y: number) {
	return {
		x,
		y,
		kind: 'fixed',
		mountHeightM: 5,
		azimuthDeg: 0,
		tiltDeg: 15,
		hfovDeg: 80,
		resolutionPx: 1920,
		maxRangeM: 40,
		ownerType: 'municipality',
		legalBasis: '§ 2 a',
		operatorName: 'København Kommune',
		retentionDays: 30,
		signage: true
	};
}

type MapWindow = { __tryghedskortPlanningMap: import('maplibre-gl').Map };

/** Centres the map on `center`, in the part the legend (bottom left) leaves free. */
async function jumpTo(page: Page, center: [number, number], zoom: number) {
	await page.evaluate(
		([c, z]) =>
			(window as unknown as MapWindow).__tryghedskortPlanningMap.jumpTo({
				center: c,
				zoom: z,
				padding: { left: 280, top: 0, right: 0, bottom: 0 }
			}),
		[center, zoom] as const
	);
}

async function screenPoint(page: Page, lonLat: [number, number]): Promise<{ x: number; y: number }> {
	const box = (await page.getByTestId('planning-map').boundingBox())!;
	const p = await page.evaluate(
		(at) => (window as unknown as MapWindow).__tryghedskortPlanningMap.project(at),
		lonLat
	);
	return { x: box.x + p.x, y: box.y + p.y };
}

/** The features of the rule-evidence source, as MapLibre holds them. */
async function evidence(page: Page): Promise<{ type: string; shape: string; outcome: string }[]> {
	return page.evaluate(async () => {
		const map = (window as unknown as MapWindow).__tryghedskortPlanningMap;
		const data = (await (
			map.getSource('planning-evidence') as import('maplibre-gl').GeoJSONSource
		).getData()) as unknown as {
			features: { geometry: { type: string }; properties: { shape: string; outcome: string } }[];
		};
		return data.features.map((f) => ({ type: f.geometry.type, ...f.properties }));
	});
}

test('a planner drags a proposal away from the housing area and sees § 2 a fail, why, and where; the approval records it', async ({
	page,
	browser
}) => {
	const name = `Regeltjek ${crypto.randomUUID().slice(0, 6)}`;
	await signInPage(page, USERS.planner);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.planner.name);
	await page.goto('/kameraer/planlaeg');
	await page.locator('body[data-hydrated="true"]').waitFor();
	await expect(page.getByTestId('planning-map')).toHaveAttribute('data-loaded', 'true');
	const panel = page.getByTestId('rule-check-panel');
	await expect(panel).toHaveAttribute('data-state', 'idle');

	await jumpTo(page, [home.lon, home.lat], 17);
	const spot = await screenPoint(page, [home.lon, home.lat]);
	await page.mouse.click(spot.x, spot.y);
	await expect(page.getByTestId('handle-camera')).toBeVisible();
	// Without a legal basis there is nothing to check yet.
	await expect(panel).toHaveAttribute('data-state', 'input');
	await expect(panel).toContainText('Vælg lovgrundlag');
	await page.getByLabel('Lovgrundlag').selectOption('§ 2 a');

	const p2a = page.getByTestId('rule-check-p2a-near-housing-area');
	await expect(panel).toHaveAttribute('data-state', 'done');
	await expect(page.getByTestId('rule-set')).toHaveText('Tv-overvågningsloven fra 1. juli 2025, version 1');
	await expect(p2a).toHaveAttribute('data-outcome', 'pass');
	await expect(p2a).toContainText('Opfyldt');
	await expect(p2a).toContainText('tv-overvågningsloven § 2 a');
	await expect(page.getByTestId('rule-verdict')).toHaveAttribute('data-allowed', 'true');
	await expect(page.getByTestId('rule-verdict')).toHaveText(/Tilladt efter de gældende regler/);
	// Rules that do not concern a municipality's camera say so.
	await expect(page.getByTestId('rule-check-p4c-retention')).toHaveAttribute(
		'data-outcome',
		'not_applicable'
	);
	expect(await evidence(page)).toEqual([]);

	// Drag the camera 700 m away: the list follows, § 2 a now fails, and the verdict with it. (A
	// 120 m range keeps the other handles clear of the camera's at this zoom.)
	await page.locator('#field-maxRangeM').fill('120');
	await jumpTo(page, [(home.lon + away.lon) / 2, (home.lat + away.lat) / 2], 15);
	const handle = (await page.getByTestId('handle-camera').boundingBox())!;
	const from = { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 };
	const to = await screenPoint(page, [away.lon, away.lat]);
	await page.mouse.move(from.x, from.y);
	await page.mouse.down();
	await page.mouse.move(to.x, to.y, { steps: 12 });
	await page.mouse.up();
	await expect(p2a).toHaveAttribute('data-outcome', 'fail');
	await expect(p2a).toContainText('Ikke opfyldt');
	await expect(p2a.getByTestId('rule-explanation')).toHaveText(
		/^[\d.,]+ m² af synsfeltet ligger mere end 500 m fra Boligområder\.$/
	);
	await expect(page.getByTestId('rule-verdict')).toHaveAttribute('data-allowed', 'false');
	await expect(page.getByTestId('rule-verdict')).toContainText('Afvist: 1 regel er ikke opfyldt');

	// Choosing the rule draws its evidence: the view beyond the limit and the line to the area.
	await page.getByTestId('rule-evidence-p2a-near-housing-area').click();
	await expect(page.getByTestId('rule-evidence-p2a-near-housing-area')).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	await expect
		.poll(async () => (await evidence(page)).map((f) => `${f.shape} ${f.outcome}`))
		.toEqual(['area fail', 'line fail']);
	await expect(page.getByTestId('planning-legend')).toContainText('Grundlag for den valgte regel');
	// Pointing at another rule draws that one instead, until the pointer leaves it.
	await page.getByTestId('rule-check-signage').hover();
	await expect.poll(async () => (await evidence(page)).length).toBe(0);
	await page.getByTestId('rule-check-p2a-near-housing-area').hover();
	await expect.poll(async () => (await evidence(page)).length).toBe(2);

	// Save the proposal as it is; its page judges it by the rules in force.
	await page.getByLabel('Navn', { exact: true }).fill(name);
	await page.getByLabel('Formål').fill('Tryghed ved stationen');
	await page.getByRole('button', { name: 'Gem forslaget' }).click();
	await expect(page).toHaveURL(/\/kameraer\/[0-9a-f-]{36}$/);
	const cameraUrl = new URL(page.url()).pathname;
	await expect(page.getByTestId('camera-rules')).toContainText('Afvist: 1 regel er ikke opfyldt');
	await expect(
		page.getByTestId('camera-rules').getByTestId('rule-check-p2a-near-housing-area')
	).toHaveAttribute('data-outcome', 'fail');
	await expect(page.getByTestId('camera-evaluations-none')).toBeVisible();

	// The district's police approve it: the evaluation used is recorded with its version.
	const policePage = await browser.newPage();
	await signInPage(policePage, USERS.police);
	await expect(policePage.getByTestId('current-user')).toHaveText(USERS.police.name);
	await policePage.goto(cameraUrl);
	await policePage.locator('body[data-hydrated="true"]').waitFor();
	await policePage.getByRole('button', { name: 'Godkend' }).click();
	await expect(policePage.getByTestId('camera-done')).toHaveText('Status er nu: Godkendt.');
	const recorded = policePage.getByTestId('camera-evaluation');
	await expect(recorded).toHaveCount(1);
	await expect(recorded).toHaveAttribute('data-allowed', 'false');
	await expect(recorded).toContainText('Godkendt af politiet');
	await expect(recorded).toContainText('Afvist');
	await expect(recorded.getByTestId('camera-evaluation-version')).toHaveText(
		'Tv-overvågningsloven fra 1. juli 2025, version 1'
	);
	const evaluations = policePage.getByTestId('camera-evaluations');
	await evaluations.getByText('Reglerne (13)').click();
	await expect(evaluations.getByTestId('rule-check-p2a-near-housing-area')).toHaveAttribute(
		'data-outcome',
		'fail'
	);
	await expect(evaluations.getByTestId('rule-check-p2a-near-housing-area')).toContainText(
		'af synsfeltet ligger mere end 500 m fra Boligområder'
	);
	await policePage.close();

	// The planner sees the same record.
	await page.reload();
	await expect(page.getByTestId('camera-evaluation')).toHaveCount(1);
	await expect(page.getByTestId('camera-status')).toHaveText('Godkendt');
});

test('the rule check is refused outside the planner’s municipality and names bad fields', async ({
	baseURL
}) => {
	const planner = await playwrightRequest.newContext({ baseURL });
	const anonymous = await playwrightRequest.newContext({ baseURL });
	try {
		expect((await signInRequest(planner, baseURL!, USERS.planner)).status()).toBe(303);
		const headers = { origin: baseURL!, accept: 'application/json' };
		// Aalborg (851): not the planner's municipality.
		const db = e2eDb();
		let aalborg: { x: number; y: number };
		try {
			const { rows } = await sql<{ x: number; y: number }>`
				SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM municipalities WHERE code = 851
			`.execute(db);
			aalborg = rows[0];
		} finally {
			await db.destroy();
		}
		const elsewhere = await planner.post('/api/cameras/check', {
			data: placement(aalborg.x, aalborg.y),
			headers
		});
		expect(elsewhere.status()).toBe(403);
		expect(
			(await anonymous.post('/api/cameras/check', { data: placement(home.x, home.y), headers })).status()
		).toBe(401);
		const bad = await planner.post('/api/cameras/check', {
			data: { ...placement(home.x, home.y), retentionDays: 'thirty', legalBasis: '§ 99' },
			headers
		});
		expect(bad.status()).toBe(400);
		const body = await bad.json();
		expect(Object.keys(body.errors).sort()).toEqual(['legalBasis', 'retentionDays']);
		expect(body.message).toMatch(/^Ugyldige værdier til regelkontrollen: /);
		// A form post is no way around it either.
		const form = await planner.post('/api/cameras/check', {
			headers: formHeaders(baseURL!),
			form: { x: String(home.x) },
			maxRedirects: 0
		});
		expect(form.status()).toBe(400);
	} finally {
		await Promise.all([planner.dispose(), anonymous.dispose()]);
	}
});
