// Rule-change impact end to end: a ministry reviewer drafts the 2025 rule set with § 2 a's distance
// widened by 250 m (500 → 750 for the shipped version), runs the impact analysis of the draft
// against the published version, and finds the camera that flips in the national table, the list
// of changes, the map's tiles, the CSV and the printable report. Bad choices are refused with a
// 400 and nothing is stored; a planner is refused everything (403).
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { expect, request as playwrightRequest, test, type Response } from '@playwright/test';
import { sql } from 'kysely';
import { createDb } from '../../src/lib/server/db/connect';
import { tileAt } from '../../src/lib/tiles';
import {
	USERS,
	ensureTestUsers,
	formHeaders,
	gotoHydrated,
	publishedRuleSetVersion,
	signInPage,
	signInRequest
} from './support';

const SLUG = 'tv-overvaagning-2025-07';
const DISTANCE = 'rules[0].params.distanceM';
/** Esbjerg: no demo reference areas and no other test's cameras. */
const MUNICIPALITY = 561;
const RULE_TITLE = '§ 2 a nær boligområde';

interface Fixture {
	published: number;
	before: number;
	after: number;
	municipalityName: string;
	cameras: Record<'near' | 'flip' | 'far', { id: string; name: string; lon: number; lat: number }>;
}

let fixture: Fixture;

/**
 * A 200 × 200 m housing area in Esbjerg and three municipal § 2 a cameras east of it with 20 m disc
 * views, placed around the published distance `before` and the draft's `after = before + 250`:
 * "near" is allowed by both, "flip" only by the draft, "far" by neither. Every other rule of the
 * set lets them pass (active, registered, signed, 30 days, no homes nearby). Recreated each run.
 */
test.beforeAll(async () => {
	await ensureTestUsers();
	const published = await publishedRuleSetVersion(SLUG);
	const db = createDb(process.env.E2E_DATABASE_URL!, 1);
	try {
		// The published § 2 a distance (rules.test.ts publishes a wider one, should it run first).
		const distance = await sql<{ d: number }>`
			SELECT (r->'params'->>'distanceM')::float8 AS d
			FROM rule_set_versions v JOIN rule_sets s ON s.id = v.rule_set_id,
				jsonb_array_elements(v.document->'rules') r
			WHERE s.slug = ${SLUG} AND v.version = ${published} AND r->>'id' = 'p2a-near-housing-area'
		`.execute(db);
		const before = distance.rows[0].d;
		const after = before + 250;
		const offsets = { near: before - 200, flip: before + 100, far: after + 300 } as const;
		const names = { near: 'E2E Konsekvens nær', flip: 'E2E Konsekvens flip', far: 'E2E Konsekvens fjern' };

		const { rows } = await sql<{ x: number; y: number; name: string }>`
			SELECT ST_X(p) AS x, ST_Y(p) AS y, name
			FROM (SELECT ST_PointOnSurface(ST_Buffer(geom, -2000)) AS p, name FROM municipalities WHERE code = ${MUNICIPALITY}) m
		`.execute(db);
		const { x, y, name: municipalityName } = rows[0];
		const cameras = {} as Fixture['cameras'];
		await db.transaction().execute(async (trx) => {
			await sql`DELETE FROM cameras WHERE name LIKE 'E2E Konsekvens %'`.execute(trx);
			await sql`DELETE FROM reference_features WHERE source = 'e2e-impact'`.execute(trx);
			await sql`
				INSERT INTO reference_features (layer, name, source, source_ref, geom, is_synthetic)
				VALUES ('housing_area', 'E2E boligområde Esbjerg', 'e2e-impact', 'e2e-impact-1',
					ST_Multi(ST_MakeEnvelope(${x - 200}, ${y - 100}, ${x}, ${y + 100}, 25832)), true)
			`.execute(trx);
			for (const key of ['near', 'flip', 'far'] as const) {
				const point = sql`ST_SetSRID(ST_MakePoint(${x + offsets[key]}::float8, ${y}::float8), 25832)`;
				const inserted = await sql<{ id: string; lon: number; lat: number; inside: boolean }>`
					INSERT INTO cameras (municipality_code, name, geom, mount_height_m, azimuth_deg, tilt_deg, hfov_deg,
						resolution_px, max_range_m, kind, owner_type, operator_name, purpose, legal_basis, retention_days,
						signage, status, proposed_on, approved_on, active_from, police_registered_on)
					VALUES (${MUNICIPALITY}, ${names[key]}, ${point}, 5, 0, 15, 360, 1920, 20, 'dome', 'municipality',
						'Esbjerg Kommune', 'Tryghed', '§ 2 a', 30, true, 'active', current_date - 90, current_date - 70,
						current_date - 60, current_date - 55)
					RETURNING id, ST_X(ST_Transform(geom, 4326)) AS lon, ST_Y(ST_Transform(geom, 4326)) AS lat,
						EXISTS (SELECT 1 FROM municipalities m WHERE m.code = ${MUNICIPALITY} AND ST_Intersects(m.geom, geom)) AS inside
				`.execute(trx);
				const c = inserted.rows[0];
				if (!c.inside) throw new Error(`${names[key]} is not inside municipality ${MUNICIPALITY}`);
				await sql`
					INSERT INTO camera_views (camera_id, view) VALUES (${c.id}, ST_Multi(ST_Buffer(${point}, 20, 32)))
				`.execute(trx);
				cameras[key] = { id: c.id, name: names[key], lon: c.lon, lat: c.lat };
			}
		});
		fixture = { published, before, after, municipalityName, cameras };
	} finally {
		await db.destroy();
	}
});

