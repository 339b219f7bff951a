// Imports safety-survey results and the places respondents named as unsafe, all or nothing.
//
// Survey results (kind `survey`), CSV or GeoJSON, one result per row or feature:
//   area         one of: municipalityCode (kommunekode), policeDistrict (politikreds), or, in
//                GeoJSON only, a drawn area: a Polygon/MultiPolygon geometry plus areaName. A
//                keyed result takes its geometry from the stored boundary, so its feature's
//                geometry must be null; a drawn area must overlap a municipality.
//   required     survey (the survey's name), periodFrom, periodTo (YYYY-MM-DD, or a year: 2024
//                is 2024-01-01 … 2024-12-31), unsafeShare or unsafePercent, respondents (a whole
//                number > 0; 1.234 or 1 234 are read as 1234)
//   optional     source (who published it; defaults to the survey's name)
//   ignored      municipalityName, policeDistrictName (for people to read)
//   unsafeShare  the share of respondents who feel unsafe, as a share (0,235 or 0.235) or as a
//                percentage (23,5 % or 23.5). A value with a % sign is always a percentage. A
//                bare value follows the column: the column holds percentages when at least half
//                of its values have a % sign or are above 1, and then a bare value of 1 or less
//                is refused as ambiguous (write 0,8 %); otherwise it holds shares and a bare
//                value above 1 is refused (write 23,5 %). unsafePercent: always a percentage.
//
// Unsafe places (kind `unsafe-places`): name, survey, periodFrom, periodTo; optional description,
// source, mentions (how many respondents named it). Position: CSV `lon`,`lat` (WGS84) or
// `easting`,`northing` (EPSG:25832, EPSG:25833 with the srs option); GeoJSON a Point,
// MultiPoint, Polygon or MultiPolygon in the file's `crs` or the srs option (CRS84 when none).
// The municipality is where the place lies (its point on surface, else any it touches), so
// municipalityCode and municipalityName columns are ignored.
//
// Column names ignore case, spaces, `_` and `-`. Every row is checked and every problem reported
// by row and field; only a file without problems is written, in one transaction, as upserts:
// importing the same survey again (same survey name, period and area, or for places the same
// name in the same municipality) updates the rows instead of adding them twice. One summary
// audit row records the import.
import { basename } from 'node:path';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/connect';
import type { Database } from '../db/schema';
import { recordAudit, type AuditActor } from '../audit/service';
import { BoundaryImportError } from '../boundaries/errors';
import { resolveSourceCrs, supportedCrs, type SourceCrs } from '../boundaries/crs';
import { FileError, fileError, rowError, type ImportRowError, type Vars } from '../import/row-errors';
import type { MessageKey } from '../../i18n';
import type { ByteSource } from '../import/stream-readers';
import { withImportFile } from '../import/files';
import { formatRefusedImport } from '../import/report';
import { readSurveyFile, type SurveyFile, type SurveyFileFormat, type SurveyRecord } from './read';

export type { SurveyFileFormat };
export { importErrorMessage, type ImportRowError } from '../import/row-errors';

export type SurveyImportKind = 'results' | 'places';

export interface SurveyImportOptions {
	/** The file's name (for the audit trail and to tell the format by its extension). */
	name: string;
	format?: SurveyFileFormat;
	/** CRS of GeoJSON geometry (overrides the `crs` member) or of CSV easting/northing. */
	srs?: string;
	actor: AuditActor;
	/** Marks every imported row as synthetic (test and demo files). */
	synthetic?: boolean;
	/** Errors kept for the report (all are counted). */
	maxErrors?: number;
}

export interface SurveyImportSuccess {
	ok: true;
	kind: SurveyImportKind;
	format: SurveyFileFormat;
	crs: string | null;
	rows: number;
	inserted: number;
	updated: number;
	/** Rows by survey and period. */
	surveys: { survey: string; periodFrom: string; periodTo: string; rows: number }[];
	importId: string;
	durationMs: number;
}

export interface SurveyImportRefusal {
	ok: false;
	kind: SurveyImportKind;
	format: SurveyFileFormat | null;
	rows: number;
	badRows: number;
	errorCount: number;
	/** The first `maxErrors` errors, by row. */
	errors: ImportRowError[];
	durationMs: number;
}

export type SurveyImportResult = SurveyImportSuccess | SurveyImportRefusal;

// ---------------------------------------------------------------------------------------------
// Columns

const normalize = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');

const RESULT_COLUMNS: Record<string, string[]> = {
	survey: ['undersøgelse', 'undersoegelse'],
	source: ['kilde'],
	periodFrom: ['periodeFra'],
	periodTo: ['periodeTil'],
	unsafeShare: ['andelUtrygge', 'utrygAndel'],
	unsafePercent: ['procentUtrygge', 'utrygProcent'],
	respondents: ['respondenter', 'antalRespondenter'],
	municipalityCode: ['kommunekode', 'komkode'],
	policeDistrict: ['politikreds', 'politikredsnummer', 'polkrNr'],
	areaName: ['områdenavn', 'omraadenavn'],
	municipalityName: ['kommunenavn', 'komnavn'],
	policeDistrictName: ['politikredsnavn']
};

