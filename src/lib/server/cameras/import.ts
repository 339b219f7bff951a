// Imports cameras into the register from CSV or GeoJSON, all or nothing.
//
// CSV: UTF-8 (a byte order mark is fine), a header row, one camera per row; comma, semicolon or
// tab as the delimiter (whichever the header uses most); RFC 4180 quoting; a decimal comma is
// accepted. GeoJSON: a FeatureCollection of Point features whose properties are the same columns.
// Column names are the register's field names; case, `_`, `-` and spaces are ignored, so
// `mount_height_m` is `mountHeightM`.
//
//   position     CSV: `lon`, `lat` (WGS84 degrees) or `easting`, `northing` (EPSG:25832 metres;
//                EPSG:25833 with the srs option); `positionCrs` (EPSG:4326 | EPSG:25832) may say
//                which, otherwise the filled pair decides. GeoJSON: the Point geometry, in the
//                CRS of the file's `crs` member or the srs option (CRS84, EPSG:4326, EPSG:4258,
//                EPSG:25832, EPSG:25833), CRS84 when neither names one.
//   required     name, kind (fixed | dome | ptz), mountHeightM, tiltDeg, resolutionPx, maxRangeM,
//                ownerType, operatorName, purpose, legalBasis, retentionDays; azimuthDeg and
//                hfovDeg (or focalLengthMm + sensorWidthMm) except for a dome; panMinDeg and
//                panMaxDeg for a ptz camera
//   optional     focalLengthMm, sensorWidthMm, contactEmail, contactPhone, signage (true/1/yes/on),
//                privacyMasks (GeoJSON Polygon/MultiPolygon in WGS84, as text or, in GeoJSON, an
//                object), proposedOn, policeRegisteredOn (YYYY-MM-DD)
//   life cycle   id (a UUID, kept; refused when the register has it), status (default proposed),
//                approvedOn, activeFrom, decommissionedOn: the date of the status is required,
//                later steps' dates must be empty, dates in order and not in the future. Planners
//                import proposals only; operators (CLI) any status.
//   ignored      municipalityCode, municipalityName: written by the export, but the municipality
//                always comes from the position.
//
// Every row is validated with the register's schema (newCameraSchema) and every bad field is
// reported by row; rows outside every municipality, outside the planner's municipality, with
// invalid privacy masks or a taken id are errors too. Only when no row is bad is anything kept:
// the rows are inserted while the file streams in (one INSERT ... SELECT per batch, which also
// finds each municipality with ST_Intersects and writes each camera's audit row), and a refusal
// rolls the whole transaction back. Memory holds one batch, the ids, and the first errors.
import { open, type FileHandle } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/connect';
import type { CameraStatus, Database } from '../db/schema';
import type { AuditActor } from '../audit/service';
import type { Action, Resource } from '../auth/policy';
import { BoundaryImportError } from '../boundaries/errors';
import { resolveSourceCrs, supportedCrs, type SourceCrs } from '../boundaries/crs';
import { CAMERA_STATUSES } from '../../camera/register';
import { translate, type Lang, type MessageKey } from '../../i18n';
import { CAMERA_FIELDS, isoDate, newCameraSchema, positionSchema, type NewCamera } from './validation';
import { recomputeCameraViews } from './views';

type Vars = Record<string, string | number>;
type Raw = Record<string, unknown>;

export type CameraImportFormat = 'csv' | 'geojson';

/** Columns about the camera's life cycle, beyond the register's form fields. */
export const LIFE_CYCLE_COLUMNS = ['id', 'status', 'approvedOn', 'activeFrom', 'decommissionedOn'] as const;
const POSITION_COLUMNS = ['positionCrs', 'lon', 'lat', 'easting', 'northing'] as const;
/** Written by the export for people to read; the import ignores them. */
export const IGNORED_COLUMNS = ['municipalityCode', 'municipalityName'] as const;
export const IMPORT_COLUMNS = [
	...LIFE_CYCLE_COLUMNS,
	...CAMERA_FIELDS,
	...POSITION_COLUMNS,
	...IGNORED_COLUMNS
] as const;

/** The columns a header must have (besides a position pair). */
const ALWAYS_REQUIRED = [
	'name',
	'kind',
	'mountHeightM',
	'tiltDeg',
	'resolutionPx',
	'maxRangeM',
	'ownerType',
	'operatorName',
	'purpose',
	'legalBasis',
	'retentionDays'
] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const normalize = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');
const COLUMN_BY_KEY = new Map<string, string>(IMPORT_COLUMNS.map((c) => [normalize(c), c]));

/** One problem: `row` is the CSV row (the header is row 1) or the GeoJSON feature (from 1); null for the file. */
export interface ImportRowError {
	row: number | null;
	field: string;
	/** In English; `key` and `vars` give it in another language. */
	message: string;
	key: MessageKey | null;
	vars: Vars;
}

export interface CameraImportOptions {
	/** The file's name (for the audit trail and to tell the format by its extension). */
	name: string;
	format?: CameraImportFormat;
	/** The position's CRS: GeoJSON overrides the `crs` member; CSV reads easting/northing in it. */
	srs?: string;
	actor: AuditActor;
	/**
	 * The policy, asked about `cameras.import` for every row: where it lies (a municipality) and
	 * then the camera itself (its status). Without it the import runs as an operator.
	 */
	authorize?: (action: Action, resource: Resource) => boolean;
	/** Errors kept for the report (all are counted). */
	maxErrors?: number;
	batchSize?: number;
}

export interface CameraImportSuccess {
	ok: true;
	format: CameraImportFormat;
	crs: string;
	rows: number;
	imported: number;
	viewsComputed: number;
	/** Of durationMs, the time spent computing the views. */
	viewsMs: number;
	municipalities: { code: number; name: string; cameras: number }[];
	/** The summary audit row's object id; each camera's audit row names it too. */
	importId: string;
	durationMs: number;
}

export interface CameraImportRefusal {
	ok: false;
	format: CameraImportFormat | null;
	rows: number;
	badRows: number;
	errorCount: number;
	/** The first `maxErrors` errors, by row. */
	errors: ImportRowError[];
	/** Some rows were refused by the policy (another municipality, a status planners may not set). */
	forbidden: boolean;
	durationMs: number;
}

