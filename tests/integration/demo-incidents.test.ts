import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import {
	DEMO_INCIDENTS_SOURCE,
	DEMO_SPOTS,
	demoIncidentPeriod,
	seedDemoIncidentsIfEmpty
} from '../../src/lib/server/incidents/demo';
import { resetData, testDb } from './db';

const geodata = join(import.meta.dirname, '..', '..', 'geodata');
const ANCHOR = '2026-11-27';

async function fingerprint() {
	const { rows } = await sql<{ n: number; checksum: string }>`
		SELECT count(*)::int AS n,
			md5(string_agg(
				source_ref || '|' || category || '|' || extract(epoch FROM occurred_at)::text || '|' ||
					ST_AsText(geom) || '|' || municipality_code,
				',' ORDER BY source_ref
			)) AS checksum
		FROM incidents
	`.execute(testDb());
	return rows[0];
}

/**
 * Getis-Ord Gi* over the 250 m hexagons of a municipality (every cell that meets it, empty ones
 * included), neighbours: the cell and the 6 around it (centres within 1.1 × the spacing), binary
 * weights. Written out here, independent of the app's hotspot service, to show that the demo
 * clusters are significant by themselves. Centres as ST_HexagonGrid places them:
 * (1.5 size i, sqrt(3) size (j + (i & 1) / 2)).
 */
async function giStar(municipality: number, category?: string) {
	const size = 250;
	const { rows } = await sql<{ i: number; j: number; incidents: number; z: number }>`
		WITH area AS MATERIALIZED (SELECT geom FROM municipalities WHERE code = ${municipality}),
		cells AS MATERIALIZED (
			SELECT h.i, h.j, 1.5 * ${size}::float8 * h.i AS cx, sqrt(3.0) * ${size}::float8 * (h.j + (h.i & 1) / 2.0) AS cy
			FROM area, ST_HexagonGrid(${size}::float8, area.geom) h
			WHERE ST_Intersects(h.geom, area.geom)
		),
		counts AS MATERIALIZED (
			SELECT hc.i, hc.j, count(*)::float8 AS n
			FROM incidents x, area, tk_hex_cell(ST_X(x.geom), ST_Y(x.geom), ${size}::float8) hc
			WHERE ST_Intersects(area.geom, x.geom) AND (${category ?? null}::text IS NULL OR x.category = ${category ?? null})
			GROUP BY hc.i, hc.j
		),
		x AS MATERIALIZED (
			SELECT c.*, coalesce(n.n, 0) AS n FROM cells c LEFT JOIN counts n USING (i, j)
		),
		stats AS MATERIALIZED (
			SELECT count(*)::float8 AS cells, avg(n) AS mean, sqrt(avg(n * n) - avg(n) ^ 2) AS s FROM x
		),
		candidates AS MATERIALIZED (
			SELECT a.i, a.j, a.n, a.cx, a.cy, a.i + di AS ni, a.j + dj AS nj
			FROM x a, generate_series(-1, 1) di, generate_series(-1, 1) dj
		),
		pairs AS MATERIALIZED (
			SELECT c.i, c.j, c.n, b.n AS bn
			FROM candidates c JOIN x b ON b.i = c.ni AND b.j = c.nj
			WHERE sqrt((c.cx - b.cx) ^ 2 + (c.cy - b.cy) ^ 2) <= ${size * Math.sqrt(3) * 1.1}::float8
		),
		sums AS (
			SELECT i, j, n, sum(bn) AS total, count(*)::float8 AS w FROM pairs GROUP BY i, j, n
		)
		SELECT s.i, s.j, s.n::int AS incidents,
			(s.total - st.mean * s.w) / (st.s * sqrt((st.cells * s.w - s.w ^ 2) / (st.cells - 1))) AS z
		FROM sums s, stats st
		ORDER BY z DESC
	`.execute(testDb());
	return rows;
}

