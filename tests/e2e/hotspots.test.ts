// The hotspot map: a police reviewer sees the significant hotspots of a period and categories,
// with the method stated, changes them and the tiles of the new analysis are fetched, and clicks
// a hot cell for its count, z-score and bin; a planner only has their municipality; admins and
// the public are kept out.
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { sql } from 'kysely';
import { createDb } from '../../src/lib/server/db/connect';
import { danishToday } from '../../src/lib/dates';
import { defaultPeriod, shiftMonths } from '../../src/lib/map/hotspot-state';
import { USERS, ensureTestUsers, gotoHydrated, signInPage, signInRequest } from './support';

const SOURCE = 'e2e hotspot fixture';

/** YYYY-MM-DD of today minus `days` days, in Denmark. */
const daysAgo = (days: number) => danishToday(new Date(Date.now() - days * 86_400_000));

/** d.m.yyyy, as the Danish legend writes a date. */
const danishDate = (iso: string) => {
	const [y, m, d] = iso.split('-').map(Number);
	return `${d}.${m}.${y}`;
};

/**
 * Synthetic incidents in København (101), in the last 90 days: a dense cluster of violence and
 * theft within 120 m of a point well inside the municipality, over a thin scatter of burglaries.
 * Inserted once (by source reference), so a retry finds them and the cached analyses stay valid.
 */
test.beforeAll(async () => {
	await ensureTestUsers();
	const db = createDb(process.env.E2E_DATABASE_URL!, 1);
	try {
		await sql`
			WITH area AS (SELECT geom, ST_PointOnSurface(ST_Buffer(geom, -800)) AS centre FROM municipalities WHERE code = 101),
			rows AS (
				SELECT 'c' || g AS ref, CASE WHEN g % 3 = 0 THEN 'theft' ELSE 'violence' END AS category,
					ST_Translate(area.centre, 120 * sqrt((g % 97) / 97.0) * cos(g * 2.399), 120 * sqrt((g % 97) / 97.0) * sin(g * 2.399)) AS geom,
					g
				FROM area, generate_series(1, 450) g
				UNION ALL
				SELECT 'b' || d.path[1], 'burglary', d.geom, d.path[1]
				FROM area, ST_Dump(ST_GeneratePoints(area.geom, 150, 7)) d
			)
			INSERT INTO incidents (source_ref, source, category, occurred_at, geom, municipality_code, is_synthetic)
			SELECT 'e2e-hotspot-' || ref, ${SOURCE}, category, now() - make_interval(days => g % 90, hours => g % 24), geom, 101, true
			FROM rows
			ON CONFLICT (source_ref) DO NOTHING
		`.execute(db);
	} finally {
		await db.destroy();
	}
});

type MapHandle = import('maplibre-gl').Map;

/** Rendered cells of the Gi* layer: properties and the middle of the drawn outline (lon, lat). */
async function renderedCells(page: Page) {
	return page.evaluate(() => {
		const map = (window as unknown as { __tryghedskortMap: MapHandle }).__tryghedskortMap;
		if (!map.getLayer('hotspot-gistar')) return [];
		return map.queryRenderedFeatures({ layers: ['hotspot-gistar'] }).map((f) => {
			const ring = (f.geometry as { coordinates: number[][][] }).coordinates[0].slice(0, -1);
			const lon = ring.reduce((s, p) => s + p[0], 0) / ring.length;
			const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
			return { ...(f.properties as { incidents: number; z?: number; bin: number }), at: [lon, lat] };
		});
	});
}

async function clickAt(page: Page, lngLat: number[]) {
	const point = await page.evaluate((at) => {
		const map = (window as unknown as { __tryghedskortMap: MapHandle }).__tryghedskortMap;
		return map.project(at as [number, number]);
	}, lngLat);
	const box = (await page.getByTestId('map').boundingBox())!;
	await page.mouse.click(box.x + point.x, box.y + point.y);
}

async function shownRun(page: Page): Promise<number> {
	const legend = page.getByTestId('hotspot-legend');
	await expect(page.getByTestId('hotspot-status')).toHaveAttribute('data-status', 'done');
	return Number(await legend.getAttribute('data-run'));
}

