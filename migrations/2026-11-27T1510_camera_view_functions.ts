import { sql, type Kysely } from 'kysely';

// The camera view formulas in SQL, vertex for vertex the same as src/lib/camera/optics.ts and
// view-geometry.ts (tests/integration/camera-geometry-agreement.test.ts compares them). All
// distances are ground distances in metres, angles degrees, azimuths clockwise from north,
// geometry EPSG:25832.
//
// - Optics: images below 180° are rectilinear (pixels spread over 2·d·tan(hfov/2)), wider ones
//   equidistant (over the arc d·hfov); vfov of a 16:9 image = 2·atan(tan(hfov/2)·9/16).
// - Blind zone: ground nearer than h / tan(tilt + vfov/2) (none when tilt + vfov/2 ≥ 90°). The
//   view reaches max_range_m, or h / tan(tilt − vfov/2) when the image's far edge meets the ground
//   first (tilt > vfov/2).
// - Shapes are annular sectors over the sweep (azimuth ± hfov/2; full circle for domes;
//   pan_min − hfov/2 .. pan_max + hfov/2 for PTZ, wrapping through north when pan_max ≤ pan_min,
//   pan_max = pan_min being the full circle). tk_camera_arc makes the sweep's unit arc once,
//   n = ceil(sweep / 2°) even steps (180 vertices from north for a full circle);
//   tk_sector_from_arc scales it to any pair of radii, so a camera's view, blind zone and bands
//   share one arc.
// - Occlusion: tk_building_occlusion, see there.
const functions = [
	sql`
		CREATE FUNCTION tk_camera_image_width_factor(hfov_deg float8) RETURNS float8
		LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT CASE WHEN hfov_deg < 180 THEN 2 * tan(radians(hfov_deg / 2)) ELSE radians(hfov_deg) END
		$$`,
	sql`
		CREATE FUNCTION tk_camera_vfov(hfov_deg float8) RETURNS float8
		LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT CASE WHEN hfov_deg >= 180 THEN least(180, hfov_deg * 9 / 16)
				ELSE degrees(2 * atan(tan(radians(hfov_deg / 2)) * (9.0 / 16))) END
		$$`,
	// Where the pixel density falls to ppm: px / (2·tan(hfov/2)·ppm).
	sql`
		CREATE FUNCTION tk_camera_density_distance(resolution_px float8, hfov_deg float8, ppm float8) RETURNS float8
		LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT resolution_px / (tk_camera_image_width_factor(hfov_deg) * ppm)
		$$`,
	sql`
		CREATE FUNCTION tk_camera_blind_radius(mount_height_m float8, tilt_deg float8, hfov_deg float8) RETURNS float8
		LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT CASE WHEN tilt_deg + tk_camera_vfov(hfov_deg) / 2 >= 90 THEN 0
				ELSE mount_height_m / tan(radians(tilt_deg + tk_camera_vfov(hfov_deg) / 2)) END
		$$`,
	sql`
		CREATE FUNCTION tk_camera_reach(mount_height_m float8, tilt_deg float8, hfov_deg float8, max_range_m float8)
		RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT least(max_range_m, CASE WHEN tilt_deg - tk_camera_vfov(hfov_deg) / 2 > 0
				THEN mount_height_m / tan(radians(tilt_deg - tk_camera_vfov(hfov_deg) / 2)) END)
		$$`,
	// Unit vectors (sin, cos) of the sweep's vertex directions as a LineString without SRID; closed
	// exactly when the sweep is the full circle.
	sql`
		CREATE FUNCTION tk_camera_arc(kind text, azimuth_deg float8, hfov_deg float8, pan_min_deg float8, pan_max_deg float8)
		RETURNS geometry LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
		DECLARE
			start_deg float8 := azimuth_deg - hfov_deg / 2;
			span_deg float8 := hfov_deg;
			n integer;
			step float8;
			a float8;
			pts geometry[];
		BEGIN
			IF kind = 'ptz' AND pan_min_deg IS NOT NULL AND pan_max_deg IS NOT NULL THEN
				span_deg := CASE WHEN pan_max_deg > pan_min_deg THEN pan_max_deg - pan_min_deg
					ELSE pan_max_deg + 360 - pan_min_deg END + hfov_deg;
				start_deg := pan_min_deg - hfov_deg / 2;
			END IF;
			IF kind = 'dome' OR span_deg >= 360 THEN
				FOR i IN 0..180 LOOP
					a := radians(2.0 * (i % 180));
					pts := pts || ST_MakePoint(sin(a), cos(a));
				END LOOP;
				RETURN ST_MakeLine(pts);
			END IF;
			start_deg := start_deg - 360 * floor(start_deg / 360);
			n := greatest(1, ceil(span_deg / 2.0 - 1e-9)::integer);
			step := span_deg / n;
			FOR i IN 0..n LOOP
				a := radians(start_deg + step * i);
				pts := pts || ST_MakePoint(sin(a), cos(a));
			END LOOP;
			RETURN ST_MakeLine(pts);
		END
		$$`,
	// The ground between r_in and r_out over the arc's directions around pos: a pie slice when
	// r_in is 0, a disc or annulus for a closed arc. MultiPolygon, or NULL when r_out ≤ r_in.
	sql`
		CREATE FUNCTION tk_sector_from_arc(arc geometry, pos geometry, r_in float8, r_out float8) RETURNS geometry
		LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
		DECLARE
			x float8;
			y float8;
			outer_arc geometry;
			shape geometry;
		BEGIN
			IF NOT r_out > greatest(r_in, 0) THEN
				RETURN NULL;
			END IF;
			x := ST_X(pos);
			y := ST_Y(pos);
			outer_arc := ST_Affine(arc, r_out, 0, 0, r_out, x, y);
			IF ST_IsClosed(arc) AND r_in > 0 THEN
				shape := ST_MakePolygon(outer_arc, ARRAY[ST_Affine(arc, r_in, 0, 0, r_in, x, y)]);
			ELSIF ST_IsClosed(arc) THEN
				shape := ST_MakePolygon(outer_arc);
			ELSIF r_in > 0 THEN
				shape := ST_MakePolygon(ST_AddPoint(
					ST_MakeLine(outer_arc, ST_Reverse(ST_Affine(arc, r_in, 0, 0, r_in, x, y))), ST_StartPoint(outer_arc)));
			ELSE
				shape := ST_MakePolygon(ST_AddPoint(ST_MakeLine(outer_arc, ST_MakePoint(x, y)), ST_StartPoint(outer_arc)));
			END IF;
			RETURN ST_SetSRID(ST_Multi(ST_ForcePolygonCCW(shape)), ST_SRID(pos));
		END
		$$`,
	// Azimuths are true bearings (clockwise from true north); in EPSG:25832 true north lies
	// tk_grid_convergence degrees anticlockwise of grid north (about 3° in København, 5° on
	// Bornholm), so a true azimuth is turned by that much before the sector is drawn in the grid.
	sql`
		CREATE FUNCTION tk_grid_convergence(pos geometry) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT degrees(atan(tan(radians(ST_X(g) - 9)) * sin(radians(ST_Y(g)))))
			FROM (SELECT ST_Transform(pos, 4326) AS g) p
		$$`,
	sql`
		CREATE FUNCTION tk_camera_true_arc(
			pos geometry, kind text, azimuth_deg float8, hfov_deg float8, pan_min_deg float8, pan_max_deg float8
		) RETURNS geometry LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT tk_camera_arc(kind, azimuth_deg - c, hfov_deg, pan_min_deg - c, pan_max_deg - c)
			FROM (SELECT tk_grid_convergence(pos) AS c) g
		$$`,
	sql`
		CREATE FUNCTION tk_camera_view_raw(
			pos geometry, mount_height_m float8, azimuth_deg float8, tilt_deg float8, hfov_deg float8,
			max_range_m float8, kind text, pan_min_deg float8, pan_max_deg float8
		) RETURNS geometry LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT tk_sector_from_arc(
				tk_camera_true_arc(pos, kind, azimuth_deg, hfov_deg, pan_min_deg, pan_max_deg), pos,
				tk_camera_blind_radius(mount_height_m, tilt_deg, hfov_deg),
				tk_camera_reach(mount_height_m, tilt_deg, hfov_deg, max_range_m))
		$$`,
	sql`
		CREATE FUNCTION tk_camera_blind_zone(
			pos geometry, mount_height_m float8, azimuth_deg float8, tilt_deg float8, hfov_deg float8,
			max_range_m float8, kind text, pan_min_deg float8, pan_max_deg float8
		) RETURNS geometry LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT tk_sector_from_arc(
				tk_camera_true_arc(pos, kind, azimuth_deg, hfov_deg, pan_min_deg, pan_max_deg), pos, 0,
				least(tk_camera_blind_radius(mount_height_m, tilt_deg, hfov_deg),
					tk_camera_reach(mount_height_m, tilt_deg, hfov_deg, max_range_m)))
		$$`,
	// The raw view where the density lies between min_ppm and max_ppm (NULL: no upper bound, the
	// innermost band): one level's band is tk_camera_band(..., its ppm, the next higher level's ppm).
	sql`
		CREATE FUNCTION tk_camera_band(
			pos geometry, mount_height_m float8, azimuth_deg float8, tilt_deg float8, hfov_deg float8,
			resolution_px float8, max_range_m float8, kind text, pan_min_deg float8, pan_max_deg float8,
			min_ppm float8, max_ppm float8
		) RETURNS geometry LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT tk_sector_from_arc(
				tk_camera_true_arc(pos, kind, azimuth_deg, hfov_deg, pan_min_deg, pan_max_deg), pos,
				greatest(tk_camera_blind_radius(mount_height_m, tilt_deg, hfov_deg),
					tk_camera_density_distance(resolution_px, hfov_deg, max_ppm)),
				least(tk_camera_reach(mount_height_m, tilt_deg, hfov_deg, max_range_m),
					tk_camera_density_distance(resolution_px, hfov_deg, min_ppm)))
		$$`,
	sql`
		CREATE FUNCTION tk_camera_view_raw(camera cameras) RETURNS geometry
		LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT tk_camera_view_raw(camera.geom, camera.mount_height_m, camera.azimuth_deg, camera.tilt_deg,
				camera.hfov_deg, camera.max_range_m, camera.kind, camera.pan_min_deg, camera.pan_max_deg)
		$$`,
	sql`
		CREATE FUNCTION tk_camera_blind_zone(camera cameras) RETURNS geometry
		LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT tk_camera_blind_zone(camera.geom, camera.mount_height_m, camera.azimuth_deg, camera.tilt_deg,
				camera.hfov_deg, camera.max_range_m, camera.kind, camera.pan_min_deg, camera.pan_max_deg)
		$$`,
	sql`
		CREATE FUNCTION tk_camera_band(camera cameras, min_ppm float8, max_ppm float8) RETURNS geometry
		LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT tk_camera_band(camera.geom, camera.mount_height_m, camera.azimuth_deg, camera.tilt_deg,
				camera.hfov_deg, camera.resolution_px, camera.max_range_m, camera.kind, camera.pan_min_deg,
				camera.pan_max_deg, min_ppm, max_ppm)
		$$`,
	// The polygonal part of a result as a MultiPolygon; NULL when nothing polygonal is left.
	sql`
		CREATE FUNCTION tk_polygonal(g geometry) RETURNS geometry
		LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
			SELECT CASE WHEN NOT ST_IsEmpty(p) THEN p END
			FROM (SELECT ST_Multi(ST_CollectionExtract(g, 3)) AS p) s
		$$`,
	// The ground a building footprint part hides from a camera at pos up to reach: the footprint
	// and its shadow, as pieces to union (line of sight, not a buffer). A ground point q is hidden
	// when the segment pos→q crosses the footprint. Seen from outside the part's convex hull, the
	// shadow of a convex part P is exactly the convex hull of P and of P scaled by s about pos
	// (the union of t·P for t in [1, s]); otherwise the pieces are P and one trapezoid per back
	// face (edge whose inner side faces the camera) a, b, pos + s·(b − pos), pos + s·(a − pos):
	// the last crossing of pos→q leaves through a back face, so this is exact for any footprint,
	// concave ones and courtyards included. s = reach / distance makes a wall of unknown height
	// hide everything behind it; a building known to be lower than the camera casts the exact
	// ground shadow of its roof edge instead, s = h / (h − building height), and the camera sees
	// beyond it. A concave part whose notches open to the outside (hull minus the part without
	// its holes) total at most 1 m² counts as convex: those notches count as hidden, nothing else
	// changes. A part the camera stands in or within 1 cm of (mounted on its facade) hides only
	// itself, unless the building is lower than the camera (mounted on its roof).
	sql`
		CREATE FUNCTION tk_building_occlusion(
			part geometry, pos geometry, mount_height_m float8, building_height_m float8, reach float8
		) RETURNS SETOF geometry LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE ROWS 3 AS $$
		DECLARE
			x float8 := ST_X(pos);
			y float8 := ST_Y(pos);
			clip box2d := ST_MakeBox2D(ST_MakePoint(x - reach, y - reach), ST_MakePoint(x + reach, y + reach));
			height_scale float8 := CASE WHEN building_height_m >= 0 AND building_height_m < mount_height_m
				THEN mount_height_m / (mount_height_m - building_height_m) END;
			dist float8 := ST_Distance(part, pos);
			hull geometry;
			s float8;
		BEGIN
			IF dist < 0.01 AND height_scale IS NULL THEN
				RETURN NEXT part;
				RETURN;
			END IF;
			hull := ST_ConvexHull(part);
			IF NOT ST_Intersects(hull, pos)
				AND ST_Area(hull) - ST_Area(ST_MakePolygon(ST_ExteriorRing(part))) <= 1 THEN
				s := least(height_scale, reach / dist);
				RETURN NEXT ST_ClipByBox2D(
					ST_ConvexHull(ST_Collect(part, ST_Translate(ST_Scale(ST_Translate(part, -x, -y), s, s), x, y))), clip);
				RETURN;
			END IF;
			RETURN NEXT part;
			RETURN QUERY
				SELECT ST_ClipByBox2D(
					ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY[
						ST_MakePoint(e.ax, e.ay), ST_MakePoint(e.bx, e.by),
						ST_MakePoint(x + f.s * (e.bx - x), y + f.s * (e.by - y)),
						ST_MakePoint(x + f.s * (e.ax - x), y + f.s * (e.ay - y)),
						ST_MakePoint(e.ax, e.ay)
					])), ST_SRID(part)), clip)
				FROM ST_DumpSegments(ST_ForcePolygonCCW(part)) d
				CROSS JOIN LATERAL (
					SELECT ST_X(ST_StartPoint(d.geom)) AS ax, ST_Y(ST_StartPoint(d.geom)) AS ay,
						ST_X(ST_EndPoint(d.geom)) AS bx, ST_Y(ST_EndPoint(d.geom)) AS by, ST_Distance(d.geom, pos) AS dist
				) e
				CROSS JOIN LATERAL (SELECT least(height_scale, reach / nullif(e.dist, 0)) AS s) f
				WHERE (e.bx - e.ax) * (y - e.ay) - (e.by - e.ay) * (x - e.ax)
						> 0.01 * sqrt((e.bx - e.ax) ^ 2 + (e.by - e.ay) ^ 2)
					AND e.dist < reach
					AND f.s > 1;
		END
		$$`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of functions) await statement.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	const signatures = [
		'tk_building_occlusion(geometry, geometry, float8, float8, float8)',
		'tk_polygonal(geometry)',
		'tk_camera_band(cameras, float8, float8)',
		'tk_camera_blind_zone(cameras)',
		'tk_camera_view_raw(cameras)',
		'tk_camera_band(geometry, float8, float8, float8, float8, float8, float8, text, float8, float8, float8, float8)',
		'tk_camera_blind_zone(geometry, float8, float8, float8, float8, float8, text, float8, float8)',
		'tk_camera_view_raw(geometry, float8, float8, float8, float8, float8, text, float8, float8)',
		'tk_sector_from_arc(geometry, geometry, float8, float8)',
		'tk_camera_true_arc(geometry, text, float8, float8, float8, float8)',
		'tk_grid_convergence(geometry)',
		'tk_camera_arc(text, float8, float8, float8, float8)',
		'tk_camera_reach(float8, float8, float8, float8)',
		'tk_camera_blind_radius(float8, float8, float8)',
		'tk_camera_density_distance(float8, float8, float8)',
		'tk_camera_vfov(float8)',
		'tk_camera_image_width_factor(float8)'
	];
	for (const signature of signatures) await sql.raw(`DROP FUNCTION ${signature}`).execute(db);
}
