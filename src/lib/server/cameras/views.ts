// What each camera really sees: the raw view of the SQL functions in
// migrations/2026-11-27T1510_camera_view_functions.ts (the same polygons as
// src/lib/camera/view-geometry.ts) cut by buildings, stored per camera with its blind zone and its
// pixel-density bands for every level table of geodata/density-levels.json.
//
// Occlusion is by line of sight on the ground plane: every building footprint part that meets the
// camera's pie (view plus blind zone: a building in the blind zone still blocks what lies behind
// it) hides itself and its shadow (tk_building_occlusion), and the visible view is the raw view
// minus the union of those. Shadows are exact for any footprint: the convex hull of the part and
// its projection away from the camera when the part is convex and the camera outside its hull,
// otherwise one trapezoid per back face (concave parts, courtyards, a camera in a notch). Buildings
// are walls of unknown height unless height_m says they are lower than the camera, which then sees
// the ground beyond the roof edge's exact shadow. The only approximations are the 2° arc chords
// (at most 0.015 % of the radius inside the true circle) and notches under 1 m² counted as hidden.
// A band is the raw band minus the same occluder, i.e. the raw band ∩ the visible view.
//
// Each call is one statement for any number of cameras (plus SET LOCAL jit = off).
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect';
import { levelTable, levelTables } from '../../camera/density-levels';
import { cameraGeometryInputSchema, type CameraGeometryInput } from '../../camera/types';

/** [minX, minY, maxX, maxY] in EPSG:25832. */
export type Bbox25832 = [number, number, number, number];

/** A GeoJSON geometry whose coordinates are EPSG:25832. */
export interface GeoJsonGeometry25832 {
	type: string;
	coordinates?: unknown;
	geometries?: unknown;
}

/** GeoJSON geometry in EPSG:4326 (MultiPolygon from this module). */
export interface GeoJsonMultiPolygon {
	type: 'MultiPolygon';
	coordinates: number[][][][];
}

export interface CameraViewPreview {
	view: GeoJsonMultiPolygon | null;
	blindZone: GeoJsonMultiPolygon | null;
	/** Innermost (highest level) first; levels not reached are left out. */
	bands: { levelId: string; minPpm: number; geometry: GeoJsonMultiPolygon }[];
}

interface LevelRow {
	level_table: string;
	level_id: string;
	min_ppm: number;
	/** The next higher level's ppm; null for the highest level. */
	max_ppm: number | null;
}

