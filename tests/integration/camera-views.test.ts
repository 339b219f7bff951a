import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { levelTable, levelTables } from '../../src/lib/camera/density-levels';
import type { CameraGeometryInput } from '../../src/lib/camera/types';
import { cameraViewGeometry } from '../../src/lib/camera/view-geometry';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import { seedDemoBuildingsIfEmpty } from '../../src/lib/server/buildings/demo';
import { BuildingImportError, importBuildings } from '../../src/lib/server/buildings/import';
import {
	previewCameraView,
	recomputeCameraViews,
	recomputeViewsNear
} from '../../src/lib/server/cameras/views';
import type { Database } from '../../src/lib/server/db/schema';
import { databaseUrl, testDb } from './db';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => join(repoRoot, 'tests', 'fixtures', 'buildings', name);

// Test cameras stand around this point in central København (EPSG:25832).
const X = 724_500;
const Y = 6_175_500;

type CameraSpec = Partial<CameraGeometryInput>;

const defaults: CameraGeometryInput = {
	x: X,
	y: Y,
	mountHeightM: 5,
	azimuthDeg: 0,
	tiltDeg: 10,
	hfovDeg: 90,
	resolutionPx: 1920,
	maxRangeM: 60,
	kind: 'fixed'
};

async function addCameras(specs: CameraSpec[]): Promise<string[]> {
	const rows = specs.map((s, ord) => {
		const c = { ...defaults, ...s };
		return {
			ord,
			x: c.x,
			y: c.y,
			h: c.mountHeightM,
			azimuth: c.azimuthDeg,
			tilt: c.tiltDeg,
			hfov: c.hfovDeg,
			px: c.resolutionPx,
			range: c.maxRangeM,
			kind: c.kind,
			pan_min: c.panMinDeg ?? null,
			pan_max: c.panMaxDeg ?? null
		};
	});
	const r = await sql<{ id: string }>`
		INSERT INTO cameras (municipality_code, name, geom, mount_height_m, azimuth_deg, tilt_deg, hfov_deg,
			resolution_px, max_range_m, kind, pan_min_deg, pan_max_deg, owner_type, operator_name, purpose,
			legal_basis, retention_days, status)
		SELECT 101, 'test camera ' || ord, ST_SetSRID(ST_MakePoint(c.x, c.y), 25832), c.h, c.azimuth, c.tilt, c.hfov,
			c.px, c.range, c.kind, c.pan_min, c.pan_max, 'municipality', 'Københavns Kommune', 'test', '§ 2 a', 30,
			'proposed'
		FROM json_to_recordset(${JSON.stringify(rows)}::json) AS c(ord integer, x float8, y float8, h real,
			azimuth real, tilt real, hfov real, px integer, range real, kind text, pan_min real, pan_max real)
		ORDER BY ord
		RETURNING id
	`.execute(testDb());
	return r.rows.map((row) => row.id);
}

async function addCamera(spec: CameraSpec = {}): Promise<string> {
	return (await addCameras([spec]))[0];
}

/** A building from its corners in EPSG:25832 (one ring, or several rings: exterior then holes). */
async function addBuilding(rings: [number, number][][], heightM: number | null = null): Promise<void> {
	const geometry = JSON.stringify({
		type: 'Polygon',
		coordinates: rings.map((ring) => [...ring, ring[0]])
	});
	await sql`
		INSERT INTO buildings (source, height_m, geom)
		VALUES ('test', ${heightM}, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${geometry}), 25832)))
	`.execute(testDb());
}

function box(x0: number, y0: number, x1: number, y1: number): [number, number][] {
	return [
		[x0, y0],
		[x1, y0],
		[x1, y1],
		[x0, y1]
	];
}

/** Whether each point (metres east and north of the camera) lies in the stored view. */
async function seen(cameraId: string, points: [number, number][], x = X, y = Y): Promise<boolean[]> {
	const r = await sql<{ seen: boolean }>`
		SELECT coalesce(ST_Intersects(v.view, ST_SetSRID(ST_MakePoint(${x}::float8 + p.dx, ${y}::float8 + p.dy), 25832)), false) AS seen
		FROM json_to_recordset(${JSON.stringify(points.map(([dx, dy], ord) => ({ ord, dx, dy })))}::json) AS p(ord integer, dx float8, dy float8)
		CROSS JOIN camera_views v
		WHERE v.camera_id = ${cameraId}
		ORDER BY p.ord
	`.execute(testDb());
	return r.rows.map((row) => row.seen);
}