const PLACE_COLUMNS: Record<string, string[]> = {
	name: ['navn', 'sted'],
	description: ['beskrivelse'],
	survey: ['undersøgelse', 'undersoegelse'],
	source: ['kilde'],
	periodFrom: ['periodeFra'],
	periodTo: ['periodeTil'],
	mentions: ['antalNævnt', 'antalNaevnt', 'omtaler'],
	lon: ['longitude', 'lng'],
	lat: ['latitude'],
	easting: ['x', 'øst'],
	northing: ['y', 'nord'],
	municipalityCode: ['kommunekode', 'komkode'],
	municipalityName: ['kommunenavn', 'komnavn']
};

function columnIndex(columns: Record<string, string[]>): Map<string, string> {
	const index = new Map<string, string>();
	for (const [column, aliases] of Object.entries(columns))
		for (const name of [column, ...aliases]) index.set(normalize(name), column);
	return index;
}

const RESULT_INDEX = columnIndex(RESULT_COLUMNS);
const PLACE_INDEX = columnIndex(PLACE_COLUMNS);

type Raw = Map<string, unknown>;

interface Row {
	row: number;
	raw: Raw;
	/** What the file calls each canonical column, for the report. */
	names: Map<string, string>;
	geometry?: unknown;
}

/**
 * Maps every record's fields to canonical columns; unknown and repeated columns are reported
 * once (CSV: on the header row; GeoJSON: at the first feature that has them).
 */
function canonicalRows(
	file: SurveyFile,
	index: Map<string, string>,
	report: (e: ImportRowError) => void
): Row[] {
	const reported = new Set<string>();
	const headerColumns = new Map<string, string>();
	if (file.header) {
		for (const [i, name] of file.header.entries()) {
			const column = index.get(normalize(name));
			if (!column) report(rowError(1, name || `#${i + 1}`, 'import.error.unknownColumn'));
			else if (headerColumns.has(column))
				report(rowError(1, name, 'import.error.duplicateColumn', { column }));
			else headerColumns.set(column, name);
		}
	}
	return file.records.map((record: SurveyRecord) => {
		const raw: Raw = new Map();
		const names = new Map<string, string>();
		for (const [name, value] of record.fields) {
			const column = index.get(normalize(name));
			if (!column) {
				if (!file.header && !reported.has(name)) {
					reported.add(name);
					report(rowError(record.row, name, 'import.error.unknownColumn'));
				}
				continue;
			}
			if (names.has(column)) {
				if (!file.header) report(rowError(record.row, name, 'import.error.duplicateColumn', { column }));
				continue;
			}
			names.set(column, name);
			raw.set(column, value);
		}
		for (const column of record.extra) report(rowError(record.row, `#${column}`, 'import.error.extraField'));
		if (record.notFeature) report(rowError(record.row, 'type', 'import.error.notFeature'));
		return { row: record.row, raw, names, geometry: record.geometry };
	});
}

// ---------------------------------------------------------------------------------------------
// Values

function blank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function text(row: Row, column: string): string {
	const value = row.raw.get(column);
	if (blank(value)) return '';
	return typeof value === 'string' ? value.trim() : String(value);
}

