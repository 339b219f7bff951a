// Reading the camera register: one camera, its stored view, pages of the list, and the
// municipality a position lies in. Dates are read as ISO text so no time zone shifts them.
import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/connect';
import type { CameraKind, CameraStatus, Database, OwnerType } from '../db/schema';
import type { CameraReadScope, Resource } from '../auth/policy';
import { CAMERAS_PAGE_SIZE } from '../../camera/register';
import type { CameraPosition } from './validation';
import { isoDate } from '../db/expressions';

export type CameraResource = Extract<Resource, { type: 'camera' }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isCameraId(id: string): boolean {
	return UUID.test(id);
}

/** The position as a Point in EPSG:25832. */
export function pointSql(position: CameraPosition): RawBuilder<never> {
	const srid = position.crs === 'EPSG:25832' ? 25832 : 4326;
	const point = sql`ST_SetSRID(ST_MakePoint(${position.x}::float8, ${position.y}::float8), ${sql.lit(srid)})`;
	return srid === 25832 ? sql<never>`${point}` : sql<never>`ST_Transform(${point}, 25832)`;
}

export interface Place {
	code: number;
	name: string;
	policeDistrict: number | null;
}

/** The municipality a position lies in (the lowest code when it sits exactly on a shared border). */
export async function municipalityAt(db: Db, position: CameraPosition): Promise<Place | null> {
	const row = await db
		.selectFrom('municipalities')
		.select(['code', 'name', 'police_district'])
		.where(sql<boolean>`ST_Intersects(geom, ${pointSql(position)})`)
		.orderBy('code')
		.limit(1)
		.executeTakeFirst();
	return row ? { code: row.code, name: row.name, policeDistrict: row.police_district } : null;
}

/** A camera as an authorization resource, scoped by its stored municipality. */
export async function cameraResource(db: Db, id: string): Promise<CameraResource | null> {
	if (!isCameraId(id)) return null;
	const row = await db
		.selectFrom('cameras as c')
		.innerJoin('municipalities as m', 'm.code', 'c.municipality_code')
		.select(['c.municipality_code', 'm.police_district', 'c.status', 'c.owner_type'])
		.where('c.id', '=', id)
		.executeTakeFirst();
	return row
		? {
				type: 'camera',
				municipalityCode: row.municipality_code,
				policeDistrict: row.police_district,
				status: row.status,
				ownerType: row.owner_type
			}
		: null;
}

/** A camera's optics, owner and legal attributes on `cameras as c`, named as the register's fields. */
export const CAMERA_ATTRIBUTE_COLUMNS = [
	'c.kind',
	'c.mount_height_m as mountHeightM',
	'c.azimuth_deg as azimuthDeg',
	'c.tilt_deg as tiltDeg',
	'c.hfov_deg as hfovDeg',
	'c.focal_length_mm as focalLengthMm',
	'c.sensor_width_mm as sensorWidthMm',
	'c.resolution_px as resolutionPx',
	'c.max_range_m as maxRangeM',
	'c.pan_min_deg as panMinDeg',
	'c.pan_max_deg as panMaxDeg',
	'c.owner_type as ownerType',
	'c.operator_name as operatorName',
	'c.contact_email as contactEmail',
	'c.contact_phone as contactPhone',
	'c.purpose',
	'c.legal_basis as legalBasis',
	'c.signage',
	'c.retention_days as retentionDays'
] as const;

export interface CameraDetail {
	id: string;
	name: string;
	municipalityCode: number;
	municipalityName: string;
	policeDistrict: number | null;
	policeDistrictName: string | null;
	lon: number;
	lat: number;
	easting: number;
	northing: number;
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
	legalBasis: string;
	signage: boolean;
	retentionDays: number;
	/** GeoJSON (WGS84) of the privacy masks, their count and area. */
	privacyMasks: string | null;
	privacyMaskCount: number;
	privacyMaskAreaM2: number | null;
	status: CameraStatus;
	proposedOn: string | null;
	approvedOn: string | null;
	activeFrom: string | null;
	decommissionedOn: string | null;
	policeRegisteredOn: string | null;
	permitValidFrom: string | null;
	permitValidTo: string | null;
	createdBy: string | null;
	createdAt: Date;
	updatedAt: Date;
}

export async function getCamera(db: Db, id: string): Promise<CameraDetail | null> {
	if (!isCameraId(id)) return null;
	const row = await db
		.selectFrom('cameras as c')
		.innerJoin('municipalities as m', 'm.code', 'c.municipality_code')
		.leftJoin('police_districts as p', 'p.number', 'm.police_district')
		.leftJoin('users as u', 'u.id', 'c.created_by')
		.select([
			'c.id',
			'c.name',
			'c.municipality_code as municipalityCode',
			'm.name as municipalityName',
			'm.police_district as policeDistrict',
			'p.name as policeDistrictName',
			sql<number>`ST_X(ST_Transform(c.geom, 4326))`.as('lon'),
			sql<number>`ST_Y(ST_Transform(c.geom, 4326))`.as('lat'),
			sql<number>`ST_X(c.geom)`.as('easting'),
			sql<number>`ST_Y(c.geom)`.as('northing'),
			...CAMERA_ATTRIBUTE_COLUMNS,
			sql<string | null>`ST_AsGeoJSON(ST_Transform(c.privacy_masks, 4326), 7)`.as('privacyMasks'),
			sql<number>`coalesce(ST_NumGeometries(c.privacy_masks), 0)`.as('privacyMaskCount'),
			sql<number | null>`ST_Area(c.privacy_masks)`.as('privacyMaskAreaM2'),
			'c.status',
			isoDate('c.proposed_on').as('proposedOn'),
			isoDate('c.approved_on').as('approvedOn'),
			isoDate('c.active_from').as('activeFrom'),
			isoDate('c.decommissioned_on').as('decommissionedOn'),
			isoDate('c.police_registered_on').as('policeRegisteredOn'),
			isoDate('c.permit_valid_from').as('permitValidFrom'),
			isoDate('c.permit_valid_to').as('permitValidTo'),
			'u.name as createdBy',
			'c.created_at as createdAt',
			'c.updated_at as updatedAt'
		])
		.where('c.id', '=', id)
		.executeTakeFirst();
	return row ?? null;
}