async function viewArea(cameraId: string): Promise<number | null> {
	const r = await sql<{ area: number | null }>`
		SELECT ST_Area(view) AS area FROM camera_views WHERE camera_id = ${cameraId}
	`.execute(testDb());
	return r.rows[0].area;
}

async function rawArea(cameraId: string): Promise<number> {
	const r = await sql<{
		area: number;
	}>`SELECT ST_Area(tk_camera_view_raw(c)) AS area FROM cameras c WHERE id = ${cameraId}`.execute(testDb());
	return r.rows[0].area;
}

/** A Kysely on the test database that records every statement it sends. */
function countingDb(): { db: Kysely<Database>; statements: string[] } {
	const statements: string[] = [];
	const db = new Kysely<Database>({
		dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl(), max: 1 }) }),
		log: (event) => {
			if (event.level === 'query') statements.push(event.query.sql);
		}
	});
	return { db, statements };
}

beforeEach(async () => {
	await loadDemoBoundaries(testDb());
});

describe('recomputeCameraViews', () => {
	it('stores views and bands of every level table for many cameras with one statement', async () => {
		const specs: CameraSpec[] = [];
		for (let i = 0; i < 120; i++) {
			specs.push({
				x: X + (i % 12) * 40,
				y: Y + Math.floor(i / 12) * 40,
				kind: (['fixed', 'dome', 'ptz'] as const)[i % 3],
				azimuthDeg: (i * 37) % 360,
				panMinDeg: i % 3 === 2 ? (i * 13) % 360 : null,
				panMaxDeg: i % 3 === 2 ? (i * 29) % 360 : null,
				hfovDeg: 30 + (i % 5) * 20,
				tiltDeg: 5 + (i % 4) * 10,
				maxRangeM: 40 + (i % 3) * 30
			});
		}
		const ids = await addCameras(specs);
		await addBuilding([box(X + 10, Y + 15, X + 25, Y + 30)]);

		const { db, statements } = countingDb();
		try {
			expect(await recomputeCameraViews(db, ids)).toBe(120);
			const writes = statements.filter((s) => /camera_views|camera_view_bands/.test(s));
			expect(writes).toHaveLength(1);

			statements.length = 0;
			expect(await recomputeCameraViews(db, ids.slice(0, 1))).toBe(1);
			const fewer = statements.length;
			statements.length = 0;
			expect(await recomputeCameraViews(db, 'all')).toBe(120);
			// The same statements for 1 camera as for all of them: nothing runs per camera.
			expect(statements.length).toBe(fewer);
		} finally {
			await db.destroy();
		}

		const stored = await sql<{ views: number; tables: string[]; srid: number; valid: boolean }>`
			SELECT count(DISTINCT v.camera_id)::integer AS views, array_agg(DISTINCT b.level_table ORDER BY b.level_table) AS tables,
				min(ST_SRID(v.view)) AS srid, bool_and(ST_IsValid(v.view) AND ST_IsValid(b.geom)) AS valid
			FROM camera_views v JOIN camera_view_bands b USING (camera_id)
		`.execute(testDb());
		expect(stored.rows[0]).toEqual({
			views: 120,
			tables: levelTables.map((t) => t.id).sort(),
			srid: 25832,
			valid: true
		});
	});

	it('returns 0 and touches nothing for no cameras', async () => {
		await addCamera();
		expect(await recomputeCameraViews(testDb(), [])).toBe(0);
		expect(await recomputeCameraViews(testDb(), ['not-a-uuid'])).toBe(0);
		expect(await testDb().selectFrom('camera_views').selectAll().execute()).toEqual([]);
	});

	it('leaves the raw view when there are no buildings, the same polygons as the browser draws', async () => {
		const specs: CameraSpec[] = [
			{},
			{ azimuthDeg: 359, hfovDeg: 12.5, tiltDeg: 3, maxRangeM: 200 },
			{ kind: 'dome', tiltDeg: 30, mountHeightM: 8 },
			{ kind: 'ptz', panMinDeg: 300, panMaxDeg: 60, hfovDeg: 40, tiltDeg: 20 }
		];
		const ids = await addCameras(specs);
		await recomputeCameraViews(testDb(), ids);
		for (const [i, id] of ids.entries()) {
			const camera = { ...defaults, ...specs[i] };
			const ts = cameraViewGeometry(camera, levelTable());
			const r = await sql<{ raw: number; ts: number }>`
				SELECT ST_HausdorffDistance(v.view, tk_camera_view_raw(c)) AS raw,
					ST_HausdorffDistance(v.view, ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify({ type: 'Polygon', coordinates: ts.view })}), 25832)) AS ts
				FROM camera_views v JOIN cameras c ON c.id = v.camera_id WHERE v.camera_id = ${id}
			`.execute(testDb());
			expect(r.rows[0].raw).toBe(0);
			expect(r.rows[0].ts).toBeLessThan(0.5);
		}
	});

	it('cuts the area behind a building out of the view, and keeps what is beside it', async () => {
		const id = await addCamera();
		// 10 m wide, 20 m north of the camera, which looks north with a 90° HFOV out to 60 m.
		await addBuilding([box(X - 5, Y + 20, X + 5, Y + 30)]);
		await recomputeCameraViews(testDb(), [id]);
		expect(
			await seen(id, [
				[0, 15], // in front of the building
				[0, 25], // inside it
				[0, 40], // behind it
				[2, 55], // far behind it
				[15, 40], // beside the shadow
				[-15, 40]
			])
		).toEqual([true, false, false, false, true, true]);
		// The shadow widens with distance: at 50 m it spans more than ±10 m.
		expect(
			await seen(id, [
				[11, 50],
				[-11, 50],
				[14, 50]
			])
		).toEqual([false, false, true]);

		const bands = await sql<{ level_id: string; hit: boolean }>`
			SELECT level_id, ST_Intersects(geom, ST_SetSRID(ST_MakePoint(${X}::float8, ${Y + 40}::float8), 25832)) AS hit
			FROM camera_view_bands WHERE camera_id = ${id}
		`.execute(testDb());
		expect(bands.rows.length).toBeGreaterThan(0);
		expect(bands.rows.filter((b) => b.hit)).toEqual([]);
	});

	it('lets a camera see over a building known to be lower, and not over a taller one', async () => {
		const [low, tall] = await addCameras([
			{ mountHeightM: 8, maxRangeM: 80 },
			{ x: X + 500, mountHeightM: 8, maxRangeM: 80 }
		]);
		// 4 m high, 20–30 m north of an 8 m camera: the roof edge's ground shadow is the footprint
		// scaled by 8 / (8 − 4) = 2 about the camera, so it ends 60 m straight ahead.
		await addBuilding([box(X - 5, Y + 20, X + 5, Y + 30)], 4);
		await addBuilding([box(X + 495, Y + 20, X + 505, Y + 30)], 12);
		await recomputeCameraViews(testDb(), 'all');
		expect(
			await seen(low, [
				[0, 40],
				[0, 55],
				[0, 65],
				[0, 75]
			])
		).toEqual([false, false, true, true]);
		// The line of sight through (5, 25) leaves the building there: hidden to 2 × that, seen beyond.
		expect(
			await seen(low, [
				[7.6, 38],
				[10.5, 52.5]
			])
		).toEqual([false, true]);
		expect(
			await seen(
				tall,
				[
					[0, 40],
					[10, 42],
					[0, 75]
				],
				X + 500
			)
		).toEqual([false, false, false]);
	});

	it('sees into the notch of an L-shaped building exactly, and into a courtyard only from inside it', async () => {
		// An L with arms along the south (y 5–15) and west (x 10–20) of a 60 × 60 m square; the
		// camera stands north-east of it, outside its convex hull, and looks south-west into the notch.
		const L = [
			[10, 5],
			[60, 5],
			[60, 15],
			[20, 15],
			[20, 60],
			[10, 60]
		] as const;
		const [notch, yard, outside] = await addCameras([
			{ x: X + 45, y: Y + 45, azimuthDeg: 225 },
			// In a 30 × 30 m courtyard, looking north.
			{ x: X + 300, tiltDeg: 30 },
			// South of the same block, looking at it.
			{ x: X + 300, y: Y - 30, tiltDeg: 30 }
		]);
		await addBuilding([L.map(([x, y]) => [X + x, Y + y] as [number, number])]);
		await addBuilding([box(X + 270, Y - 20, X + 330, Y + 40), box(X + 285, Y - 15, X + 315, Y + 15)]);
		await recomputeCameraViews(testDb(), 'all');
		const fromNotch = (points: [number, number][]) =>
			seen(
				notch,
				points.map(([x, y]) => [x - 45, y - 45]),
				X + 45,
				Y + 45
			);
		// In the notch, near its inner corner (22, 17) too: a convex hull would hide these.
		expect(
			await fromNotch([
				[30, 25],
				[22, 17],
				[35, 20]
			])
		).toEqual([true, true, true]);
		// Behind the south arm, behind the west arm, inside the building.
		expect(
			await fromNotch([
				[40, 0],
				[0, 40],
				[15, 30]
			])
		).toEqual([false, false, false]);
		// From the courtyard: its ground but nothing beyond the block.
		expect(
			await seen(
				yard,
				[
					[0, 10],
					[0, 50]
				],
				X + 300
			)
		).toEqual([true, false]);
		// From outside: the street in front, not the wall nor the courtyard behind it.
		expect(
			await seen(
				outside,
				[
					[0, 5],
					[0, 12],
					[0, 30]
				],
				X + 300,
				Y - 30
			)
		).toEqual([true, false, false]);
	});

	it('keeps the view of a camera mounted on the facade of a building', async () => {
		// The camera stands 0.5 m inside the footprint (digitised on the wall) and looks away from it.
		const id = await addCamera({ azimuthDeg: 180 });
		await addBuilding([box(X - 20, Y - 0.5, X + 20, Y + 20)]);
		await recomputeCameraViews(testDb(), [id]);
		expect(
			await seen(id, [
				[0, -20],
				[10, -30],
				[0, 5]
			])
		).toEqual([true, true, false]);
		expect(await viewArea(id)).toBeGreaterThan(0.95 * (await rawArea(id)));
	});

	it('cuts a dome camera’s annulus only behind the building', async () => {
		const id = await addCamera({ kind: 'dome', tiltDeg: 30 });
		await addBuilding([box(X + 20, Y - 5, X + 30, Y + 5)]);
		await recomputeCameraViews(testDb(), [id]);
		const around: [number, number][] = [
			[0, 30],
			[0, -30],
			[-30, 0],
			[21, 21],
			[21, -21]
		];
		expect(await seen(id, around)).toEqual([true, true, true, true, true]);
		expect(
			await seen(id, [
				[40, 0],
				[50, 5],
				[2, 2]
			])
		).toEqual([false, false, false]);
		const blind = await sql<{ hit: boolean }>`
			SELECT ST_Intersects(blind_zone, ST_SetSRID(ST_MakePoint(${X + 2}::float8, ${Y + 2}::float8), 25832)) AS hit
			FROM camera_views WHERE camera_id = ${id}
		`.execute(testDb());
		expect(blind.rows[0].hit).toBe(true);
	});

	it('stores bands that do not overlap and together make up the visible view', async () => {
		// 3840 px keeps 12.5 ppm out to 153 m, past the 60 m range: the bands cover the whole view.
		const ids = await addCameras([
			{ resolutionPx: 3840 },
			{ kind: 'dome', resolutionPx: 3840, tiltDeg: 40, x: X + 200 },
			{ kind: 'ptz', resolutionPx: 3840, panMinDeg: 350, panMaxDeg: 20, x: X + 400 }
		]);
		await addBuilding([box(X - 5, Y + 20, X + 5, Y + 30)]);
		await addBuilding([box(X + 215, Y - 10, X + 225, Y + 10)]);
		await addBuilding([box(X + 395, Y + 25, X + 420, Y + 28)]);
		await recomputeCameraViews(testDb(), ids);
		for (const table of levelTables) {
			const r = await sql<{
				camera_id: string;
				bands: number;
				overlap: number;
				symdiff: number;
				area: number;
			}>`
				SELECT v.camera_id, count(b.*)::integer AS bands,
					(SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, c.geom))), 0) FROM camera_view_bands a
						JOIN camera_view_bands c ON c.camera_id = a.camera_id AND c.level_table = a.level_table AND a.level_id < c.level_id
						WHERE a.camera_id = v.camera_id AND a.level_table = ${table.id}) AS overlap,
					ST_Area(ST_SymDifference(ST_Union(b.geom), v.view)) AS symdiff, ST_Area(v.view) AS area
				FROM camera_views v JOIN camera_view_bands b ON b.camera_id = v.camera_id AND b.level_table = ${table.id}
				GROUP BY v.camera_id, v.view
			`.execute(testDb());
			expect(r.rows).toHaveLength(3);
			for (const row of r.rows) {
				expect(row.bands, table.id).toBeGreaterThan(2);
				expect(row.overlap, table.id).toBeLessThan(0.01);
				expect(row.symdiff / row.area, table.id).toBeLessThan(1e-6);
			}
		}
		// Denser bands lie nearer the camera.
		const order = await sql<{ level_id: string; distance: number }>`
			SELECT level_id, ST_Distance(geom, ST_SetSRID(ST_MakePoint(${X}::float8, ${Y}::float8), 25832)) AS distance
			FROM camera_view_bands WHERE camera_id = ${ids[0]} AND level_table = 'en62676-4-2015' ORDER BY min_ppm DESC
		`.execute(testDb());
		const distances = order.rows.map((r) => r.distance);
		expect(distances).toEqual([...distances].sort((a, b) => a - b));
	});

	it('drops bands that are no longer reached', async () => {
		const id = await addCamera();
		await recomputeCameraViews(testDb(), [id]);
		const levels = async () =>
			(
				await testDb()
					.selectFrom('camera_view_bands')
					.select('level_id')
					.where('camera_id', '=', id)
					.where('level_table', '=', 'en62676-4-2015')
					.orderBy('min_ppm', 'desc')
					.execute()
			).map((r) => r.level_id);
		expect(await levels()).toEqual(['recognition', 'observation', 'detection', 'monitor']);
		await sql`UPDATE cameras SET max_range_m = 30 WHERE id = ${id}`.execute(testDb());
		await recomputeCameraViews(testDb(), [id]);
		expect(await levels()).toEqual(['recognition', 'observation', 'detection']);
	});
});