/** Collects a row's problems, reported under the column name the file uses. */
class RowCheck {
	readonly errors: ImportRowError[] = [];
	/** A column the header lacks was reported once, on the header row; its rows need not say it again. */
	constructor(
		readonly row: Row,
		private readonly missing: ReadonlySet<string>
	) {}
	field(column: string): string {
		return this.row.names.get(column) ?? column;
	}
	/** Row problems are kept even for a missing column; they just are not reported twice. */
	get failed(): boolean {
		return this.errors.length > 0 || this.suppressed;
	}
	private suppressed = false;
	error(column: string, key: MessageKey, vars: Vars = {}) {
		if (this.missing.has(column)) this.suppressed = true;
		else this.errors.push(rowError(this.row.row, this.field(column), key, vars));
	}
	required(column: string, max: number): string | null {
		const t = text(this.row, column);
		if (t === '') this.error(column, 'survey.error.required');
		else if (t.length > max) this.error(column, 'survey.error.tooLong', { max });
		else return t;
		return null;
	}
	optional(column: string, max: number): string | null {
		const t = text(this.row, column);
		if (t.length > max) {
			this.error(column, 'survey.error.tooLong', { max });
			return null;
		}
		return t === '' ? null : t;
	}
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isoDate(value: string): string | null {
	const m = ISO_DATE.exec(value);
	if (!m) return null;
	const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const d = new Date(Date.UTC(year, month - 1, day));
	const real = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
	return real && year >= 1970 && year <= 2100 ? value : null;
}

/** periodFrom and periodTo: dates, or a year for its first and last day. */
function period(check: RowCheck): { from: string; to: string } | null {
	const read = (column: string, end: boolean) => {
		const t = text(check.row, column);
		if (t === '') {
			check.error(column, 'survey.error.required');
			return null;
		}
		if (/^\d{4}$/.test(t) && Number(t) >= 1970 && Number(t) <= 2100) return end ? `${t}-12-31` : `${t}-01-01`;
		const d = isoDate(t);
		if (d === null) check.error(column, 'survey.error.date');
		return d;
	};
	const from = read('periodFrom', false);
	const to = read('periodTo', true);
	if (from === null || to === null) return null;
	if (from > to) {
		check.error('periodTo', 'survey.error.periodOrder', { from });
		return null;
	}
	return { from, to };
}

/** A decimal number as people write it: `23,5`, `23.5`, `0,235`; null when it is none. */
function decimal(value: string): number | null {
	const t = value.replace(/[\s\u00a0]/g, '');
	if (!/^[-+]?(\d+([.,]\d+)?|[.,]\d+)$/.test(t)) return null;
	const n = Number(t.replace(',', '.'));
	return Number.isFinite(n) ? n : null;
}

/** A whole number, with `.` or spaces between thousands allowed (1.234, 1 234). */
function wholeNumber(value: unknown): number | null {
	if (typeof value === 'number') return Number.isInteger(value) ? value : null;
	if (typeof value !== 'string') return null;
	const t = value.trim().replace(/\u00a0/g, ' ');
	if (/^\d+$/.test(t) || /^\d{1,3}([. ]\d{3})+$/.test(t)) return Number(t.replace(/[. ]/g, ''));
	return null;
}

interface ShareReading {
	value: number;
	percentSign: boolean;
}

function readShare(value: unknown): ShareReading | null {
	if (typeof value === 'number') return Number.isFinite(value) ? { value, percentSign: false } : null;
	if (typeof value !== 'string') return null;
	const t = value.trim();
	const percentSign = t.endsWith('%');
	const n = decimal(percentSign ? t.slice(0, -1) : t);
	return n === null ? null : { value: n, percentSign };
}

// ---------------------------------------------------------------------------------------------
// Geometry

type Position = number[];

const isPosition = (p: unknown): p is Position =>
	Array.isArray(p) &&
	p.length >= 2 &&
	p.slice(0, 2).every((v) => typeof v === 'number' && Number.isFinite(v));

/** Why the coordinates of a GeoJSON geometry are unusable, or null; collects its positions. */
function shapeProblem(
	geometry: { type: string; coordinates: unknown },
	positions: Position[]
): string | null {
	const ring = (r: unknown) => {
		if (!Array.isArray(r) || !r.every(isPosition)) return 'coordinates';
		if (r.length < 4) return 'ring';
		const [a, b] = [r[0], r[r.length - 1]];
		if (a[0] !== b[0] || a[1] !== b[1]) return 'ring';
		positions.push(...r);
		return null;
	};
	const polygon = (p: unknown) => {
		if (!Array.isArray(p) || p.length === 0) return 'coordinates';
		for (const r of p) {
			const problem = ring(r);
			if (problem) return problem;
		}
		return null;
	};
	const c = geometry.coordinates;
	switch (geometry.type) {
		case 'Point':
			if (!isPosition(c)) return 'coordinates';
			positions.push(c);
			return null;
		case 'MultiPoint':
			if (!Array.isArray(c) || c.length === 0 || !c.every(isPosition)) return 'coordinates';
			positions.push(...c);
			return null;
		case 'Polygon':
			return polygon(c);
		case 'MultiPolygon':
			if (!Array.isArray(c) || c.length === 0) return 'coordinates';
			for (const p of c) {
				const problem = polygon(p);
				if (problem) return problem;
			}
			return null;
		default:
			return 'type';
	}
}

/** Coordinates that cannot be Danish in the CRS they are read in. */
function crsProblem(positions: Position[], srid: number): { key: MessageKey; vars: Vars } | null {
	const xs = positions.map((p) => p[0]);
	const ys = positions.map((p) => p[1]);
	const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
	const spec = supportedCrs[srid];
	const degrees = minX >= -180 && maxX <= 180 && minY >= -90 && maxY <= 90;
	if (spec.geographic && !degrees) return { key: 'import.error.looksMetres', vars: {} };
	if (!spec.geographic && degrees) return { key: 'import.error.looksDegrees', vars: { crs: spec.label } };
	const [ax, ay, bx, by] = spec.denmark;
	if (minX < ax || maxX > bx || minY < ay || maxY > by)
		return { key: 'survey.error.outsideDenmark', vars: { crs: spec.label } };
	return null;
}

interface GeometryInput {
	geojson: string;
	srid: number;
}

/** A GeoJSON geometry of one of the allowed types, checked for shape and CRS. */
function geometryInput(
	check: RowCheck,
	geometry: unknown,
	allowed: string[],
	typeKey: MessageKey,
	srid: number,
	field = 'geometry'
): GeometryInput | null {
	const g = geometry as { type?: unknown; coordinates?: unknown } | null;
	if (!g || typeof g.type !== 'string' || !allowed.includes(g.type)) {
		check.errors.push(rowError(check.row.row, field, typeKey));
		return null;
	}
	const positions: Position[] = [];
	const problem = shapeProblem({ type: g.type, coordinates: g.coordinates }, positions);
	if (problem) {
		check.errors.push(
			rowError(check.row.row, field, problem === 'ring' ? 'survey.error.ring' : 'survey.error.coordinates')
		);
		return null;
	}
	const crs = crsProblem(positions, srid);
	if (crs) {
		check.errors.push(rowError(check.row.row, field, crs.key, crs.vars));
		return null;
	}
	// Only x and y: PostGIS would otherwise keep a third ordinate the tables do not hold.
	const flat = JSON.parse(JSON.stringify({ type: g.type, coordinates: g.coordinates }), (key, value) =>
		isPosition(value) && value.length > 2 ? value.slice(0, 2) : value
	);
	return { geojson: JSON.stringify(flat), srid };
}

// ---------------------------------------------------------------------------------------------
// The two kinds

interface ResultRow {
	row: number;
	survey: string;
	source: string;
	from: string;
	to: string;
	kind: 'municipality' | 'police_district' | 'area';
	code: number | null;
	district: number | null;
	areaName: string;
	geometry: GeometryInput | null;
	share: number;
	respondents: number;
	/** Where to report a problem with the area. */
	areaField: string;
	/** Only looked up (the row has other problems). */
	lookupOnly: boolean;
}

interface Placed {
	n: number;
	code_ok: boolean;
	district_ok: boolean;
	invalid: string | null;
	municipality: number | null;
}

type Trx = Transaction<Database>;

function checkResults(
	rows: Row[],
	file: SurveyFile,
	crs: SourceCrs | null,
	report: (e: ImportRowError) => void
): ResultRow[] {
	const missing = missingColumns(
		file,
		RESULT_INDEX,
		[
			'survey',
			'periodFrom',
			'periodTo',
			'respondents',
			['unsafeShare', 'unsafePercent'],
			['municipalityCode', 'policeDistrict']
		],
		report
	);
	// Whether unsafeShare holds percentages is decided for the whole column (see the top).
	const readings = rows.map((r) => readShare(r.raw.get('unsafeShare')));
	const read = readings.filter((s) => s !== null);
	const percentStyle = read.filter((s) => s.percentSign || s.value > 1).length;
	const percent = percentStyle > 0 && percentStyle >= read.length - percentStyle;

	const checked: ResultRow[] = [];
	for (const [i, r] of rows.entries()) {
		const check = new RowCheck(r, missing);
		const survey = check.required('survey', 200);
		const source = check.optional('source', 500);
		const dates = period(check);
		const share = readShareColumns(check, readings[i], percent);

		let respondents: number | null = null;
		if (blank(r.raw.get('respondents'))) check.error('respondents', 'survey.error.required');
		else {
			respondents = wholeNumber(r.raw.get('respondents'));
			if (respondents === null || respondents < 1 || respondents > 10_000_000) {
				check.error('respondents', 'survey.error.respondents');
				respondents = null;
			}
		}

		// The area: a municipality, a police district, or (GeoJSON) a drawn polygon.
		const codeText = text(r, 'municipalityCode');
		const districtText = text(r, 'policeDistrict');
		const hasGeometry = file.format === 'geojson' && r.geometry !== null && r.geometry !== undefined;
		const given = [codeText !== '', districtText !== '', hasGeometry].filter(Boolean).length;
		const geojson = file.format === 'geojson';
		let kind: ResultRow['kind'] | null = null;
		let code: number | null = null;
		let district: number | null = null;
		let areaName: string | null = null;
		let geometry: GeometryInput | null = null;
		let areaField = check.field('municipalityCode');
		if (given === 0) {
			check.error(
				'municipalityCode',
				geojson ? 'survey.error.areaMissingGeojson' : 'survey.error.areaMissing'
			);
		} else if (given > 1) {
			check.error(
				codeText !== '' ? 'municipalityCode' : 'policeDistrict',
				geojson ? 'survey.error.areaBothGeojson' : 'survey.error.areaBoth'
			);
		} else if (codeText !== '') {
			code = wholeNumber(codeText);
			if (code === null || code < 100 || code > 999)
				check.error('municipalityCode', 'survey.error.municipalityCode');
			else kind = 'municipality';
		} else if (districtText !== '') {
			areaField = check.field('policeDistrict');
			district = wholeNumber(districtText);
			if (district === null || district < 1 || district > 99)
				check.error('policeDistrict', 'survey.error.policeDistrict');
			else kind = 'police_district';
		} else {
			areaField = 'geometry';
			areaName = check.required('areaName', 200);
			geometry = geometryInput(
				check,
				r.geometry,
				['Polygon', 'MultiPolygon'],
				'survey.error.polygon',
				crs!.srid
			);
			if (geometry !== null) kind = 'area';
		}

		check.errors.forEach(report);
		if (!kind) continue;
		// A bad row is still looked up, so that an unknown code is reported with its other errors.
		const ok = !check.failed && survey !== null && dates !== null && share !== null && respondents !== null;
		checked.push({
			row: r.row,
			survey: survey ?? '',
			source: source ?? survey ?? '',
			from: dates?.from ?? '',
			to: dates?.to ?? '',
			kind,
			code,
			district,
			areaName: areaName ?? '',
			geometry,
			share: share ?? 0,
			respondents: respondents ?? 0,
			areaField,
			lookupOnly: !ok
		});
	}
	return checked;
}

/** The row's share from unsafeShare (share or percent, as the column says) or unsafePercent. */
function readShareColumns(
	check: RowCheck,
	shareReading: ShareReading | null,
	percentColumn: boolean
): number | null {
	const r = check.row;
	const shareGiven = !blank(r.raw.get('unsafeShare'));
	const percentGiven = !blank(r.raw.get('unsafePercent'));
	if (shareGiven && percentGiven) {
		check.error('unsafePercent', 'survey.error.shareColumns');
		return null;
	}
	if (!shareGiven && !percentGiven) {
		check.error(r.names.has('unsafePercent') ? 'unsafePercent' : 'unsafeShare', 'survey.error.required');
		return null;
	}
	if (percentGiven) {
		const reading = readShare(r.raw.get('unsafePercent'));
		if (reading === null) check.error('unsafePercent', 'survey.error.number');
		else if (reading.value < 0 || reading.value > 100)
			check.error('unsafePercent', 'survey.error.percentRange');
		else return reading.value / 100;
		return null;
	}
	const reading = shareReading;
	if (reading === null) check.error('unsafeShare', 'survey.error.number');
	else if (reading.percentSign || percentColumn) {
		// A % sign always means a percentage; a bare value only in a column of percentages.
		if (reading.value < 0 || reading.value > 100) check.error('unsafeShare', 'survey.error.percentRange');
		else if (!reading.percentSign && reading.value <= 1)
			check.error('unsafeShare', 'survey.error.shareAmbiguous', { value: text(r, 'unsafeShare') });
		else return reading.value / 100;
	} else if (reading.value < 0 || reading.value > 1) check.error('unsafeShare', 'survey.error.shareRange');
	else return reading.value;
	return null;
}

/** CSV: the required columns the header lacks, each reported once on the header row. */
function missingColumns(
	file: SurveyFile,
	index: Map<string, string>,
	required: (string | string[])[],
	report: (e: ImportRowError) => void
): Set<string> {
	const missing = new Set<string>();
	if (!file.header) return missing;
	const present = new Set(file.header.map((h) => index.get(normalize(h))));
	for (const need of required) {
		const options = Array.isArray(need) ? need : [need];
		if (options.some((c) => present.has(c))) continue;
		for (const c of options) missing.add(c);
		report(rowError(1, options.join(' | '), 'import.error.missingColumn'));
	}
	return missing;
}

/** Looks up codes and districts and checks drawn areas, in one statement. */
async function placeResults(trx: Trx, rows: ResultRow[]): Promise<Map<number, Placed>> {
	if (rows.length === 0) return new Map();
	const input = rows.map((r) => ({
		n: r.row,
		code: r.code,
		district: r.district,
		geojson: r.geometry?.geojson ?? null,
		srid: r.geometry?.srid ?? null
	}));
	const { rows: placed } = await sql<Placed>`
		WITH input AS MATERIALIZED (
			SELECT r.n, r.code, r.district,
				CASE WHEN r.geojson IS NOT NULL
					THEN ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(r.geojson), r.srid), 25832) END AS g
			FROM json_to_recordset(${JSON.stringify(input)}::json) AS r(n integer, code integer, district integer, geojson text, srid integer)
		)
		SELECT i.n,
			(i.code IS NULL OR EXISTS (SELECT 1 FROM municipalities m WHERE m.code = i.code)) AS code_ok,
			(i.district IS NULL OR EXISTS (SELECT 1 FROM police_districts d WHERE d.number = i.district)) AS district_ok,
			CASE WHEN i.g IS NOT NULL AND NOT ST_IsValid(i.g) THEN ST_IsValidReason(i.g) END AS invalid,
			CASE WHEN i.g IS NOT NULL AND ST_IsValid(i.g) THEN (
				SELECT m.code FROM municipalities m WHERE ST_Intersects(m.geom, i.g)
				ORDER BY ST_Area(ST_Intersection(m.geom, i.g)) DESC, m.code LIMIT 1
			) END AS municipality
		FROM input i
	`.execute(trx);
	return new Map(placed.map((p) => [p.n, p]));
}

async function storeResults(
	trx: Trx,
	rows: ResultRow[],
	municipalities: Map<number, number>,
	importId: string,
	synthetic: boolean
): Promise<{ inserted: number; updated: number }> {
	const input = rows.map((r) => ({
		survey: r.survey,
		source: r.source,
		period_from: r.from,
		period_to: r.to,
		area_kind: r.kind,
		municipality_code: r.kind === 'area' ? municipalities.get(r.row)! : r.code,
		police_district: r.district,
		area_name: r.kind === 'area' ? r.areaName : null,
		geojson: r.geometry?.geojson ?? null,
		srid: r.geometry?.srid ?? null,
		unsafe_share: r.share,
		respondents: r.respondents
	}));
	const { rows: stored } = await sql<{ inserted: boolean }>`
		INSERT INTO survey_results (survey, source, period_from, period_to, area_kind, municipality_code,
			police_district, area_name, geom, unsafe_share, respondents, is_synthetic, import_id)
		SELECT r.survey, r.source, r.period_from, r.period_to, r.area_kind, r.municipality_code, r.police_district,
			r.area_name,
			CASE WHEN r.geojson IS NOT NULL
				THEN ST_Multi(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(r.geojson), r.srid), 25832)) END,
			r.unsafe_share, r.respondents, ${synthetic}, ${importId}::uuid
		FROM json_to_recordset(${JSON.stringify(input)}::json) AS r(
			survey text, source text, period_from date, period_to date, area_kind text, municipality_code smallint,
			police_district smallint, area_name text, geojson text, srid integer, unsafe_share real, respondents integer)
		ON CONFLICT ON CONSTRAINT survey_results_key DO UPDATE SET
			source = excluded.source, area_name = excluded.area_name, geom = excluded.geom,
			unsafe_share = excluded.unsafe_share, respondents = excluded.respondents,
			is_synthetic = excluded.is_synthetic, import_id = excluded.import_id, updated_at = now()
		RETURNING (xmax = 0) AS inserted
	`.execute(trx);
	const inserted = stored.filter((s) => s.inserted).length;
	return { inserted, updated: stored.length - inserted };
}

/** The second row with the same key is reported, naming the first. */
function duplicates(
	items: { row: number; key: string; field: string }[],
	report: (e: ImportRowError) => void
): void {
	const seen = new Map<string, number>();
	for (const item of items) {
		const first = seen.get(item.key);
		if (first !== undefined) report(rowError(item.row, item.field, 'survey.error.duplicate', { row: first }));
		else seen.set(item.key, item.row);
	}
}

interface PlaceRow {
	row: number;
	name: string;
	description: string | null;
	survey: string;
	source: string;
	from: string;
	to: string;
	mentions: number | null;
	geometry: GeometryInput;
	positionField: string;
	/** Only looked up (the row has other problems). */
	lookupOnly: boolean;
}

function checkPlaces(
	rows: Row[],
	file: SurveyFile,
	crs: SourceCrs | null,
	projectedSrid: number,
	report: (e: ImportRowError) => void
): PlaceRow[] {
	const missing = missingColumns(file, PLACE_INDEX, ['name', 'survey', 'periodFrom', 'periodTo'], report);
	if (file.header) {
		const present = new Set(file.header.map((h) => PLACE_INDEX.get(normalize(h))));
		const pair = (a: string, b: string) => present.has(a) && present.has(b);
		if (!pair('lon', 'lat') && !pair('easting', 'northing')) {
			report(rowError(1, 'lon, lat | easting, northing', 'import.error.missingColumn'));
			for (const c of ['lon', 'lat', 'easting', 'northing']) missing.add(c);
		}
	}
	const checked: PlaceRow[] = [];
	for (const r of rows) {
		const check = new RowCheck(r, missing);
		const name = check.required('name', 200);
		const description = check.optional('description', 2000);
		const survey = check.required('survey', 200);
		const source = check.optional('source', 500);
		const dates = period(check);
		let mentions: number | null = null;
		if (!blank(r.raw.get('mentions'))) {
			mentions = wholeNumber(r.raw.get('mentions'));
			if (mentions === null || mentions > 10_000_000) {
				check.error('mentions', 'survey.error.mentions');
				mentions = null;
			}
		}
		let geometry: GeometryInput | null = null;
		let positionField = 'geometry';
		if (file.format === 'geojson') {
			geometry = geometryInput(
				check,
				r.geometry,
				['Point', 'MultiPoint', 'Polygon', 'MultiPolygon'],
				'survey.error.placeGeometry',
				crs!.srid
			);
		} else {
			const lonLat = text(r, 'lon') !== '' || text(r, 'lat') !== '';
			const projected = !lonLat && (text(r, 'easting') !== '' || text(r, 'northing') !== '');
			const [xc, yc] = projected ? ['easting', 'northing'] : ['lon', 'lat'];
			positionField = `${check.field(xc)}, ${check.field(yc)}`;
			const x = decimal(text(r, xc));
			const y = decimal(text(r, yc));
			if (!lonLat && !projected) check.error('lon', 'survey.error.position');
			else if (x === null || y === null) check.error(xc, 'survey.error.coordinates');
			else {
				geometry = geometryInput(
					check,
					{ type: 'Point', coordinates: [x, y] },
					['Point'],
					'survey.error.placeGeometry',
					projected ? projectedSrid : 4326,
					positionField
				);
			}
		}
		check.errors.forEach(report);
		if (!geometry) continue;
		const ok = !check.failed && name !== null && survey !== null && dates !== null;
		checked.push({
			row: r.row,
			name: name ?? '',
			description,
			survey: survey ?? '',
			source: source ?? survey ?? '',
			from: dates?.from ?? '',
			to: dates?.to ?? '',
			mentions,
			geometry,
			positionField,
			lookupOnly: !ok
		});
	}
	return checked;
}

async function placePlaces(
	trx: Trx,
	rows: PlaceRow[]
): Promise<Map<number, { invalid: string | null; municipality: number | null }>> {
	if (rows.length === 0) return new Map();
	const input = rows.map((r) => ({ n: r.row, geojson: r.geometry.geojson, srid: r.geometry.srid }));
	const { rows: placed } = await sql<{ n: number; invalid: string | null; municipality: number | null }>`
		WITH input AS MATERIALIZED (
			SELECT r.n, ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(r.geojson), r.srid), 25832) AS g
			FROM json_to_recordset(${JSON.stringify(input)}::json) AS r(n integer, geojson text, srid integer)
		)
		SELECT i.n,
			CASE WHEN NOT ST_IsValid(i.g) THEN ST_IsValidReason(i.g) END AS invalid,
			CASE WHEN ST_IsValid(i.g) THEN coalesce(
				(SELECT m.code FROM municipalities m WHERE ST_Intersects(m.geom, ST_PointOnSurface(i.g)) ORDER BY m.code LIMIT 1),
				(SELECT m.code FROM municipalities m WHERE ST_Intersects(m.geom, i.g) ORDER BY m.code LIMIT 1)
			) END AS municipality
		FROM input i
	`.execute(trx);
	return new Map(placed.map((p) => [p.n, { invalid: p.invalid, municipality: p.municipality }]));
}

async function storePlaces(
	trx: Trx,
	rows: PlaceRow[],
	municipalities: Map<number, number>,
	importId: string,
	synthetic: boolean
): Promise<{ inserted: number; updated: number }> {
	const input = rows.map((r) => ({
		name: r.name,
		description: r.description,
		survey: r.survey,
		source: r.source,
		period_from: r.from,
		period_to: r.to,
		mentions: r.mentions,
		geojson: r.geometry.geojson,
		srid: r.geometry.srid,
		municipality_code: municipalities.get(r.row)!
	}));
	const { rows: stored } = await sql<{ inserted: boolean }>`
		INSERT INTO survey_places (name, description, survey, source, period_from, period_to, mentions, geom,
			municipality_code, is_synthetic, import_id)
		SELECT r.name, r.description, r.survey, r.source, r.period_from, r.period_to, r.mentions,
			ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(r.geojson), r.srid), 25832), r.municipality_code,
			${synthetic}, ${importId}::uuid
		FROM json_to_recordset(${JSON.stringify(input)}::json) AS r(
			name text, description text, survey text, source text, period_from date, period_to date, mentions integer,
			geojson text, srid integer, municipality_code smallint)
		ON CONFLICT ON CONSTRAINT survey_places_key DO UPDATE SET
			description = excluded.description, source = excluded.source, mentions = excluded.mentions,
			geom = excluded.geom, is_synthetic = excluded.is_synthetic, import_id = excluded.import_id,
			updated_at = now()
		RETURNING (xmax = 0) AS inserted
	`.execute(trx);
	const inserted = stored.filter((s) => s.inserted).length;
	return { inserted, updated: stored.length - inserted };
}

// ---------------------------------------------------------------------------------------------
// Running an import

class Refused extends Error {}

function resolveCrs(srs: string | undefined, member: unknown): SourceCrs {
	try {
		return resolveSourceCrs(srs, member);
	} catch (e) {
		if (!(e instanceof BoundaryImportError)) throw e;
		const named = srs?.trim() || JSON.stringify(member ?? null).slice(0, 120);
		throw fileError('import.error.crsUnknown', { crs: named }, null, srs?.trim() ? 'srs' : 'crs');
	}
}

function summarize(rows: { survey: string; from: string; to: string }[]): SurveyImportSuccess['surveys'] {
	const groups = new Map<string, SurveyImportSuccess['surveys'][number]>();
	for (const r of rows) {
		const key = `${r.survey}\u0000${r.from}\u0000${r.to}`;
		const group = groups.get(key) ?? { survey: r.survey, periodFrom: r.from, periodTo: r.to, rows: 0 };
		group.rows++;
		groups.set(key, group);
	}
	return [...groups.values()].sort(
		(a, b) => a.survey.localeCompare(b.survey, 'da') || a.periodFrom.localeCompare(b.periodFrom)
	);
}

/**
 * Imports survey results (`results`) or unsafe places (`places`) from a CSV or GeoJSON file's
 * bytes, all or nothing, in one transaction with one summary audit row.
 */
export async function importSurveyData(
	db: Db,
	kind: SurveyImportKind,
	source: ByteSource | Uint8Array,
	options: SurveyImportOptions
): Promise<SurveyImportResult> {
	const started = performance.now();
	const maxErrors = options.maxErrors ?? 1000;
	const errors: ImportRowError[] = [];
	const badRows = new Set<number>();
	let errorCount = 0;
	let rows = 0;
	let format: SurveyFileFormat | null = null;
	let dataRows = new Set<number>();
	const report = (e: ImportRowError) => {
		errorCount++;
		if (e.row !== null) badRows.add(e.row);
		if (errors.length < maxErrors) errors.push(e);
	};
	const refusal = (): SurveyImportRefusal => ({
		ok: false,
		kind,
		format,
		rows,
		// Data rows only: a CSV header's problems are the file's.
		badRows: [...badRows].filter((r) => dataRows.has(r)).length,
		errorCount,
		errors: errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)),
		durationMs: Math.round(performance.now() - started)
	});

	try {
		const file = await readSurveyFile(
			source instanceof Uint8Array
				? (async function* () {
						yield source;
					})()
				: source,
			options.name,
			options.format
		);
		format = file.format;
		rows = file.records.length;
		dataRows = new Set(file.records.map((r) => r.row));
		let crs: SourceCrs | null = null;
		let projectedSrid = 25832;
		if (file.format === 'geojson') crs = resolveCrs(options.srs, file.crs);
		else if (options.srs?.trim()) {
			const named = resolveCrs(options.srs, undefined);
			if (named.srid === 25832 || named.srid === 25833) projectedSrid = named.srid;
			else if (!supportedCrs[named.srid].geographic)
				throw fileError('import.error.csvSrs', { crs: named.label }, null, 'srs');
		}
		const crsLabel =
			kind === 'places'
				? (crs?.label ?? `EPSG:4326 / ${projectedSrid === 25833 ? 'EPSG:25833' : 'EPSG:25832'}`)
				: (crs?.label ?? null);
		if (rows === 0) throw fileError('survey.error.noRows');
		const importId = crypto.randomUUID();
		const canonical = canonicalRows(file, kind === 'results' ? RESULT_INDEX : PLACE_INDEX, report);

		return await db.transaction().execute(async (trx) => {
			let stored: { inserted: number; updated: number };
			let summary: SurveyImportSuccess['surveys'];
			if (kind === 'results') {
				const checked = checkResults(canonical, file, crs, report);
				const placed = await placeResults(trx, checked);
				const municipalities = new Map<number, number>();
				const keys: { row: number; key: string; field: string }[] = [];
				for (const r of checked) {
					const p = placed.get(r.row)!;
					if (!p.code_ok)
						report(rowError(r.row, r.areaField, 'survey.error.municipalityUnknown', { code: r.code! }));
					if (!p.district_ok)
						report(rowError(r.row, r.areaField, 'survey.error.districtUnknown', { number: r.district! }));
					if (p.invalid)
						report(rowError(r.row, 'geometry', 'survey.error.invalidGeometry', { reason: p.invalid }));
					else if (r.kind === 'area' && p.municipality === null)
						report(rowError(r.row, 'geometry', 'survey.error.outside'));
					if (r.kind === 'area' && p.municipality !== null) municipalities.set(r.row, p.municipality);
					if (r.lookupOnly) continue;
					const area =
						r.kind === 'municipality'
							? `m:${r.code}`
							: r.kind === 'police_district'
								? `p:${r.district}`
								: `a:${p.municipality}:${r.areaName.toLowerCase()}`;
					keys.push({
						row: r.row,
						key: `${r.survey}\u0000${r.from}\u0000${r.to}\u0000${area}`,
						field: r.areaField
					});
				}
				duplicates(keys, report);
				if (errorCount > 0) throw new Refused();
				stored = await storeResults(trx, checked, municipalities, importId, options.synthetic ?? false);
				summary = summarize(checked);
			} else {
				const checked = checkPlaces(canonical, file, crs, projectedSrid, report);
				const placed = await placePlaces(trx, checked);
				const municipalities = new Map<number, number>();
				const keys: { row: number; key: string; field: string }[] = [];
				for (const r of checked) {
					const p = placed.get(r.row)!;
					if (p.invalid)
						report(rowError(r.row, r.positionField, 'survey.error.invalidGeometry', { reason: p.invalid }));
					else if (p.municipality === null) report(rowError(r.row, r.positionField, 'survey.error.outside'));
					else municipalities.set(r.row, p.municipality);
					if (r.lookupOnly || p.municipality === null) continue;
					keys.push({
						row: r.row,
						key: `${r.survey}\u0000${r.from}\u0000${r.to}\u0000${p.municipality}\u0000${r.name}`,
						field: 'name'
					});
				}
				duplicates(keys, report);
				if (errorCount > 0) throw new Refused();
				stored = await storePlaces(trx, checked, municipalities, importId, options.synthetic ?? false);
				summary = summarize(checked);
			}
			if (stored.inserted + stored.updated !== rows) throw new Error('survey import: row count mismatch');
			await recordAudit(trx, options.actor, {
				action: kind === 'results' ? 'surveys.import' : 'survey-places.import',
				objectType: 'survey-import',
				objectId: importId,
				after: {
					file: basename(options.name),
					kind,
					format: file.format,
					crs: crsLabel,
					inserted: stored.inserted,
					updated: stored.updated,
					synthetic: options.synthetic ?? false,
					surveys: summary
				}
			});
			return {
				ok: true as const,
				kind,
				format: file.format,
				crs: crsLabel,
				rows,
				inserted: stored.inserted,
				updated: stored.updated,
				surveys: summary,
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

/** Imports a file from disk (the CLI). */
export async function importSurveyFile(
	db: Db,
	kind: SurveyImportKind,
	path: string,
	options: Omit<SurveyImportOptions, 'name'> & { name?: string }
): Promise<SurveyImportResult> {
	return withImportFile(path, (stream, name) =>
		importSurveyData(db, kind, stream, { ...options, name: options.name ?? name })
	);
}

/** The report as the command line prints it: counts, then the first `limit` errors. */
export function formatSurveyImportReport(result: SurveyImportResult, limit = 50): string {
	const seconds = (result.durationMs / 1000).toFixed(1);
	const what = result.kind === 'results' ? 'survey results' : 'unsafe places';
	if (result.ok) {
		const lines = [
			`Imported ${result.inserted + result.updated} ${what} (${result.inserted} new, ${result.updated} updated; ` +
				`${result.format}${result.crs ? `, ${result.crs}` : ''}) in ${seconds} s. Import ${result.importId}.`
		];
		for (const s of result.surveys) lines.push(`  ${s.survey}, ${s.periodFrom} – ${s.periodTo}: ${s.rows}`);
		return lines.join('\n');
	}
	return formatRefusedImport(result, limit);
}