export interface CameraViewSummary {
	areaM2: number | null;
	blindZoneM2: number | null;
	computedAt: Date;
	/** The density bands present, per level table, densest first. */
	bands: { levelTable: string; levelId: string; minPpm: number; areaM2: number }[];
}

/** The stored view of a camera (null when none has been computed). */
export async function cameraViewSummary(db: Db, id: string): Promise<CameraViewSummary | null> {
	if (!isCameraId(id)) return null;
	const [view, bands] = await Promise.all([
		db
			.selectFrom('camera_views')
			.select([
				sql<number | null>`ST_Area(view)`.as('areaM2'),
				sql<number | null>`ST_Area(blind_zone)`.as('blindZoneM2'),
				'computed_at as computedAt'
			])
			.where('camera_id', '=', id)
			.executeTakeFirst(),
		db
			.selectFrom('camera_view_bands')
			.select([
				'level_table as levelTable',
				'level_id as levelId',
				'min_ppm as minPpm',
				sql<number>`ST_Area(geom)`.as('areaM2')
			])
			.where('camera_id', '=', id)
			.orderBy('level_table')
			.orderBy('min_ppm', 'desc')
			.execute()
	]);
	return view ? { ...view, bands } : null;
}

export type CameraQuery<O> = SelectQueryBuilder<
	Database & { c: Database['cameras']; m: Database['municipalities'] },
	'c' | 'm',
	O
>;

/**
 * Keeps a query on `cameras as c` joined to `municipalities as m` to the rows a scope may read;
 * the same rule as the register list and the policy's camera.view.
 */
export function scopeCameras<O>(query: CameraQuery<O>, scope: CameraReadScope): CameraQuery<O> {
	switch (scope.kind) {
		case 'none':
			return query.where(sql<boolean>`false`);
		case 'all':
			return query;
		case 'municipality':
			return query.where((eb) =>
				eb.or([eb('c.municipality_code', '=', scope.code), eb('c.status', '=', 'active')])
			);
		case 'policeDistrict':
			return query.where((eb) =>
				eb.or([eb('m.police_district', '=', scope.number), eb('c.status', '=', 'active')])
			);
	}
}

export interface CameraListFilter {
	/** Whose cameras may be listed: from the policy's cameraReadScope for the signed-in user. */
	scope: CameraReadScope;
	municipalityCode?: number;
	status?: CameraStatus;
	ownerType?: OwnerType;
	page?: number;
	pageSize?: number;
}

export interface CameraListItem {
	id: string;
	name: string;
	municipalityCode: number;
	municipalityName: string;
	status: CameraStatus;
	kind: CameraKind;
	ownerType: OwnerType;
	operatorName: string;
	legalBasis: string;
	proposedOn: string | null;
	approvedOn: string | null;
	activeFrom: string | null;
	decommissionedOn: string | null;
}

/** One page of the register, newest first, and the number of cameras matching the filters. */
export async function listCameras(db: Db, filter: CameraListFilter) {
	const pageSize = filter.pageSize ?? CAMERAS_PAGE_SIZE;
	const page = Math.max(1, Math.floor(filter.page ?? 1));
	const scope = filter.scope;
	if (scope.kind === 'none') return { cameras: [] as CameraListItem[], page, pageSize, total: 0 };

	let query = scopeCameras(
		db.selectFrom('cameras as c').innerJoin('municipalities as m', 'm.code', 'c.municipality_code'),
		scope
	);
	if (filter.municipalityCode !== undefined)
		query = query.where('c.municipality_code', '=', filter.municipalityCode);
	if (filter.status) query = query.where('c.status', '=', filter.status);
	if (filter.ownerType) query = query.where('c.owner_type', '=', filter.ownerType);

	const [rows, count] = await Promise.all([
		query
			.select([
				'c.id',
				'c.name',
				'c.municipality_code as municipalityCode',
				'm.name as municipalityName',
				'c.status',
				'c.kind',
				'c.owner_type as ownerType',
				'c.operator_name as operatorName',
				'c.legal_basis as legalBasis',
				isoDate('c.proposed_on').as('proposedOn'),
				isoDate('c.approved_on').as('approvedOn'),
				isoDate('c.active_from').as('activeFrom'),
				isoDate('c.decommissioned_on').as('decommissionedOn')
			])
			.orderBy('c.created_at', 'desc')
			.orderBy('c.id', 'desc')
			.limit(pageSize)
			.offset((page - 1) * pageSize)
			.execute(),
		query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
	]);
	return { cameras: rows as CameraListItem[], page, pageSize, total: count.total };
}