describe('recomputeViewsNear', () => {
	it('recomputes the cameras whose range reaches the area, and no others', async () => {
		const [near, far] = await addCameras([{}, { x: X + 1000 }]);
		await recomputeCameraViews(testDb(), 'all');
		const before = await testDb().selectFrom('camera_views').select(['camera_id', 'computed_at']).execute();
		await new Promise((resolve) => setTimeout(resolve, 10));

		await addBuilding([box(X - 5, Y + 20, X + 5, Y + 30)]);
		expect(await recomputeViewsNear(testDb(), [X - 5, Y + 20, X + 5, Y + 30])).toBe(1);
		expect(await seen(near, [[0, 40]])).toEqual([false]);
		const after = await testDb().selectFrom('camera_views').select(['camera_id', 'computed_at']).execute();
		const time = (rows: typeof before, id: string) =>
			rows.find((r) => r.camera_id === id)!.computed_at.getTime();
		expect(time(after, far)).toBe(time(before, far));
		expect(time(after, near)).toBeGreaterThan(time(before, near));

		// A GeoJSON geometry in EPSG:25832 works as well.
		const area = { type: 'Point', coordinates: [X + 1000, Y + 50] };
		expect(await recomputeViewsNear(testDb(), area)).toBe(1);
	});
});

describe('previewCameraView', () => {
	it('returns the occluded view of an unsaved placement as GeoJSON in EPSG:4326, in one query', async () => {
		await addBuilding([box(X - 5, Y + 20, X + 5, Y + 30)]);
		const { db, statements } = countingDb();
		try {
			const preview = await previewCameraView(db, { ...defaults }, 'seven-level');
			expect(statements).toHaveLength(1);
			expect(preview.view!.type).toBe('MultiPolygon');
			const [lon, lat] = preview.view!.coordinates[0][0][0];
			expect(lon).toBeGreaterThan(12.5);
			expect(lon).toBeLessThan(12.7);
			expect(lat).toBeGreaterThan(55.6);
			expect(lat).toBeLessThan(55.7);
			expect(preview.blindZone!.type).toBe('MultiPolygon');
			expect(preview.bands.map((b) => b.levelId)).toEqual(['level-4', 'level-3', 'level-2', 'level-1']);
			expect(preview.bands.map((b) => b.minPpm)).toEqual([125, 80, 40, 20]);

			const check = await sql<{ behind: boolean; beside: boolean }>`
				SELECT ST_Intersects(g, ST_SetSRID(ST_MakePoint(${X}::float8, ${Y + 40}::float8), 25832)) AS behind,
					ST_Intersects(g, ST_SetSRID(ST_MakePoint(${X + 15}::float8, ${Y + 40}::float8), 25832)) AS beside
				FROM (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(preview.view)}), 4326), 25832) AS g) x
			`.execute(testDb());
			expect(check.rows[0]).toEqual({ behind: false, beside: true });
		} finally {
			await db.destroy();
		}
		expect(await testDb().selectFrom('camera_views').selectAll().execute()).toEqual([]);
	});

	it('returns nulls and no bands when the camera sees nothing', async () => {
		const preview = await previewCameraView(
			testDb(),
			{ ...defaults, tiltDeg: 0, hfovDeg: 10, mountHeightM: 10, maxRangeM: 100 },
			'en62676-4-2015'
		);
		expect(preview.view).toBeNull();
		expect(preview.bands).toEqual([]);
		expect(preview.blindZone!.type).toBe('MultiPolygon');
		await expect(previewCameraView(testDb(), defaults, 'nope')).rejects.toThrow(
			/Unknown density level table/
		);
		await expect(
			previewCameraView(testDb(), { ...defaults, hfovDeg: Number.NaN }, 'seven-level')
		).rejects.toThrow(/hfovDeg/);
	});
});

