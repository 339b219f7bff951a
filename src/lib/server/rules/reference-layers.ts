// Imports the polygons of a reference layer (housing areas, nightlife areas, schools, any polygon
// layer rules measure against) from GeoJSON, all or nothing: one bad feature and nothing is
// written, with every problem listed by feature. The file is read with the boundary importer's
// parser and CRS rules (the file's `crs` member or --srs; CRS84, EPSG:4326, EPSG:4258, EPSG:25832,
// EPSG:25833; coordinates must lie in Denmark). Z values are dropped and invalid rings repaired.
import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/connect';
import type { Database } from '../db/schema';
import { recordAudit, type AuditActor } from '../audit/service';
import { findProperty } from '../boundaries/boundary-properties';
import { assertCoordinatesPlausible, resolveSourceCrs, type SourceCrs } from '../boundaries/crs';
import { BoundaryImportError } from '../boundaries/errors';
import { parseBoundaryFile } from '../boundaries/geojson-parse';
import {
	geometryBatches,
	readGeoJsonInput,
	repairStagedPolygons,
	type GeoJsonInput
} from '../boundaries/polygon-stage';
import { translate, type Lang, type MessageKey } from '../../i18n';

/** A problem with the file, the layer or the options, worded for the person who runs the import. */
export class ReferenceLayerImportError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ReferenceLayerImportError';
	}
}

export const LAYER_KIND = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;
export const NAME_PROPERTIES = ['name', 'navn', 'title', 'titel', 'betegnelse'];
export const REF_PROPERTIES = ['source_ref', 'id', 'id_lokalId', 'lokalId', 'objectid', 'fid'];

export type ReferenceLayerImportInput = GeoJsonInput & {
	/** reference_layers.kind, e.g. 'housing_area'. */
	kind: string;
	/** Overrides the file's `crs` member, e.g. 'EPSG:25832'. */
	srs?: string;
	/** Deletes the layer's features first; otherwise the file's features are added. */
	replace?: boolean;
	/** Made-up data (tests, demos). */
	synthetic?: boolean;
	/** Names for a layer that does not exist yet; without them an unknown kind is refused. */
	newLayer?: { da: string; en: string };
	actor?: AuditActor;
	/** The language of feature problems (file-level problems are English). */
	lang?: Lang;
};

export interface FeatureProblem {
	/** Index in the file's `features` array (0-based). */
	feature: number;
	message: string;
}

export interface ReferenceLayerImportReport {
	kind: string;
	source: string;
	crs: SourceCrs;
	featuresRead: number;
	imported: number;
	/** Features deleted first (replace). */
	deleted: number;
	createdLayer: boolean;
	repairs: { feature: number; reason: string }[];
	durationMs: number;
}

export type ReferenceLayerImportResult =
	| { ok: true; report: ReferenceLayerImportReport }
	| { ok: false; featuresRead: number; problems: FeatureProblem[] };

function inTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
	return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}

/** Rolls the transaction back while carrying the problems out of it. */
class Refused extends Error {
	constructor(readonly problems: FeatureProblem[]) {
		super('refused');
	}
}

interface StageRow {
	feature: number;
	name: string | null;
	ref: string | null;
	properties: Record<string, unknown>;
	geometry: string;
}

