// Imports official boundaries (DAGI GeoJSON) into municipalities, police_districts or regions.
// Everything that can be wrong with the file is found before the database is touched; the
// replacement itself is one transaction, so a failed import leaves the previous data in place.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/connect';
import { recordAudit, type AuditActor } from '../audit/service';
import type { Database } from '../db/schema';
import {
	assertKnownProperties,
	planUnits,
	type NameMatch,
	type PlannedUnit,
	type ReferenceUnit,
	type SkippedFeature
} from './boundary-properties';
import { assertCoordinatesPlausible, resolveSourceCrs, type SourceCrs } from './crs';
import { BoundaryImportError } from './errors';
import { parseBoundaryFile, type ParsedFeature } from './geojson-parse';
import { boundaryKinds, type BoundaryKind } from './kinds';
import {
	defaultGeodataDir,
	readPoliceDistrictFacts,
	readMunicipalityFacts,
	readRegionFacts
} from './reference-data';
import { assignMunicipalityParents, lockBoundaries, recordDataset, type BoundaryDataset } from './store';

export { BoundaryImportError } from './errors';
export { boundaryKinds, isBoundaryKind, type BoundaryKind } from './kinds';

export interface ImportProgress {
	phase: 'staging' | 'repairing' | 'dissolving' | 'assigning';
	/** Features staged so far (staging) or steps done. */
	done: number;
	total: number;
}

export type BoundaryImportInput = ({ path: string; source?: string } | { text: string; source: string }) & {
	/** Overrides the file's `crs` member, e.g. 'EPSG:25832'. */
	srs?: string;
	onProgress?: (progress: ImportProgress) => void;
	/** Folder with the reference CSVs; defaults to `geodata/` under the working directory (see defaultGeodataDir). */
	geodataDir?: string;
	/** Who imports, for the audit trail (the CLI's operator, an uploading user). */
	actor?: AuditActor;
};

export interface ImportedUnit {
	code: number;
	name: string;
	/** Features dissolved into the unit. */
	features: number;
	/** Polygons of the resulting MultiPolygon. */
	parts: number;
	areaKm2: number;
}

export interface Repair {
	feature: number;
	code: number;
	name: string;
	/** ST_IsValidReason before ST_MakeValid. */
	reason: string;
}

export interface ImportReport {
	kind: BoundaryKind;
	dataset: BoundaryDataset;
	/** The file's base name, as recorded in datasets.source. */
	source: string;
	crs: SourceCrs;
	featuresRead: number;
	featuresImported: number;
	units: ImportedUnit[];
	repairs: Repair[];
	skipped: SkippedFeature[];
	matchedByName: NameMatch[];
	warnings: string[];
	datasetVersion: number;
	durationMs: number;
}

// Keeps one staging statement well below a few MB of parameters.
const STAGE_BATCH_CHARS = 1_000_000;
const STAGE_BATCH_FEATURES = 200;

/** The kind's reference list, or null when it is missing (names are then matched within the file only). */
async function readReferenceUnits(kind: BoundaryKind, geodataDir: string): Promise<ReferenceUnit[] | null> {
	try {
		if (kind === 'municipalities') return await readMunicipalityFacts(geodataDir);
		if (kind === 'regions') return await readRegionFacts(geodataDir);
		return (await readPoliceDistrictFacts(geodataDir)).map((d) => ({ code: d.number, name: d.name }));
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw e;
	}
}

async function readInput(input: BoundaryImportInput): Promise<{ text: string; source: string }> {
	if ('text' in input) return { text: input.text, source: input.source };
	try {
		return { text: await readFile(input.path, 'utf8'), source: input.source ?? basename(input.path) };
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		const why =
			code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
		throw new BoundaryImportError(`Cannot read ${input.path}: ${why}.`);
	}
}

function* stagingBatches(features: readonly { feature: number; code: number; geometry: string }[]) {
	let batch: (typeof features)[number][] = [];
	let chars = 0;
	for (const f of features) {
		if (
			batch.length > 0 &&
			(chars + f.geometry.length > STAGE_BATCH_CHARS || batch.length >= STAGE_BATCH_FEATURES)
		) {
			yield batch;
			batch = [];
			chars = 0;
		}
		batch.push(f);
		chars += f.geometry.length;
	}
	if (batch.length > 0) yield batch;
}

