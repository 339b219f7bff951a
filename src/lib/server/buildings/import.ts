// Imports building footprints (GeoJSON polygons), the obstacle layer that cuts camera views. The
// file is read with the boundary importer's parser and CRS rules (file `crs` member or --srs;
// CRS84, EPSG:4326, EPSG:4258, EPSG:25832, EPSG:25833; coordinates must lie in Denmark). Z values
// are dropped, invalid rings repaired; everything happens in one transaction that also
// recomputes the views of the cameras near the changed buildings, so a bad file changes nothing.
import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/connect';
import type { Database } from '../db/schema';
import { recordAudit, type AuditActor } from '../audit/service';
import { findProperty, type FeatureProperties } from '../boundaries/boundary-properties';
import { assertCoordinatesPlausible, resolveSourceCrs, type SourceCrs } from '../boundaries/crs';
import { BoundaryImportError } from '../boundaries/errors';
import { parseBoundaryFile } from '../boundaries/geojson-parse';
import {
	geometryBatches,
	readGeoJsonInput,
	repairStagedPolygons,
	type GeoJsonInput
} from '../boundaries/polygon-stage';
import { recomputeViewsNear, type Bbox25832 } from '../cameras/views';

/** A problem with the file or the options, worded for the person who runs the import. */
export class BuildingImportError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'BuildingImportError';
	}
}

export type BuildingImportInput = GeoJsonInput & {
	/** Overrides the file's `crs` member, e.g. 'EPSG:25832'. */
	srs?: string;
	/** Deletes every stored building first; otherwise the file's buildings are added. */
	replace?: boolean;
	actor?: AuditActor;
};

export interface BuildingImportReport {
	/** The file's base name, stored in buildings.source. */
	source: string;
	crs: SourceCrs;
	featuresRead: number;
	imported: number;
	/** Buildings deleted first (--replace). */
	deleted: number;
	withHeight: number;
	residential: number;
	/** Features repaired with ST_MakeValid: ST_IsValidReason before. */
	repairs: { feature: number; reason: string }[];
	skipped: { feature: number; reason: string }[];
	warnings: string[];
	/** Cameras whose views were recomputed because buildings near them changed. */
	camerasRecomputed: number;
	durationMs: number;
}

export const HEIGHT_PROPERTIES = ['height', 'height_m', 'hoejde', 'højde', 'bygningshoejde'];
export const RESIDENTIAL_PROPERTIES = ['residential', 'is_residential', 'bolig'];
/** BBR's building use code (byg021BygningensAnvendelse) in its common spellings. */
export const BBR_USE_PROPERTIES = [
	'byg021BygningensAnvendelse',
	'byg021',
	'bbr_anvendelse',
	'anvendelse',
	'anvendelseskode'
];
export const REF_PROPERTIES = ['source_ref', 'id_lokalId', 'id_lokalid', 'bbr_id', 'id', 'objectid'];

/**
 * BBR use codes of homes, where cameras must not look in: 110–190 (farmhouses, detached and
 * terraced houses, blocks of flats, student and residential institutions, other dwellings), and
 * holiday homes (510 sommerhus, 540 kolonihavehus, 585 annex to a holiday home).
 */
export function isResidentialBbrCode(code: number): boolean {
	return (code >= 110 && code <= 190) || code === 510 || code === 540 || code === 585;
}

export interface BuildingAttributes {
	height: number | null;
	residential: boolean;
	ref: string | null;
	/** Why a property present in the file was not used. */
	notes: string[];
}

function parseBoolean(value: unknown): boolean | null {
	if (typeof value === 'boolean') return value;
	if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
	if (typeof value === 'string') {
		const v = value.trim().toLowerCase();
		if (['true', 'ja', 'yes', '1', 'j', 'y'].includes(v)) return true;
		if (['false', 'nej', 'no', '0', 'n'].includes(v)) return false;
	}
	return null;
}

function parseNumber(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value === 'string' && /^\s*-?\d+([.,]\d+)?\s*$/.test(value))
		return Number(value.replace(',', '.'));
	return null;
}

