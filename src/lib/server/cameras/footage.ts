// The footage finder: which registered cameras may still hold footage of a place at a time.
// A camera qualifies when its stored view covers the spot (a point or a drawn area), it was
// recording then (active_from ≤ day < decommissioned_on) and the footage has not yet been deleted
// (the last recorded day of the period + retention_days ≥ today). Days are Danish calendar days:
// the register keeps dates, and retention is counted in days (tv-overvågningsloven § 4 c, § 4 d).
// Results are ordered by the best pixel density at the spot (the densest band that meets it).
import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/connect';
import type { CameraKind, CameraStatus, OwnerType } from '../db/schema';
import { DEFAULT_LEVEL_TABLE, isLevelTableId } from '../../camera/density-levels';
import { translate, type MessageKey } from '../../i18n';
import { InputError } from '../errors';

export const FOOTAGE_PAGE_SIZE = 25;
/** A drawn area is a street corner or a square, not a district: larger areas are refused. */
export const MAX_AREA_KM2 = 25;
const MAX_AREA_CHARS = 100_000;
const EARLIEST = '1990-01-01T00:00';

export type FootageSpot =
	| { kind: 'point'; lon: number; lat: number }
	/** GeoJSON Polygon or MultiPolygon in WGS84, as text. */
	| { kind: 'area'; geojson: string };

export interface FootageQuery {
	spot: FootageSpot;
	/** Local Danish wall-clock times, 'YYYY-MM-DDTHH:mm'; a single moment has from = to. */
	from: string;
	to: string;
	levelTable: string;
	page: number;
}

/** Bad input, with the field it concerns and an i18n key for the message. */
export class FootageInputError extends InputError {
	constructor(
		field: string,
		readonly key: MessageKey,
		readonly vars: Record<string, string | number> = {}
	) {
		super(field, translate('en', key, vars));
		this.name = 'FootageInputError';
	}
}

/** The current wall-clock minute in Denmark, 'YYYY-MM-DDTHH:mm'. */
export function danishNow(now = new Date()): string {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-GB', {
			timeZone: 'Europe/Copenhagen',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			hourCycle: 'h23'
		})
			.formatToParts(now)
			.map((p) => [p.type, p.value])
	);
	return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

type Ctx = z.RefinementCtx;