describe('buildings import', () => {
	async function snapshot() {
		const buildings = await sql<{ n: number; sum: string | null }>`
			SELECT count(*)::integer AS n, md5(string_agg(ST_AsEWKB(geom)::text || coalesce(height_m::text, ''), ',' ORDER BY id)) AS sum
			FROM buildings
		`.execute(testDb());
		const views = await sql<{ sum: string | null }>`
			SELECT md5(string_agg(ST_AsEWKB(view)::text, ',' ORDER BY camera_id)) AS sum FROM camera_views
		`.execute(testDb());
		return { ...buildings.rows[0], views: views.rows[0].sum };
	}

	it('imports polygons with Z values in CRS84, repairs invalid ones and recomputes nearby views', async () => {
		const id = await addCamera();
		await recomputeCameraViews(testDb(), [id]);
		expect(await seen(id, [[0, 40]])).toEqual([true]);

		const report = await importBuildings(testDb(), { path: fixture('buildings-crs84-z.geojson') });
		expect(report.crs).toMatchObject({ srid: 4326, origin: 'assumed' });
		expect(report).toMatchObject({ featuresRead: 5, imported: 4, deleted: 0, withHeight: 2, residential: 2 });
		expect(report.skipped).toEqual([{ feature: 3, reason: 'the geometry is a Point, not a polygon' }]);
		expect(report.repairs.map((r) => r.feature)).toEqual([2]);
		expect(report.repairs[0].reason).toMatch(/Self-intersection/);
		expect(report.warnings).toEqual(['features[4]: height "tall" is not a height in metres; ignored']);
		expect(report.camerasRecomputed).toBe(1);

		const rows = await sql<{
			ref: string;
			height: number | null;
			residential: boolean;
			dims: number;
			srid: number;
			valid: boolean;
			parts: number;
		}>`
			SELECT source_ref AS ref, height_m AS height, is_residential AS residential, ST_NDims(geom) AS dims,
				ST_SRID(geom) AS srid, ST_IsValid(geom) AS valid, ST_NumGeometries(geom) AS parts
			FROM buildings ORDER BY source_ref
		`.execute(testDb());
		expect(rows.rows).toEqual([
			{ ref: 'A', height: 12, residential: true, dims: 2, srid: 25832, valid: true, parts: 1 },
			{ ref: 'B', height: null, residential: true, dims: 2, srid: 25832, valid: true, parts: 2 },
			{ ref: 'C', height: 8.5, residential: false, dims: 2, srid: 25832, valid: true, parts: 2 },
			{ ref: 'E', height: null, residential: false, dims: 2, srid: 25832, valid: true, parts: 1 }
		]);
		// Building A stands 20–30 m north of the camera, 20 m wide.
		expect(
			await seen(id, [
				[0, 40],
				[25, 40]
			])
		).toEqual([false, true]);
		const source = await testDb().selectFrom('buildings').select('source').distinct().execute();
		expect(source).toEqual([{ source: 'buildings-crs84-z.geojson' }]);
	});

	it('adds to the buildings, or replaces them with --replace', async () => {
		await importBuildings(testDb(), { path: fixture('buildings-crs84-z.geojson') });
		const added = await importBuildings(testDb(), { path: fixture('building-25832.geojson') });
		expect(added).toMatchObject({ imported: 1, deleted: 0 });
		expect(added.crs).toMatchObject({ srid: 25832, origin: 'file' });
		expect((await snapshot()).n).toBe(5);
		const replaced = await importBuildings(testDb(), {
			path: fixture('building-25832.geojson'),
			replace: true
		});
		expect(replaced).toMatchObject({ imported: 1, deleted: 5 });
		expect((await snapshot()).n).toBe(1);
	});

	it('refuses a bad file with a clear message and changes nothing', async () => {
		const id = await addCamera();
		await importBuildings(testDb(), { path: fixture('buildings-crs84-z.geojson') });
		const before = await snapshot();
		expect(before.n).toBe(4);

		const refused = (input: Parameters<typeof importBuildings>[1]) => importBuildings(testDb(), input);
		await expect(refused({ path: fixture('metres-without-crs.geojson'), replace: true })).rejects.toThrow(
			/coordinates look like metres .*--srs EPSG:25832/
		);
		await expect(
			refused({ path: fixture('metres-without-crs.geojson'), replace: true })
		).rejects.toBeInstanceOf(BuildingImportError);
		await expect(
			refused({ text: '{"type": "FeatureCollection", "features": [', source: 'cut.geojson' })
		).rejects.toThrow(/not JSON/);
		await expect(
			refused({ path: fixture('buildings-crs84-z.geojson'), srs: 'EPSG:25832', replace: true })
		).rejects.toThrow(/look like degrees/);
		await expect(refused({ path: fixture('does-not-exist.geojson') })).rejects.toThrow(/no such file/);
		// A bowtie alone leaves polygons after repair; a sliver leaves nothing.
		const sliver = JSON.stringify({
			type: 'FeatureCollection',
			crs: { type: 'name', properties: { name: 'EPSG:25832' } },
			features: [
				{
					type: 'Feature',
					properties: {},
					geometry: {
						type: 'Polygon',
						coordinates: [
							[
								[X, Y],
								[X + 10, Y],
								[X + 20, Y],
								[X, Y]
							]
						]
					}
				}
			]
		});
		await expect(refused({ text: sliver, source: 'sliver.geojson', replace: true })).rejects.toThrow(
			/No polygon of the file is left/
		);

		expect(await snapshot()).toEqual(before);
		expect(await viewArea(id)).not.toBeNull();
	});

	it('seeds the synthetic demo buildings once', async () => {
		const first = await seedDemoBuildingsIfEmpty(testDb());
		expect(first!.imported).toBeGreaterThan(10);
		expect(first!.source).toMatch(/^demo: synthetic/);
		expect(await seedDemoBuildingsIfEmpty(testDb())).toBeNull();
		const places = await sql<{ lon: number; lat: number }>`
			SELECT ST_X(p) AS lon, ST_Y(p) AS lat
			FROM (SELECT ST_Transform(ST_Centroid(ST_Collect(geom)), 4326) AS p FROM buildings GROUP BY source_ref LIKE 'kbh%') x
			ORDER BY lon
		`.execute(testDb());
		// Aalborg centre, then Rådhuspladsen/Strøget
		expect(places.rows[0].lon).toBeCloseTo(9.918, 2);
		expect(places.rows[0].lat).toBeCloseTo(57.048, 2);
		expect(places.rows[1].lon).toBeCloseTo(12.569, 2);
		expect(places.rows[1].lat).toBeCloseTo(55.676, 2);
	});
});