export type CameraImportResult = CameraImportSuccess | CameraImportRefusal;

/** The error in the reader's language. */
export function importErrorMessage(error: ImportRowError, lang: Lang): string {
	return error.key ? translate(lang, error.key, error.vars) : error.message;
}

function rowError(row: number | null, field: string, key: MessageKey, vars: Vars = {}): ImportRowError {
	return { row, field, key, vars, message: translate('en', key, vars) };
}

/** A problem with the file as a whole: it stops the reading. */
class FileError extends Error {
	constructor(readonly error: ImportRowError) {
		super(error.message);
	}
}

const fileError = (key: MessageKey, vars: Vars = {}, row: number | null = null, field = 'file') =>
	new FileError(rowError(row, field, key, vars));

// ---------------------------------------------------------------------------------------------
// Reading

async function* chunksOf(source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>) {
	if (Symbol.asyncIterator in source) {
		yield* source as AsyncIterable<Uint8Array>;
		return;
	}
	const reader = (source as ReadableStream<Uint8Array>).getReader();
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return;
			yield value;
		}
	} finally {
		reader.releaseLock();
	}
}

/** UTF-8 text in chunks, without a byte order mark; anything else is refused rather than garbled. */
async function* decodeUtf8(source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>) {
	const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
	try {
		for await (const chunk of chunksOf(source)) {
			const text = decoder.decode(chunk, { stream: true });
			if (text) yield text;
		}
		const rest = decoder.decode();
		if (rest) yield rest;
	} catch (e) {
		if (e instanceof TypeError) throw fileError('camimport.error.encoding');
		throw e;
	}
}

const MAX_CSV_FIELD = 1_000_000;

/** CSV records (RFC 4180) with their row numbers; blank lines are counted but not returned. */
async function* csvRecords(text: AsyncIterable<string>): AsyncGenerator<{ row: number; fields: string[] }> {
	let delimiter: string | null = null;
	let pending = '';
	let field = '';
	let fields: string[] = [];
	let quoted = false;
	let afterQuote = false;
	let row = 1;

	function* parse(chunk: string): Generator<{ row: number; fields: string[] }> {
		for (let i = 0; i < chunk.length; i++) {
			const c = chunk[i];
			if (quoted) {
				if (c === '"') {
					quoted = false;
					afterQuote = true;
				} else field += c;
				continue;
			}
			if (afterQuote) {
				afterQuote = false;
				if (c === '"') {
					field += '"';
					quoted = true;
					continue;
				}
			}
			if (c === delimiter) {
				fields.push(field);
				field = '';
			} else if (c === '\n') {
				fields.push(field);
				if (fields.length > 1 || fields[0] !== '') yield { row, fields };
				row++;
				fields = [];
				field = '';
			} else if (c === '"' && field === '') {
				quoted = true;
			} else if (c !== '\r') {
				field += c;
			}
			if (field.length > MAX_CSV_FIELD)
				throw fileError('camimport.error.fieldTooLong', { max: MAX_CSV_FIELD }, row);
		}
		if (field.length > MAX_CSV_FIELD)
			throw fileError('camimport.error.fieldTooLong', { max: MAX_CSV_FIELD }, row);
	}

	for await (const chunk of text) {
		if (delimiter === null) {
			pending += chunk;
			const end = pending.indexOf('\n');
			if (end < 0 && pending.length < 65_536) continue;
			delimiter = pickDelimiter(end < 0 ? pending : pending.slice(0, end));
			yield* parse(pending);
			pending = '';
		} else yield* parse(chunk);
	}
	if (delimiter === null) {
		delimiter = pickDelimiter(pending);
		yield* parse(pending);
	}
	if (quoted) throw fileError('camimport.error.unclosedQuote', {}, row);
	if (fields.length > 0 || field !== '') {
		fields.push(field);
		yield { row, fields };
	}
}

