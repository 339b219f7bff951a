// Camera input from forms (strings) or code (numbers), checked field by field so that every bad
// field gets its own message in one pass: each field is read with its own small rule and the
// cross-field rules (lens → HFOV, PTZ pan range) run even when other fields are bad. Messages are
// English in the issue and carry an i18n key in `params`, so forms can show them in Danish.
import { z } from 'zod';
import {
	CAMERA_KINDS,
	CAMERA_STATUSES,
	LEGAL_BASIS_VALUES,
	OWNER_TYPES,
	POSITION_CRS,
	hfovFromLens,
	type CameraKind,
	type CameraStatus,
	type LegalBasis,
	type OwnerType,
	type PositionCrs
} from '../../camera/register';
import { translate, type Lang, type MessageKey } from '../../i18n';
import { InputError } from '../errors';

type Vars = Record<string, string | number>;

/** The form fields of a camera's description (everything but its position and status). */
export const CAMERA_FIELDS = [
	'name',
	'kind',
	'mountHeightM',
	'azimuthDeg',
	'tiltDeg',
	'hfovDeg',
	'focalLengthMm',
	'sensorWidthMm',
	'resolutionPx',
	'maxRangeM',
	'panMinDeg',
	'panMaxDeg',
	'ownerType',
	'operatorName',
	'contactEmail',
	'contactPhone',
	'purpose',
	'legalBasis',
	'signage',
	'retentionDays',
	'privacyMasks',
	'proposedOn',
	'policeRegisteredOn',
	'permitValidFrom',
	'permitValidTo'
] as const;

export const POSITION_FIELDS = ['positionCrs', 'lon', 'lat', 'easting', 'northing'] as const;

export interface CameraFields {
	name: string;
	kind: CameraKind;
	mountHeightM: number;
	azimuthDeg: number;
	tiltDeg: number;
	hfovDeg: number;
	focalLengthMm: number | null;
	sensorWidthMm: number | null;
	resolutionPx: number;
	maxRangeM: number;
	panMinDeg: number | null;
	panMaxDeg: number | null;
	ownerType: OwnerType;
	operatorName: string;
	contactEmail: string | null;
	contactPhone: string | null;
	purpose: string;
	legalBasis: LegalBasis;
	signage: boolean;
	retentionDays: number;
	/** GeoJSON Polygon or MultiPolygon in WGS84, as text; the database checks that it is valid. */
	privacyMasks: string | null;
	/** ISO dates (YYYY-MM-DD). */
	proposedOn: string | null;
	policeRegisteredOn: string | null;
	/** The police permit's period (§ 2 stk. 2-4), first and last day. */
	permitValidFrom: string | null;
	permitValidTo: string | null;
}

/** A position as given: x/y are longitude/latitude (EPSG:4326) or easting/northing (EPSG:25832). */
export interface CameraPosition {
	crs: PositionCrs;
	x: number;
	y: number;
}

export type NewCamera = CameraFields & { position: CameraPosition };

type Ctx = z.RefinementCtx;
type Raw = Record<string, unknown>;

function issue(ctx: Ctx, field: string, key: MessageKey, vars: Vars = {}) {
	ctx.addIssue({ code: 'custom', path: [field], message: translate('en', key, vars), params: { key, vars } });
}

/** A submitted value as trimmed text; absent, null and non-scalar values are ''. */
function text(raw: Raw, field: string): string {
	const v = raw[field];
	if (typeof v === 'string') return v.trim();
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	return '';
}

interface NumberRule {
	min: number;
	max: number;
	/** Whether min / max themselves are allowed (both by default). */
	minOpen?: boolean;
	maxOpen?: boolean;
	integer?: boolean;
}

/** A number, or null when blank and `required` is false; a Danish decimal comma is accepted. */
function number(ctx: Ctx, raw: Raw, field: string, rule: NumberRule, required = true): number | null {
	const t = text(raw, field);
	if (t === '') {
		if (required) issue(ctx, field, 'cameras.error.required');
		return null;
	}
	const n = Number(/^[-+]?\d+,\d+$/.test(t) ? t.replace(',', '.') : t);
	if (!Number.isFinite(n)) {
		issue(ctx, field, 'cameras.error.number');
		return null;
	}
	if (rule.integer && !Number.isInteger(n)) {
		issue(ctx, field, 'cameras.error.integer');
		return null;
	}
	const low = rule.minOpen ? n <= rule.min : n < rule.min;
	const high = rule.maxOpen ? n >= rule.max : n > rule.max;
	if (low || high) {
		const key: MessageKey = rule.minOpen
			? 'cameras.error.rangeAboveMin'
			: rule.maxOpen
				? 'cameras.error.rangeBelowMax'
				: 'cameras.error.range';
		issue(ctx, field, key, { min: rule.min, max: rule.max });
		return null;
	}
	return n;
}

