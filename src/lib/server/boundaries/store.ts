import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';

export type BoundaryDataset = 'municipalities' | 'police_districts' | 'regions';

/**
 * Gives each municipality the police district and the region it overlaps most. Set-based:
 * one statement per parent layer, whatever the number of municipalities.
 */
export async function assignMunicipalityParents(trx: Transaction<Database>): Promise<void> {
	await sql`
		UPDATE municipalities m SET police_district = best.number
		FROM (
			SELECT DISTINCT ON (m2.code) m2.code, p.number
			FROM municipalities m2
			JOIN police_districts p ON p.geom && m2.geom AND ST_Intersects(p.geom, m2.geom)
			ORDER BY m2.code, ST_Area(ST_Intersection(p.geom, m2.geom)) DESC
		) best
		WHERE m.code = best.code
	`.execute(trx);
	await sql`
		UPDATE municipalities m SET region_code = best.code_r
		FROM (
			SELECT DISTINCT ON (m2.code) m2.code, r.code AS code_r
			FROM municipalities m2
			JOIN regions r ON r.geom && m2.geom AND ST_Intersects(r.geom, m2.geom)
			ORDER BY m2.code, ST_Area(ST_Intersection(r.geom, m2.geom)) DESC
		) best
		WHERE m.code = best.code
	`.execute(trx);
}

/** Records where a dataset came from and bumps its version, which tile ETags include. */
export async function recordDataset(
	trx: Transaction<Database>,
	name: BoundaryDataset,
	source: string,
	isDemo: boolean
): Promise<void> {
	await trx
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
		.execute();
}
