// The camera register's vocabularies and limits, shared by the server (validation, queries) and
// the browser (forms, filters). The database CHECK constraints in migrations/ hold the same lists.

export const CAMERA_KINDS = ['fixed', 'dome', 'ptz'] as const;
export type CameraKind = (typeof CAMERA_KINDS)[number];

export const OWNER_TYPES = [
	'municipality',
	'police',
	'public_authority',
	'housing_organisation',
	'business',
	'private'
] as const;
export type OwnerType = (typeof OWNER_TYPES)[number];

export const CAMERA_STATUSES = ['proposed', 'approved', 'active', 'decommissioned'] as const;
export type CameraStatus = (typeof CAMERA_STATUSES)[number];

/**
 * Sections of tv-overvågningsloven a camera can rest on; `id` names the i18n key
 * (`cameras.legalBasis.<id>`) that explains it. The value is what the register stores.
 */
export const LEGAL_BASES = [
	{ value: '§ 2 a', id: 'p2a' },
	{ value: '§ 2 c', id: 'p2c' },
	{ value: '§ 2 d', id: 'p2d' },
	{ value: '§ 2 stk. 1 nr. 3', id: 'p2s1n3' },
	{ value: '§ 2 stk. 1 nr. 4', id: 'p2s1n4' },
	{ value: '§ 2 stk. 2', id: 'p2s2' },
	{ value: '§ 2 stk. 3', id: 'p2s3' },
	{ value: '§ 2 stk. 4', id: 'p2s4' },
	{ value: 'other', id: 'other' }
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number]['value'];
export const LEGAL_BASIS_VALUES = LEGAL_BASES.map((b) => b.value) as [LegalBasis, ...LegalBasis[]];

export function legalBasisId(value: string): (typeof LEGAL_BASES)[number]['id'] | null {
	return LEGAL_BASES.find((b) => b.value === value)?.id ?? null;
}

/** How a position is given: longitude/latitude (WGS84) or easting/northing (ETRS89 / UTM 32N). */
export const POSITION_CRS = ['EPSG:4326', 'EPSG:25832'] as const;
export type PositionCrs = (typeof POSITION_CRS)[number];

/** Limits of the numeric fields; the database checks the same ranges. */
export const LIMITS = {
	mountHeightM: { min: 0, max: 100 },
	azimuthDeg: { min: 0, max: 360 },
	tiltDeg: { min: 0, max: 90 },
	hfovDeg: { min: 0, max: 360 },
	focalLengthMm: { min: 0, max: 2000 },
	sensorWidthMm: { min: 0, max: 100 },
	resolutionPx: { min: 160, max: 20000 },
	maxRangeM: { min: 0, max: 2000 },
	panDeg: { min: 0, max: 360 },
	retentionDays: { min: 0, max: 3650 }
} as const;

/** The lens formula lives with the other optics; re-exported for the register's forms. */
export { hfovFromLens } from './optics';

export const CAMERAS_PAGE_SIZE = 25;