function scalarText(value: unknown): string | null {
	if (typeof value === 'string') return value.trim() || null;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

/**
 * Stores the polygons of a GeoJSON file as features of a reference layer, or reports every
 * problem and stores nothing. Throws ReferenceLayerImportError for a file that cannot be read at
 * all (not GeoJSON, wrong CRS, unknown layer); the database is then unchanged too.
 */
export async function importReferenceLayer(
	db: Db,
	input: ReferenceLayerImportInput
): Promise<ReferenceLayerImportResult> {
	const started = performance.now();
	const lang = input.lang ?? 'en';
	const t = (key: MessageKey, vars: Record<string, string | number> = {}) => translate(lang, key, vars);
	if (!LAYER_KIND.test(input.kind) || input.kind.length > 64)
		throw new ReferenceLayerImportError(
			`"${input.kind}" is not a layer kind: lower-case letters, digits, - and _, starting with a letter.`
		);
	const { text, source } = await readGeoJsonInput(input, (message) => new ReferenceLayerImportError(message));
	let file: ReturnType<typeof parseBoundaryFile>;
	let crs: SourceCrs;
	try {
		file = parseBoundaryFile(text);
		crs = resolveSourceCrs(input.srs, file.crsMember);
		assertCoordinatesPlausible(file.bbox, crs);
	} catch (e) {
		if (e instanceof BoundaryImportError) throw new ReferenceLayerImportError(e.message);
		throw e;
	}

	const problems: FeatureProblem[] = [];
	const rows: StageRow[] = [];
	const refs = new Map<string, number>();
	for (const f of file.features) {
		if (f.problem) {
			problems.push({ feature: f.index, message: t('rules.layers.error.geometry', { problem: f.problem }) });
			continue;
		}
		const name = scalarText(findProperty(f.properties, NAME_PROPERTIES)?.value);
		const ref = scalarText(findProperty(f.properties, REF_PROPERTIES)?.value);
		if (name && name.length > 300)
			problems.push({ feature: f.index, message: t('rules.layers.error.nameLength') });
		if (ref !== null) {
			const earlier = refs.get(ref);
			if (earlier !== undefined)
				problems.push({
					feature: f.index,
					message: t('rules.layers.error.duplicateRef', { ref, feature: earlier })
				});
			else refs.set(ref, f.index);
		}
		rows.push({
			feature: f.index,
			name: name && name.length <= 300 ? name : null,
			ref,
			properties: f.properties ?? {},
			geometry: JSON.stringify(f.geometry)
		});
	}

	try {
		return await inTransaction(db, async (trx) => {
			await sql`SELECT pg_advisory_xact_lock(hashtext('tryghedskort.reference_layers'), hashtext(${input.kind}))`.execute(
				trx
			);
			const layer = await trx
				.selectFrom('reference_layers')
				.select('kind')
				.where('kind', '=', input.kind)
				.executeTakeFirst();
			let createdLayer = false;
			if (!layer) {
				if (!input.newLayer) {
					const known = await trx.selectFrom('reference_layers').select('kind').orderBy('kind').execute();
					throw new ReferenceLayerImportError(
						`Unknown reference layer "${input.kind}" (known: ${known.map((k) => k.kind).join(', ')}). ` +
							'To create a new layer, give its Danish and English names (--name-da, --name-en).'
					);
				}
				const da = input.newLayer.da.trim();
				const en = input.newLayer.en.trim();
				if (!da || !en || da.length > 200 || en.length > 200)
					throw new ReferenceLayerImportError(
						'A new layer needs a Danish and an English name of 1-200 characters.'
					);
				await trx
					.insertInto('reference_layers')
					.values({ kind: input.kind, name_da: da, name_en: en })
					.execute();
				createdLayer = true;
			}

			await sql`
				CREATE TEMP TABLE reference_import_stage (
					feature integer PRIMARY KEY,
					name text,
					ref text,
					properties jsonb NOT NULL,
					geom geometry NOT NULL
				) ON COMMIT DROP
			`.execute(trx);
			for (const batch of geometryBatches(rows)) {
				await sql`
					INSERT INTO reference_import_stage (feature, name, ref, properties, geom)
					SELECT e.feature, e.name, e.ref, e.properties,
						ST_Transform(ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(e.geometry)), ${crs.srid}::integer), 25832)
					FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
						AS e(feature integer, name text, ref text, properties jsonb, geometry text)
				`.execute(trx);
			}

			const repaired = await repairStagedPolygons(trx, 'reference_import_stage');
			for (const r of repaired.filter((x) => x.empty))
				problems.push({ feature: r.feature, message: t('rules.layers.error.invalid', { reason: r.reason }) });

			if (!input.replace) {
				const taken = await sql<{ feature: number; ref: string }>`
					SELECT s.feature, s.ref FROM reference_import_stage s
					JOIN reference_features f ON f.layer = ${input.kind} AND f.source_ref = s.ref
					ORDER BY s.feature
				`.execute(trx);
				for (const r of taken.rows)
					problems.push({ feature: r.feature, message: t('rules.layers.error.refTaken', { ref: r.ref }) });
			}
			if (problems.length) throw new Refused(problems);

			const deleted = input.replace
				? Number(
						(await trx.deleteFrom('reference_features').where('layer', '=', input.kind).executeTakeFirst())
							.numDeletedRows
					)
				: 0;
			const inserted = await sql<{ n: number }>`
				WITH stored AS (
					INSERT INTO reference_features (layer, name, source, source_ref, geom, properties, is_synthetic, import_id)
					SELECT ${input.kind}, name, ${source}, ref, ST_Multi(geom), properties, ${input.synthetic === true},
						${randomUUID()}::uuid
					FROM reference_import_stage ORDER BY feature
					RETURNING 1
				)
				SELECT count(*)::integer AS n FROM stored
			`.execute(trx);
			const imported = inserted.rows[0].n;

			if (input.actor) {
				await recordAudit(trx, input.actor, {
					action: 'referenceLayers.import',
					objectType: 'reference_layer',
					objectId: input.kind,
					after: {
						source,
						imported,
						deleted,
						crs: crs.srid,
						createdLayer,
						synthetic: input.synthetic === true
					}
				});
			}
			return {
				ok: true as const,
				report: {
					kind: input.kind,
					source,
					crs,
					featuresRead: file.features.length,
					imported,
					deleted,
					createdLayer,
					repairs: repaired
						.filter((r) => !r.empty)
						.map(({ feature, reason }) => ({ feature, reason }))
						.sort((a, b) => a.feature - b.feature),
					durationMs: Math.round(performance.now() - started)
				}
			};
		});
	} catch (e) {
		if (e instanceof Refused)
			return {
				ok: false,
				featuresRead: file.features.length,
				problems: e.problems.sort((a, b) => a.feature - b.feature)
			};
		throw e;
	}
}

/** The result as the command line prints it (at most `limit` problems). */
export function formatReferenceLayerImport(result: ReferenceLayerImportResult, limit = 50): string {
	if (!result.ok) {
		const lines = [
			`Refused: ${result.problems.length} problems in ${result.featuresRead} features; nothing was imported.`
		];
		for (const p of result.problems.slice(0, limit)) lines.push(`  features[${p.feature}]: ${p.message}`);
		if (result.problems.length > limit) lines.push(`  … and ${result.problems.length - limit} more`);
		return lines.join('\n');
	}
	const r = result.report;
	const crsFrom = {
		option: 'from --srs',
		file: "from the file's crs member",
		assumed: 'assumed: the file names none'
	}[r.crs.origin];
	const lines = [
		`Imported ${r.imported} features into the reference layer ${r.kind}${r.createdLayer ? ' (new layer)' : ''} ` +
			`from ${r.source} in ${(r.durationMs / 1000).toFixed(1)} s` +
			(r.deleted ? `, replacing ${r.deleted}.` : '.'),
		`CRS: ${r.crs.label} (${crsFrom}). Features read: ${r.featuresRead}.`
	];
	if (r.repairs.length) {
		lines.push('', 'Repaired with ST_MakeValid:');
		for (const x of r.repairs) lines.push(`  features[${x.feature}]: ${x.reason}`);
	}
	return lines.join('\n');
}
