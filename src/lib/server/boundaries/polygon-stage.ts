// Pieces shared by the GeoJSON polygon imports (buildings, reference layers) that stage features in a
// temporary table before writing them.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';

/** A file on disk, or text already in hand (an upload) with the name it came under. */
export type GeoJsonInput = { path: string; source?: string } | { text: string; source: string };

/** The input's text and source name; an unreadable file is `fail(message)`. */
export async function readGeoJsonInput(
	input: GeoJsonInput,
	fail: (message: string) => Error
): Promise<{ text: string; source: string }> {
	if ('text' in input) return { text: input.text, source: input.source };
	try {
		return { text: await readFile(input.path, 'utf8'), source: input.source ?? basename(input.path) };
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		const why =
			code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
		throw fail(`Cannot read ${input.path}: ${why}.`);
	}
}

const STAGE_BATCH_CHARS = 2_000_000;

/** Rows in batches of at most about 2 MB of GeoJSON geometry, one INSERT each. */
export function* geometryBatches<T extends { geometry: string }>(rows: readonly T[]): Generator<T[]> {
	let batch: T[] = [];
	let chars = 0;
	for (const row of rows) {
		if (batch.length > 0 && chars + row.geometry.length > STAGE_BATCH_CHARS) {
			yield batch;
			batch = [];
			chars = 0;
		}
		batch.push(row);
		chars += row.geometry.length;
	}
	if (batch.length) yield batch;
}

/**
 * Makes the invalid polygons of a staging table (columns `feature`, `geom`) valid, keeping their
 * polygonal part. Returns each repaired feature with PostGIS's reason and whether nothing was left.
 */
export async function repairStagedPolygons(
	trx: Transaction<Database>,
	table: string
): Promise<{ feature: number; reason: string; empty: boolean }[]> {
	const stage = sql.table(table);
	const repaired = await sql<{ feature: number; reason: string; empty: boolean }>`
		WITH invalid AS (
			SELECT feature, ST_IsValidReason(geom) AS reason FROM ${stage} WHERE NOT ST_IsValid(geom)
		)
		UPDATE ${stage} s
		SET geom = ST_CollectionExtract(ST_MakeValid(s.geom), 3)
		FROM invalid i
		WHERE s.feature = i.feature
		RETURNING s.feature, i.reason, ST_IsEmpty(s.geom) AS empty
	`.execute(trx);
	return repaired.rows;
}
