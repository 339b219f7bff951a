// Incident counts on a hexagonal grid and their Getis-Ord Gi* statistic, computed in one
// transaction of set-based SQL and stored as a hotspot run.
//
// Cells: every hexagon of ST_HexagonGrid(size) in EPSG:25832 that meets the study area (the
// municipalities'subdivided polygons), including those with no incident, because Gi* compares
// each neighbourhood with the whole area. Each incident goes to exactly one cell: tk_hex_cell
// finds the hexagon holding it by arithmetic (a point on a shared edge gets one of the two).
//
// Gi* (Getis & Ord 1992; Ord & Getis 1995) with binary weights w_ij = 1 when the centres of i and
// j lie within the distance band, i itself included:
//   G*_i = (sum_j w_ij x_j - mean * W_i) / (S * sqrt((n * W_i - W_i^2) / (n - 1)))
// where W_i = sum_j w_ij (= the sum of squared weights, the weights being 0 or 1), n the number of
// cells, mean and S the mean and population standard deviation of the counts. G*_i is a z-score;
// bins at |z| >= 1.645 / 1.960 / 2.576 are hot (or cold) at 90 / 95 / 99 % confidence, without a
// correction for multiple testing. With no variance (S = 0) z is undefined and the bin 0.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { distanceBand, formatArea, Z_CRITICAL, type HotspotQuery } from '../../hotspots';
import { areaMunicipalities } from './areas';

type Trx = Transaction<Database>;

/** Vertices per piece when the study area is cut up, so each piece's grid bbox stays tight. */
const SUBDIVIDE_VERTICES = 128;

/** The 'incidents' dataset version (0 before any incident was ever stored). */
export async function incidentsVersion(db: Kysely<Database>): Promise<number> {
	const row = await db
		.selectFrom('datasets')
		.select('version')
		.where('name', '=', 'incidents')
		.executeTakeFirst();
	return row?.version ?? 0;
}

/** Incidents of the query's period and categories in the study area, as `x` rows. */
function selectedIncidents(q: HotspotQuery, allCategories: boolean) {
	return sql`
		SELECT x.geom, x.is_synthetic FROM incidents x
		WHERE x.occurred_at >= (${q.from}::date::timestamp AT TIME ZONE 'Europe/Copenhagen')
			AND x.occurred_at < ((${q.to}::date + 1)::timestamp AT TIME ZONE 'Europe/Copenhagen')
			AND x.municipality_code IN (SELECT m.code FROM municipalities m WHERE ${areaMunicipalities(q.area)})
			${allCategories ? sql`` : sql`AND x.category = ANY(${q.categories}::text[])`}
	`;
}

/**
 * One integer per cell, i * 10^6 + j, so the neighbour join hashes a single key (about twice as
 * fast as the pair) and a neighbour's key is the cell's plus its offset's. Rows j stay far below
 * 5 * 10^5 in Denmark even at 25 m cells (northing < 6.5 * 10^6 m).
 */
function cellKey(i: RawBuilder<unknown>, j: RawBuilder<unknown>): RawBuilder<number> {
	return sql<number>`(${i}::int8 * 1000000 + ${j})`;
}

/** The bin of z-score `z` in SQL, from the same thresholds as zBin. */
function binSql(z: RawBuilder<unknown>): RawBuilder<number> {
	const hot = Z_CRITICAL.map((c) => sql`WHEN ${z} >= ${c.z}::float8 THEN ${c.bin}`);
	const cold = Z_CRITICAL.map((c) => sql`WHEN ${z} <= ${-c.z}::float8 THEN ${-c.bin}`);
	return sql<number>`(CASE WHEN ${z} IS NULL THEN 0 ${sql.join([...hot, ...cold], sql` `)} ELSE 0 END)`;
}

export interface ComputedRun {
	id: number;
	computeMs: number;
}

/**
 * Computes and stores the run of `q` (categories sorted; empty means all) from the snapshot the
 * transaction sees, which should be REPEATABLE READ so the version and the incidents agree.
 */
