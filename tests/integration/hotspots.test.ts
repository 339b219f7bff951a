import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import { ensureHotspotRun, hotspotRun, pruneHotspotRuns } from '../../src/lib/server/hotspots/service';
import { HOTSPOT_TILE_LAYER, hotspotTile, hotspotTileRun } from '../../src/lib/server/hotspots/tiles';
import { hotspotQuerySchema, zBin, type HotspotQuery } from '../../src/lib/hotspots';
import { tileAt } from '../../src/lib/tiles';
import { testDb } from './db';

// A hand-made study area: municipality 901, exactly the 20 hexagons i = I0..I0+9, j = J0..J0+1 of
// the 100 m grid (each shrunk by 1 m, so no neighbouring cell touches it), near København.
const I0 = 4834; // even, so column parity is as in the hand computation below
const J0 = 35652;
const SIZE = 100;

function query(overrides: Partial<Record<string, string>> = {}): HotspotQuery {
	return hotspotQuerySchema.parse({
		area: 'municipality:901',
		cell: String(SIZE),
		from: '2026-01-01',
		to: '2026-06-30',
		...overrides
	});
}

async function insertGridMunicipality() {
	const db = testDb();
	await sql`
		INSERT INTO police_districts (number, name, geom)
		VALUES (99, 'Testkreds', ST_Multi(ST_MakeEnvelope(0, 0, 1, 1, 25832)))
	`.execute(db);
	await sql`
		INSERT INTO municipalities (code, name, police_district, geom)
		SELECT 901, 'Testkommune', 99, ST_Multi(ST_Union(ST_Buffer(ST_SetSRID(ST_Hexagon(${SIZE}::float8, i, j), 25832), -1)))
		FROM generate_series(${I0}::integer, ${I0 + 9}::integer) i, generate_series(${J0}::integer, ${J0 + 1}::integer) j
	`.execute(db);
}

/** `count` incidents at the centre of cell (I0 + di, J0 + dj). */
async function incidentsAt(
	di: number,
	dj: number,
	count: number,
	category = 'violence',
	at = '2026-03-06T23:30:00+01'
) {
	const x = 1.5 * SIZE * (I0 + di);
	const y = Math.sqrt(3) * SIZE * (J0 + dj + ((I0 + di) & 1) / 2);
	await sql`
		INSERT INTO incidents (source_ref, source, category, occurred_at, geom, municipality_code)
		SELECT 'cell-' || ${di} || '-' || ${dj} || '-' || ${category} || '-' || n, 'test', ${category}, ${at}::timestamptz,
			ST_SetSRID(ST_MakePoint(${x}::float8 + n, ${y}::float8), 25832), 901
		FROM generate_series(1, ${count}::integer) n
	`.execute(testDb());
}

// Counts of the hand computation: a cluster at the west end, one incident near the east end.
const COUNTS: [number, number, number][] = [
	[1, 0, 8],
	[1, 1, 7],
	[0, 0, 5],
	[2, 0, 6],
	[0, 1, 4],
	[2, 1, 5],
	[8, 0, 1]
];

async function cellsOf(runId: number) {
	const rows = await testDb()
		.selectFrom('hotspot_cells')
		.select(['i', 'j', 'incidents', 'neighbours', 'neighbour_sum', 'z', 'bin'])
		.where('run_id', '=', runId)
		.execute();
	return new Map(rows.map((r) => [`${r.i - I0},${r.j - J0}`, r]));
}