/** A building's optional attributes from its properties: height, whether people live there, a reference. */
export function readBuildingAttributes(properties: FeatureProperties): BuildingAttributes {
	const notes: string[] = [];
	let height: number | null = null;
	const heightProperty = findProperty(properties, HEIGHT_PROPERTIES);
	if (heightProperty && heightProperty.value !== null && heightProperty.value !== '') {
		const h = parseNumber(heightProperty.value);
		if (h !== null && h > 0 && h <= 500) height = h;
		else
			notes.push(`${heightProperty.key} ${JSON.stringify(heightProperty.value)} is not a height in metres`);
	}

	let residential: boolean | null = null;
	const flag = findProperty(properties, RESIDENTIAL_PROPERTIES);
	if (flag && flag.value !== null) {
		residential = parseBoolean(flag.value);
		if (residential === null) notes.push(`${flag.key} ${JSON.stringify(flag.value)} is not true or false`);
	}
	const use = findProperty(properties, BBR_USE_PROPERTIES);
	if (residential === null && use && use.value !== null && use.value !== '') {
		const code = parseNumber(use.value);
		if (code !== null && Number.isInteger(code)) residential = isResidentialBbrCode(code);
		else notes.push(`${use.key} ${JSON.stringify(use.value)} is not a BBR use code`);
	}

	const refProperty = findProperty(properties, REF_PROPERTIES);
	const ref =
		refProperty && (typeof refProperty.value === 'string' || typeof refProperty.value === 'number')
			? String(refProperty.value)
			: null;
	return { height, residential: residential ?? false, ref, notes };
}

interface StageRow {
	feature: number;
	height: number | null;
	residential: boolean;
	ref: string | null;
	geometry: string;
}

/** Serialises writes to the buildings table (imports, demo seeding) across processes. */
export async function lockBuildings(trx: Transaction<Database>): Promise<void> {
	await sql`SELECT pg_advisory_xact_lock(hashtext('tryghedskort.buildings'))`.execute(trx);
}

function inTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
	return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}

/**
 * Adds the polygons of a GeoJSON file to the buildings (or replaces all buildings with them) and
 * recomputes the views of the cameras that can see the changed area. Throws BuildingImportError
 * for a file that cannot be imported; the database is then unchanged.
 */