function choice<T extends string>(ctx: Ctx, raw: Raw, field: string, options: readonly T[]): T | null {
	const t = text(raw, field);
	if (t === '') {
		issue(ctx, field, 'cameras.error.required');
		return null;
	}
	if (!(options as readonly string[]).includes(t)) {
		issue(ctx, field, 'cameras.error.choice');
		return null;
	}
	return t as T;
}

function string(ctx: Ctx, raw: Raw, field: string, max: number, required: boolean): string | null {
	const t = text(raw, field);
	if (t === '') {
		if (required) issue(ctx, field, 'cameras.error.required');
		return null;
	}
	if (t.length > max) {
		issue(ctx, field, 'cameras.error.tooLong', { max });
		return null;
	}
	return t;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** An ISO calendar date between 1990 and 2100, or null when blank. */
export function isoDate(value: string): string | null {
	const m = ISO_DATE.exec(value);
	if (!m) return null;
	const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const d = new Date(Date.UTC(year, month - 1, day));
	const real = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
	return real && year >= 1990 && year <= 2100 ? value : null;
}

function date(ctx: Ctx, raw: Raw, field: string): string | null {
	const t = text(raw, field);
	if (t === '') return null;
	const d = isoDate(t);
	if (d === null) issue(ctx, field, 'cameras.error.date');
	return d;
}

function bool(raw: Raw, field: string): boolean {
	return ['on', 'true', '1', 'yes'].includes(text(raw, field).toLowerCase());
}

const emailFormat = z.email();
const PHONE = /^\+?[0-9][0-9 ()-]{5,24}$/;
const MAX_MASKS_CHARS = 200_000;

/** Structure only (type, rings of [lon, lat]); validity (self-intersections) is the database's job. */
function privacyMasks(ctx: Ctx, raw: Raw, field: string): string | null {
	const t = text(raw, field);
	if (t === '') return null;
	if (t.length > MAX_MASKS_CHARS) {
		issue(ctx, field, 'cameras.error.tooLong', { max: MAX_MASKS_CHARS });
		return null;
	}
	let value: unknown;
	try {
		value = JSON.parse(t);
	} catch {
		issue(ctx, field, 'cameras.error.masks');
		return null;
	}
	const geometry =
		(value as { type?: unknown })?.type === 'Feature' ? (value as { geometry: unknown }).geometry : value;
	const g = geometry as { type?: unknown; coordinates?: unknown };
	const position = (p: unknown) =>
		Array.isArray(p) &&
		p.length >= 2 &&
		typeof p[0] === 'number' &&
		typeof p[1] === 'number' &&
		Math.abs(p[0]) <= 180 &&
		Math.abs(p[1]) <= 90;
	const ring = (r: unknown) => Array.isArray(r) && r.length >= 4 && r.every(position);
	const polygon = (p: unknown) => Array.isArray(p) && p.length >= 1 && p.every(ring);
	const ok =
		(g?.type === 'Polygon' && polygon(g.coordinates)) ||
		(g?.type === 'MultiPolygon' &&
			Array.isArray(g.coordinates) &&
			g.coordinates.length >= 1 &&
			g.coordinates.every(polygon));
	if (!ok) {
		issue(ctx, field, 'cameras.error.masks');
		return null;
	}
	return JSON.stringify(g);
}

function readFields(raw: Raw, ctx: Ctx): CameraFields | null {
	const kind = choice(ctx, raw, 'kind', CAMERA_KINDS);
	// A dome covers the full circle, so its direction and field of view may be left out.
	const dome = kind === 'dome';
	const fields = {
		name: string(ctx, raw, 'name', 200, true),
		kind,
		mountHeightM: number(ctx, raw, 'mountHeightM', { min: 0, max: 100, minOpen: true }),
		azimuthDeg:
			dome && text(raw, 'azimuthDeg') === ''
				? 0
				: number(ctx, raw, 'azimuthDeg', { min: 0, max: 360, maxOpen: true }),
		tiltDeg: number(ctx, raw, 'tiltDeg', { min: 0, max: 90 }),
		focalLengthMm: number(ctx, raw, 'focalLengthMm', { min: 0, max: 2000, minOpen: true }, false),
		sensorWidthMm: number(ctx, raw, 'sensorWidthMm', { min: 0, max: 100, minOpen: true }, false),
		resolutionPx: number(ctx, raw, 'resolutionPx', { min: 160, max: 20000, integer: true }),
		maxRangeM: number(ctx, raw, 'maxRangeM', { min: 0, max: 2000, minOpen: true }),
		ownerType: choice(ctx, raw, 'ownerType', OWNER_TYPES),
		operatorName: string(ctx, raw, 'operatorName', 200, true),
		contactEmail: string(ctx, raw, 'contactEmail', 254, false)?.toLowerCase() ?? null,
		contactPhone: string(ctx, raw, 'contactPhone', 40, false),
		purpose: string(ctx, raw, 'purpose', 2000, true),
		legalBasis: choice(ctx, raw, 'legalBasis', LEGAL_BASIS_VALUES),
		signage: bool(raw, 'signage'),
		retentionDays: number(ctx, raw, 'retentionDays', { min: 0, max: 3650, integer: true }),
		privacyMasks: privacyMasks(ctx, raw, 'privacyMasks'),
		proposedOn: date(ctx, raw, 'proposedOn'),
		policeRegisteredOn: date(ctx, raw, 'policeRegisteredOn'),
		permitValidFrom: date(ctx, raw, 'permitValidFrom'),
		permitValidTo: date(ctx, raw, 'permitValidTo')
	};
	if (
		fields.permitValidFrom !== null &&
		fields.permitValidTo !== null &&
		fields.permitValidTo < fields.permitValidFrom
	) {
		issue(ctx, 'permitValidTo', 'cameras.error.permitOrder');
	}
	if (fields.contactEmail !== null && !emailFormat.safeParse(fields.contactEmail).success) {
		issue(ctx, 'contactEmail', 'cameras.error.email');
	}
	if (fields.contactPhone !== null && !PHONE.test(fields.contactPhone)) {
		issue(ctx, 'contactPhone', 'cameras.error.phone');
	}

	// The field of view: given directly, or from the lens (both parts), or both when they agree.
	const focalGiven = text(raw, 'focalLengthMm') !== '';
	const sensorGiven = text(raw, 'sensorWidthMm') !== '';
	if (focalGiven && !sensorGiven) issue(ctx, 'sensorWidthMm', 'cameras.error.needSensorWidth');
	if (sensorGiven && !focalGiven) issue(ctx, 'focalLengthMm', 'cameras.error.needFocalLength');
	const lens =
		fields.focalLengthMm !== null && fields.sensorWidthMm !== null
			? hfovFromLens(fields.focalLengthMm, fields.sensorWidthMm)
			: null;
	let hfovDeg: number | null = null;
	if (text(raw, 'hfovDeg') !== '') {
		hfovDeg = number(ctx, raw, 'hfovDeg', { min: 0, max: 360, minOpen: true });
		if (hfovDeg !== null && lens !== null && Math.abs(hfovDeg - lens) > 1) {
			issue(ctx, 'hfovDeg', 'cameras.error.hfovMismatch', { computed: Math.round(lens * 10) / 10 });
			hfovDeg = null;
		}
	} else if (focalGiven || sensorGiven) {
		hfovDeg = lens === null ? null : Math.round(lens * 100) / 100;
	} else if (dome) {
		hfovDeg = 360;
	} else {
		issue(ctx, 'hfovDeg', 'cameras.error.hfovOrLens');
	}

	// Only a PTZ camera has a pan range (clockwise from min to max, wrapping through north; equal
	// ends are the full circle, as in camera/view-geometry.ts); values left for other kinds are dropped.
	let panMinDeg: number | null = null;
	let panMaxDeg: number | null = null;
	if (kind === 'ptz') {
		const panMissing = 'cameras.error.panRequired' as const;
		if (text(raw, 'panMinDeg') === '') issue(ctx, 'panMinDeg', panMissing);
		else panMinDeg = number(ctx, raw, 'panMinDeg', { min: 0, max: 360 });
		if (text(raw, 'panMaxDeg') === '') issue(ctx, 'panMaxDeg', panMissing);
		else panMaxDeg = number(ctx, raw, 'panMaxDeg', { min: 0, max: 360 });
	}

	const required: unknown[] = [
		fields.name,
		kind,
		fields.mountHeightM,
		fields.azimuthDeg,
		fields.tiltDeg,
		hfovDeg,
		fields.resolutionPx,
		fields.maxRangeM,
		fields.ownerType,
		fields.operatorName,
		fields.purpose,
		fields.legalBasis,
		fields.retentionDays
	];
	if (required.includes(null) || (kind === 'ptz' && (panMinDeg === null || panMaxDeg === null))) return null;
	return { ...(fields as CameraFields), hfovDeg: hfovDeg!, panMinDeg, panMaxDeg };
}

function readPosition(raw: Raw, ctx: Ctx): CameraPosition | null {
	const crs = text(raw, 'positionCrs') === '' ? 'EPSG:4326' : choice(ctx, raw, 'positionCrs', POSITION_CRS);
	if (crs === 'EPSG:4326') {
		const lon = number(ctx, raw, 'lon', { min: -180, max: 180 });
		const lat = number(ctx, raw, 'lat', { min: -90, max: 90 });
		if (lon === null || lat === null) return null;
		// Denmark spans about 8–15.2° E and 54.5–57.8° N: the other way round is a swap.
		if (lon >= 54 && lon <= 58 && lat >= 7 && lat <= 16) {
			issue(ctx, 'lon', 'cameras.error.swapped');
			return null;
		}
		return { crs, x: lon, y: lat };
	}
	if (crs === 'EPSG:25832') {
		const easting = number(ctx, raw, 'easting', { min: 0, max: 1_500_000 });
		const northing = number(ctx, raw, 'northing', { min: 0, max: 10_000_000 });
		if (easting === null || northing === null) return null;
		return { crs, x: easting, y: northing };
	}
	return null;
}

const rawInput = z.record(z.string(), z.unknown());

/** A camera's description, for `?/update`. */
export const cameraFieldsSchema = rawInput.transform(
	(raw, ctx): CameraFields => readFields(raw, ctx) ?? z.NEVER
);

/** A new position, for `?/move`. */
export const positionSchema = rawInput.transform(
	(raw, ctx): CameraPosition => readPosition(raw, ctx) ?? z.NEVER
);

/** A new camera: description and position. */
export const newCameraSchema = rawInput.transform((raw, ctx): NewCamera => {
	const fields = readFields(raw, ctx);
	const position = readPosition(raw, ctx);
	return fields && position ? { ...fields, position } : z.NEVER;
});

/** A status change (`?/status`, `?/decommission`): the new status and, optionally, its date. */
export const statusChangeSchema = rawInput.transform(
	(raw, ctx): { status: CameraStatus; date: string | null } => {
		const status = choice(ctx, raw, 'status', CAMERA_STATUSES);
		const on = date(ctx, raw, 'date');
		return status && (on !== null || text(raw, 'date') === '') ? { status, date: on } : z.NEVER;
	}
);

/** A value from an issue's or error's i18n parameters, in the reader's language. */
function localized(lang: Lang, fallback: string, params: unknown): string {
	const p = params as { key?: MessageKey; vars?: Vars } | undefined;
	return p?.key ? translate(lang, p.key, p.vars) : fallback;
}

/** A refusal from the camera service that forms can show in the reader's language. */
export class CameraInputError extends InputError {
	readonly params: { key: MessageKey; vars: Vars };

	constructor(field: string, key: MessageKey, vars: Vars = {}, status: 400 | 404 | 409 = 400) {
		super(field, translate('en', key, vars), status);
		this.params = { key, vars };
	}
}

/** An InputError's message in `lang` (CameraInputError) or as it was written. */
export function inputErrorMessage(err: InputError, lang: Lang): string {
	return localized(lang, err.message, err instanceof CameraInputError ? err.params : undefined);
}

/** zod issues as { field: message } in `lang`, the first message per field. */
export function cameraErrors(error: z.ZodError, lang: Lang): Record<string, string> {
	const errors: Record<string, string> = {};
	for (const i of error.issues) {
		const field = i.path.join('.') || 'form';
		errors[field] ??= localized(lang, i.message, (i as { params?: unknown }).params);
	}
	return errors;
}