// The draft (and with it the analyses of it) goes again, so later tests start from the published set.
test.afterAll(async () => {
	await publishedRuleSetVersion(SLUG);
});

async function analysisCount(): Promise<number> {
	const db = createDb(process.env.E2E_DATABASE_URL!, 1);
	try {
		const { rows } = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM impact_analyses`.execute(db);
		return rows[0].n;
	} finally {
		await db.destroy();
	}
}

test('a ministry reviewer widens § 2 a in a draft and sees the national impact', async ({
	page,
	baseURL
}) => {
	test.setTimeout(240_000);
	const { published, before, after, cameras } = fixture;
	await signInPage(page, USERS.ministry);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.ministry.name);

	// The draft, through the rule editor.
	await gotoHydrated(page, `/regler/${SLUG}/${published}`);
	await page.getByRole('button', { name: 'Opret udkast fra denne version' }).click();
	await expect(page).toHaveURL(`/regler/${SLUG}/${published + 1}`);
	await page.locator('body[data-hydrated="true"]').waitFor();
	await expect(page.locator(`input[name="${DISTANCE}"]`)).toHaveValue(String(before));
	await page.locator(`input[name="${DISTANCE}"]`).fill(String(after));
	await page.getByRole('button', { name: 'Gem parametre' }).click();
	await expect(page.getByTestId('rules-done')).toHaveText('Udkastet er gemt.');

	// From the draft to the impact form, both versions chosen.
	await page.getByTestId('impact-link').click();
	await expect(page.getByTestId('impact-index')).toBeVisible();
	await page.locator('body[data-hydrated="true"]').waitFor();
	await expect(page.getByLabel('Før (version A)').locator('option:checked')).toHaveText(
		`Tv-overvågningsloven fra 1. juli 2025, version ${published} (Offentliggjort)`
	);
	await expect(page.getByLabel('Efter (version B)').locator('option:checked')).toHaveText(
		`Tv-overvågningsloven fra 1. juli 2025, version ${published + 1} (Udkast)`
	);
	await page.getByRole('button', { name: 'Beregn konsekvens' }).click();
	await expect(page).toHaveURL(/\/regler\/konsekvens\/\d+$/, { timeout: 180_000 });
	const id = Number(new URL(page.url()).pathname.split('/').pop());

	const result = page.getByTestId('impact-result');
	await expect(result.getByRole('heading', { level: 1 })).toHaveText(
		`Konsekvens: Tv-overvågningsloven fra 1. juli 2025, version ${published} (Offentliggjort) → ` +
			`Tv-overvågningsloven fra 1. juli 2025, version ${published + 1} (Udkast)`
	);
	await expect(page.getByTestId('impact-diff')).toHaveText(
		`${RULE_TITLE}: params.distanceM ${before} → ${after}`
	);
	// Widening a distance can only allow more cameras.
	await expect(page.getByTestId('total-newly-refused')).toHaveText('0');
	const newlyAllowed = Number((await page.getByTestId('total-newly-allowed').innerText()).replace(/\D/g, ''));
	expect(newlyAllowed).toBeGreaterThanOrEqual(1);

	// The national table: Esbjerg's three cameras, one of them newly allowed.
	const row = page.getByTestId(`impact-municipality-${MUNICIPALITY}`);
	await expect(row.locator('td')).toHaveText([fixture.municipalityName, '3', '1', '2', '1', '0']);
	await page.getByRole('link', { name: 'flest nyt tilladte' }).click();
	await expect(page).toHaveURL(/sorter=allowed/);
	const first = page.getByTestId('impact-municipalities').locator('tbody tr').first();
	await expect(first.getByTestId('newly-allowed')).not.toHaveText('0');

	// The changed cameras of Esbjerg: only the one that flips, with the rule that refused it before.
	await page.locator('body[data-hydrated="true"]').waitFor();
	const filter = page.getByTestId('impact-filter');
	await filter.getByLabel('Kommune').selectOption(String(MUNICIPALITY));
	await filter.getByLabel('Ændring').selectOption('newlyAllowed');
	await filter.getByRole('button', { name: 'Vis' }).click();
	await expect(page).toHaveURL(new RegExp(`kommune=${MUNICIPALITY}.*retning=newlyAllowed`));
	const changes = page.getByTestId('impact-change');
	await expect(changes).toHaveCount(1);
	// The totals stay national under the filter.
	const changed = Number((await page.getByTestId('total-changed').innerText()).replace(/\D/g, ''));
	await expect(changes.locator('td')).toHaveText([
		cameras.flip.name,
		fixture.municipalityName,
		'Aktiv',
		'afvist → tilladt',
		RULE_TITLE,
		'–'
	]);
	await expect(changes.getByRole('link', { name: cameras.flip.name })).toHaveAttribute(
		'href',
		`/kameraer/${cameras.flip.id}`
	);
	await filter.getByLabel('Ændring').selectOption('newlyRefused');
	await filter.getByRole('button', { name: 'Vis' }).click();
	await expect(page.getByText('Ingen kameraer med denne ændring.')).toBeVisible();

	// The map draws the analysis's tiles, with a legend; the tile at the flipped camera holds it.
	const tiles: Response[] = [];
	page.on('response', (r) => {
		if (r.url().includes(`/regler/konsekvens/${id}/tiles/`)) tiles.push(r);
	});
	await page.reload();
	await expect(page.getByTestId('impact-map')).toHaveAttribute('data-loaded', 'true');
	await expect(page.getByTestId('impact-legend')).toContainText('Nyt tilladt');
	await expect.poll(() => tiles.filter((r) => r.status() === 200).length).toBeGreaterThan(0);
	const t = tileAt(cameras.flip.lon, cameras.flip.lat, 14);
	const tile = await page.request.get(`/regler/konsekvens/${id}/tiles/${t.z}/${t.x}/${t.y}.mvt`);
	expect(tile.status()).toBe(200);
	expect(tile.headers()['content-type']).toBe('application/vnd.mapbox-vector-tile');
	const layer = new VectorTile(new PbfReader(await tile.body())).layers['impact-changes'];
	const features = Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties);
	expect(features).toContainEqual({
		direction: 'newlyAllowed',
		camera_id: cameras.flip.id,
		name: cameras.flip.name
	});
	expect(features.map((f) => f.name)).not.toContain(cameras.near.name);

	// The CSV: Esbjerg's change as a row; the whole file has a row for every changed camera.
	const csv = await page.request.get(`/regler/konsekvens/${id}/aendringer.csv?kommune=${MUNICIPALITY}`);
	expect(csv.status()).toBe(200);
	expect(csv.headers()['content-type']).toContain('text/csv');
	const lines = (await csv.text())
		.replace(/^\uFEFF/, '')
		.trim()
		.split('\r\n');
	expect(lines[0]).toBe(
		'cameraId,name,municipalityCode,municipalityName,status,ownerType,legalBasis,allowedBefore,allowedAfter,' +
			'change,failedRulesBefore,failedRulesAfter,lon,lat'
	);
	expect(lines).toHaveLength(2);
	expect(lines[1]).toMatch(
		new RegExp(
			`^${cameras.flip.id},${cameras.flip.name},${MUNICIPALITY},${fixture.municipalityName},active,municipality,§ 2 a,false,true,newlyAllowed,p2a-near-housing-area,,\\d+\\.\\d+,\\d+\\.\\d+$`
		)
	);
	const all = await page.request.get(`/regler/konsekvens/${id}/aendringer.csv`);
	const allLines = (await all.text()).trim().split('\r\n');
	expect(allLines).toHaveLength(changed + 1);
	await page.goto(`/regler/konsekvens/${id}`);

	// The printable report: totals, the change of the rules, the table; no app header on paper.
	await page.getByTestId('impact-report').click();
	await expect(page).toHaveURL(`/regler/konsekvens/${id}/rapport`);
	const report = page.getByTestId('impact-report-page');
	await expect(report.getByRole('heading', { level: 1 })).toHaveText('Rapport: konsekvens af regelændring');
	await expect(page.getByTestId('report-diff')).toHaveText(
		`${RULE_TITLE}: params.distanceM ${before} → ${after}`
	);
	await expect(page.getByTestId('report-municipalities')).toContainText(fixture.municipalityName);
	await expect(page.getByTestId('report-changes')).toContainText(cameras.flip.name);
	await expect(page.getByTestId('report-changes-note')).toHaveText(`Alle ${changed} ændrede kameraer.`);
	await expect(page.locator('.app > header')).toBeVisible();
	await page.emulateMedia({ media: 'print' });
	await expect(page.locator('.app > header')).toBeHidden();
	await expect(page.getByRole('button', { name: 'Udskriv' })).toBeHidden();
	await expect(page.getByTestId('report-totals')).toBeVisible();
	await page.emulateMedia({ media: 'screen' });

	// The analysis is listed on the index page.
	await page.goto('/regler/konsekvens');
	await expect(page.getByTestId(`impact-analysis-${id}`)).toContainText(`version ${published + 1} (Udkast)`);

	// Bad choices: 400 with the reason, and no analysis stored.
	const stored = await analysisCount();
	const post = (form: Record<string, string>) =>
		page.request.post('/regler/konsekvens', { headers: formHeaders(baseURL!), form, maxRedirects: 0 });
	const ids = await page.evaluate(() =>
		[...document.querySelectorAll<HTMLOptionElement>('select[name="a"] option')].map((o) => o.value)
	);
	const someId = ids.find((v) => v !== '')!;
	const same = await post({ a: someId, b: someId });
	expect(same.status()).toBe(400);
	expect(await same.text()).toContain('Vælg to forskellige versioner');
	const notANumber = await post({ a: 'abc', b: someId });
	expect(notANumber.status()).toBe(400);
	expect(await notANumber.text()).toContain('Vælg en version.');
	const unknown = await post({ a: '999999999', b: someId });
	expect(unknown.status()).toBe(400);
	expect(await unknown.text()).toContain('Der findes ingen version med id 999999999.');
	expect(await analysisCount()).toBe(stored);

	// A planner is refused the analyses, their files and their tiles, and cannot run one.
	const planner = await playwrightRequest.newContext({ baseURL });
	try {
		expect((await signInRequest(planner, baseURL!, USERS.planner)).status()).toBe(303);
		for (const path of [
			'/regler/konsekvens',
			`/regler/konsekvens/${id}`,
			`/regler/konsekvens/${id}/aendringer.csv`,
			`/regler/konsekvens/${id}/rapport`,
			`/regler/konsekvens/${id}/tiles/${t.z}/${t.x}/${t.y}.mvt`
		]) {
			expect((await planner.get(path, { maxRedirects: 0 })).status(), path).toBe(403);
		}
		const run = await planner.post('/regler/konsekvens', {
			headers: formHeaders(baseURL!),
			form: { a: someId, b: ids.find((v) => v !== '' && v !== someId)! },
			maxRedirects: 0
		});
		expect(run.status()).toBe(403);
		expect(await analysisCount()).toBe(stored);
	} finally {
		await planner.dispose();
	}
});
