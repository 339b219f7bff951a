import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';

/** Serialises every write to the boundary tables (imports, demo loads) across processes. */
export async function lockBoundaries(trx: Transaction<Database>): Promise<void> {
	await sql`SELECT pg_advisory_xact_lock(hashtext('tryghedskort.boundaries'))`.execute(trx);
}

export type BoundaryDataset = 'municipalities' | 'police_districts' | 'regions';

/**
 * Gives each municipality the police district and the region it overlaps most (NULL when it
 * overlaps none). One set-based statement, whatever the number of municipalities.
 */
export async function assignMunicipalityParents(trx: Transaction<Database>): Promise<void> {
	await sql`
		UPDATE municipalities m SET
			police_district = (
				SELECT p.number FROM police_districts p
				WHERE p.geom && m.geom AND ST_Intersects(p.geom, m.geom)
				ORDER BY ST_Area(ST_Intersection(p.geom, m.geom)) DESC, p.number
				LIMIT 1
			),
			region_code = (
				SELECT r.code FROM regions r
				WHERE r.geom && m.geom AND ST_Intersects(r.geom, m.geom)
				ORDER BY ST_Area(ST_Intersection(r.geom, m.geom)) DESC, r.code
				LIMIT 1
			)
	`.execute(trx);
}

/** Records where a dataset came from and bumps its version, which tile ETags include; returns the version. */
export async function recordDataset(
	trx: Transaction<Database>,
	name: BoundaryDataset,
	source: string,
	isDemo: boolean
): Promise<number> {
	const row = await trx
		.insertInto('datasets')
		.values({ name, source, is_demo: isDemo })
		.onConflict((oc) =>
			oc.column('name').doUpdateSet({
				source,
				is_demo: isDemo,
				version: sql`datasets.version + 1`,
				updated_at: sql`now()`
			})
		)
		.returning('version')
		.executeTakeFirstOrThrow();
	return row.version;
}
