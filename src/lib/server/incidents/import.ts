// Imports point incidents from CSV or GeoJSON, all or nothing, in bounded memory.
//
// CSV: UTF-8 (a byte order mark is fine), a header row, one incident per row; comma, semicolon or
// tab; RFC 4180 quoting; a decimal comma is accepted. GeoJSON: a FeatureCollection of Point
// features whose properties are the same columns. Column names ignore case, `_`, `-` and spaces.
//
//   sourceRef    required: the source system's reference; a reference already stored, or seen
//                earlier in the file, is a duplicate: skipped and counted, not an error
//   category     required: a code of `incident_categories` or its Danish or English name
//   occurredAt   ISO 8601 date and time, with or without an offset (without: Europe/Copenhagen
//                time); or the columns `date` (2025-03-14 or 14-03-2025) and `time` (21:30)
//   position     CSV: `lon`, `lat` (WGS84) or `easting`, `northing` (EPSG:25832; EPSG:25833 with
//                the srs option). GeoJSON: the Point geometry in the file's `crs` or the srs option
//   source       optional: the source system; default the source option, else the file's name
//
// Every row is checked; a bad row, a row outside every municipality or outside what the policy
// allows (police: their own district) refuses the whole file, with the first errors by row and
// field. While no row is bad the rows are inserted as they stream in, one INSERT ... SELECT per
// batch that also finds each municipality (ST_Intersects) and skips duplicates (ON CONFLICT
// (source_ref) DO NOTHING), in one transaction that a refusal rolls back. Memory holds two batches
// and the first errors; duplicates within the file are found by the unique constraint, not a set.
import { basename } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/connect';
import type { Database } from '../db/schema';
import type { AuditActor } from '../audit/service';
import type { Action, Resource } from '../auth/policy';
import { supportedCrs, type SourceCrs } from '../boundaries/crs';
import {
	blank,
	columnIndex,
	csvLayout,
	csvProjectedSrid,
	csvValues,
	isPoint,
	normalizeColumn,
	numeric,
	positionMismatch,
	resolveImportCrs,
	type CsvLayout
} from '../import/columns';
import { FileError, fileError, rowError, type ImportRowError } from '../import/row-errors';
import {
	csvRecords,
	decodeUtf8,
	formatOf,
	geoJsonEvents,
	sniff,
	type ByteSource,
	type ImportFormat
} from '../import/stream-readers';
import { withImportFile } from '../import/files';
import { formatRefusedImport } from '../import/report';
import { categoryResolver, dateAndTime, parseDate, parseOccurredAt, parseTime, type Moment } from './parse';

export { importErrorMessage, type ImportRowError } from '../import/row-errors';

export const INCIDENT_COLUMNS = [
	'sourceRef',
	'category',
	'occurredAt',
	'date',
	'time',
	'lon',
	'lat',
	'easting',
	'northing',
	'source'
] as const;
const POSITION_COLUMNS = new Set(['lon', 'lat', 'easting', 'northing']);
const COLUMN_BY_KEY = columnIndex(INCIDENT_COLUMNS);
const MAX_TEXT = 200;

type Raw = Record<string, unknown>;

export interface IncidentImportProgress {
	/** Rows (features) read so far. */
	rows: number;
	imported: number;
	duplicates: number;
	errors: number;
}

export interface IncidentImportOptions {
	/** The file's name: the audit trail, the default source, and the format by its extension. */
	name: string;
	format?: ImportFormat;
	/** GeoJSON: overrides the `crs` member. CSV: the CRS of easting/northing (EPSG:25832 or EPSG:25833). */
	srs?: string;
	/** The source system of rows without a `source` value (default: the file's name). */
	source?: string;
	actor: AuditActor;
	/**
	 * The policy, asked about `incidents.import` for each municipality; a row in a municipality it
	 * refuses is an error. Without it the import runs as an operator (anywhere).
	 */
	authorize?: (action: Action, resource: Resource) => boolean;
	/** Errors kept for the report (all are counted). */
	maxErrors?: number;
	batchSize?: number;
	/** Called after every batch. */
	onProgress?: (progress: IncidentImportProgress) => void;
}