export async function importBuildings(db: Db, input: BuildingImportInput): Promise<BuildingImportReport> {
	const started = performance.now();
	const { text, source } = await readGeoJsonInput(input, (message) => new BuildingImportError(message));
	let file: ReturnType<typeof parseBoundaryFile>;
	let crs: SourceCrs;
	try {
		file = parseBoundaryFile(text);
		crs = resolveSourceCrs(input.srs, file.crsMember);
		assertCoordinatesPlausible(file.bbox, crs);
	} catch (e) {
		if (e instanceof BoundaryImportError) throw new BuildingImportError(e.message);
		throw e;
	}

	const skipped = file.features
		.filter((f) => f.problem)
		.map((f) => ({ feature: f.index, reason: f.problem! }));
	const warnings: string[] = [];
	const rows: StageRow[] = [];
	for (const f of file.features) {
		if (!f.geometry) continue;
		const attributes = readBuildingAttributes(f.properties);
		for (const note of attributes.notes) warnings.push(`features[${f.index}]: ${note}; ignored`);
		rows.push({
			feature: f.index,
			height: attributes.height,
			residential: attributes.residential,
			ref: attributes.ref,
			geometry: JSON.stringify(f.geometry)
		});
	}

	return inTransaction(db, async (trx) => {
		await lockBuildings(trx);
		await sql`
			CREATE TEMP TABLE building_import_stage (
				feature integer PRIMARY KEY,
				height real,
				residential boolean NOT NULL,
				ref text,
				geom geometry NOT NULL
			) ON COMMIT DROP
		`.execute(trx);
		for (const batch of geometryBatches(rows)) {
			await sql`
				INSERT INTO building_import_stage (feature, height, residential, ref, geom)
				SELECT e.feature, e.height, e.residential, e.ref,
					ST_Transform(ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(e.geometry)), ${crs.srid}::integer), 25832)
				FROM json_to_recordset(${JSON.stringify(batch)}::json)
					AS e(feature integer, height real, residential boolean, ref text, geometry text)
			`.execute(trx);
		}

		const repaired = await repairStagedPolygons(trx, 'building_import_stage');
		const emptied = repaired.filter((r) => r.empty).map((r) => r.feature);
		if (emptied.length) {
			await sql`DELETE FROM building_import_stage WHERE feature = ANY(${emptied}::integer[])`.execute(trx);
			for (const feature of emptied) {
				skipped.push({
					feature,
					reason: 'the polygon is invalid and nothing polygonal remained after ST_MakeValid'
				});
			}
		}

		const staged = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM building_import_stage`.execute(
			trx
		);
		if (staged.rows[0].n === 0) {
			throw new BuildingImportError(
				'No polygon of the file is left after repairing invalid ones; nothing was imported.'
			);
		}

		// The area whose buildings change: the old ones when replacing, and the new ones.
		const extent = await sql<{
			minx: number | null;
			miny: number;
			maxx: number;
			maxy: number;
			deleted: number;
		}>`
			SELECT ST_XMin(e) AS minx, ST_YMin(e) AS miny, ST_XMax(e) AS maxx, ST_YMax(e) AS maxy,
				(SELECT count(*) FROM buildings WHERE ${input.replace === true}) AS deleted
			FROM (
				SELECT ST_Extent(geom) AS e FROM (
					SELECT geom FROM building_import_stage
					UNION ALL SELECT geom FROM buildings WHERE ${input.replace === true}
				) g
			) x
		`.execute(trx);
		const deleted = extent.rows[0].deleted;
		if (input.replace) await sql`DELETE FROM buildings`.execute(trx);

		const inserted = await sql<{ imported: number; with_height: number; residential: number }>`
			WITH stored AS (
				INSERT INTO buildings (source, source_ref, height_m, is_residential, geom)
				SELECT ${source}, ref, height, residential, ST_Multi(geom)
				FROM building_import_stage ORDER BY feature
				RETURNING height_m, is_residential
			)
			SELECT count(*)::integer AS imported, count(height_m)::integer AS with_height,
				count(*) FILTER (WHERE is_residential)::integer AS residential
			FROM stored
		`.execute(trx);
		const { imported, with_height: withHeight, residential } = inserted.rows[0];

		const { minx, miny, maxx, maxy } = extent.rows[0];
		const camerasRecomputed =
			minx === null ? 0 : await recomputeViewsNear(trx, [minx, miny, maxx, maxy] satisfies Bbox25832);

		if (input.actor) {
			await recordAudit(trx, input.actor, {
				action: 'buildings.import',
				objectType: 'dataset',
				objectId: 'buildings',
				after: { source, imported, deleted, crs: crs.srid, camerasRecomputed }
			});
		}

		return {
			source,
			crs,
			featuresRead: file.features.length,
			imported,
			deleted,
			withHeight,
			residential,
			repairs: repaired
				.map(({ feature, reason }) => ({ feature, reason }))
				.sort((a, b) => a.feature - b.feature),
			skipped: skipped.sort((a, b) => a.feature - b.feature),
			warnings,
			camerasRecomputed,
			durationMs: Math.round(performance.now() - started)
		};
	});
}

/** The report as the command line prints it. */
export function formatBuildingImportReport(r: BuildingImportReport): string {
	const crsFrom = {
		option: 'from --srs',
		file: "from the file's crs member",
		assumed: 'assumed: the file names none'
	}[r.crs.origin];
	const lines = [
		`Imported ${r.imported} buildings from ${r.source} in ${(r.durationMs / 1000).toFixed(1)} s` +
			(r.deleted ? ` (replacing ${r.deleted}).` : '.'),
		`CRS: ${r.crs.label} (${crsFrom}). Features: ${r.featuresRead} read, ${r.imported} imported, ${r.skipped.length} skipped.`,
		`With a height: ${r.withHeight}; residential: ${r.residential}. Camera views recomputed: ${r.camerasRecomputed}.`
	];
	if (r.repairs.length) {
		lines.push('', 'Repaired with ST_MakeValid:');
		for (const x of r.repairs) lines.push(`  features[${x.feature}]: ${x.reason}`);
	}
	if (r.skipped.length) {
		lines.push('', 'Skipped:');
		for (const s of r.skipped) lines.push(`  features[${s.feature}]: ${s.reason}`);
	}
	if (r.warnings.length) lines.push('', 'Warnings:', ...r.warnings.map((w) => `  ${w}`));
	return lines.join('\n');
}
