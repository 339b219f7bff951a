// Hotspot analysis: Gi* computed from scratch for one large municipality and for the whole
// country at 250 m, and hex tiles at z8, z11 and z14 over HTTP (as a ministry reviewer) beside
// the same tile SQL run directly. Incidents: whatever the database holds, topped up to `count`
// with deterministic clustered points (half around town centres, half spread by area).
import { sql } from 'kysely';
import type { Db } from '../../src/lib/server/db/connect';
import { createSession, generateSessionToken } from '../../src/lib/server/auth/session';
import { ensureHotspotRun, type HotspotRun } from '../../src/lib/server/hotspots/service';
import { hotspotTile, hotspotTileRun } from '../../src/lib/server/hotspots/tiles';
import { createUser } from '../../src/lib/server/users/service';
import { hotspotQuerySchema } from '../../src/lib/hotspots';
import { tileAt, type TileCoord } from '../../src/lib/tiles';
import { summarize, timeMs, type Timing } from './stats';

const ROUNDS = 10;
const COMPUTE_REPEATS = 3;
const PERIOD = { from: '2025-01-01', to: '2026-10-31' };
/** Aarhus: the second largest municipality by population, 468 km². */
const LARGE_MUNICIPALITY = 751;

// København, Aarhus, Odense, Aalborg, rural Jutland, Bornholm.
const PLACES: [number, number][] = [
	[12.5683, 55.6761],
	[10.2039, 56.1629],
	[10.3883, 55.3959],
	[9.9217, 57.048],
	[9.1, 56.2],
	[14.9, 55.13]
];

/** Adds deterministic synthetic incidents until the table holds `count`; returns how many it added. */
export async function topUpIncidents(db: Db, count: number, seed = 0.42): Promise<number> {
	const have = Number(
		(
			await db
				.selectFrom('incidents')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow()
		).n
	);
	const missing = count - have;
	if (missing <= 0) return 0;
	const result = await db.transaction().execute(async (trx) => {
		await sql`SELECT setseed(${seed})`.execute(trx);
		return sql<{ n: number }>`
			WITH shares AS (
				SELECT code, geom, ST_PointOnSurface(geom) AS centre,
					greatest(1, ceil(${missing}::numeric * ST_Area(geom) / sum(ST_Area(geom)) OVER ()))::int AS n
				FROM municipalities
			), spread AS (
				SELECT s.code, (ST_Dump(ST_GeneratePoints(s.geom, greatest(1, s.n / 2), 7))).geom AS geom FROM shares s
			), clustered AS (
				-- Around the centre: a radius whose square is uniform gives a dense core thinning outwards.
				SELECT s.code, ST_Translate(s.centre, r * cos(a), r * sin(a)) AS geom
				FROM shares s, generate_series(1, greatest(1, s.n - s.n / 2)) k,
					LATERAL (SELECT 3000 * power(random(), 2) AS r, 2 * pi() * random() AS a) p
			), points AS (
				SELECT code, geom FROM spread UNION ALL SELECT code, geom FROM clustered
			), numbered AS (
				SELECT code, geom, row_number() OVER () AS i FROM points
			), inserted AS (
				INSERT INTO incidents (source_ref, source, category, occurred_at, geom, municipality_code, is_synthetic)
				SELECT 'bench-' || ${have}::bigint + i, 'bench',
					(ARRAY['violence', 'robbery', 'burglary', 'theft', 'theft', 'vandalism', 'drugs', 'public_order', 'other'])[1 + (i % 9)::int],
					TIMESTAMPTZ '2025-01-01 00:00+01' + (i % 670) * interval '1 day' + (i % 1440) * interval '1 minute',
					geom, code, true
				FROM numbered WHERE i <= ${missing}
				RETURNING 1
			)
			SELECT count(*)::int AS n FROM inserted
		`.execute(trx);
	});
	await sql`ANALYZE incidents`.execute(db);
	return result.rows[0].n;
}

export interface GiStarResult {
	area: string;
	cells: number;
	incidents: number;
	/** Time to compute and store a run from scratch (cache emptied first), over COMPUTE_REPEATS. */
	compute: Timing;
	/** The same analysis answered from the cache. */
	cached: Timing;
	hotCells99: number;
}

export interface HotspotTileResult {
	zoom: number;
	tiles: number;
	http: Timing;
	sql: Timing;
	meanBytes: number;
}

async function giStar(db: Db, area: string): Promise<{ result: GiStarResult; run: HotspotRun }> {
	const q = hotspotQuerySchema.parse({ area, cell: '250', ...PERIOD });
	const compute: number[] = [];
	let run: HotspotRun | null = null;
	for (let i = 0; i < COMPUTE_REPEATS; i++) {
		await db.deleteFrom('hotspot_runs').execute();
		compute.push(await timeMs(async () => (run = await ensureHotspotRun(db, q))));
	}
	const cached: number[] = [];
	for (let i = 0; i < ROUNDS; i++) cached.push(await timeMs(() => ensureHotspotRun(db, q)));
	const r = run!;
	return {
		run: r,
		result: {
			area,
			cells: r.cellCount,
			incidents: r.incidentCount,
			compute: summarize(compute),
			cached: summarize(cached),
			hotCells99: r.bins['3']
		}
	};
}

export async function benchHotspots(
	db: Db,
	origin: string
): Promise<{ giStar: GiStarResult[]; tiles: HotspotTileResult[] }> {
	const municipality = await giStar(db, `municipality:${LARGE_MUNICIPALITY}`);
	const country = await giStar(db, 'country');

	const userId = await createUser(
		db,
		{ userId: null, label: 'bench', clientAddress: null },
		{
			email: 'hotspots-bench@bench.test',
			name: 'Bench',
			role: 'ministry',
			municipalityCode: null,
			policeDistrict: null
		},
		'bench-password-0123456789'
	);
	const token = generateSessionToken();
	await createSession(db, token, userId, null);
	const tileRun = (await hotspotTileRun(db, country.run.id))!;

	const tiles: HotspotTileResult[] = [];
	for (const zoom of [8, 11, 14]) {
		const coords: TileCoord[] = PLACES.map(([lon, lat]) => tileAt(lon, lat, zoom));
		const url = (t: TileCoord) => `${origin}/hotspots/tiles/${tileRun.id}/${t.z}/${t.x}/${t.y}.mvt`;
		const get = (t: TileCoord) => fetch(url(t), { headers: { cookie: `session=${token}` } });
		for (const t of coords) {
			const warm = await get(t);
			if (warm.status !== 200 && warm.status !== 204) throw new Error(`${url(t)}: HTTP ${warm.status}`);
			await warm.arrayBuffer();
		}
		const http: number[] = [];
		const raw: number[] = [];
		let bytes = 0;
		for (let round = 0; round < ROUNDS; round++) {
			for (const t of coords) {
				http.push(await timeMs(async () => (bytes += (await (await get(t)).arrayBuffer()).byteLength)));
				raw.push(await timeMs(() => hotspotTile(db, tileRun, t)));
			}
		}
		tiles.push({
			zoom,
			tiles: coords.length,
			http: summarize(http),
			sql: summarize(raw),
			meanBytes: Math.round(bytes / http.length)
		});
	}
	return { giStar: [municipality.result, country.result], tiles };
}