export interface IncidentImportSuccess {
	ok: true;
	format: ImportFormat;
	crs: string;
	rows: number;
	imported: number;
	/** Rows skipped because their sourceRef was stored already or came earlier in the file. */
	duplicates: number;
	municipalities: { code: number; name: string; incidents: number }[];
	/** The summary audit row's object id, and every imported incident's import_id. */
	importId: string;
	durationMs: number;
}

export interface IncidentImportRefusal {
	ok: false;
	format: ImportFormat | null;
	rows: number;
	badRows: number;
	errorCount: number;
	/** The first `maxErrors` errors, by row. */
	errors: ImportRowError[];
	/** Some rows lie outside what the policy allows (another police district). */
	forbidden: boolean;
	durationMs: number;
}

export type IncidentImportResult = IncidentImportSuccess | IncidentImportRefusal;

interface Candidate {
	row: number;
	raw: Raw;
	errors: ImportRowError[];
	/** `lon, lat`, `easting, northing`, or `geometry` in GeoJSON: where position problems are reported. */
	positionField: string;
	/** The CRS of the coordinates, when they are known. */
	srid: number | null;
	x: number | null;
	y: number | null;
	/** Columns the header lacks: reported once for the file, not on every row. */
	suppress?: Set<string>;
}

/** A row as sent to the database; `ok` false when it is only placed, for the report. */
interface Staged {
	n: number;
	ref: string | null;
	src: string | null;
	cat: string | null;
	t: string | null;
	local: boolean;
	srid: number;
	x: number;
	y: number;
	ok: boolean;
}

/**
 * The header row's columns. A required column it lacks is reported once, here; `suppress` keeps
 * the rows from saying it again (a missing time suppresses every time column, a missing position
 * both pairs).
 */
function headerLayout(
	row: number,
	fields: string[],
	errors: ImportRowError[]
): CsvLayout & { suppress: Set<string> } {
	const layout = csvLayout(
		row,
		fields,
		COLUMN_BY_KEY,
		['sourceRef', 'category'],
		[
			['lon', 'lat'],
			['easting', 'northing']
		],
		errors
	);
	const has = (c: string) => layout.written.has(c);
	if (!has('occurredAt') && !(has('date') && has('time'))) {
		const missing = has('date') ? 'time' : has('time') ? 'date' : 'occurredAt';
		layout.missing.add(missing);
		errors.push(rowError(row, missing, 'import.error.missingColumn'));
	}
	const suppress = new Set(layout.missing);
	if (suppress.has('lon, lat')) suppress.add('easting, northing');
	if (suppress.has('occurredAt') || suppress.has('date') || suppress.has('time'))
		for (const c of ['occurredAt', 'date', 'time']) suppress.add(c);
	return { ...layout, suppress };
}

function csvCandidate(
	layout: CsvLayout & { suppress: Set<string> },
	row: number,
	fields: string[],
	projectedSrid: number
): Candidate {
	const errors: ImportRowError[] = [];
	const raw = csvValues(layout, row, fields, errors);
	const geographic = !blank(raw.lon) || !blank(raw.lat) || (blank(raw.easting) && blank(raw.northing));
	return {
		row,
		raw,
		errors,
		positionField: geographic ? 'lon, lat' : 'easting, northing',
		srid: geographic ? 4326 : projectedSrid,
		x: numeric(geographic ? raw.lon : raw.easting),
		y: numeric(geographic ? raw.lat : raw.northing),
		suppress: layout.suppress.size ? layout.suppress : undefined
	};
}

function geoJsonCandidate(row: number, feature: unknown, srid: number, unknown: Set<string>): Candidate {
	const errors: ImportRowError[] = [];
	const f = feature as { type?: unknown; geometry?: unknown; properties?: unknown } | null;
	const raw: Raw = {};
	if (f?.type !== 'Feature') errors.push(rowError(row, 'type', 'import.error.notFeature'));
	const properties =
		f?.properties && typeof f.properties === 'object' && !Array.isArray(f.properties)
			? (f.properties as Record<string, unknown>)
			: {};
	for (const [key, value] of Object.entries(properties)) {
		const column = COLUMN_BY_KEY.get(normalizeColumn(key));
		if (!column) {
			// Reported once per property name, at its first feature, so a file is not one long list.
			if (!unknown.has(key)) {
				unknown.add(key);
				errors.push(rowError(row, key, 'import.error.unknownColumn'));
			}
			continue;
		}
		if (!POSITION_COLUMNS.has(column)) raw[column] = value;
	}
	const candidate: Candidate = { row, raw, errors, positionField: 'geometry', srid, x: null, y: null };
	if (!isPoint(f?.geometry)) errors.push(rowError(row, 'geometry', 'import.error.point'));
	else [candidate.x, candidate.y] = f.geometry.coordinates;
	return candidate;
}