function pickDelimiter(headerLine: string): string {
	const count = (d: string) => headerLine.split(d).length - 1;
	const candidates = [',', ';', '\t'];
	return candidates.reduce((best, d) => (count(d) > count(best) ? d : best), ',');
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** Reads JSON text piece by piece: whole values (bounded in size) and structural characters. */
class JsonTextReader {
	private buf = '';
	private pos = 0;
	private ended = false;
	constructor(private readonly chunks: AsyncIterator<string>) {}

	private async more(): Promise<boolean> {
		if (this.ended) return false;
		const next = await this.chunks.next();
		if (next.done) {
			this.ended = true;
			return false;
		}
		this.buf = this.buf.slice(this.pos) + next.value;
		this.pos = 0;
		return true;
	}

	/** The next character that is not white space, without taking it; null at the end. */
	async peek(): Promise<string | null> {
		for (;;) {
			while (this.pos < this.buf.length && isSpace(this.buf.charCodeAt(this.pos))) this.pos++;
			if (this.pos < this.buf.length) return this.buf[this.pos];
			if (!(await this.more())) return null;
		}
	}

	async take(expected: string): Promise<void> {
		const c = await this.peek();
		if (c !== expected) throw fileError('camimport.error.geojson');
		this.pos++;
	}

	/**
	 * One JSON value as text (left unparsed), or null when it is dropped because `keep` is false.
	 * A value longer than `max` characters stops the import.
	 */
	async value(max: number, keep = true, tooLong: () => FileError): Promise<string | null> {
		const first = await this.peek();
		if (first === null) throw fileError('camimport.error.geojson');
		const container = first === '{' || first === '[';
		const string = first === '"';
		let depth = 0;
		let inString = false;
		let escaped = false;
		const parts: string[] = [];
		let size = 0;
		for (;;) {
			const b = this.buf;
			let i = this.pos;
			let done = false;
			for (; i < b.length; i++) {
				const c = b.charCodeAt(i);
				if (inString) {
					if (escaped) escaped = false;
					else if (c === 92) escaped = true;
					else if (c === 34) {
						inString = false;
						if (string) {
							i++;
							done = true;
							break;
						}
					}
					continue;
				}
				if (c === 34) {
					inString = true;
				} else if (container && (c === 123 || c === 91)) {
					depth++;
				} else if (container && (c === 125 || c === 93)) {
					depth--;
					if (depth === 0) {
						i++;
						done = true;
						break;
					}
				} else if (!container && !string && (c === 44 || c === 125 || c === 93 || isSpace(c))) {
					done = true;
					break;
				}
			}
			size += i - this.pos;
			if (size > max) throw tooLong();
			if (keep) parts.push(b.slice(this.pos, i));
			this.pos = i;
			if (done) return keep ? parts.join('') : null;
			if (!(await this.more())) {
				if (!container && !string && size > 0) return keep ? parts.join('') : null;
				throw fileError('camimport.error.geojson');
			}
		}
	}
}

const MAX_FEATURE_CHARS = 2_000_000;
const MAX_MEMBER_CHARS = 1_000_000;

type GeoJsonEvent = { kind: 'crs'; value: unknown } | { kind: 'feature'; row: number; value: unknown };

function parseJson(text: string, error: () => FileError): unknown {
	try {
		return JSON.parse(text);
	} catch {
		throw error();
	}
}

/**
 * The members of a FeatureCollection as they stream past: its `crs` and each feature, parsed one
 * at a time. Other members are skipped; a root that is no FeatureCollection stops the import.
 */
async function* geoJsonEvents(text: AsyncIterable<string>): AsyncGenerator<GeoJsonEvent> {
	const reader = new JsonTextReader(text[Symbol.asyncIterator]());
	const notGeoJson = () => fileError('camimport.error.geojson');
	let type: unknown = undefined;
	let sawFeatures = false;
	await reader.take('{');
	if ((await reader.peek()) === '}') throw fileError('camimport.error.notFeatureCollection');
	for (;;) {
		const key = parseJson((await reader.value(10_000, true, notGeoJson))!, notGeoJson);
		await reader.take(':');
		const memberTooLong = () => fileError('camimport.error.memberTooLong', { member: String(key) });
		if (key === 'features') {
			sawFeatures = true;
			await reader.take('[');
			let row = 0;
			if ((await reader.peek()) === ']') await reader.take(']');
			else {
				for (;;) {
					row++;
					const featureRow = row;
					const feature = (await reader.value(MAX_FEATURE_CHARS, true, () =>
						fileError('camimport.error.featureTooLong', { max: MAX_FEATURE_CHARS }, featureRow)
					))!;
					yield {
						kind: 'feature',
						row,
						value: parseJson(feature, () => fileError('camimport.error.geojson', {}, featureRow))
					};
					const next = await reader.peek();
					if (next === ',') await reader.take(',');
					else if (next === ']') {
						await reader.take(']');
						break;
					} else throw notGeoJson();
				}
			}
		} else if (key === 'crs' || key === 'type') {
			const value = parseJson((await reader.value(MAX_MEMBER_CHARS, true, memberTooLong))!, notGeoJson);
			if (key === 'type') {
				type = value;
				if (type !== 'FeatureCollection') throw fileError('camimport.error.notFeatureCollection');
			} else yield { kind: 'crs', value };
		} else {
			await reader.value(Number.POSITIVE_INFINITY, false, memberTooLong);
		}
		const next = await reader.peek();
		if (next === ',') await reader.take(',');
		else if (next === '}') break;
		else throw notGeoJson();
	}
	if (type !== 'FeatureCollection' || !sawFeatures) throw fileError('camimport.error.notFeatureCollection');
}

// ---------------------------------------------------------------------------------------------
// Rows

interface Candidate {
	row: number;
	raw: Raw;
	/** Problems found before validation (a feature that is no Point, an unknown property...). */
	errors: ImportRowError[];
	/** Where to report position problems: the coordinate columns, or `geometry` in GeoJSON. */
	positionField: string;
	/** The CRS the coordinates are in, when it is not one the schema reads (EPSG:25833). */
	reproject?: number;
	/** Fields whose missing column was reported once for the file. */
	suppress?: Set<string>;
}

/** A value as the schema reads it; numbers keep their text so that `5,5` stays a decimal comma. */
function cell(value: string): string {
	// The export puts an apostrophe before text a spreadsheet would run as a formula; take it off.
	return /^'[=@+\-\t\r]/.test(value) ? value.slice(1) : value;
}

function blank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function numeric(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value !== 'string') return null;
	const t = value.trim();
	const n = Number(/^[-+]?\d+,\d+$/.test(t) ? t.replace(',', '.') : t);
	return t !== '' && Number.isFinite(n) ? n : null;
}

/** The positionCrs of a CSV row: as given, else the pair that is filled in. */
function csvPositionCrs(raw: Raw): string {
	if (!blank(raw.positionCrs)) return String(raw.positionCrs).trim();
	if (!blank(raw.lon) || !blank(raw.lat)) return 'EPSG:4326';
	if (!blank(raw.easting) || !blank(raw.northing)) return 'EPSG:25832';
	return 'EPSG:4326';
}

interface CsvLayout {
	/** Column index → canonical name (null for an unknown column). */
	columns: (string | null)[];
	/** Canonical name → the header as written, for the report. */
	written: Map<string, string>;
	/** Required columns the header lacks: reported once, not on every row. */
	missing: Set<string>;
}

function csvLayout(headerRow: number, header: string[], errors: ImportRowError[]): CsvLayout {
	const columns: (string | null)[] = [];
	const written = new Map<string, string>();
	header.forEach((h, i) => {
		const name = h.trim();
		const column = COLUMN_BY_KEY.get(normalize(name)) ?? null;
		if (name === '' && i === header.length - 1) {
			columns.push(null);
			return;
		}
		if (column === null) {
			errors.push(rowError(headerRow, name || `#${i + 1}`, 'camimport.error.unknownColumn'));
		} else if (written.has(column)) {
			errors.push(rowError(headerRow, name, 'camimport.error.duplicateColumn', { column }));
		} else written.set(column, name);
		columns.push(column);
	});
	const missing = new Set<string>();
	for (const c of ALWAYS_REQUIRED) if (!written.has(c)) missing.add(c);
	const hasPair = (a: string, b: string) => written.has(a) && written.has(b);
	if (!hasPair('lon', 'lat') && !hasPair('easting', 'northing')) missing.add('lon, lat');
	for (const c of missing) errors.push(rowError(headerRow, c, 'camimport.error.missingColumn'));
	return { columns, written, missing };
}