describe('demo incidents', () => {
	it('are the same rows on every seed for the same anchor, only seeded into an empty table', async () => {
		const db = testDb();
		await loadDemoBoundaries(db, { geodataDir: geodata });
		const inserted = await seedDemoIncidentsIfEmpty(db, { anchor: ANCHOR });
		expect(inserted).toBeGreaterThanOrEqual(30_000);
		expect(inserted).toBeLessThanOrEqual(60_000);
		const first = await fingerprint();
		expect(first.n).toBe(inserted);
		expect(await seedDemoIncidentsIfEmpty(db, { anchor: ANCHOR })).toBe(0);

		await resetData();
		await loadDemoBoundaries(db, { geodataDir: geodata });
		// Another day of the same month is the same anchor month.
		expect(await seedDemoIncidentsIfEmpty(db, { anchor: '2026-11-02' })).toBe(inserted);
		expect(await fingerprint()).toEqual(first);

		await resetData();
		await loadDemoBoundaries(db, { geodataDir: geodata });
		await seedDemoIncidentsIfEmpty(db, { anchor: '2027-01-05' });
		expect((await fingerprint()).checksum).not.toBe(first.checksum);
	});

	it('lie inside their municipality, are all marked synthetic and cover the 24 months before the anchor month', async () => {
		const db = testDb();
		await loadDemoBoundaries(db, { geodataDir: geodata });
		const inserted = await seedDemoIncidentsIfEmpty(db, { anchor: ANCHOR });
		const { rows } = await sql<{
			outside: number;
			synthetic: number;
			source: number;
			refs: number;
			first: string;
			last: string;
			municipalities: number;
			categories: number;
		}>`
			SELECT
				count(*) FILTER (WHERE NOT ST_Intersects(m.geom, i.geom))::int AS outside,
				count(*) FILTER (WHERE i.is_synthetic)::int AS synthetic,
				count(*) FILTER (WHERE i.source = ${DEMO_INCIDENTS_SOURCE})::int AS source,
				count(*) FILTER (WHERE i.source_ref ~ '^demo-[0-9]{6}$')::int AS refs,
				to_char(min(i.occurred_at AT TIME ZONE 'Europe/Copenhagen'), 'YYYY-MM-DD') AS first,
				to_char(max(i.occurred_at AT TIME ZONE 'Europe/Copenhagen'), 'YYYY-MM-DD') AS last,
				count(DISTINCT i.municipality_code)::int AS municipalities,
				count(DISTINCT i.category)::int AS categories
			FROM incidents i JOIN municipalities m ON m.code = i.municipality_code
		`.execute(db);
		const r = rows[0];
		expect(r.outside).toBe(0);
		expect(r.synthetic).toBe(inserted);
		expect(r.source).toBe(inserted);
		expect(r.refs).toBe(inserted);
		expect(demoIncidentPeriod(ANCHOR)).toEqual({ from: '2024-11-01', to: '2026-10-31' });
		expect(r.first).toBe('2024-11-01');
		expect(r.last).toBe('2026-10-31');
		expect(r.municipalities).toBe(98);
		expect(r.categories).toBe(8);

		// The clusters sit in their towns: each of the big ones holds most of its clusters' count.
		// (The demo boundaries give central København to Frederiksberg's cell: counted together.)
		const { rows: big } = await sql<{ code: number; n: number }>`
			SELECT CASE WHEN municipality_code = 147 THEN 101 ELSE municipality_code END AS code, count(*)::int AS n
			FROM incidents WHERE municipality_code IN (101, 147, 751, 461, 851, 561) GROUP BY 1
		`.execute(db);
		for (const code of [101, 751, 461, 851, 561]) {
			const clustered = DEMO_SPOTS.filter((s) => s[1] === code || (code === 101 && s[1] === 147)).reduce(
				(n, s) => n + s[4],
				0
			);
			expect(big.find((b) => b.code === code)?.n, `municipality ${code}`).toBeGreaterThan(clustered * 0.9);
		}
	});

	it('follow a time pattern: violence on Friday and Saturday nights, theft in the daytime', async () => {
		const db = testDb();
		await loadDemoBoundaries(db, { geodataDir: geodata });
		await seedDemoIncidentsIfEmpty(db, { anchor: ANCHOR });
		const { rows } = await sql<{ category: string; weekend_nights: number; daytime: number }>`
			SELECT category,
				avg(CASE WHEN (dow = 5 AND hour >= 22) OR (dow = 6 AND (hour < 4 OR hour >= 22)) OR (dow = 0 AND hour < 4)
					THEN 1 ELSE 0 END) AS weekend_nights,
				avg(CASE WHEN hour BETWEEN 9 AND 17 THEN 1 ELSE 0 END) AS daytime
			FROM (
				SELECT category, extract(dow FROM t)::int AS dow, extract(hour FROM t)::int AS hour
				FROM (SELECT category, occurred_at AT TIME ZONE 'Europe/Copenhagen' AS t FROM incidents) l
			) x
			GROUP BY category
		`.execute(db);
		const share = Object.fromEntries(rows.map((r) => [r.category, r]));
		// Uniform in time: 12 of the week's 168 hours are Friday or Saturday night (22–04), 9 of 24 daytime.
		const uniformWeekendNights = 12 / 168;
		expect(share.violence.weekend_nights).toBeGreaterThan(3 * uniformWeekendNights);
		expect(share.public_order.weekend_nights).toBeGreaterThan(3 * uniformWeekendNights);
		expect(share.theft.weekend_nights).toBeLessThan(uniformWeekendNights);
		expect(share.theft.daytime).toBeGreaterThan(0.6);
		expect(share.violence.daytime).toBeLessThan(9 / 24 / 2);
	});

	it('mix categories by place and make significant Gi* hotspots at 250 m in town centres', async () => {
		const db = testDb();
		await loadDemoBoundaries(db, { geodataDir: geodata });
		await seedDemoIncidentsIfEmpty(db, { anchor: ANCHOR });
		const near = async (lon: number, lat: number, radius: number) => {
			const { rows } = await sql<{ category: string; n: number }>`
				SELECT category, count(*)::int AS n FROM incidents
				WHERE ST_DWithin(geom, ST_Transform(ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326), 25832), ${radius}::float8)
				GROUP BY category ORDER BY n DESC, category
			`.execute(db);
			return rows.map((r) => r.category);
		};
		expect((await near(9.921, 57.049, 150)).slice(0, 2).sort()).toEqual(['public_order', 'violence']);
		expect((await near(10.133, 56.156, 300))[0]).toBe('burglary');
		expect((await near(10.433, 55.411, 300))[0]).toBe('burglary');
		expect((await near(9.9185, 57.047, 100))[0]).toBe('theft');

		for (const code of [851, 751, 461, 561]) {
			const cells = await giStar(code);
			const hot = cells.filter((c) => c.z > 2.576);
			expect(hot.length, `99 % hot cells in ${code}`).toBeGreaterThanOrEqual(3);
			expect(cells[0].incidents, `hottest cell in ${code}`).toBeGreaterThan(100);
		}
		// One category alone still makes hotspots.
		expect((await giStar(851, 'violence')).filter((c) => c.z > 2.576).length).toBeGreaterThanOrEqual(2);
	});
});