/** A text value: numbers (GeoJSON) as written, other JSON values refused. */
function text(value: unknown): string | null {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

/** The checks that need no database: every field of the row; what to place if its position reads. */
function checkRow(
	c: Candidate,
	resolveCategory: (value: string) => string | null,
	defaultSource: string
): { errors: ImportRowError[]; staged: Staged | null } {
	const errors = [...c.errors];
	const report = (field: string, key: Parameters<typeof rowError>[2], vars = {}) => {
		if (!c.suppress?.has(field)) errors.push(rowError(c.row, field, key, vars));
	};

	const ref = blank(c.raw.sourceRef) ? null : text(c.raw.sourceRef);
	if (blank(c.raw.sourceRef)) report('sourceRef', 'incimport.error.required');
	else if (ref === null) report('sourceRef', 'incimport.error.text');
	else if (ref.length > MAX_TEXT) report('sourceRef', 'incimport.error.tooLong', { max: MAX_TEXT });

	let src: string | null = defaultSource;
	if (!blank(c.raw.source)) {
		src = text(c.raw.source);
		if (src === null) report('source', 'incimport.error.text');
		else if (src.length > MAX_TEXT) report('source', 'incimport.error.tooLong', { max: MAX_TEXT });
	}

	let cat: string | null = null;
	if (blank(c.raw.category)) report('category', 'incimport.error.required');
	else {
		const value = text(c.raw.category);
		cat = value === null ? null : resolveCategory(value);
		if (cat === null) report('category', 'incimport.error.category');
	}

	let at: Moment | null = null;
	if (!blank(c.raw.occurredAt)) {
		const value = text(c.raw.occurredAt);
		at = value === null ? null : parseOccurredAt(value);
		if (at === null) report('occurredAt', 'incimport.error.occurredAt');
	} else if (!blank(c.raw.date) || !blank(c.raw.time)) {
		const date = parseDate(text(c.raw.date) ?? '');
		const time = parseTime(text(c.raw.time) ?? '');
		if (blank(c.raw.date)) report('date', 'incimport.error.required');
		else if (date === null) report('date', 'incimport.error.date');
		if (blank(c.raw.time)) report('time', 'incimport.error.required');
		else if (time === null) report('time', 'incimport.error.time');
		if (date && time) at = dateAndTime(date, time);
	} else report('occurredAt', 'incimport.error.required');

	let placeable = false;
	if (c.positionField !== 'geometry' || c.x !== null) {
		const projected = c.srid !== null && !supportedCrs[c.srid].geographic;
		const [xField, yField] =
			c.positionField === 'easting, northing' ? ['easting', 'northing'] : ['lon', 'lat'];
		if (c.positionField !== 'geometry' && blank(c.raw[xField]) && blank(c.raw[yField]))
			report(c.positionField, 'incimport.error.position');
		else if (c.x === null || c.y === null) report(c.positionField, 'incimport.error.coordinates');
		else {
			const mismatch = positionMismatch(c.row, c.positionField, projected, c.x, c.y, c.srid ?? 25832);
			if (mismatch) errors.push(mismatch);
			else placeable = true;
		}
	}
	if (!placeable) return { errors, staged: null };
	return {
		errors,
		staged: {
			n: c.row,
			ref,
			src,
			cat,
			t: at?.text ?? null,
			local: at?.local ?? true,
			// EPSG:4258 (ETRS89) is WGS84 at this scale, as everywhere else in the app.
			srid: c.srid === 4258 ? 4326 : c.srid!,
			x: c.x!,
			y: c.y!,
			ok: errors.length === 0
		}
	};
}

type Trx = Transaction<Database>;

interface BatchOutcome {
	/** Rows inserted, by municipality. */
	stored: { code: number; n: number }[];
	/** Rows that would have been inserted but for a duplicate sourceRef. */
	eligible: number;
	/** Rows outside every municipality, outside the allowed ones, or in the future. */
	problems: { row: number; code: number | null; allowed: boolean; future: boolean }[];
}

/**
 * The municipalities cut into pieces of at most 128 vertices, for this transaction: finding the
 * municipality of a point then reads one small piece instead of a whole (toasted) boundary,
 * which makes the lookup three times faster on the DAGI boundaries.
 */
async function prepareAreas(trx: Trx): Promise<void> {
	await sql`
		CREATE TEMP TABLE incident_import_areas ON COMMIT DROP AS
		SELECT code, ST_Subdivide(geom, 128) AS geom FROM municipalities
	`.execute(trx);
	await sql`CREATE INDEX ON incident_import_areas USING gist (geom)`.execute(trx);
	await sql`ANALYZE incident_import_areas`.execute(trx);
}

/**
 * One statement for a batch: each row's municipality (ST_Intersects; the lowest code on a shared
 * border, as the camera register does), the rows that pass inserted (duplicates skipped by the
 * unique sourceRef), and the rows that do not pass returned for the report.
 */
async function storeBatch(
	trx: Trx,
	batch: Staged[],
	importId: string,
	insert: boolean,
	allowed: number[] | null
): Promise<BatchOutcome> {
	const { rows } = await sql<BatchOutcome>`
		WITH input AS MATERIALIZED (
			SELECT r.n, r.ref, r.src, r.cat, r.ok,
				CASE WHEN r.t IS NULL THEN NULL
					WHEN r.local THEN r.t::timestamp AT TIME ZONE 'Europe/Copenhagen'
					ELSE r.t::timestamptz END AS at,
				CASE r.srid WHEN 25832 THEN ST_SetSRID(ST_MakePoint(r.x, r.y), 25832)
					ELSE ST_Transform(ST_SetSRID(ST_MakePoint(r.x, r.y), r.srid), 25832) END AS pos
			FROM json_to_recordset(${JSON.stringify(batch)}::json) AS r(
				n integer, ref text, src text, cat text, t text, local boolean, srid integer, x float8, y float8,
				ok boolean)
		),
		placed AS MATERIALIZED (
			SELECT i.*, m.code,
				(m.code IS NOT NULL AND (${allowed}::smallint[] IS NULL OR m.code = ANY(${allowed}::smallint[])))
					AS allowed,
				coalesce(i.at > now(), false) AS future
			FROM input i
			LEFT JOIN LATERAL (
				SELECT min(a.code) AS code FROM incident_import_areas a WHERE ST_Intersects(a.geom, i.pos)
			) m ON true
		),
		stored AS (
			INSERT INTO incidents (source_ref, source, category, occurred_at, geom, municipality_code, import_id)
			SELECT ref, src, cat, at, pos, code, ${importId}::uuid
			FROM placed
			WHERE ${insert} AND ok AND allowed AND NOT future
			ORDER BY n
			ON CONFLICT (source_ref) DO NOTHING
			RETURNING municipality_code
		)
		SELECT
			(SELECT coalesce(json_agg(json_build_object('code', code, 'n', n)), '[]'::json)
				FROM (SELECT municipality_code AS code, count(*) AS n FROM stored GROUP BY 1) s) AS stored,
			(SELECT count(*) FROM placed WHERE ok AND allowed AND NOT future)::integer AS eligible,
			(SELECT coalesce(json_agg(json_build_object('row', n, 'code', code, 'allowed', allowed, 'future', future)
					ORDER BY n),
					'[]'::json)
				FROM placed WHERE NOT allowed OR future) AS problems
	`.execute(trx);
	return rows[0];
}

class Refused extends Error {}

/** Rows per batch; a batch is one statement. */
const BATCH_SIZE = 5000;

/** Imports incidents from a CSV or GeoJSON stream, all or nothing. */
export async function importIncidents(
	db: Db,
	source: ByteSource,
	options: IncidentImportOptions
): Promise<IncidentImportResult> {
	const started = performance.now();
	const maxErrors = options.maxErrors ?? 1000;
	const batchSize = options.batchSize ?? BATCH_SIZE;
	const errors: ImportRowError[] = [];
	let errorCount = 0;
	let badRows = 0;
	let forbidden = false;
	let rows = 0;
	let imported = 0;
	let duplicates = 0;
	let format: ImportFormat | null = null;
	const defaultSource = (options.source?.trim() || basename(options.name)).slice(0, MAX_TEXT);

	const report = (e: ImportRowError) => {
		errorCount++;
		if (errors.length < maxErrors) errors.push(e);
	};
	const refusal = (): IncidentImportRefusal => ({
		ok: false,
		format,
		rows,
		badRows,
		errorCount,
		errors: errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)),
		forbidden,
		durationMs: Math.round(performance.now() - started)
	});

	const importId = crypto.randomUUID();
	const municipalities = await db
		.selectFrom('municipalities')
		.select(['code', 'name', 'police_district'])
		.orderBy('code')
		.execute();
	const names = new Map(municipalities.map((m) => [m.code, m.name]));
	const authorize = options.authorize;
	const allowed = authorize
		? municipalities
				.filter((m) =>
					authorize('incidents.import', {
						type: 'municipality',
						code: m.code,
						policeDistrict: m.police_district
					})
				)
				.map((m) => m.code)
		: null;
	const resolveCategory = categoryResolver(
		await db.selectFrom('incident_categories').select(['code', 'name_da', 'name_en']).execute()
	);
	const perMunicipality = new Map<number, number>();
	let crsLabel = 'EPSG:4326';

	try {
		return await db.transaction().execute(async (trx) => {
			await prepareAreas(trx);
			let batch: Candidate[] = [];

			// One statement in flight on the transaction's connection while the next batch is read and
			// checked: reading overlaps the database's work, and memory holds at most two batches.
			let inFlight = null as Promise<void> | null;

			const settle = (
				candidates: Candidate[],
				bad: Set<number>,
				outcome: BatchOutcome,
				inserted: boolean
			) => {
				const byRow = outcome.problems.length ? new Map(candidates.map((c) => [c.row, c])) : null;
				for (const p of outcome.problems) {
					const c = byRow!.get(p.row)!;
					if (p.code === null) report(rowError(p.row, c.positionField, 'incimport.error.outside'));
					else if (!p.allowed) {
						forbidden = true;
						report(
							rowError(p.row, c.positionField, 'incimport.error.notOwnDistrict', {
								name: names.get(p.code) ?? String(p.code)
							})
						);
					}
					if (p.future)
						report(
							rowError(p.row, blank(c.raw.occurredAt) ? 'date' : 'occurredAt', 'incimport.error.future')
						);
					bad.add(p.row);
				}
				if (inserted) {
					let stored = 0;
					for (const { code, n } of outcome.stored) {
						perMunicipality.set(code, (perMunicipality.get(code) ?? 0) + n);
						stored += n;
					}
					imported += stored;
					duplicates += outcome.eligible - stored;
				}
				badRows += bad.size;
				options.onProgress?.({ rows, imported, duplicates, errors: errorCount });
			};

			const flush = async () => {
				if (batch.length === 0) return;
				const candidates = batch;
				batch = [];
				const bad = new Set<number>();
				const staged: Staged[] = [];
				for (const c of candidates) {
					const checked = checkRow(c, resolveCategory, defaultSource);
					for (const e of checked.errors) {
						report(e);
						if (e.row !== null) bad.add(e.row);
					}
					if (checked.staged) staged.push(checked.staged);
				}
				if (inFlight) await inFlight;
				// Once a row is bad nothing will be kept: the rest is only checked.
				const insert = errorCount === 0;
				inFlight = (
					staged.length
						? storeBatch(trx, staged, importId, insert, allowed)
						: Promise.resolve({ stored: [], eligible: 0, problems: [] })
				).then((outcome) => settle(candidates, bad, outcome, insert));
				// Awaited before the next statement or at the end; until then a failure must not count as unhandled.
				inFlight.catch(() => {});
				// Let the server answer other requests between batches however fast the file streams in.
				await nextTurn();
			};

			const add = async (c: Candidate) => {
				rows++;
				batch.push(c);
				if (batch.length >= batchSize) await flush();
			};

			try {
				const sniffed = await sniff(decodeUtf8(source));
				format = formatOf(options.name, options.format, sniffed.first);
				if (sniffed.first === null) throw fileError('import.error.empty');

				if (format === 'csv') {
					const projectedSrid = csvProjectedSrid(options.srs);
					crsLabel = `EPSG:4326 / EPSG:${projectedSrid}`;
					let layout: (CsvLayout & { suppress: Set<string> }) | null = null;
					for await (const record of csvRecords(sniffed.text)) {
						if (layout === null) {
							const headerErrors: ImportRowError[] = [];
							layout = headerLayout(record.row, record.fields, headerErrors);
							headerErrors.forEach(report);
							if (headerErrors.length) badRows++;
							continue;
						}
						await add(csvCandidate(layout, record.row, record.fields, projectedSrid));
					}
					if (layout === null) throw fileError('import.error.empty');
				} else {
					let crs: SourceCrs = resolveImportCrs(options.srs, undefined);
					let featuresSeen = false;
					const unknown = new Set<string>();
					for await (const event of geoJsonEvents(sniffed.text)) {
						if (event.kind === 'crs') {
							const fromFile = resolveImportCrs(options.srs, event.value);
							// Features already read were read in the CRS assumed then.
							if (featuresSeen && fromFile.srid !== crs.srid) throw fileError('import.error.crsLate');
							crs = fromFile;
							continue;
						}
						featuresSeen = true;
						await add(geoJsonCandidate(event.row, event.value, crs.srid, unknown));
					}
					crsLabel = crs.label;
				}
				await flush();
			} finally {
				// A refusal of the file mid-way still waits for the statement in flight before the rollback.
				await inFlight?.catch(() => {});
			}
			if (inFlight) await inFlight;
			if (rows === 0 && errorCount === 0) throw fileError('incimport.error.noRows');
			if (errorCount > 0) throw new Refused();

			const summary = [...perMunicipality]
				.map(([code, incidents]) => ({ code, name: names.get(code) ?? String(code), incidents }))
				.sort((a, b) => a.code - b.code);
			await sql`
				INSERT INTO audit_log (actor_id, actor_label, action, object_type, object_id, municipality_code, after,
					client_address)
				VALUES (${options.actor.userId}::uuid, ${options.actor.label}, 'incidents.import', 'incident_import',
					${importId}, ${summary.length === 1 ? summary[0].code : null}::smallint,
					${JSON.stringify({
						file: basename(options.name),
						format,
						crs: crsLabel,
						source: defaultSource,
						rows,
						imported,
						duplicates,
						municipalities: Object.fromEntries(summary.map((m) => [m.code, m.incidents]))
					})}::jsonb, ${options.actor.clientAddress})
			`.execute(trx);
			return {
				ok: true as const,
				format: format!,
				crs: crsLabel,
				rows,
				imported,
				duplicates,
				municipalities: summary,
				importId,
				durationMs: Math.round(performance.now() - started)
			};
		});
	} catch (e) {
		if (e instanceof Refused) return refusal();
		if (e instanceof FileError) {
			report(e.error);
			if (e.error.row !== null) badRows++;
			return refusal();
		}
		throw e;
	}
}