test('a police reviewer sees significant hotspots with the method stated, changes categories and period, and inspects a hot cell', async ({
	page
}) => {
	// Several analyses are computed and drawn one after another.
	test.setTimeout(180_000);
	const tileRuns = new Set<number>();
	page.on('request', (r) => {
		const m = /\/hotspots\/tiles\/(\d+)\//.exec(r.url());
		if (m) tileRuns.add(Number(m[1]));
	});
	const consoleLines: string[] = [];
	page.on('console', (m) => {
		if (!/GL Driver|GPU stall/.test(m.text())) consoleLines.push(`${m.type()}: ${m.text().slice(0, 300)}`);
	});
	/** The map fetches tiles of `run` (on failure, say which runs' tiles it did fetch). */
	const tilesOf = async (run: number) => {
		await expect
			.poll(() => tileRuns.has(run), { timeout: 45_000 })
			.toBe(true)
			.catch(async () => {
				const state = await page.evaluate(() => {
					const map = (window as unknown as { __tryghedskortMap: MapHandle }).__tryghedskortMap;
					const source = map.getSource('hotspots') as unknown as { tiles?: string[] } | undefined;
					return JSON.stringify({
						attr: document.querySelector('[data-testid="map"]')?.getAttribute('data-tiles'),
						source: source?.tiles,
						loaded: map.loaded(),
						tilesLoaded: map.areTilesLoaded(),
						zoom: map.getZoom(),
						center: map.getCenter()
					});
				});
				throw new Error(
					`no tile of run ${run} was requested; tiles of runs ${[...tileRuns].join(', ')} were; ${state}; console: ${consoleLines.join(' | ')}`
				);
			});
	};
	await signInPage(page, USERS.police);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.police.name);
	await page.getByRole('link', { name: 'Hotspots' }).click();
	await expect(page).toHaveURL(/\/hotspots/);
	await page.locator('body[data-hydrated="true"]').waitFor();
	await expect(page.getByTestId('map')).toHaveAttribute('data-loaded', 'true');

	// The district by default, the last 12 months, 250 m cells, every category.
	await expect(page.getByTestId('hotspot-area')).toHaveValue('district:11');
	const legend = page.getByTestId('hotspot-legend');
	await expect(legend).toBeVisible();
	const first = await shownRun(page);
	await expect(legend).toContainText('Københavns Politi');
	const year = defaultPeriod(danishToday());
	expect(year.from).toBe(shiftMonths(year.to, -12));
	await expect(page.getByTestId('hotspot-period')).toHaveText(
		`${danishDate(year.from)} – ${danishDate(year.to)}`
	);
	await expect(page.getByTestId('hotspot-cell-size')).toHaveText('sekskanter med sidelængde 250 m');
	await expect(page.getByTestId('hotspot-method')).toHaveText(
		'Metode: Getis-Ord Gi*, naboer: celler hvis centre ligger inden for 866 m (19 celler inkl. cellen selv), z-score-klasser 90/95/99 %, ingen korrektion for multipel testning.'
	);
	await expect(page.getByTestId('hotspot-counts')).toContainText(/[\d.]+ celler, [\d.]+ hændelser/);
	await expect(page.getByTestId('hotspot-synthetic')).toBeVisible();
	const hot99 = page.getByTestId('hotspot-bins').locator('li[data-bin="3"]');
	await expect(hot99).toContainText('Hot spot, 99 % sikkerhed');
	expect(Number((await hot99.locator('.n').innerText()).replace(/\./g, ''))).toBeGreaterThan(0);
	await tilesOf(first);

	// Without theft: a new analysis, whose tiles the map fetches; the URL keeps the choice.
	await page.getByLabel('Tyveri').uncheck();
	await expect.poll(() => shownRun(page)).not.toBe(first);
	const withoutTheft = await shownRun(page);
	await expect(page).toHaveURL(/categories=[a-z_,%2C]*violence/);
	expect(page.url()).not.toContain('theft');
	await expect(legend).toContainText('Vold');
	await tilesOf(withoutTheft);

	// A shorter period: again a new analysis and new tiles.
	const from = daysAgo(60);
	await page.getByTestId('hotspot-from').fill(from);
	await expect.poll(() => shownRun(page)).not.toBe(withoutTheft);
	const recent = await shownRun(page);
	await expect(page.getByTestId('hotspot-period')).toHaveText(
		`${danishDate(from)} – ${danishDate(daysAgo(0))}`
	);
	await tilesOf(recent);
	await expect(page).toHaveURL(new RegExp(`from=${from}`));

	// Zoom to the cluster and click its hottest cell.
	await page.evaluate(() => {
		const map = (window as unknown as { __tryghedskortMap: MapHandle }).__tryghedskortMap;
		const hot = map
			.queryRenderedFeatures({ layers: ['hotspot-gistar'] })
			.filter((f) => f.properties.bin === 3)
			.sort((a, b) => b.properties.incidents - a.properties.incidents)[0];
		const ring = (hot.geometry as { coordinates: number[][][] }).coordinates[0];
		map.jumpTo({ center: ring[0] as [number, number], zoom: 14 });
	});
	await expect
		.poll(async () => (await renderedCells(page)).filter((c) => c.bin === 3).length)
		.toBeGreaterThan(0);
	const cells = await renderedCells(page);
	const hottest = cells.filter((c) => c.bin === 3).sort((a, b) => b.incidents - a.incidents)[0];
	await clickAt(page, hottest.at);
	const panel = page.getByTestId('hotspot-cell');
	await expect(panel).toBeVisible();
	await expect(page.getByTestId('hotspot-cell-incidents')).toHaveText(
		hottest.incidents.toLocaleString('da-DK')
	);
	await expect(page.getByTestId('hotspot-cell-z')).toHaveText(hottest.z!.toFixed(2).replace('.', ','));
	expect(hottest.z!).toBeGreaterThan(2.5758);
	await expect(page.getByTestId('hotspot-cell-bin')).toHaveText('Hot spot, 99 % sikkerhed');

	// New incidents empty the cache: the next tiles of the shown run answer 404, and the page asks
	// for the analysis again and draws the new run.
	const db = createDb(process.env.E2E_DATABASE_URL!, 1);
	try {
		await sql`
			INSERT INTO incidents (source_ref, source, category, occurred_at, geom, municipality_code, is_synthetic)
			SELECT ${`e2e-hotspot-late-${crypto.randomUUID()}`}, ${SOURCE}, 'violence', now() - interval '1 day',
				ST_PointOnSurface(geom), 101, true
			FROM municipalities WHERE code = 101
		`.execute(db);
	} finally {
		await db.destroy();
	}
	await page.evaluate(() => {
		const map = (window as unknown as { __tryghedskortMap: MapHandle }).__tryghedskortMap;
		map.jumpTo({ zoom: map.getZoom() + 1.5 });
	});
	await expect.poll(() => shownRun(page)).not.toBe(recent);
	const rerun = await shownRun(page);
	await tilesOf(rerun);

	// A reload shows the same analysis.
	await page.reload();
	await page.locator('body[data-hydrated="true"]').waitFor();
	await expect(page.getByLabel('Tyveri')).not.toBeChecked();
	await expect(page.getByTestId('hotspot-from')).toHaveValue(from);
	expect(await shownRun(page)).toBe(rerun);

	// The density view: classes of incidents per cell.
	await page.getByLabel('Antal hændelser pr. celle').check();
	await expect(page.getByTestId('hotspot-classes').locator('li').first()).toContainText(/^\s*1/);
	await expect(page).toHaveURL(/view=density/);

	// The safety-survey overlay, with its own legend.
	const surveyTiles: string[] = [];
	page.on('request', (r) => {
		if (r.url().includes('/tiles/survey-shares/')) surveyTiles.push(r.url());
	});
	await page.getByTestId('hotspot-survey').check();
	await expect(page.getByTestId('survey-legend')).toContainText('Andel der føler sig utrygge');
	await expect.poll(() => surveyTiles.length).toBeGreaterThan(0);
	await expect(page).toHaveURL(/survey=1/);
});