function csvCandidate(layout: CsvLayout, row: number, fields: string[], projectedSrid: number): Candidate {
	const raw: Raw = {};
	const errors: ImportRowError[] = [];
	fields.forEach((value, i) => {
		const column = layout.columns[i];
		if (column) raw[column] = cell(value);
		else if (i >= layout.columns.length && value.trim() !== '')
			errors.push(rowError(row, `#${i + 1}`, 'camimport.error.extraField'));
	});
	const crs = csvPositionCrs(raw);
	raw.positionCrs = crs;
	const projected = crs === 'EPSG:25832';
	return {
		row,
		raw,
		errors,
		positionField: projected ? 'easting, northing' : 'lon, lat',
		reproject: projected && projectedSrid !== 25832 ? projectedSrid : undefined
	};
}

function isPoint(geometry: unknown): geometry is { type: 'Point'; coordinates: number[] } {
	const g = geometry as { type?: unknown; coordinates?: unknown } | null;
	return (
		g?.type === 'Point' &&
		Array.isArray(g.coordinates) &&
		g.coordinates.length >= 2 &&
		g.coordinates.slice(0, 2).every((v) => typeof v === 'number' && Number.isFinite(v))
	);
}

function geoJsonCandidate(row: number, feature: unknown, srid: number, unknown: Set<string>): Candidate {
	const errors: ImportRowError[] = [];
	const f = feature as { type?: unknown; id?: unknown; geometry?: unknown; properties?: unknown } | null;
	const raw: Raw = {};
	if (f?.type !== 'Feature') errors.push(rowError(row, 'type', 'camimport.error.notFeature'));
	const properties =
		f?.properties && typeof f.properties === 'object' && !Array.isArray(f.properties)
			? (f.properties as Record<string, unknown>)
			: {};
	for (const [key, value] of Object.entries(properties)) {
		const column = COLUMN_BY_KEY.get(normalize(key));
		if (!column) {
			// Reported once per property name, at its first feature, so a file is not one long list.
			if (!unknown.has(key)) {
				unknown.add(key);
				errors.push(rowError(row, key, 'camimport.error.unknownColumn'));
			}
			continue;
		}
		if ((POSITION_COLUMNS as readonly string[]).includes(column)) continue;
		raw[column] =
			column === 'privacyMasks' && value !== null && typeof value === 'object'
				? JSON.stringify(value)
				: typeof value === 'string'
					? cell(value)
					: value;
	}
	// A feature id is used when it is a camera id; GIS tools often number features instead.
	if (blank(raw.id) && typeof f?.id === 'string' && UUID.test(f.id)) raw.id = f.id;
	const candidate: Candidate = { row, raw, errors, positionField: 'geometry' };
	if (!isPoint(f?.geometry)) {
		errors.push(rowError(row, 'geometry', 'camimport.error.point'));
		return candidate;
	}
	const [x, y] = f.geometry.coordinates;
	if (supportedCrs[srid].geographic) Object.assign(raw, { positionCrs: 'EPSG:4326', lon: x, lat: y });
	else Object.assign(raw, { positionCrs: 'EPSG:25832', easting: x, northing: y });
	if (srid === 25833) candidate.reproject = 25833;
	return candidate;
}

/** Coordinates in the wrong kind of CRS: metres read as degrees or the other way round. */
function crsMismatch(c: Candidate, srid: number): ImportRowError | null {
	const projected = c.raw.positionCrs === 'EPSG:25832';
	const x = numeric(projected ? c.raw.easting : c.raw.lon);
	const y = numeric(projected ? c.raw.northing : c.raw.lat);
	if (x === null || y === null) return null;
	const degrees = Math.abs(x) <= 180 && Math.abs(y) <= 90;
	if (!projected && !degrees) return rowError(c.row, c.positionField, 'camimport.error.looksMetres');
	if (projected && degrees)
		return rowError(c.row, c.positionField, 'camimport.error.looksDegrees', {
			crs: supportedCrs[srid].label
		});
	return null;
}

interface LifeCycle {
	id: string | null;
	status: CameraStatus;
	approvedOn: string | null;
	activeFrom: string | null;
	decommissionedOn: string | null;
}

const STATUS_DATE = {
	approved: 'approvedOn',
	active: 'activeFrom',
	decommissioned: 'decommissionedOn'
} as const;

/** The id, status and status dates of a row, in the same issue form as the register's schema. */
function lifeCycleSchema(today: string) {
	return z.record(z.string(), z.unknown()).transform((raw, ctx): LifeCycle => {
		const issue = (field: string, key: MessageKey, vars: Vars = {}) =>
			ctx.addIssue({
				code: 'custom',
				path: [field],
				message: translate('en', key, vars),
				params: { key, vars }
			});
		const text = (field: string) => (blank(raw[field]) ? '' : String(raw[field]).trim());
		let ok = true;
		const id = text('id') || null;
		if (id !== null && !UUID.test(id)) {
			issue('id', 'camimport.error.id');
			ok = false;
		}
		const statusText = text('status') || 'proposed';
		const status = (CAMERA_STATUSES as readonly string[]).includes(statusText)
			? (statusText as CameraStatus)
			: null;
		if (status === null) {
			issue('status', 'cameras.error.choice');
			ok = false;
		}
		const dates: Record<string, string | null> = {};
		for (const field of ['proposedOn', 'approvedOn', 'activeFrom', 'decommissionedOn']) {
			const t = text(field);
			dates[field] = t === '' ? null : isoDate(t);
			// proposedOn is the register schema's to report.
			if (t !== '' && dates[field] === null && field !== 'proposedOn') {
				issue(field, 'cameras.error.date');
				ok = false;
			}
		}
		if (status !== null) {
			const steps = ['approvedOn', 'activeFrom', 'decommissionedOn'];
			const reached =
				status === 'proposed'
					? []
					: status === 'approved'
						? ['approvedOn']
						: status === 'active'
							? ['approvedOn', 'activeFrom']
							: steps;
			if (status !== 'proposed' && text(STATUS_DATE[status]) === '') {
				issue(STATUS_DATE[status], 'cameras.error.required');
				ok = false;
			}
			for (const field of steps) {
				if (!reached.includes(field) && text(field) !== '') {
					issue(field, 'camimport.error.dateAfterStatus', { status });
					ok = false;
				}
			}
			let previous: string | null = dates.proposedOn;
			for (const field of steps) {
				const d = dates[field];
				if (d === null) continue;
				if (d > today) {
					issue(field, 'cameras.error.dateFuture');
					ok = false;
				} else if (previous !== null && d < previous) {
					issue(field, 'cameras.error.dateOrder', { date: previous });
					ok = false;
				}
				previous = d;
			}
		}
		if (!ok) return z.NEVER;
		return {
			id,
			status: status!,
			approvedOn: dates.approvedOn,
			activeFrom: dates.activeFrom,
			decommissionedOn: dates.decommissionedOn
		};
	});
}