function levelRows(tables = levelTables): LevelRow[] {
	return tables.flatMap((t) =>
		t.levels.map((l, i) => ({
			level_table: t.id,
			level_id: l.id,
			min_ppm: l.ppm,
			max_ppm: i === 0 ? null : t.levels[i - 1].ppm
		}))
	);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// A preview has no camera row; this stands in for its id in the joins.
const PREVIEW_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The computation up to the stored values, as CTEs `visible` (one row per camera: id, view,
 * blind_zone) and `band` (id, level_table, level_id, min_ppm, geom). `cameras` must select id,
 * pos, mount_height_m, azimuth_deg, tilt_deg, hfov_deg, resolution_px, max_range_m, kind,
 * pan_min_deg, pan_max_deg.
 */
function viewCtes(cameras: RawBuilder<unknown>, levels: LevelRow[]): RawBuilder<unknown> {
	return sql`
		cam AS MATERIALIZED (
			SELECT c.id, c.pos, c.mount_height_m AS h, c.hfov_deg AS hfov, c.resolution_px AS px,
				tk_camera_true_arc(c.pos, c.kind, c.azimuth_deg, c.hfov_deg, c.pan_min_deg, c.pan_max_deg) AS arc,
				tk_camera_blind_radius(c.mount_height_m, c.tilt_deg, c.hfov_deg) AS r_blind,
				tk_camera_reach(c.mount_height_m, c.tilt_deg, c.hfov_deg, c.max_range_m) AS reach
			FROM (${cameras}) c
		),
		shape AS MATERIALIZED (
			SELECT cam.*,
				tk_sector_from_arc(arc, pos, r_blind, reach) AS raw_view,
				tk_sector_from_arc(arc, pos, 0, least(r_blind, reach)) AS blind_zone,
				tk_sector_from_arc(arc, pos, 0, reach) AS pie
			FROM cam
		),
		obstacle AS (
			SELECT s.id, s.pos, s.h, s.reach, b.height_m, part.geom AS part
			FROM shape s
			JOIN buildings b ON s.raw_view IS NOT NULL AND b.geom && s.pie AND ST_Intersects(b.geom, s.pie)
			CROSS JOIN LATERAL ST_Dump(b.geom) AS part
			WHERE ST_Intersects(part.geom, s.pie)
		),
		occluder AS (
			SELECT o.id, ST_Union(piece.geom) AS geom
			FROM obstacle o
			CROSS JOIN LATERAL tk_building_occlusion(o.part, o.pos, o.h, o.height_m, o.reach) AS piece(geom)
			GROUP BY o.id
		),
		visible AS MATERIALIZED (
			SELECT s.id, s.arc, s.pos, s.px, s.hfov, s.r_blind, s.reach, s.blind_zone, o.geom AS occluder,
				CASE WHEN o.geom IS NULL THEN s.raw_view ELSE tk_polygonal(ST_Difference(s.raw_view, o.geom)) END AS view
			FROM shape s
			LEFT JOIN occluder o ON o.id = s.id
		),
		band AS MATERIALIZED (
			SELECT * FROM (
				SELECT v.id, l.level_table, l.level_id, l.min_ppm,
					CASE WHEN v.occluder IS NULL THEN r.geom ELSE tk_polygonal(ST_Difference(r.geom, v.occluder)) END AS geom
				FROM visible v
				CROSS JOIN json_to_recordset(${JSON.stringify(levels)}::json)
					AS l(level_table text, level_id text, min_ppm float8, max_ppm float8)
				CROSS JOIN LATERAL (
					SELECT tk_sector_from_arc(v.arc, v.pos,
						greatest(v.r_blind, tk_camera_density_distance(v.px, v.hfov, l.max_ppm)),
						least(v.reach, tk_camera_density_distance(v.px, v.hfov, l.min_ppm))) AS geom
					OFFSET 0
				) r
				WHERE v.view IS NOT NULL AND r.geom IS NOT NULL
				OFFSET 0
			) b
			WHERE geom IS NOT NULL
		)`;
}

const cameraColumns = sql`c.id, c.geom AS pos, c.mount_height_m, c.azimuth_deg, c.tilt_deg, c.hfov_deg,
	c.resolution_px, c.max_range_m, c.kind, c.pan_min_deg, c.pan_max_deg`;

/**
 * Runs `work` with PostgreSQL's JIT off: the work is in PostGIS's C functions, and compiling the
 * plan's expressions would only add about a second to each large recompute. In the caller's
 * transaction the setting is restored afterwards; otherwise a transaction scopes it.
 */
async function withoutJit<T>(db: Db, work: (db: Db) => Promise<T>): Promise<T> {
	if (!db.isTransaction) {
		return db.transaction().execute(async (trx) => {
			await sql`SET LOCAL jit = off`.execute(trx);
			return work(trx);
		});
	}
	const { rows } = await sql<{ jit: string }>`SELECT current_setting('jit') AS jit`.execute(db);
	await sql`SET LOCAL jit = off`.execute(db);
	// After a failure the transaction is aborted, and its end resets the setting anyway.
	const result = await work(db);
	await sql`SELECT set_config('jit', ${rows[0].jit}, true)`.execute(db);
	return result;
}

/** Replaces the stored views and bands of the cameras the query selects; returns how many. */
async function storeViews(db: Db, cameras: RawBuilder<unknown>): Promise<number> {
	return withoutJit(db, (db) => storeViewsStatement(db, cameras));
}

async function storeViewsStatement(db: Db, cameras: RawBuilder<unknown>): Promise<number> {
	const result = await sql<{ cameras: number }>`
		WITH ${viewCtes(cameras, levelRows())},
		stored_view AS (
			INSERT INTO camera_views (camera_id, view, blind_zone, computed_at)
			SELECT id, view, blind_zone, now() FROM visible
			ON CONFLICT (camera_id) DO UPDATE
				SET view = excluded.view, blind_zone = excluded.blind_zone, computed_at = excluded.computed_at
		),
		-- Narrow rows for the anti-join: DELETE ... USING would drag every joined row along whole.
		camera_key AS MATERIALIZED (SELECT id FROM cam),
		band_key AS MATERIALIZED (SELECT id, level_table, level_id FROM band),
		stale_band AS (
			DELETE FROM camera_view_bands old
			WHERE old.camera_id IN (SELECT id FROM camera_key) AND NOT EXISTS (
				SELECT 1 FROM band_key n
				WHERE n.id = old.camera_id AND n.level_table = old.level_table AND n.level_id = old.level_id
			)
		),
		stored_band AS (
			INSERT INTO camera_view_bands (camera_id, level_table, level_id, min_ppm, geom)
			SELECT id, level_table, level_id, min_ppm, geom FROM band
			ON CONFLICT ON CONSTRAINT camera_view_bands_pkey DO UPDATE
				SET min_ppm = excluded.min_ppm, geom = excluded.geom
				-- An unchanged band (= compares every coordinate) is not rewritten.
				WHERE camera_view_bands.min_ppm IS DISTINCT FROM excluded.min_ppm
					OR camera_view_bands.geom IS DISTINCT FROM excluded.geom
		)
		SELECT count(*)::integer AS cameras FROM visible
	`.execute(db);
	return result.rows[0].cameras;
}

/**
 * Recomputes and stores the view, blind zone and density bands (every level table) of the given
 * cameras, or of all cameras; returns the number of cameras computed. One statement, so it can
 * run inside the caller's transaction.
 */
export async function recomputeCameraViews(db: Db, cameraIds: string[] | 'all'): Promise<number> {
	if (cameraIds === 'all') return storeViews(db, sql`SELECT ${cameraColumns} FROM cameras c`);
	const ids = [...new Set(cameraIds.filter((id) => UUID.test(id)))];
	if (ids.length === 0) return 0;
	return storeViews(db, sql`SELECT ${cameraColumns} FROM cameras c WHERE c.id = ANY(${ids}::uuid[])`);
}

function areaSql(area: Bbox25832 | GeoJsonGeometry25832): RawBuilder<unknown> {
	if (Array.isArray(area)) {
		const [minX, minY, maxX, maxY] = area.map(Number);
		if (![minX, minY, maxX, maxY].every(Number.isFinite))
			throw new Error('The bbox needs four finite numbers');
		return sql`ST_MakeEnvelope(${minX}::float8, ${minY}::float8, ${maxX}::float8, ${maxY}::float8, 25832)`;
	}
	return sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(area)}::text), 25832)`;
}

/**
 * Recomputes the views of every camera whose view could reach the area (within its max_range_m,
 * which the cameras table caps at 2 km so the index can find them), e.g. after buildings there
 * changed; returns the number of cameras computed.
 */
export async function recomputeViewsNear(db: Db, area: Bbox25832 | GeoJsonGeometry25832): Promise<number> {
	return storeViews(
		db,
		sql`SELECT ${cameraColumns} FROM cameras c, (SELECT ${areaSql(area)} AS geom) a
			WHERE c.geom && ST_Expand(a.geom, 2000) AND ST_DWithin(c.geom, a.geom, c.max_range_m)`
	);
}

/** One unsaved placement as the `cameras` input of viewCtes. */
function placementSource(camera: CameraGeometryInput, id: string): RawBuilder<unknown> {
	return sql`
		SELECT ${id}::uuid AS id, ST_SetSRID(ST_MakePoint(${camera.x}::float8, ${camera.y}::float8), 25832) AS pos,
			${camera.mountHeightM}::float8 AS mount_height_m, ${camera.azimuthDeg}::float8 AS azimuth_deg,
			${camera.tiltDeg}::float8 AS tilt_deg, ${camera.hfovDeg}::float8 AS hfov_deg,
			${camera.resolutionPx}::float8 AS resolution_px, ${camera.maxRangeM}::float8 AS max_range_m,
			${camera.kind}::text AS kind, ${camera.panMinDeg ?? null}::float8 AS pan_min_deg,
			${camera.panMaxDeg ?? null}::float8 AS pan_max_deg`;
}

/**
 * The CTEs `visible` (id, pos, view, blind_zone, ...) and `band` (id, level_table, level_id,
 * min_ppm, geom; every level table) of one unsaved placement, as stored views would hold them.
 * `camera` must be valid (cameraGeometryInputSchema).
 */
export function placementViewCtes(camera: CameraGeometryInput, id = PREVIEW_ID): RawBuilder<unknown> {
	return viewCtes(placementSource(camera, id), levelRows());
}

/**
 * The view, blind zone and bands of one level table for an unsaved placement, occluded by the
 * stored buildings, as GeoJSON in EPSG:4326 (7 decimals, about 1 cm). One query. Throws a ZodError
 * for a placement outside the cameras table's limits, an Error for an unknown level table.
 */
export async function previewCameraView(
	db: Db,
	camera: CameraGeometryInput,
	levelTableId: string
): Promise<CameraViewPreview> {
	const levels = levelRows([levelTable(levelTableId)]);
	const source = placementSource(cameraGeometryInputSchema.parse(camera), PREVIEW_ID);
	const result = await sql<CameraViewPreview>`
		WITH ${viewCtes(source, levels)}
		SELECT
			(SELECT ST_AsGeoJSON(ST_Transform(view, 4326), 7)::json FROM visible) AS view,
			(SELECT ST_AsGeoJSON(ST_Transform(blind_zone, 4326), 7)::json FROM visible) AS "blindZone",
			(SELECT coalesce(json_agg(json_build_object(
					'levelId', level_id, 'minPpm', min_ppm, 'geometry', ST_AsGeoJSON(ST_Transform(geom, 4326), 7)::json
				) ORDER BY min_ppm DESC), '[]'::json)
			FROM band) AS bands
	`.execute(db);
	return result.rows[0];
}