function issue(ctx: Ctx, field: string, key: MessageKey, vars: Record<string, string | number> = {}) {
	ctx.addIssue({ code: 'custom', path: [field], message: translate('en', key, vars), params: { key, vars } });
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/;

/** 'YYYY-MM-DDTHH:mm' when the text is a real date and time (seconds are dropped), else null. */
function localDateTime(text: string): string | null {
	const m = LOCAL_DATE_TIME.exec(text);
	if (!m) return null;
	const [year, month, day, hour, minute] = m.slice(1, 6).map(Number);
	const d = new Date(Date.UTC(year, month - 1, day));
	const real = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
	return real && hour < 24 && minute < 60 ? text.slice(0, 16) : null;
}

function coordinate(ctx: Ctx, text: string, field: 'lon' | 'lat'): number | null {
	if (text === '') {
		issue(ctx, field, 'footage.error.required');
		return null;
	}
	const n = Number(/^[-+]?\d+,\d+$/.test(text) ? text.replace(',', '.') : text);
	const limit = field === 'lon' ? 180 : 90;
	if (!Number.isFinite(n) || Math.abs(n) > limit) {
		issue(ctx, field, 'footage.error.coordinate', { min: -limit, max: limit });
		return null;
	}
	return n;
}

function isPosition(p: unknown): boolean {
	return (
		Array.isArray(p) &&
		(p.length === 2 || p.length === 3) &&
		p.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
		Math.abs(p[0]) <= 180 &&
		Math.abs(p[1]) <= 90
	);
}

function isPolygon(rings: unknown): boolean {
	return (
		Array.isArray(rings) &&
		rings.length > 0 &&
		rings.every(
			(ring) =>
				Array.isArray(ring) &&
				ring.length >= 4 &&
				ring.every(isPosition) &&
				ring[0][0] === ring[ring.length - 1][0] &&
				ring[0][1] === ring[ring.length - 1][1]
		)
	);
}

/** Structure only (a Polygon or MultiPolygon of [lon, lat] rings); validity is checked in the database. */
function area(ctx: Ctx, text: string): string | null {
	if (text === '') {
		issue(ctx, 'area', 'footage.error.areaRequired');
		return null;
	}
	let value: unknown;
	try {
		value = text.length <= MAX_AREA_CHARS ? JSON.parse(text) : null;
	} catch {
		value = null;
	}
	const g = value as { type?: unknown; coordinates?: unknown } | null;
	const ok =
		g !== null &&
		typeof g === 'object' &&
		((g.type === 'Polygon' && isPolygon(g.coordinates)) ||
			(g.type === 'MultiPolygon' &&
				Array.isArray(g.coordinates) &&
				g.coordinates.length > 0 &&
				g.coordinates.every(isPolygon)));
	if (!ok) {
		issue(ctx, 'area', 'footage.error.area');
		return null;
	}
	return JSON.stringify({ type: g.type, coordinates: g.coordinates });
}

function moment(ctx: Ctx, text: string, field: string, now: string): string | null {
	if (text === '') {
		issue(ctx, field, 'footage.error.required');
		return null;
	}
	const t = localDateTime(text);
	if (t === null || t < EARLIEST) {
		issue(ctx, field, 'footage.error.dateTime');
		return null;
	}
	if (t > now) {
		issue(ctx, field, 'footage.error.future');
		return null;
	}
	return t;
}

const param = z
	.string()
	.optional()
	.transform((v) => v?.trim() ?? '');

const rawQuery = z.object({
	where: param,
	lon: param,
	lat: param,
	area: param,
	when: param,
	at: param,
	from: param,
	to: param,
	levels: param,
	page: param
});

/** The footage query from URL parameters; `now` is Denmark's current minute ('YYYY-MM-DDTHH:mm'). */
export function footageQuerySchema(now: string) {
	return rawQuery.transform((raw, ctx): FootageQuery => {
		let spot: FootageSpot | null = null;
		if (raw.where === 'area') {
			const geojson = area(ctx, raw.area);
			if (geojson) spot = { kind: 'area', geojson };
		} else if (raw.where === '' || raw.where === 'point') {
			const lon = coordinate(ctx, raw.lon, 'lon');
			const lat = coordinate(ctx, raw.lat, 'lat');
			// Denmark lies at 54.5–57.8° N, 8–15.2° E: a "longitude" of 56 is a latitude.
			if (lon !== null && lat !== null && lon >= 54 && lon <= 58 && lat >= 7 && lat <= 16)
				issue(ctx, 'lon', 'footage.error.swapped');
			else if (lon !== null && lat !== null) spot = { kind: 'point', lon, lat };
		} else issue(ctx, 'where', 'footage.error.choice');

		let from: string | null = null;
		let to: string | null = null;
		if (raw.when === 'period') {
			from = moment(ctx, raw.from, 'from', now);
			to = moment(ctx, raw.to, 'to', now);
			if (from !== null && to !== null && to < from) {
				issue(ctx, 'to', 'footage.error.order');
				to = null;
			}
		} else if (raw.when === '' || raw.when === 'at') {
			from = to = moment(ctx, raw.at, 'at', now);
		} else issue(ctx, 'when', 'footage.error.choice');

		const levelTable = raw.levels === '' ? DEFAULT_LEVEL_TABLE : raw.levels;
		if (!isLevelTableId(levelTable)) issue(ctx, 'levels', 'footage.error.levels');

		const page = /^\d{1,6}$/.test(raw.page) && Number(raw.page) >= 1 ? Number(raw.page) : 1;
		if (!spot || !from || !to) return z.NEVER;
		return { spot, from, to, levelTable, page };
	});
}

/** The first issue of a failed parse, as the field and its message in the given language. */
export function footageIssue(error: z.ZodError, lang: 'da' | 'en'): { field: string; message: string } {
	const first = error.issues[0];
	const params = (first as { params?: { key?: MessageKey; vars?: Record<string, string | number> } }).params;
	const field = String(first.path[0] ?? '');
	return { field, message: params?.key ? translate(lang, params.key, params.vars) : first.message };
}

function spotSql(spot: FootageSpot): RawBuilder<unknown> {
	return spot.kind === 'point'
		? sql`ST_Transform(ST_SetSRID(ST_MakePoint(${spot.lon}::float8, ${spot.lat}::float8), 4326), 25832)`
		: sql`ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${spot.geojson}::text), 4326), 25832)`;
}

export interface SpotPlace {
	/** The municipalities the spot lies in or touches, with their police districts. */
	municipalities: {
		code: number;
		name: string;
		policeDistrict: number | null;
		policeDistrictName: string | null;
	}[];
}

/**
 * Where the spot lies: the municipalities it meets. Throws FootageInputError for a self-
 * intersecting or too large area, and for a spot outside every municipality.
 */
export async function locateSpot(db: Db, spot: FootageSpot): Promise<SpotPlace> {
	const { rows } = await sql<{
		valid: boolean;
		area_km2: number;
		municipalities: SpotPlace['municipalities'];
	}>`
		WITH s AS (SELECT ${spotSql(spot)} AS g)
		SELECT ST_IsValid(s.g) AS valid, ST_Area(s.g) / 1e6 AS area_km2,
			CASE WHEN ST_IsValid(s.g) THEN coalesce((
				SELECT json_agg(json_build_object('code', m.code, 'name', m.name, 'policeDistrict', m.police_district,
					'policeDistrictName', p.name) ORDER BY m.code)
				FROM municipalities m LEFT JOIN police_districts p ON p.number = m.police_district
				WHERE m.geom && s.g AND ST_Intersects(m.geom, s.g)
			), '[]'::json) ELSE '[]'::json END AS municipalities
		FROM s
	`.execute(db);
	const row = rows[0];
	const field = spot.kind === 'area' ? 'area' : 'lon';
	if (!row.valid) throw new FootageInputError(field, 'footage.error.areaInvalid');
	if (row.area_km2 > MAX_AREA_KM2)
		throw new FootageInputError(field, 'footage.error.areaTooLarge', { max: MAX_AREA_KM2 });
	if (row.municipalities.length === 0) throw new FootageInputError(field, 'footage.error.outside');
	return { municipalities: row.municipalities };
}

export interface FootageHit {
	cameraId: string;
	cameraName: string;
	municipalityName: string;
	status: CameraStatus;
	kind: CameraKind;
	ownerType: OwnerType;
	operatorName: string;
	contactEmail: string | null;
	contactPhone: string | null;
	retentionDays: number;
	activeFrom: string;
	decommissionedOn: string | null;
	/** The day the last footage of the period is deleted after (last recorded day + retention). */
	keptUntil: string;
	/** The earliest day of the period whose footage may still exist. */
	oldestKept: string;
	/** The densest band of the level table that meets the spot; null when only the view (below every level) does. */
	levelId: string | null;
	minPpm: number | null;
	/** Metres from the camera to the spot. */
	distanceM: number;
}

export interface FootageResult {
	hits: FootageHit[];
	total: number;
	page: number;
	pageSize: number;
}

/**
 * One page of cameras that may hold footage of the spot in the period, among the cameras of the
 * given police districts. One statement: the view and band lookups use their GiST indexes.
 */
export async function searchFootage(
	db: Db,
	query: FootageQuery,
	options: { districts: number[]; pageSize?: number; today?: string }
): Promise<FootageResult> {
	const pageSize = options.pageSize ?? FOOTAGE_PAGE_SIZE;
	const page = Math.max(1, query.page);
	if (options.districts.length === 0) return { hits: [], total: 0, page, pageSize };
	const fromDay = query.from.slice(0, 10);
	const toDay = query.to.slice(0, 10);
	const today = options.today
		? sql`${options.today}::date`
		: sql`(now() AT TIME ZONE 'Europe/Copenhagen')::date`;
	const { rows } = await sql<FootageHit & { total: number }>`
		WITH spot AS (SELECT ${spotSql(query.spot)} AS g),
		candidate AS (
			SELECT c.*, m.name AS municipality_name,
				-- The last day of the period the camera recorded; decommissioned_on is its first day off.
				least(${toDay}::date, c.decommissioned_on - 1) AS last_day
			FROM cameras c
			JOIN camera_views v ON v.camera_id = c.id
			JOIN municipalities m ON m.code = c.municipality_code
			CROSS JOIN spot
			WHERE v.view && spot.g AND ST_Intersects(v.view, spot.g)
				AND m.police_district = ANY(${options.districts}::smallint[])
				AND c.status IN ('active', 'decommissioned')
				AND c.active_from <= ${toDay}::date
				AND (c.decommissioned_on IS NULL OR c.decommissioned_on > ${fromDay}::date)
				AND least(${toDay}::date, c.decommissioned_on - 1) + c.retention_days >= ${today}
		)
		SELECT c.id AS "cameraId", c.name AS "cameraName", c.municipality_name AS "municipalityName",
			c.status, c.kind, c.owner_type AS "ownerType", c.operator_name AS "operatorName",
			c.contact_email AS "contactEmail", c.contact_phone AS "contactPhone",
			c.retention_days AS "retentionDays",
			to_char(c.active_from, 'YYYY-MM-DD') AS "activeFrom",
			to_char(c.decommissioned_on, 'YYYY-MM-DD') AS "decommissionedOn",
			to_char(c.last_day + c.retention_days, 'YYYY-MM-DD') AS "keptUntil",
			to_char(greatest(${fromDay}::date, c.active_from, ${today} - c.retention_days), 'YYYY-MM-DD') AS "oldestKept",
			best.level_id AS "levelId", best.min_ppm AS "minPpm",
			round(ST_Distance(c.geom, spot.g)::numeric, 1) AS "distanceM",
			count(*) OVER () AS total
		FROM candidate c
		CROSS JOIN spot
		LEFT JOIN LATERAL (
			SELECT b.level_id, b.min_ppm FROM camera_view_bands b
			WHERE b.camera_id = c.id AND b.level_table = ${query.levelTable}
				AND b.geom && spot.g AND ST_Intersects(b.geom, spot.g)
			ORDER BY b.min_ppm DESC
			LIMIT 1
		) best ON true
		ORDER BY best.min_ppm DESC NULLS LAST, ST_Distance(c.geom, spot.g), c.id
		LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}
	`.execute(db);
	const total = rows[0]?.total ?? 0;
	return { hits: rows.map(({ total: _, ...hit }) => hit), total, page, pageSize };
}