describe('Getis-Ord Gi* on a hand-computed grid', () => {
	it('gives the z-scores and bins worked out by hand', async () => {
		await insertGridMunicipality();
		for (const [di, dj, n] of COUNTS) await incidentsAt(di, dj, n);
		const run = await ensureHotspotRun(testDb(), query());
		expect(run).toMatchObject({ cellCount: 20, incidentCount: 36, mean: 1.8, neighbours: 19, fresh: true });
		expect(run.stdDev).toBeCloseTo(Math.sqrt(151.2 / 20), 12); // sum x^2 = 216; 216/20 - 1.8^2 = 7.56
		expect(run.bandM).toBeCloseTo(2 * Math.sqrt(3) * SIZE, 9);
		const cells = await cellsOf(run.id);
		expect(cells.size).toBe(20);

		// Cell (0,0) at (0, 0) relative: within 2 sqrt(3) 100 = 346.4 m lie (0,1) at 173 m, (1,0)
		// at 173 m, (1,1) and (2,0) at 300 m, and (2,1) at exactly 346.4 m (on the band: counted).
		// W = 6, sum = 5 + 4 + 8 + 7 + 6 + 5 = 35, z = (35 - 1.8 * 6) / (S sqrt((20 * 6 - 36) / 19))
		// = 24.2 / (2.749545 * 2.102631) = 4.18593.
		expect(cells.get('0,0')).toMatchObject({ incidents: 5, neighbours: 6, neighbour_sum: 35, bin: 3 });
		expect(cells.get('0,0')!.z).toBeCloseTo(4.18592676324144, 9);
		// Every cell, against the same formula evaluated in plain arithmetic (see the comment above).
		const expected: Record<string, [number, number, number]> = {
			'1,0': [8, 35, 3.333093576033551],
			'2,1': [10, 35, 2.695037571765469],
			'3,0': [10, 26, 1.268252974948456],
			'4,1': [10, 11, -1.1097213530798988],
			'5,0': [10, 0, -2.8535691936340255],
			'6,1': [10, 1, -2.695037571765469],
			'8,0': [8, 1, -2.1681288310121154],
			'9,1': [6, 1, -1.695127366932484]
		};
		for (const [key, [w, sum, z]] of Object.entries(expected)) {
			const cell = cells.get(key)!;
			expect({ key, w: cell.neighbours, sum: cell.neighbour_sum }).toEqual({ key, w, sum });
			expect(cell.z).toBeCloseTo(z, 9);
			expect(cell.bin).toBe(zBin(z));
		}
		expect(
			[3, 2, 1, 0, -1, -2, -3].map((b) => [...cells.values()].filter((c) => c.bin === b).length)
		).toEqual([6, 0, 0, 4, 2, 2, 6]);
		expect(run.bins).toEqual({ '3': 6, '2': 0, '1': 0, '0': 4, '-1': 2, '-2': 2, '-3': 6 });
	});

	it('leaves z undefined when every cell has the same count', async () => {
		await insertGridMunicipality();
		const run = await ensureHotspotRun(testDb(), query());
		expect(run).toMatchObject({ cellCount: 20, incidentCount: 0, stdDev: 0 });
		const cells = [...(await cellsOf(run.id)).values()];
		expect(cells.every((c) => c.z === null && c.bin === 0)).toBe(true);
	});

	it('counts only the chosen period (Copenhagen days, both ends included) and categories', async () => {
		await insertGridMunicipality();
		await incidentsAt(0, 0, 2, 'violence', '2026-01-01T00:00:00+01'); // first instant of the period
		await incidentsAt(0, 0, 3, 'theft', '2026-06-30T23:59:59+02'); // last second
		await incidentsAt(1, 0, 4, 'theft', '2026-06-30T22:00:00Z'); // 1 July 00:00 in København
		await incidentsAt(2, 0, 5, 'theft', '2025-12-31T22:59:59Z'); // 31 December 23:59:59 in København
		expect((await ensureHotspotRun(testDb(), query())).incidentCount).toBe(5);
		expect((await ensureHotspotRun(testDb(), query({ categories: 'theft' }))).incidentCount).toBe(3);
		const both = await ensureHotspotRun(testDb(), query({ categories: 'violence,theft' }));
		expect(both).toMatchObject({ incidentCount: 5, categories: ['theft', 'violence'] });
	});
});