test('a planner analyses only their own municipality', async ({ page, baseURL }) => {
	await signInPage(page, USERS.planner);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.planner.name);
	await gotoHydrated(page, '/hotspots');
	const area = page.getByTestId('hotspot-area');
	await expect(area).toHaveValue('municipality:101');
	await expect(area.locator('option')).toHaveCount(1);
	await expect(area.locator('option')).toHaveText('København');
	await expect(page.getByTestId('hotspot-legend')).toContainText('København');

	const other = await page.goto('/hotspots?area=municipality:851');
	expect(other?.status()).toBe(403);
	const api = await playwrightRequest.newContext({ baseURL });
	try {
		await signInRequest(api, baseURL!, USERS.planner);
		const q = `cell=500&from=${daysAgo(365)}&to=${daysAgo(0)}`;
		expect((await api.get(`/api/hotspots?area=municipality:851&${q}`)).status()).toBe(403);
		expect((await api.get(`/api/hotspots?area=district:11&${q}`)).status()).toBe(403);
		expect((await api.get(`/api/hotspots?area=municipality:101&${q}`)).status()).toBe(200);
	} finally {
		await api.dispose();
	}

	// A bad parameter in a shared link says which.
	const bad = await page.goto('/hotspots?cell=300');
	expect(bad?.status()).toBe(400);
	await expect(page.locator('body')).toContainText('cell');
});

test('a ministry reviewer may pick the country, every district and every municipality', async ({ page }) => {
	await signInPage(page, USERS.ministry);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.ministry.name);
	await gotoHydrated(page, '/hotspots?lang=en&area=municipality:101');
	const area = page.getByTestId('hotspot-area');
	await expect(area.locator('option')).toHaveCount(1 + 12 + 98);
	await expect(area).toHaveValue('municipality:101');
	await expect(page.getByTestId('hotspot-method')).toContainText(
		'Method: Getis-Ord Gi*, neighbours: cells whose centres lie within 866 m (19 cells incl. itself)'
	);
	await expect(page.getByTestId('hotspot-method')).toContainText('no correction for multiple testing');
});

test('administrators get 403 and the public is sent to sign in', async ({ page }) => {
	const anonymous = await page.request.get('/hotspots', { maxRedirects: 0 });
	expect(anonymous.status()).toBe(303);
	expect(anonymous.headers()['location']).toBe('/login?next=%2Fhotspots');

	await signInPage(page, USERS.admin);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.admin.name);
	await expect(page.getByRole('link', { name: 'Hotspots' })).toHaveCount(0);
	const response = await page.goto('/hotspots');
	expect(response?.status()).toBe(403);
});