/** Imports a file from disk (the CLI and the benchmark). */
export async function importIncidentFile(
	db: Db,
	path: string,
	options: Omit<IncidentImportOptions, 'name'> & { name?: string }
): Promise<IncidentImportResult> {
	return withImportFile(path, (stream, name) =>
		importIncidents(db, stream, { ...options, name: options.name ?? name })
	);
}

/** The report as the command line prints it: counts, then the first `limit` errors. */
export function formatIncidentImportReport(result: IncidentImportResult, limit = 50): string {
	const seconds = (result.durationMs / 1000).toFixed(1);
	if (result.ok) {
		const lines = [
			`Imported ${result.imported} of ${result.rows} incident${result.rows === 1 ? '' : 's'} ` +
				`(${result.format}, ${result.crs}) in ${seconds} s; ${result.duplicates} duplicate${result.duplicates === 1 ? '' : 's'} ` +
				`skipped. Import ${result.importId}.`
		];
		for (const m of result.municipalities)
			lines.push(`  ${String(m.code).padStart(3)} ${m.name}: ${m.incidents}`);
		return lines.join('\n');
	}
	return formatRefusedImport(result, limit);
}

/** The header of an empty import file. */
export function incidentImportTemplate(): string {
	return 'sourceRef,occurredAt,category,lon,lat,source\r\n';
}
