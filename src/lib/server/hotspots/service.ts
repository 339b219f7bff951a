// Hotspot runs as a cache: one per (study area, cell size, band, period, categories), computed on
// first request and reused until the incidents change (their trigger deletes every run, and a run
// computed from an older incidents version is never served).
import { sql } from 'kysely';
import type { Db } from '../db/connect';
import { isoDate } from '../db/expressions';
import { distanceBand, formatArea, type HotspotQuery } from '../../hotspots';
import { computeHotspotRun, incidentsVersion } from './gistar';

/** Runs kept; the least recently used beyond this are dropped after each computation. */
const MAX_CACHED_RUNS = 60;

export interface HotspotRun {
	id: number;
	area: string;
	cellSizeM: number;
	bandM: number;
	/** Cells within the band of a cell where the grid is complete, the cell itself included. */
	neighbours: number;
	from: string;
	to: string;
	categories: string[];
	cellCount: number;
	incidentCount: number;
	mean: number;
	stdDev: number;
	maxIncidents: number;
	/** Cells per bin, '-3'..'3'. */
	bins: Record<string, number>;
	synthetic: boolean;
	computedAt: string;
	computeMs: number;
	/** Computed for this request rather than taken from the cache. */
	fresh: boolean;
}

async function findRunId(
	db: Db,
	q: HotspotQuery,
	categories: string[],
	version: number
): Promise<number | null> {
	const row = await db
		.selectFrom('hotspot_runs')
		.select('id')
		.where('area', '=', formatArea(q.area))
		.where('cell_size_m', '=', q.cell)
		.where('band_m', '=', distanceBand(q.cell))
		.where('period_from', '=', sql<Date>`${q.from}::date`)
		.where('period_to', '=', sql<Date>`${q.to}::date`)
		.where('categories', '=', sql<string[]>`${categories}::text[]`)
		.where('incidents_version', '=', version)
		.executeTakeFirst();
	return row?.id ?? null;
}

async function allCategoryCodes(db: Db): Promise<string[]> {
	const rows = await db.selectFrom('incident_categories').select('code').orderBy('code').execute();
	return rows.map((r) => r.code);
}

/** Unknown category codes in the query, for a 400. */
export async function unknownCategories(db: Db, categories: string[]): Promise<string[]> {
	const known = new Set(await allCategoryCodes(db));
	return categories.filter((c) => !known.has(c));
}

/**
 * The run answering `q`, from the cache or computed now. Concurrent requests for the same key
 * wait on one advisory lock, so the work is done once.
 */
export async function ensureHotspotRun(db: Db, q: HotspotQuery): Promise<HotspotRun> {
	const categories = q.categories.length ? q.categories : await allCategoryCodes(db);
	const normalized = { ...q, categories: q.categories.length === categories.length ? [] : q.categories };
	const cached = await findRunId(db, q, categories, await incidentsVersion(db));
	if (cached !== null) {
		await db
			.updateTable('hotspot_runs')
			.set({ used_at: sql`now()` })
			.where('id', '=', cached)
			.execute();
		return (await hotspotRun(db, cached, false))!;
	}
	const key = JSON.stringify([formatArea(q.area), q.cell, q.from, q.to, categories]);
	const id = await db
		.transaction()
		.setIsolationLevel('repeatable read')
		.execute(async (trx) => {
			await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
			// Another request may have computed it while this one waited: that run is visible only
			// to a snapshot taken after the lock, so look again outside this transaction.
			const done = await findRunId(db, q, categories, await incidentsVersion(db));
			if (done !== null) return { id: done, fresh: false };
			const computed = await computeHotspotRun(trx, { ...normalized, categories });
			return { id: computed.id, fresh: true };
		});
	await pruneHotspotRuns(db);
	return (await hotspotRun(db, id.id, id.fresh))!;
}

/**
 * The id of the run answering `q`, from the cache or computed now: ensureHotspotRun without
 * reading the run's figures (a national run has hundreds of thousands of cells), for callers that
 * only join its cells, such as the rule evaluator on every drag of a planned camera. The cache's
 * last use is stamped at most once a minute.
 */
export async function ensureHotspotRunId(db: Db, q: HotspotQuery): Promise<number> {
	const categories = q.categories.length ? q.categories : await allCategoryCodes(db);
	const cached = await findRunId(db, q, categories, await incidentsVersion(db));
	if (cached === null) return (await ensureHotspotRun(db, q)).id;
	await db
		.updateTable('hotspot_runs')
		.set({ used_at: sql`now()` })
		.where('id', '=', cached)
		.where('used_at', '<', sql<Date>`now() - interval '1 minute'`)
		.execute();
	return cached;
}

/** Drops the least recently used runs beyond MAX_CACHED_RUNS (their cells go with them). */
export async function pruneHotspotRuns(db: Db, keep = MAX_CACHED_RUNS): Promise<number> {
	const result = await sql`
		DELETE FROM hotspot_runs WHERE id IN (
			SELECT id FROM hotspot_runs ORDER BY used_at DESC, id DESC OFFSET ${keep}
		)
	`.execute(db);
	return Number(result.numAffectedRows ?? 0);
}

/** A stored run with its bin counts, or null when it is gone. */
export async function hotspotRun(db: Db, id: number, fresh = false): Promise<HotspotRun | null> {
	const run = await db
		.selectFrom('hotspot_runs')
		.selectAll()
		.select([isoDate('period_from').as('from'), isoDate('period_to').as('to')])
		.where('id', '=', id)
		.executeTakeFirst();
	if (!run) return null;
	const cells = await db
		.selectFrom('hotspot_cells')
		.select(['bin', (eb) => eb.fn.countAll<number>().as('cells'), (eb) => eb.fn.max('incidents').as('max')])
		.where('run_id', '=', id)
		.groupBy('bin')
		.execute();
	const bins: Record<string, number> = { '-3': 0, '-2': 0, '-1': 0, '0': 0, '1': 0, '2': 0, '3': 0 };
	let maxIncidents = 0;
	for (const c of cells) {
		bins[String(c.bin)] = Number(c.cells);
		maxIncidents = Math.max(maxIncidents, Number(c.max));
	}
	return {
		id: run.id,
		area: run.area,
		cellSizeM: run.cell_size_m,
		bandM: run.band_m,
		neighbours: run.neighbours,
		from: run.from!,
		to: run.to!,
		categories: run.categories,
		cellCount: run.cell_count,
		incidentCount: run.incident_count,
		mean: run.mean,
		stdDev: run.std_dev,
		maxIncidents,
		bins,
		synthetic: run.synthetic,
		computedAt: run.computed_at.toISOString(),
		computeMs: run.compute_ms,
		fresh
	};
}