describe('the grid', () => {
	it('puts each point in the ST_HexagonGrid cell that holds it, including negative indices', async () => {
		const { rows } = await sql<{ total: number; inside: number; cells: number }>`
			WITH pts AS (
				SELECT (ST_Dump(ST_GeneratePoints(ST_MakeEnvelope(-3000, -2500, 3000, 2500), 5000, 7))).geom AS p
				UNION ALL
				SELECT (ST_DumpPoints(ST_Hexagon(250, i, j))).geom FROM generate_series(-2, 2) i, generate_series(-2, 2) j
			)
			SELECT count(*)::integer AS total,
				count(*) FILTER (WHERE ST_Intersects(ST_Hexagon(250, c.i, c.j), p))::integer AS inside,
				count(DISTINCT (c.i, c.j))::integer AS cells
			FROM pts, LATERAL tk_hex_cell(ST_X(p), ST_Y(p), 250) c
		`.execute(testDb());
		// Vertices of the hexagons too: a point on a corner belongs to three cells and gets one of them.
		expect(rows[0].total).toBe(5000 + 25 * 7);
		expect(rows[0].inside).toBe(rows[0].total);
		expect(rows[0].cells).toBeGreaterThan(150);
	});

	it('tiles a municipality without gaps or overlaps, with only cells that meet it', async () => {
		await loadDemoBoundaries(testDb());
		const run = await ensureHotspotRun(testDb(), query({ area: 'municipality:147', cell: '250' }));
		const { rows } = await sql<{
			cells: number;
			outside: number;
			gap: number;
			summed: number;
			united: number;
		}>`
			WITH hex AS (
				SELECT ST_SetSRID(ST_Hexagon(250, c.i, c.j), 25832) AS geom FROM hotspot_cells c WHERE c.run_id = ${run.id}
			), m AS (SELECT geom FROM municipalities WHERE code = 147)
			SELECT (SELECT count(*)::integer FROM hex) AS cells,
				(SELECT count(*)::integer FROM hex, m WHERE NOT ST_Intersects(hex.geom, m.geom)) AS outside,
				(SELECT ST_Area(ST_Difference(m.geom, (SELECT ST_Union(geom) FROM hex))) FROM m) AS gap,
				(SELECT sum(ST_Area(geom)) FROM hex) AS summed,
				(SELECT ST_Area(ST_Union(geom)) FROM hex) AS united
		`.execute(testDb());
		const r = rows[0];
		expect(r.cells).toBe(run.cellCount);
		expect(r.cells).toBeGreaterThan(20);
		expect(r.outside).toBe(0);
		expect(r.gap).toBeLessThan(0.01);
		expect(Math.abs(r.summed - r.united) / r.united).toBeLessThan(1e-9);
	});

	it('counts per cell what a direct point-in-polygon count finds', async () => {
		await loadDemoBoundaries(testDb());
		await sql`
			INSERT INTO incidents (source_ref, source, category, occurred_at, geom, municipality_code)
			SELECT 'p' || m.code || '-' || n, 'test', (ARRAY['violence', 'theft', 'drugs'])[1 + n % 3],
				'2026-02-01T12:00:00Z'::timestamptz + n * interval '1 hour', p.geom, m.code
			FROM municipalities m,
				LATERAL (SELECT row_number() OVER () AS n, d.geom FROM ST_Dump(ST_GeneratePoints(m.geom, 3000, 11)) d) p
			WHERE m.code IN (101, 147)
		`.execute(testDb());
		const run = await ensureHotspotRun(testDb(), query({ area: 'district:11', cell: '250' }));
		const { rows } = await sql<{ cells: number; differing: number; stored: number; direct: number }>`
			WITH direct AS (
				SELECT c.i, c.j, c.incidents, (
					SELECT count(*)::integer FROM incidents x
					WHERE ST_Intersects(ST_SetSRID(ST_Hexagon(250, c.i, c.j), 25832), x.geom)
						AND x.occurred_at < '2026-07-01'
				) AS n
				FROM hotspot_cells c WHERE c.run_id = ${run.id}
			)
			SELECT count(*)::integer AS cells, count(*) FILTER (WHERE incidents <> n)::integer AS differing,
				sum(incidents)::integer AS stored, sum(n)::integer AS direct
			FROM direct
		`.execute(testDb());
		const inPeriod = await testDb()
			.selectFrom('incidents')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('occurred_at', '<', new Date('2026-06-30T22:00:00Z'))
			.executeTakeFirstOrThrow();
		expect(rows[0].differing).toBe(0);
		expect(rows[0].stored).toBe(Number(inPeriod.n));
		expect(rows[0].stored).toBeGreaterThan(4000);
		expect(run.incidentCount).toBe(rows[0].stored);
	});
});