function issuesOf(error: z.ZodError, row: number): ImportRowError[] {
	return error.issues.map((i) => {
		const params = (i as { params?: { key?: MessageKey; vars?: Vars } }).params;
		return {
			row,
			field: i.path.join('.') || 'row',
			message: i.message,
			key: params?.key ?? null,
			vars: params?.vars ?? {}
		};
	});
}

// ---------------------------------------------------------------------------------------------
// Writing

interface Staged {
	row: number;
	positionField: string;
	/** Null when the row is only looked up (it is bad, or an earlier row was). */
	camera: (NewCamera & LifeCycle) | null;
	position: { srid: 4326 | 25832; x: number; y: number };
	/** An id the row asks for, for the duplicate and taken checks. */
	id: string | null;
}

interface Placed {
	row: number;
	id: string;
	code: number | null;
	municipality_name: string | null;
	police_district: number | null;
	masks_ok: boolean;
	id_taken: boolean;
	inserted: boolean;
}

type Trx = Transaction<Database>;

/** Today in Denmark, which is what a date stamp means to the people reading it. */
const TODAY = sql<Date>`(now() AT TIME ZONE 'Europe/Copenhagen')::date`;

function copenhagenToday(): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen' }).format(new Date());
}

/**
 * One statement for a batch: finds each row's municipality (ST_Intersects, the lowest code on a
 * shared border, as the register does), checks masks and ids, inserts the rows marked for
 * insertion that pass, and writes their audit rows with the same snapshot the register records.
 */
async function storeBatch(
	trx: Trx,
	batch: Staged[],
	actor: AuditActor,
	importId: string,
	insert: boolean
): Promise<Placed[]> {
	const rows = batch.map((s) => {
		const c = s.camera;
		return {
			n: s.row,
			id: s.id,
			srid: s.position.srid,
			x: s.position.x,
			y: s.position.y,
			do_insert: insert && c !== null,
			masks: c?.privacyMasks ?? null,
			name: c?.name,
			kind: c?.kind,
			mount_height_m: c?.mountHeightM,
			azimuth_deg: c?.azimuthDeg,
			tilt_deg: c?.tiltDeg,
			hfov_deg: c?.hfovDeg,
			focal_length_mm: c?.focalLengthMm,
			sensor_width_mm: c?.sensorWidthMm,
			resolution_px: c?.resolutionPx,
			max_range_m: c?.maxRangeM,
			pan_min_deg: c?.panMinDeg,
			pan_max_deg: c?.panMaxDeg,
			owner_type: c?.ownerType,
			operator_name: c?.operatorName,
			contact_email: c?.contactEmail,
			contact_phone: c?.contactPhone,
			purpose: c?.purpose,
			legal_basis: c?.legalBasis,
			signage: c?.signage,
			retention_days: c?.retentionDays,
			status: c?.status,
			proposed_on: c?.proposedOn,
			approved_on: c?.approvedOn,
			active_from: c?.activeFrom,
			decommissioned_on: c?.decommissionedOn,
			police_registered_on: c?.policeRegisteredOn
		};
	});
	const { rows: placed } = await sql<Placed>`
		WITH input AS MATERIALIZED (
			SELECT r.*, coalesce(r.id, gen_random_uuid()) AS new_id,
				CASE r.srid WHEN 25832 THEN ST_SetSRID(ST_MakePoint(r.x, r.y), 25832)
					ELSE ST_Transform(ST_SetSRID(ST_MakePoint(r.x, r.y), 4326), 25832) END AS pos,
				CASE WHEN r.masks IS NOT NULL THEN ST_GeomFromGeoJSON(r.masks) END AS mask
			FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(
				n integer, id uuid, srid integer, x float8, y float8, do_insert boolean, masks text,
				name text, kind text, mount_height_m real, azimuth_deg real, tilt_deg real, hfov_deg real,
				focal_length_mm real, sensor_width_mm real, resolution_px integer, max_range_m real,
				pan_min_deg real, pan_max_deg real, owner_type text, operator_name text, contact_email text,
				contact_phone text, purpose text, legal_basis text, signage boolean, retention_days integer,
				status text, proposed_on date, approved_on date, active_from date, decommissioned_on date,
				police_registered_on date)
		),
		placed AS MATERIALIZED (
			SELECT i.*, m.code, m.name AS municipality_name, m.police_district,
				(i.mask IS NULL OR (ST_IsValid(i.mask) AND NOT ST_IsEmpty(i.mask))) AS masks_ok,
				(i.id IS NOT NULL AND EXISTS (SELECT 1 FROM cameras c WHERE c.id = i.id)) AS id_taken
			FROM input i
			LEFT JOIN LATERAL (
				SELECT code, name, police_district FROM municipalities
				WHERE ST_Intersects(geom, i.pos) ORDER BY code LIMIT 1
			) m ON true
		),
		stored AS (
			INSERT INTO cameras (id, municipality_code, name, geom, kind, mount_height_m, azimuth_deg, tilt_deg,
				hfov_deg, focal_length_mm, sensor_width_mm, resolution_px, max_range_m, pan_min_deg, pan_max_deg,
				owner_type, operator_name, contact_email, contact_phone, purpose, legal_basis, signage,
				retention_days, privacy_masks, status, proposed_on, approved_on, active_from, decommissioned_on,
				police_registered_on, created_by)
			SELECT new_id, code, name, pos, kind, mount_height_m, azimuth_deg, tilt_deg, hfov_deg,
				focal_length_mm, sensor_width_mm, resolution_px, max_range_m, pan_min_deg, pan_max_deg, owner_type,
				operator_name, contact_email, contact_phone, purpose, legal_basis, signage, retention_days,
				ST_Multi(ST_Transform(ST_SetSRID(mask, 4326), 25832)), status, coalesce(proposed_on, ${TODAY}),
				approved_on, active_from, decommissioned_on, police_registered_on, ${actor.userId}::uuid
			FROM placed
			WHERE do_insert AND code IS NOT NULL AND masks_ok AND NOT id_taken
			ORDER BY n
			RETURNING *
		),
		audited AS (
			INSERT INTO audit_log (actor_id, actor_label, action, object_type, object_id, municipality_code, after,
				client_address)
			SELECT ${actor.userId}::uuid, ${actor.label}, 'camera.import', 'camera', s.id::text, s.municipality_code,
				jsonb_build_object(
					'name', s.name, 'municipalityCode', s.municipality_code,
					'easting', round(ST_X(s.geom)::numeric, 2), 'northing', round(ST_Y(s.geom)::numeric, 2),
					'kind', s.kind, 'mountHeightM', s.mount_height_m, 'azimuthDeg', s.azimuth_deg,
					'tiltDeg', s.tilt_deg, 'hfovDeg', s.hfov_deg, 'focalLengthMm', s.focal_length_mm,
					'sensorWidthMm', s.sensor_width_mm, 'resolutionPx', s.resolution_px,
					'maxRangeM', s.max_range_m, 'panMinDeg', s.pan_min_deg, 'panMaxDeg', s.pan_max_deg,
					'ownerType', s.owner_type, 'operatorName', s.operator_name, 'contactEmail', s.contact_email,
					'contactPhone', s.contact_phone, 'purpose', s.purpose, 'legalBasis', s.legal_basis,
					'signage', s.signage, 'retentionDays', s.retention_days,
					'privacyMaskCount', coalesce(ST_NumGeometries(s.privacy_masks), 0),
					'privacyMaskAreaM2', round(coalesce(ST_Area(s.privacy_masks), 0)::numeric, 1),
					'status', s.status, 'proposedOn', to_char(s.proposed_on, 'YYYY-MM-DD'),
					'approvedOn', to_char(s.approved_on, 'YYYY-MM-DD'),
					'activeFrom', to_char(s.active_from, 'YYYY-MM-DD'),
					'decommissionedOn', to_char(s.decommissioned_on, 'YYYY-MM-DD'),
					'policeRegisteredOn', to_char(s.police_registered_on, 'YYYY-MM-DD'),
					'importId', ${importId}::text
				),
				${actor.clientAddress}
			FROM stored s
		)
		SELECT p.n AS row, p.new_id AS id, p.code, p.municipality_name, p.police_district, p.masks_ok,
			p.id_taken, (p.do_insert AND p.code IS NOT NULL AND p.masks_ok AND NOT p.id_taken) AS inserted
		FROM placed p
		ORDER BY p.n
	`.execute(trx);
	return placed;
}

