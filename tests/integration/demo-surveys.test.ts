import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import { DEMO_SURVEY_SOURCE, seedDemoSurveysIfEmpty } from '../../src/lib/server/surveys/demo';
import { resetData, testDb } from './db';

async function snapshot() {
	const { rows } = await sql<{ key: string; period: string; share: number; respondents: number }>`
		SELECT area_key AS key, to_char(period_to, 'YYYY') AS period, unsafe_share AS share, respondents
		FROM survey_results ORDER BY area_key, period_to
	`.execute(testDb());
	return rows;
}

describe('demo surveys', () => {
	it('seed synthetic results for every municipality and police district, for two periods, once', async () => {
		const db = testDb();
		expect(await seedDemoSurveysIfEmpty(db)).toEqual({ results: 0, places: 0 });
		await loadDemoBoundaries(db);
		const seeded = await seedDemoSurveysIfEmpty(db);
		expect(seeded).toEqual({ results: 98 * 2 + 12 * 2 + 4 * 2, places: 9 });
		expect(await seedDemoSurveysIfEmpty(db)).toEqual({ results: 0, places: 0 });

		const { rows: kinds } = await sql<{ kind: string; period: string; n: number; min: number; max: number }>`
			SELECT area_kind AS kind, to_char(period_from, 'YYYY') AS period, count(*)::int AS n,
				min(unsafe_share) AS min, max(unsafe_share) AS max
			FROM survey_results GROUP BY 1, 2 ORDER BY 1, 2
		`.execute(db);
		expect(kinds.map((k) => [k.kind, k.period, k.n])).toEqual([
			['area', '2023', 4],
			['area', '2024', 4],
			['municipality', '2023', 98],
			['municipality', '2024', 98],
			['police_district', '2023', 12],
			['police_district', '2024', 12]
		]);
		for (const k of kinds.filter((k) => k.kind !== 'area')) {
			expect(k.min).toBeGreaterThanOrEqual(0.05);
			expect(k.max).toBeLessThanOrEqual(0.25);
		}

		// Everything is marked as made up, in the flag and in the source a reader sees.
		const { rows: marks } = await sql<{ table: string; synthetic: boolean; source: string }>`
			SELECT DISTINCT 'results' AS table, is_synthetic AS synthetic, source FROM survey_results
			UNION SELECT DISTINCT 'places', is_synthetic, source FROM survey_places ORDER BY 1
		`.execute(db);
		expect(marks).toEqual([
			{ table: 'places', synthetic: true, source: DEMO_SURVEY_SOURCE },
			{ table: 'results', synthetic: true, source: DEMO_SURVEY_SOURCE }
		]);
		expect(DEMO_SURVEY_SOURCE).toContain('Syntetiske demodata');
		const surveys = await db.selectFrom('survey_results').select('survey').distinct().execute();
		expect(surveys.every((s) => /syntetisk/.test(s.survey))).toBe(true);

		// The big cities feel less safe than the median municipality and ask more people.
		const latest = (await snapshot()).filter((r) => r.key.startsWith('m:') && r.period === '2024');
		const median = [...latest].sort((a, b) => a.share - b.share)[49].share;
		const at = (code: number) => latest.find((r) => r.key === `m:${code}`)!;
		for (const city of [101, 751, 461, 851]) {
			expect(at(city).share).toBeGreaterThan(median);
			expect(at(city).respondents).toBeGreaterThan(at(825).respondents);
		}
		expect(at(101).respondents).toBeGreaterThan(at(563).respondents * 5);
	});

	it('put every unsafe place inside its municipality, also where the demo coast puts the real spot in the sea', async () => {
		const db = testDb();
		await loadDemoBoundaries(db);
		await seedDemoSurveysIfEmpty(db);
		const { rows } = await sql<{ name: string; code: number; inside: boolean }>`
			SELECT p.name, p.municipality_code AS code,
				ST_Intersects(m.geom, ST_PointOnSurface(p.geom)) AS inside
			FROM survey_places p JOIN municipalities m ON m.code = p.municipality_code ORDER BY p.name
		`.execute(db);
		expect(rows).toHaveLength(9);
		expect(rows.every((r) => r.inside)).toBe(true);
		expect(new Set(rows.map((r) => r.code))).toEqual(new Set([101, 751, 461, 851]));
		// Rådhuspladsen (12.5686, 55.6759) lies off Natural Earth's coarse coast: it was moved inland.
		const { rows: moved } = await sql<{ metres: number }>`
			SELECT ST_Distance(geom, ST_Transform(ST_SetSRID(ST_MakePoint(12.5686, 55.6759), 4326), 25832)) AS metres
			FROM survey_places WHERE name = 'Rådhuspladsen om natten (demo)'
		`.execute(db);
		expect(moved[0].metres).toBeGreaterThan(100);
		// Jomfru Ane Gade lies inside Aalborg's cell: kept where it is, as an area.
		const { rows: kept } = await sql<{ metres: number; type: string }>`
			SELECT ST_Distance(ST_Centroid(geom), ST_Transform(ST_SetSRID(ST_MakePoint(9.9201, 57.0497), 4326), 25832)) AS metres,
				ST_GeometryType(geom) AS type
			FROM survey_places WHERE name = 'Jomfru Ane Gade (demo)'
		`.execute(db);
		expect(kept[0]).toEqual({ metres: expect.closeTo(0, 3), type: 'ST_Polygon' });
	});

	it('are the same numbers every time', async () => {
		const db = testDb();
		await loadDemoBoundaries(db);
		await seedDemoSurveysIfEmpty(db);
		const first = await snapshot();
		await resetData();
		await loadDemoBoundaries(db);
		await seedDemoSurveysIfEmpty(db);
		expect(await snapshot()).toEqual(first);
	});
});