describe('the cache', () => {
	it('reuses a run, and computes again after the incidents change', async () => {
		await insertGridMunicipality();
		await incidentsAt(0, 0, 3);
		const first = await ensureHotspotRun(testDb(), query());
		const again = await ensureHotspotRun(testDb(), query({ categories: '' }));
		expect(again).toMatchObject({ id: first.id, fresh: false });
		// Naming every category is the same analysis as naming none.
		const every = (await testDb().selectFrom('incident_categories').select('code').execute()).map(
			(r) => r.code
		);
		expect((await ensureHotspotRun(testDb(), query({ categories: every.join(',') }))).id).toBe(first.id);

		await incidentsAt(5, 1, 2);
		expect(await hotspotRun(testDb(), first.id)).toBeNull();
		const after = await ensureHotspotRun(testDb(), query());
		expect(after).toMatchObject({ fresh: true, incidentCount: 5 });
		expect(after.id).not.toBe(first.id);
	});

	it('computes a run once when requests for it arrive together', async () => {
		await insertGridMunicipality();
		await incidentsAt(0, 0, 3);
		const runs = await Promise.all([1, 2, 3, 4].map(() => ensureHotspotRun(testDb(), query())));
		expect(new Set(runs.map((r) => r.id)).size).toBe(1);
		expect(runs.filter((r) => r.fresh)).toHaveLength(1);
		const stored = await testDb()
			.selectFrom('hotspot_runs')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		expect(Number(stored.n)).toBe(1);
	});

	it('keeps the most recently used runs', async () => {
		await insertGridMunicipality();
		const a = await ensureHotspotRun(testDb(), query({ to: '2026-02-01' }));
		const b = await ensureHotspotRun(testDb(), query({ to: '2026-03-01' }));
		await ensureHotspotRun(testDb(), query({ to: '2026-02-01' })); // a is used again
		expect(await pruneHotspotRuns(testDb(), 1)).toBe(1);
		expect(await hotspotRun(testDb(), a.id)).not.toBeNull();
		expect(await hotspotRun(testDb(), b.id)).toBeNull();
	});
});

describe('hotspot tiles', () => {
	it('draw the cells with incidents or a significant bin, with count, z and bin', async () => {
		await insertGridMunicipality();
		for (const [di, dj, n] of COUNTS) await incidentsAt(di, dj, n);
		const run = await ensureHotspotRun(testDb(), query());
		const tileRun = (await hotspotTileRun(testDb(), run.id))!;
		const { rows } = await sql<{ lon: number; lat: number }>`
			SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM ST_Transform(ST_SetSRID(ST_MakePoint(${1.5 * SIZE * (I0 + 4)}::float8,
				${Math.sqrt(3) * SIZE * (J0 + 1)}::float8), 25832), 4326) p
		`.execute(testDb());
		const mvt = await hotspotTile(testDb(), tileRun, tileAt(rows[0].lon, rows[0].lat, 11));
		expect(mvt).not.toBeNull();
		const layer = new VectorTile(new PbfReader(mvt!)).layers[HOTSPOT_TILE_LAYER];
		const props = Array.from({ length: layer.length }, (_, i) => layer.feature(i).properties);
		// 20 cells, minus the 4 with no incident and no significant bin.
		expect(props).toHaveLength(16);
		const hottest = props.find((p) => p.incidents === 5 && p.bin === 3)!;
		expect(hottest.z).toBeCloseTo(4.18592676324144, 6);
		expect(props.filter((p) => p.bin === -3)).toHaveLength(6);
		// A tile far away has nothing.
		expect(await hotspotTile(testDb(), tileRun, tileAt(10.0, 57.0, 11))).toBeNull();
	});
});

describe('the query', () => {
	it('says what is wrong with bad parameters', () => {
		const bad = (input: Record<string, string>) => {
			const r = hotspotQuerySchema.safeParse({
				area: 'country',
				cell: '250',
				from: '2026-01-01',
				to: '2026-02-01',
				...input
			});
			return r.success ? null : r.error.issues[0].message;
		};
		expect(bad({})).toBeNull();
		expect(bad({ area: 'kommune:101' })).toMatch(/area must be/);
		expect(bad({ cell: '300' })).toMatch(/cell must be one of 100, 250, 500, 1000/);
		expect(bad({ from: '2026-02-30' })).toMatch(/not a real date/);
		expect(bad({ from: '2026-03-01' })).toMatch(/from must not be after to/);
	});
});