/** Easting/northing in another UTM zone (EPSG:25833, Bornholm) as EPSG:25832, in one query per batch. */
async function reproject(trx: Trx, candidates: Candidate[]): Promise<void> {
	const todo = candidates.filter((c) => c.reproject !== undefined);
	const points = todo.map((c) => ({
		x: numeric(c.raw.easting),
		y: numeric(c.raw.northing),
		srid: c.reproject!
	}));
	const usable = points.map((p, i) => (p.x !== null && p.y !== null ? i : -1)).filter((i) => i >= 0);
	if (usable.length === 0) return;
	const { rows } = await sql<{ i: number; x: number; y: number }>`
		SELECT p.i, ST_X(q) AS x, ST_Y(q) AS y
		FROM json_to_recordset(${JSON.stringify(usable.map((i) => ({ i, ...points[i] })))}::json)
			AS p(i integer, x float8, y float8, srid integer),
			LATERAL ST_Transform(ST_SetSRID(ST_MakePoint(p.x, p.y), p.srid), 25832) AS q
	`.execute(trx);
	for (const r of rows) Object.assign(todo[r.i].raw, { easting: r.x, northing: r.y });
}

/** A row through the register's schema and the life-cycle rules; what to place if its position reads. */
function checkRow(
	c: Candidate,
	mismatch: ImportRowError | null,
	lifeCycle: ReturnType<typeof lifeCycleSchema>,
	seenIds: Map<string, number>
): { errors: ImportRowError[]; staged: Staged | null } {
	const errors = [...c.errors];
	const positionKnownBad = mismatch !== null || c.errors.some((e) => e.field === c.positionField);
	const parsed = newCameraSchema.safeParse(c.raw);
	const life = lifeCycle.safeParse(c.raw);
	if (!parsed.success) {
		for (const e of issuesOf(parsed.error, c.row)) {
			const isPosition = (POSITION_COLUMNS as readonly string[]).includes(e.field);
			if ((isPosition && positionKnownBad) || c.suppress?.has(e.field)) continue;
			if (c.positionField === 'geometry' && isPosition) e.field = 'geometry';
			errors.push(e);
		}
	}
	if (mismatch) errors.push(mismatch);
	if (!life.success) errors.push(...issuesOf(life.error, c.row));
	const id = life.success ? life.data.id : null;
	if (id !== null) {
		const first = seenIds.get(id.toLowerCase());
		if (first !== undefined)
			errors.push(rowError(c.row, 'id', 'camimport.error.idDuplicate', { row: first }));
		else seenIds.set(id.toLowerCase(), c.row);
	}
	// Bad rows are still placed, so that a wrong position is reported with the other errors.
	const position = positionKnownBad
		? null
		: parsed.success
			? parsed.data.position
			: positionSchema.safeParse(c.raw).data;
	if (!position) return { errors, staged: null };
	return {
		errors,
		staged: {
			row: c.row,
			positionField: c.positionField,
			camera: errors.length === 0 && parsed.success && life.success ? { ...parsed.data, ...life.data } : null,
			position: { srid: position.crs === 'EPSG:25832' ? 25832 : 4326, x: position.x, y: position.y },
			id
		}
	};
}