export async function computeHotspotRun(trx: Trx, q: HotspotQuery): Promise<ComputedRun> {
	const started = performance.now();
	const size = q.cell;
	const band = distanceBand(size);
	const categories = q.categories.length
		? q.categories
		: (await trx.selectFrom('incident_categories').select('code').orderBy('code').execute()).map(
				(r) => r.code
			);
	const allCategories = q.categories.length === 0;

	await sql`DROP TABLE IF EXISTS tk_hotspot_cells, tk_hotspot_offsets`.execute(trx);
	await sql`
		CREATE TEMP TABLE tk_hotspot_cells ON COMMIT DROP AS
		WITH pieces AS (
			SELECT ST_Subdivide(m.geom, ${SUBDIVIDE_VERTICES}) AS geom FROM municipalities m
			WHERE ${areaMunicipalities(q.area)}
		), grid AS (
			SELECT DISTINCT h.i, h.j
			FROM pieces p, LATERAL ST_HexagonGrid(${size}, p.geom) h
			WHERE ST_Intersects(h.geom, p.geom)
		), counts AS (
			SELECT c.i, c.j, count(*)::integer AS n, bool_or(s.is_synthetic) AS synthetic
			FROM (${selectedIncidents(q, allCategories)}) s,
				LATERAL tk_hex_cell(ST_X(s.geom), ST_Y(s.geom), ${size}) c
			GROUP BY c.i, c.j
		)
		SELECT g.i, g.j, ${cellKey(sql`g.i`, sql`g.j`)} AS k, coalesce(c.n, 0) AS x,
			coalesce(c.synthetic, false) AS synthetic
		FROM grid g LEFT JOIN counts c USING (i, j)
	`.execute(trx);
	await sql`ANALYZE tk_hotspot_cells`.execute(trx);

	const { rows: statRows } = await sql<{
		n: number;
		mean: number | null;
		std_dev: number | null;
		total: number | null;
		synthetic: boolean | null;
	}>`
		SELECT count(*)::integer AS n, avg(x)::float8 AS mean, stddev_pop(x)::float8 AS std_dev,
			sum(x)::integer AS total, bool_or(synthetic) AS synthetic
		FROM tk_hotspot_cells
	`.execute(trx);
	const stats = statRows[0];
	const n = stats.n;
	const mean = stats.mean ?? 0;
	const stdDev = stats.std_dev ?? 0;
	// Offsets (di, dj) of the cells within the band, by the parity of the cell's column: odd
	// columns sit half a row higher (centre y = sqrt(3) size (j + (i & 1) / 2)).
	const reach = Math.ceil(band / (1.5 * size)) + 1;

	const version = await incidentsVersion(trx);

	const run = await trx
		.insertInto('hotspot_runs')
		.values({
			area: formatArea(q.area),
			cell_size_m: size,
			band_m: band,
			period_from: sql<Date>`${q.from}::date`,
			period_to: sql<Date>`${q.to}::date`,
			categories: sql<string[]>`${categories}::text[]`,
			incidents_version: version,
			synthetic: stats.synthetic ?? false,
			cell_count: n,
			incident_count: stats.total ?? 0,
			mean,
			std_dev: stdDev,
			neighbours: 0,
			compute_ms: 0
		})
		.returning('id')
		.executeTakeFirstOrThrow();

	await sql`
		CREATE TEMP TABLE tk_hotspot_offsets ON COMMIT DROP AS
		SELECT p, ${cellKey(sql`di`, sql`dj`)} AS dk
		FROM generate_series(0, 1) p, generate_series(${-reach}::integer, ${reach}::integer) di, generate_series(${-reach}::integer, ${reach}::integer) dj
		WHERE ${size}::float8 * sqrt(power(1.5 * di, 2) + 3 * power(dj + (((p + di) & 1) - p) / 2.0, 2))
			<= ${band}::float8 * (1 + 1e-9)
	`.execute(trx);

	await sql`SET LOCAL work_mem = '128MB'`.execute(trx);
	await sql`
		WITH sums AS (
			-- Scattered rather than gathered: each cell adds its count to every cell within the band
			-- of it (the relation is symmetric), which aggregates one stream instead of probing a
			-- hash per neighbour; cells outside the study area that receive sums drop out in the join.
			SELECT c.k + o.dk AS k, sum(c.x)::integer AS sx, count(*)::integer AS w
			FROM tk_hotspot_cells c JOIN tk_hotspot_offsets o ON o.p = (c.i & 1)
			GROUP BY 1
		), scored AS (
			SELECT c.i, c.j, c.x, s.sx, s.w,
				CASE WHEN ${stdDev}::float8 > 0 AND ${n}::integer > w
					THEN (sx - ${mean}::float8 * w)
						/ (${stdDev}::float8 * sqrt((${n}::float8 * w - w::float8 * w) / (${n}::float8 - 1)))
				END AS z
			FROM sums s JOIN tk_hotspot_cells c USING (k)
		)
		INSERT INTO hotspot_cells (run_id, i, j, incidents, neighbour_sum, neighbours, z, bin)
		SELECT ${run.id}, i, j, x, sx, w, z, ${binSql(sql`z`)} FROM scored
	`.execute(trx);

	const { rows: offsetRows } = await sql<{ w: number }>`
		SELECT count(*)::integer AS w FROM tk_hotspot_offsets WHERE p = 0
	`.execute(trx);
	const computeMs = Math.round(performance.now() - started);
	await trx
		.updateTable('hotspot_runs')
		.set({ compute_ms: computeMs, neighbours: offsetRows[0].w })
		.where('id', '=', run.id)
		.execute();
	await sql`DROP TABLE tk_hotspot_cells, tk_hotspot_offsets`.execute(trx);
	return { id: run.id, computeMs };
}