/** Stages the features in 25832 without Z, repairs invalid ones and returns the repairs. */
async function stageFeatures(
	trx: Transaction<Database>,
	features: ParsedFeature[],
	codeOf: Map<number, number>,
	srid: number,
	onProgress: (p: ImportProgress) => void
): Promise<{ repairs: { feature: number; code: number; reason: string }[]; emptied: number[] }> {
	await sql`
		CREATE TEMP TABLE boundary_import_stage (
			feature integer PRIMARY KEY,
			code integer NOT NULL,
			geom geometry NOT NULL
		) ON COMMIT DROP
	`.execute(trx);

	const rows = features
		.filter((f) => f.geometry && codeOf.has(f.index))
		.map((f) => ({ feature: f.index, code: codeOf.get(f.index)!, geometry: JSON.stringify(f.geometry) }));
	let staged = 0;
	onProgress({ phase: 'staging', done: 0, total: rows.length });
	for (const batch of stagingBatches(rows)) {
		const payload = `[${batch.map((r) => `{"feature":${r.feature},"code":${r.code},"geometry":${r.geometry}}`).join(',')}]`;
		await sql`
			INSERT INTO boundary_import_stage (feature, code, geom)
			SELECT (e->>'feature')::integer, (e->>'code')::integer,
				ST_Transform(ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(e->'geometry')), ${srid}::integer), 25832)
			FROM json_array_elements(${payload}::json) AS e
		`.execute(trx);
		staged += batch.length;
		onProgress({ phase: 'staging', done: staged, total: rows.length });
	}

	onProgress({ phase: 'repairing', done: 0, total: 1 });
	const repaired = await sql<{ feature: number; code: number; reason: string; empty: boolean }>`
		WITH invalid AS (
			SELECT feature, ST_IsValidReason(geom) AS reason FROM boundary_import_stage WHERE NOT ST_IsValid(geom)
		)
		UPDATE boundary_import_stage s
		SET geom = ST_CollectionExtract(ST_MakeValid(s.geom), 3)
		FROM invalid i
		WHERE s.feature = i.feature
		RETURNING s.feature, s.code, i.reason, ST_IsEmpty(s.geom) AS empty
	`.execute(trx);
	const emptied = repaired.rows.filter((r) => r.empty).map((r) => r.feature);
	if (emptied.length > 0) {
		await sql`DELETE FROM boundary_import_stage WHERE feature = ANY(${emptied}::integer[])`.execute(trx);
	}
	onProgress({ phase: 'repairing', done: 1, total: 1 });
	return {
		repairs: repaired.rows
			.map(({ feature, code, reason }) => ({ feature, code, reason }))
			.sort((a, b) => a.feature - b.feature),
		emptied
	};
}

/**
 * Replaces the kind's rows with the dissolved staged features; returns the units written.
 * Upserts by code, so rows elsewhere that refer to a unit (users, cameras) keep pointing at it;
 * units missing from the file are deleted.
 */
async function replaceUnits(trx: Transaction<Database>, kind: BoundaryKind, units: PlannedUnit[]) {
	const spec = boundaryKinds[kind];
	const table = sql.table(spec.table);
	const codeColumn = sql.ref(spec.codeColumn);
	const names = JSON.stringify(units.map(({ code, name }) => ({ code, name })));
	const inserted = await sql<{ code: number; name: string; parts: number; area_km2: number }>`
		INSERT INTO ${table} (${codeColumn}, name, geom)
		SELECT s.code, u.name, ST_Multi(ST_CollectionExtract(ST_Union(s.geom), 3))
		FROM boundary_import_stage s
		JOIN json_to_recordset(${names}::json) AS u(code integer, name text) ON u.code = s.code
		GROUP BY s.code, u.name
		ON CONFLICT (${codeColumn}) DO UPDATE SET name = excluded.name, geom = excluded.geom
		RETURNING ${codeColumn} AS code, name, ST_NumGeometries(geom) AS parts, ST_Area(geom) / 1e6 AS area_km2
	`.execute(trx);
	const codes = inserted.rows.map((r) => r.code);
	await sql`DELETE FROM ${table} WHERE ${codeColumn} <> ALL(${codes}::smallint[])`.execute(trx);
	return inserted.rows.sort((a, b) => a.code - b.code);
}

