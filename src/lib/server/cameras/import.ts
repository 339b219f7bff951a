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
//                object), proposedOn, policeRegisteredOn, permitValidFrom, permitValidTo (YYYY-MM-DD)
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
import { basename } from 'node:path';
import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/connect';
import type { CameraStatus, Database } from '../db/schema';
import type { AuditActor } from '../audit/service';
import type { Action, Resource } from '../auth/policy';
import { supportedCrs, type SourceCrs } from '../boundaries/crs';
import {
	blank,
	cell,
	columnIndex,
	csvLayout as readCsvLayout,
	csvProjectedSrid,
	csvValues,
	isPoint,
	normalizeColumn as normalize,
	numeric,
	positionMismatch,
	resolveImportCrs as resolveCrs,
	type CsvLayout
} from '../import/columns';
import {
	FileError,
	fileError,
	issuesOf,
	rowError,
	type ImportRowError,
	type Vars
} from '../import/row-errors';
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
import { CAMERA_STATUSES } from '../../camera/register';
import { translate, type MessageKey } from '../../i18n';
import { CAMERA_FIELDS, isoDate, newCameraSchema, positionSchema, type NewCamera } from './validation';
import { recomputeCameraViews } from './views';
import { danishToday } from '../../dates';

type Raw = Record<string, unknown>;

export type CameraImportFormat = ImportFormat;
export type { ImportRowError } from '../import/row-errors';
export { importErrorMessage } from '../import/row-errors';

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

const COLUMN_BY_KEY = columnIndex(IMPORT_COLUMNS);

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

/** The positionCrs of a CSV row: as given, else the pair that is filled in. */
function csvPositionCrs(raw: Raw): string {
	if (!blank(raw.positionCrs)) return String(raw.positionCrs).trim();
	if (!blank(raw.lon) || !blank(raw.lat)) return 'EPSG:4326';
	if (!blank(raw.easting) || !blank(raw.northing)) return 'EPSG:25832';
	return 'EPSG:4326';
}

function csvLayout(headerRow: number, header: string[], errors: ImportRowError[]): CsvLayout {
	return readCsvLayout(
		headerRow,
		header,
		COLUMN_BY_KEY,
		ALWAYS_REQUIRED,
		[
			['lon', 'lat'],
			['easting', 'northing']
		],
		errors
	);
}

function csvCandidate(layout: CsvLayout, row: number, fields: string[], projectedSrid: number): Candidate {
	const errors: ImportRowError[] = [];
	const raw: Raw = csvValues(layout, row, fields, errors);
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

function geoJsonCandidate(row: number, feature: unknown, srid: number, unknown: Set<string>): Candidate {
	const errors: ImportRowError[] = [];
	const f = feature as { type?: unknown; id?: unknown; geometry?: unknown; properties?: unknown } | null;
	const raw: Raw = {};
	if (f?.type !== 'Feature') errors.push(rowError(row, 'type', 'import.error.notFeature'));
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
				errors.push(rowError(row, key, 'import.error.unknownColumn'));
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
		errors.push(rowError(row, 'geometry', 'import.error.point'));
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
	return positionMismatch(c.row, c.positionField, projected, x, y, srid);
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
			police_registered_on: c?.policeRegisteredOn,
			permit_valid_from: c?.permitValidFrom,
			permit_valid_to: c?.permitValidTo
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
				police_registered_on date, permit_valid_from date, permit_valid_to date)
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
				police_registered_on, permit_valid_from, permit_valid_to, created_by)
			SELECT new_id, code, name, pos, kind, mount_height_m, azimuth_deg, tilt_deg, hfov_deg,
				focal_length_mm, sensor_width_mm, resolution_px, max_range_m, pan_min_deg, pan_max_deg, owner_type,
				operator_name, contact_email, contact_phone, purpose, legal_basis, signage, retention_days,
				ST_Multi(ST_Transform(ST_SetSRID(mask, 4326), 25832)), status, coalesce(proposed_on, ${TODAY}),
				approved_on, active_from, decommissioned_on, police_registered_on, permit_valid_from, permit_valid_to,
				${actor.userId}::uuid
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
					'permitValidFrom', to_char(s.permit_valid_from, 'YYYY-MM-DD'),
					'permitValidTo', to_char(s.permit_valid_to, 'YYYY-MM-DD'),
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

/** Imports cameras from a CSV or GeoJSON stream, all or nothing. */
export async function importCameras(
	db: Db,
	source: ByteSource,
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
	const today = danishToday();
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
			format = formatOf(options.name, options.format, sniffed.first);
			if (sniffed.first === null) throw fileError('import.error.empty');

			if (format === 'csv') {
				const projectedSrid = csvProjectedSrid(options.srs);
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
				if (layout === null) throw fileError('import.error.empty');
			} else {
				let crs: SourceCrs = resolveCrs(options.srs, undefined);
				let featuresSeen = false;
				const unknown = new Set<string>();
				for await (const event of geoJsonEvents(sniffed.text)) {
					if (event.kind === 'crs') {
						const fromFile = resolveCrs(options.srs, event.value);
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

/** Imports a file from disk (the CLI and the benchmark). */
export async function importCameraFile(
	db: Db,
	path: string,
	options: Omit<CameraImportOptions, 'name'> & { name?: string }
): Promise<CameraImportResult> {
	return withImportFile(path, (stream, name) =>
		importCameras(db, stream, { ...options, name: options.name ?? name })
	);
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
	return formatRefusedImport(result, limit);
}

/** The header of an empty import file: every column the import reads, positions as lon, lat. */
export function cameraImportTemplate(): string {
	return [...LIFE_CYCLE_COLUMNS, ...CAMERA_FIELDS, 'lon', 'lat'].join(',') + '\r\n';
}