/** Where a row landed: outside every municipality, outside what the policy allows, masks, id. */
function checkPlacement(
	p: Placed,
	s: Staged,
	authorize: CameraImportOptions['authorize']
): { errors: ImportRowError[]; forbidden: boolean } {
	if (p.code === null)
		return { errors: [rowError(p.row, s.positionField, 'cameras.error.outside')], forbidden: false };
	const errors: ImportRowError[] = [];
	let forbidden = false;
	if (
		authorize &&
		!authorize('cameras.import', { type: 'municipality', code: p.code, policeDistrict: p.police_district })
	) {
		forbidden = true;
		errors.push(
			rowError(p.row, s.positionField, 'cameras.error.notOwnMunicipality', {
				name: p.municipality_name ?? String(p.code)
			})
		);
	} else if (
		authorize &&
		s.camera &&
		!authorize('cameras.import', {
			type: 'camera',
			municipalityCode: p.code,
			policeDistrict: p.police_district,
			status: s.camera.status,
			ownerType: s.camera.ownerType
		})
	) {
		forbidden = true;
		errors.push(rowError(p.row, 'status', 'camimport.error.statusNotAllowed', { status: s.camera.status }));
	}
	if (!p.masks_ok) errors.push(rowError(p.row, 'privacyMasks', 'cameras.error.masksInvalid'));
	if (p.id_taken) errors.push(rowError(p.row, 'id', 'camimport.error.idTaken'));
	return { errors, forbidden };
}

class Refused extends Error {}

const BATCH_CHARS = 2_000_000;

function formatOf(options: CameraImportOptions, firstChar: string | null): CameraImportFormat {
	if (options.format) return options.format;
	const ext = extname(options.name).toLowerCase();
	if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return 'csv';
	if (ext === '.geojson' || ext === '.json') return 'geojson';
	return firstChar === '{' ? 'geojson' : 'csv';
}

/** The first characters of the text (to tell GeoJSON from CSV) and the whole text again. */
async function sniff(
	text: AsyncIterable<string>
): Promise<{ first: string | null; text: AsyncIterable<string> }> {
	const iterator = text[Symbol.asyncIterator]();
	const head: string[] = [];
	let first: string | null = null;
	while (first === null) {
		const next = await iterator.next();
		if (next.done) break;
		head.push(next.value);
		const m = /\S/.exec(next.value);
		if (m) first = m[0];
	}
	async function* again() {
		yield* head;
		for (;;) {
			const next = await iterator.next();
			if (next.done) return;
			yield next.value;
		}
	}
	return { first, text: again() };
}

/** Imports cameras from a CSV or GeoJSON stream, all or nothing. */
export async function importCameras(
	db: Db,
	source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
	options: CameraImportOptions
): Promise<CameraImportResult> {
	const started = performance.now();
	const maxErrors = options.maxErrors ?? 1000;
	const batchSize = options.batchSize ?? 500;
	const errors: ImportRowError[] = [];
	const badRows = new Set<number>();
	let errorCount = 0;
	let forbidden = false;
	let rows = 0;
	let format: CameraImportFormat | null = null;

	const report = (e: ImportRowError) => {
		errorCount++;
		if (e.row !== null) badRows.add(e.row);
		if (errors.length < maxErrors) errors.push(e);
	};
	const refusal = (): CameraImportRefusal => ({
		ok: false,
		format,
		rows,
		badRows: badRows.size,
		errorCount,
		errors: errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)),
		forbidden,
		durationMs: Math.round(performance.now() - started)
	});

	const importId = crypto.randomUUID();
	const seenIds = new Map<string, number>();
	const ids: string[] = [];
	const municipalities = new Map<number, { name: string; cameras: number }>();
	const today = copenhagenToday();
	const lifeCycle = lifeCycleSchema(today);
	let crsLabel = 'EPSG:4326';

	try {
		return await db.transaction().execute(async (trx) => {
			let batch: Candidate[] = [];
			let batchChars = 0;

			const flush = async () => {
				if (batch.length === 0) return;
				const candidates = batch;
				batch = [];
				batchChars = 0;
				// Checked before reprojection, which would turn degrees into plausible-looking metres.
				const mismatches = candidates.map((c) =>
					crsMismatch(c, c.reproject ?? (c.raw.positionCrs === 'EPSG:25832' ? 25832 : 4326))
				);
				await reproject(
					trx,
					candidates.filter((_, i) => mismatches[i] === null)
				);
				const staged: Staged[] = [];
				for (const [index, c] of candidates.entries()) {
					const checked = checkRow(c, mismatches[index], lifeCycle, seenIds);
					checked.errors.forEach(report);
					if (checked.staged) staged.push(checked.staged);
				}
				if (staged.length === 0) return;
				const placed = await storeBatch(trx, staged, options.actor, importId, errorCount === 0);
				const byRow = new Map(staged.map((s) => [s.row, s]));
				for (const p of placed) {
					const placement = checkPlacement(p, byRow.get(p.row)!, options.authorize);
					placement.errors.forEach(report);
					if (placement.forbidden) forbidden = true;
					if (p.inserted && p.code !== null) {
						ids.push(p.id);
						const m = municipalities.get(p.code) ?? { name: p.municipality_name ?? '', cameras: 0 };
						m.cameras++;
						municipalities.set(p.code, m);
					}
				}
			};

			const add = async (c: Candidate) => {
				rows++;
				batch.push(c);
				batchChars += typeof c.raw.privacyMasks === 'string' ? c.raw.privacyMasks.length : 0;
				if (batch.length >= batchSize || batchChars >= BATCH_CHARS) await flush();
			};

			const sniffed = await sniff(decodeUtf8(source));
			format = formatOf(options, sniffed.first);
			if (sniffed.first === null) throw fileError('camimport.error.empty');

			if (format === 'csv') {
				let projectedSrid = 25832;
				if (options.srs?.trim()) {
					const crs = resolveCrs(options.srs, undefined);
					if (crs.srid === 25832 || crs.srid === 25833) projectedSrid = crs.srid;
					else if (!supportedCrs[crs.srid].geographic)
						throw fileError('camimport.error.csvSrs', { crs: crs.label });
				}
				crsLabel = projectedSrid === 25833 ? 'EPSG:4326 / EPSG:25833' : 'EPSG:4326 / EPSG:25832';
				let layout: CsvLayout | null = null;
				let suppressed = new Set<string>();
				for await (const record of csvRecords(sniffed.text)) {
					if (layout === null) {
						const headerErrors: ImportRowError[] = [];
						layout = csvLayout(record.row, record.fields, headerErrors);
						headerErrors.forEach(report);
						suppressed = new Set(layout.missing);
						if (layout.missing.has('lon, lat'))
							for (const f of ['lon', 'lat', 'easting', 'northing']) suppressed.add(f);
						continue;
					}
					const candidate = csvCandidate(layout, record.row, record.fields, projectedSrid);
					// A column the header lacks was reported once; its rows need not say it again.
					if (layout.missing.size) candidate.suppress = suppressed;
					await add(candidate);
				}
				if (layout === null) throw fileError('camimport.error.empty');
			} else {
				let crs: SourceCrs = resolveCrs(options.srs, undefined);
				let featuresSeen = false;
				const unknown = new Set<string>();
				for await (const event of geoJsonEvents(sniffed.text)) {
					if (event.kind === 'crs') {
						const fromFile = resolveCrs(options.srs, event.value);
						// Features already read were read in the CRS assumed then.
						if (featuresSeen && fromFile.srid !== crs.srid) throw fileError('camimport.error.crsLate');
						crs = fromFile;
						continue;
					}
					featuresSeen = true;
					await add(geoJsonCandidate(event.row, event.value, crs.srid, unknown));
				}
				crsLabel = crs.label;
			}
			await flush();
			if (rows === 0 && errorCount === 0) throw fileError('camimport.error.noRows');
			if (errorCount > 0) throw new Refused();

			const viewsStarted = performance.now();
			const viewsComputed = await recomputeCameraViews(trx, ids);
			const viewsMs = Math.round(performance.now() - viewsStarted);
			const summary = [...municipalities].map(([code, m]) => ({ code, name: m.name, cameras: m.cameras }));
			summary.sort((a, b) => a.code - b.code);
			await sql`
				INSERT INTO audit_log (actor_id, actor_label, action, object_type, object_id, municipality_code, after,
					client_address)
				VALUES (${options.actor.userId}::uuid, ${options.actor.label}, 'cameras.import', 'camera-import',
					${importId}, ${summary.length === 1 ? summary[0].code : null}::smallint,
					${JSON.stringify({
						file: basename(options.name),
						format,
						crs: crsLabel,
						cameras: ids.length,
						municipalities: Object.fromEntries(summary.map((m) => [m.code, m.cameras]))
					})}::jsonb, ${options.actor.clientAddress})
			`.execute(trx);
			return {
				ok: true as const,
				format: format!,
				crs: crsLabel,
				rows,
				imported: ids.length,
				viewsComputed,
				viewsMs,
				municipalities: summary,
				importId,
				durationMs: Math.round(performance.now() - started)
			};
		});
	} catch (e) {
		if (e instanceof Refused) return refusal();
		if (e instanceof FileError) {
			report(e.error);
			return refusal();
		}
		throw e;
	}
}

