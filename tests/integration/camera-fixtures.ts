// Cameras for tests, inserted with plain SQL (the register service is not under test here), with
// explicit view geometry: the view is a disc of `viewRadius` metres around `viewAt` (the camera
// itself by default), and the density bands are rings of that disc, densest innermost.
import { sql } from 'kysely';
import type { Db } from '../../src/lib/server/db/connect';
import type { CameraStatus, OwnerType } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';

/** Interior points of municipalities (geodata/municipalities.csv), lon/lat. */
export const PLACES = {
	københavn: [12.602, 55.657],
	frederiksberg: [12.526, 55.682],
	aalborg: [10.039, 57.109]
} as const satisfies Record<string, [number, number]>;

export interface Band {
	levelTable?: string;
	levelId: string;
	minPpm: number;
	/** Ring between these distances (metres) from the view's centre. */
	inner: number;
	outer: number;
}

export interface CameraFixture {
	name: string;
	municipality: number;
	/** lon/lat of the camera. */
	at: readonly [number, number];
	/** Metres east/north of `at` for the view's centre (to make a view miss a spot). */
	viewOffset?: readonly [number, number];
	viewRadius?: number;
	bands?: Band[];
	status?: CameraStatus;
	ownerType?: OwnerType;
	operatorName?: string;
	contactEmail?: string | null;
	contactPhone?: string | null;
	retentionDays?: number;
	activeFrom?: string | null;
	decommissionedOn?: string | null;
	/** No camera_views row at all. */
	noView?: boolean;
}

/** EN 62676-4 rings for a 60 m view: identification to 10 m, recognition to 20, observation to 40, detection to 60. */
export const DEFAULT_BANDS: Band[] = [
	{ levelId: 'identification', minPpm: 250, inner: 0, outer: 10 },
	{ levelId: 'recognition', minPpm: 125, inner: 10, outer: 20 },
	{ levelId: 'observation', minPpm: 62.5, inner: 20, outer: 40 },
	{ levelId: 'detection', minPpm: 25, inner: 40, outer: 60 },
	{ levelTable: 'seven-level', levelId: 'level-5', minPpm: 250, inner: 0, outer: 10 },
	{ levelTable: 'seven-level', levelId: 'level-1', minPpm: 20, inner: 10, outer: 60 }
];

export async function insertCamera(db: Db, f: CameraFixture): Promise<string> {
	const status = f.status ?? 'active';
	const activeFrom =
		f.activeFrom !== undefined
			? f.activeFrom
			: status === 'active' || status === 'decommissioned'
				? '2024-01-01'
				: null;
	const decommissionedOn = f.decommissionedOn ?? (status === 'decommissioned' ? '2026-01-01' : null);
	const point = sql`ST_Transform(ST_SetSRID(ST_MakePoint(${f.at[0]}::float8, ${f.at[1]}::float8), 4326), 25832)`;
	const { rows } = await sql<{ id: string }>`
		INSERT INTO cameras (municipality_code, name, geom, mount_height_m, azimuth_deg, tilt_deg, hfov_deg,
			resolution_px, max_range_m, kind, owner_type, operator_name, contact_email, contact_phone, purpose,
			legal_basis, retention_days, status, active_from, decommissioned_on)
		VALUES (${f.municipality}, ${f.name}, ${point}, 5, 90, 15, 80, 1920, 60, 'dome', ${f.ownerType ?? 'municipality'},
			${f.operatorName ?? `Operatør ${f.name}`}, ${f.contactEmail === undefined ? 'kontakt@example.dk' : f.contactEmail},
			${f.contactPhone === undefined ? '+45 33 66 33 66' : f.contactPhone}, 'Tryghed', '§ 2 a',
			${f.retentionDays ?? 30}, ${status}, ${activeFrom}::date, ${decommissionedOn}::date)
		RETURNING id
	`.execute(db);
	const id = rows[0].id;
	if (f.noView) return id;
	const [dx, dy] = f.viewOffset ?? [0, 0];
	const centre = sql`ST_Translate(${point}, ${dx}::float8, ${dy}::float8)`;
	const ring = (inner: number, outer: number) =>
		inner > 0
			? sql`ST_Multi(ST_Difference(ST_Buffer(${centre}, ${outer}::float8), ST_Buffer(${centre}, ${inner}::float8)))`
			: sql`ST_Multi(ST_Buffer(${centre}, ${outer}::float8))`;
	await sql`
		INSERT INTO camera_views (camera_id, view) VALUES (${id}, ${ring(0, f.viewRadius ?? 60)})
	`.execute(db);
	for (const b of f.bands ?? DEFAULT_BANDS) {
		await sql`
			INSERT INTO camera_view_bands (camera_id, level_table, level_id, min_ppm, geom)
			VALUES (${id}, ${b.levelTable ?? 'en62676-4-2015'}, ${b.levelId}, ${b.minPpm}, ${ring(b.inner, b.outer)})
		`.execute(db);
	}
	return id;
}

/** `metres` east and north of a lon/lat, as lon/lat (through EPSG:25832). */
export async function offset(
	db: Db,
	at: readonly [number, number],
	east: number,
	north: number
): Promise<[number, number]> {
	const { rows } = await sql<{ lon: number; lat: number }>`
		SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
			SELECT ST_Transform(ST_Translate(ST_Transform(ST_SetSRID(ST_MakePoint(${at[0]}::float8, ${at[1]}::float8), 4326), 25832),
				${east}::float8, ${north}::float8), 4326) AS p
		) q
	`.execute(db);
	return [rows[0].lon, rows[0].lat];
}

export function user(
	role: SessionUser['role'],
	scope: { municipalityCode?: number; policeDistrict?: number } = {}
): SessionUser {
	return {
		id: crypto.randomUUID(),
		email: `${role}@test`,
		name: role,
		role,
		municipalityCode: scope.municipalityCode ?? null,
		policeDistrict: scope.policeDistrict ?? null,
		isDemo: false
	};
}