/**
 * Replaces all municipalities, police districts or regions with the units of a GeoJSON file
 * (CRS84, EPSG:4258, EPSG:25832 or EPSG:25833), re-derives each municipality's police district
 * and region, and bumps the dataset's version. Throws BoundaryImportError for a file that cannot
 * be imported; the database is then unchanged.
 */
export async function importBoundaries(
	db: Db,
	kind: BoundaryKind,
	input: BoundaryImportInput
): Promise<ImportReport> {
	const started = performance.now();
	const spec = boundaryKinds[kind];
	const onProgress = input.onProgress ?? (() => {});

	const { text, source } = await readInput(input);
	const file = parseBoundaryFile(text);
	const polygons = file.features.filter((f) => !f.problem);
	assertKnownProperties(spec, polygons);
	const crs = resolveSourceCrs(input.srs, file.crsMember);
	assertCoordinatesPlausible(file.bbox, crs);

	const reference = await readReferenceUnits(kind, input.geodataDir ?? defaultGeodataDir());
	const plan = planUnits(kind, file.features, reference);
	if (plan.units.length === 0) {
		const reasons = [...new Set(plan.skipped.map((s) => s.reason))].slice(0, 3);
		throw new BoundaryImportError(`No feature could be assigned to a ${spec.unit}: ${reasons.join('; ')}.`);
	}
	const codeOf = new Map(plan.units.flatMap((u) => u.features.map((feature) => [feature, u.code] as const)));
	const unitOf = new Map(plan.units.map((u) => [u.code, u]));

	return db.transaction().execute(async (trx) => {
		await lockBoundaries(trx);
		const { repairs, emptied } = await stageFeatures(trx, file.features, codeOf, crs.srid, onProgress);

		onProgress({ phase: 'dissolving', done: 0, total: 1 });
		const inserted = await replaceUnits(trx, kind, plan.units);
		onProgress({ phase: 'dissolving', done: 1, total: 1 });

		onProgress({ phase: 'assigning', done: 0, total: 1 });
		await assignMunicipalityParents(trx);
		const version = await recordDataset(trx, spec.dataset, source, false);
		onProgress({ phase: 'assigning', done: 1, total: 1 });
		if (input.actor) {
			await recordAudit(trx, input.actor, {
				action: 'boundaries.import',
				objectType: 'dataset',
				objectId: spec.dataset,
				after: { source, units: inserted.length, version, crs: crs.srid }
			});
		}

		const skipped = [
			...plan.skipped,
			...emptied.map((feature) => {
				const code = codeOf.get(feature)!;
				return {
					feature,
					code,
					name: unitOf.get(code)!.name,
					reason: 'the geometry is invalid and nothing polygonal remained after ST_MakeValid'
				};
			})
		].sort((a, b) => a.feature - b.feature);
		const emptiedSet = new Set(emptied);
		const warnings = [...plan.warnings];
		const insertedCodes = new Set(inserted.map((u) => u.code));
		for (const u of plan.units) {
			if (!insertedCodes.has(u.code))
				warnings.push(`${spec.unit} ${u.code} (${u.name}) has no polygon left and was not imported`);
		}

		return {
			kind,
			dataset: spec.dataset,
			source,
			crs,
			featuresRead: file.features.length,
			featuresImported: codeOf.size - emptied.length,
			units: inserted.map((u) => ({
				code: u.code,
				name: u.name,
				features: unitOf.get(u.code)!.features.filter((f) => !emptiedSet.has(f)).length,
				parts: u.parts,
				areaKm2: u.area_km2
			})),
			repairs: repairs.map((r) => ({ ...r, name: unitOf.get(r.code)!.name })),
			skipped,
			matchedByName: plan.matchedByName,
			warnings,
			datasetVersion: version,
			durationMs: Math.round(performance.now() - started)
		};
	});
}