function resolveCrs(srs: string | undefined, member: unknown): SourceCrs {
	try {
		return resolveSourceCrs(srs, member);
	} catch (e) {
		if (!(e instanceof BoundaryImportError)) throw e;
		const named = srs?.trim() || JSON.stringify(member ?? null).slice(0, 120);
		throw fileError('camimport.error.crsUnknown', { crs: named }, null, srs?.trim() ? 'srs' : 'crs');
	}
}

/** Imports a file from disk (the CLI and the benchmark). */
export async function importCameraFile(
	db: Db,
	path: string,
	options: Omit<CameraImportOptions, 'name'> & { name?: string }
): Promise<CameraImportResult> {
	let file: FileHandle;
	try {
		file = await open(path, 'r');
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		const why = code === 'ENOENT' ? 'no such file' : (e as Error).message;
		throw new Error(`Cannot read ${path}: ${why}.`);
	}
	try {
		return await importCameras(db, file.createReadStream({ highWaterMark: 256 * 1024, autoClose: false }), {
			...options,
			name: options.name ?? basename(path)
		});
	} finally {
		await file.close();
	}
}

/** The report as the command line prints it: counts, then the first `limit` errors. */
export function formatCameraImportReport(result: CameraImportResult, limit = 50): string {
	const seconds = (result.durationMs / 1000).toFixed(1);
	if (result.ok) {
		const lines = [
			`Imported ${result.imported} camera${result.imported === 1 ? '' : 's'} (${result.format}, ${result.crs}) in ${seconds} s; ` +
				`views computed for ${result.viewsComputed} in ${(result.viewsMs / 1000).toFixed(1)} s. ` +
				`Import ${result.importId}.`
		];
		for (const m of result.municipalities)
			lines.push(`  ${String(m.code).padStart(3)} ${m.name}: ${m.cameras}`);
		return lines.join('\n');
	}
	const unit = result.format === 'geojson' ? 'feature' : 'row';
	const lines = [
		`Nothing was imported: ${result.badRows} of ${result.rows} ${unit}s have errors ` +
			`(${result.errorCount} in all${result.forbidden ? ', some outside what you may import' : ''}).`
	];
	for (const e of result.errors.slice(0, limit)) {
		const where = e.row === null ? 'file' : `${unit} ${e.row}`;
		lines.push(`  ${where}, ${e.field}: ${e.message}`);
	}
	const more = result.errorCount - Math.min(limit, result.errors.length);
	if (more > 0) lines.push(`  … and ${more} more`);
	return lines.join('\n');
}

/** The header of an empty import file: every column the import reads, positions as lon, lat. */
export function cameraImportTemplate(): string {
	return [...LIFE_CYCLE_COLUMNS, ...CAMERA_FIELDS, 'lon', 'lat'].join(',') + '\r\n';
}
