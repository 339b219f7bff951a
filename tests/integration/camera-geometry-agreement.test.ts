// The planning map draws views with src/lib/camera/view-geometry.ts while PostGIS stores them
// with the tk_camera_* functions: over a grid of cameras, both must give the same view, blind
// zone and every density band (Hausdorff distance under 0.5 m; in fact they share every vertex).
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { levelTables } from '../../src/lib/camera/density-levels';
import type { CameraGeometryInput, PolygonRings } from '../../src/lib/camera/types';
import { cameraViewGeometry } from '../../src/lib/camera/view-geometry';
import { testDb } from './db';

const TOLERANCE_M = 0.5;

interface Pan {
	min: number | null;
	max: number | null;
}

const positions: [number, number][] = [
	[724_650.25, 6_175_420.5], // København
	[556_870, 6_322_610.75], // Aalborg
	[870_100.5, 6_130_000] // far east of zone 32 (Bornholm's neighbourhood in 25832)
];
const azimuths = [0, 90, 211.7, 359];
const tilts = [0, 12, 35, 60, 90];
const hfovs = [10, 33.3, 60, 90, 120];
const heights = [2.5, 6, 15];
const resolutions = [640, 1920, 3840];
const ranges = [20, 75, 400];
const pans: Pan[] = [
	{ min: 45, max: 135 },
	{ min: 300, max: 60 }, // wraps through north
	{ min: 350, max: 10 }, // wraps, narrow
	{ min: 0, max: 360 }, // the full circle
	{ min: 10, max: 340 } // with the HFOV, more than a full circle
];

/** Every value of every parameter occurs, in changing combinations (strides coprime to the list lengths). */
function grid(count: number): CameraGeometryInput[] {
	const pick = <T>(list: T[], i: number, stride: number) =>
		list[(i * stride + Math.floor(i / list.length)) % list.length];
	const cameras: CameraGeometryInput[] = [];
	for (let i = 0; i < count; i++) {
		const kind = (['fixed', 'dome', 'ptz'] as const)[i % 3];
		const pan = kind === 'ptz' ? pick(pans, i, 3) : { min: null, max: null };
		const [x, y] = pick(positions, i, 2);
		cameras.push({
			x,
			y,
			kind,
			azimuthDeg: pick(azimuths, i, 3),
			tiltDeg: pick(tilts, i, 7),
			hfovDeg: pick(hfovs, i, 3),
			mountHeightM: pick(heights, i, 5),
			resolutionPx: pick(resolutions, i, 7),
			maxRangeM: pick(ranges, i, 11),
			panMinDeg: pan.min,
			panMaxDeg: pan.max
		});
	}
	return cameras;
}

const special: CameraGeometryInput[] = [
	// 360° dome and a 200° panoramic fixed camera (equidistant images)
	{ ...grid(1)[0], kind: 'dome', hfovDeg: 360, tiltDeg: 90 },
	{ ...grid(1)[0], kind: 'fixed', hfovDeg: 200, tiltDeg: 20, azimuthDeg: 359 },
	// blind zone past the range: no view, a blind zone to the range
	{ ...grid(1)[0], kind: 'fixed', hfovDeg: 10, tiltDeg: 0, mountHeightM: 15, maxRangeM: 75 },
	// straight down: a pie slice without blind zone, cut by the far edge
	{ ...grid(1)[0], kind: 'fixed', hfovDeg: 120, tiltDeg: 90, mountHeightM: 15, maxRangeM: 400 },
	{ ...grid(1)[0], kind: 'ptz', hfovDeg: 12.5, panMinDeg: 359, panMaxDeg: 1, azimuthDeg: 0 },
	{ ...grid(1)[0], kind: 'ptz', hfovDeg: 60, panMinDeg: 100, panMaxDeg: 100, azimuthDeg: 0 }
];

interface Comparison {
	camera: number;
	what: string;
	ts: string | null;
	/** Vertices of the TS polygon. */
	points: number;
	min_ppm: number | null;
	max_ppm: number | null;
}

function geoJson(rings: PolygonRings | null): string | null {
	return rings ? JSON.stringify({ type: 'Polygon', coordinates: rings }) : null;
}

function comparisons(cameras: CameraGeometryInput[]): Comparison[] {
	const rows: Comparison[] = [];
	cameras.forEach((camera, index) => {
		const push = (what: string, rings: PolygonRings | null, minPpm: number | null, maxPpm: number | null) =>
			rows.push({
				camera: index,
				what,
				ts: geoJson(rings),
				points: rings ? rings.reduce((n, r) => n + r.length, 0) : 0,
				min_ppm: minPpm,
				max_ppm: maxPpm
			});
		for (const table of levelTables) {
			const geometry = cameraViewGeometry(camera, table);
			if (table === levelTables[0]) {
				push('view', geometry.view, null, null);
				push('blind zone', geometry.blindZone, null, null);
			}
			table.levels.forEach((level, i) => {
				const band = geometry.bands.find((b) => b.levelId === level.id);
				push(`${table.id}/${level.id}`, band?.rings ?? null, level.ppm, i ? table.levels[i - 1].ppm : null);
			});
		}
	});
	return rows;
}

interface Result {
	camera: number;
	what: string;
	ts_null: boolean;
	sql_null: boolean;
	distance: number | null;
	ts_points: number;
	sql_points: number | null;
}

async function compare(cameras: CameraGeometryInput[]): Promise<Result[]> {
	const params = cameras.map((c, i) => ({
		camera: i,
		x: c.x,
		y: c.y,
		h: c.mountHeightM,
		azimuth: c.azimuthDeg,
		tilt: c.tiltDeg,
		hfov: c.hfovDeg,
		px: c.resolutionPx,
		range: c.maxRangeM,
		kind: c.kind,
		pan_min: c.panMinDeg,
		pan_max: c.panMaxDeg
	}));
	const r = await sql<Result>`
		WITH cam AS (
			SELECT c.*, ST_SetSRID(ST_MakePoint(c.x, c.y), 25832) AS pos
			FROM json_to_recordset(${JSON.stringify(params)}::json) AS c(camera integer, x float8, y float8,
				h float8, azimuth float8, tilt float8, hfov float8, px float8, range float8, kind text,
				pan_min float8, pan_max float8)
		),
		pair AS (
			SELECT k.camera, k.what, k.points, ST_SetSRID(ST_GeomFromGeoJSON(k.ts), 25832) AS ts,
				CASE k.what
					WHEN 'view' THEN tk_camera_view_raw(c.pos, c.h, c.azimuth, c.tilt, c.hfov, c.range, c.kind, c.pan_min, c.pan_max)
					WHEN 'blind zone' THEN tk_camera_blind_zone(c.pos, c.h, c.azimuth, c.tilt, c.hfov, c.range, c.kind, c.pan_min, c.pan_max)
					ELSE tk_camera_band(c.pos, c.h, c.azimuth, c.tilt, c.hfov, c.px, c.range, c.kind, c.pan_min, c.pan_max, k.min_ppm, k.max_ppm)
				END AS db
			FROM json_to_recordset(${JSON.stringify(comparisons(cameras))}::json)
				AS k(camera integer, what text, ts text, points integer, min_ppm float8, max_ppm float8)
			JOIN cam c ON c.camera = k.camera
		)
		SELECT camera, what, ts IS NULL AS ts_null, db IS NULL AS sql_null, ST_HausdorffDistance(ts, db) AS distance,
			points AS ts_points, ST_NPoints(db) AS sql_points
		FROM pair ORDER BY camera, what
	`.execute(testDb());
	return r.rows;
}

function describeCamera(c: CameraGeometryInput): string {
	return JSON.stringify(c);
}

describe('TypeScript and PostGIS camera geometry', () => {
	it('agree on view, blind zone and every band over a grid of cameras', async () => {
		const cameras = [...grid(330), ...special];
		const results: Result[] = [];
		for (let i = 0; i < cameras.length; i += 60) {
			const batch = await compare(cameras.slice(i, i + 60));
			results.push(...batch.map((r) => ({ ...r, camera: r.camera + i })));
		}
		expect(results).toHaveLength(cameras.length * (2 + levelTables.reduce((n, t) => n + t.levels.length, 0)));

		for (const r of results) {
			const label = `${r.what} of ${describeCamera(cameras[r.camera])}`;
			expect(r.sql_null, label).toBe(r.ts_null);
			if (r.ts_null) continue;
			expect(r.distance, label).toBeLessThan(TOLERANCE_M);
			expect(r.sql_points, label).toBe(r.ts_points);
		}

		// The grid is not trivial: it has every kind of outcome.
		const present = results.filter((r) => !r.ts_null);
		expect(present.length).toBeGreaterThan(1500);
		expect(results.filter((r) => r.what === 'view' && r.ts_null).length).toBeGreaterThan(0);
		expect(results.filter((r) => r.what === 'blind zone' && r.ts_null).length).toBeGreaterThan(0);
		expect(new Set(present.map((r) => r.what)).size).toBe(2 + 13);
		expect(Math.max(...present.map((r) => r.distance!))).toBeLessThan(1e-6);
	});

	it('covers every kind, the wrapping pan ranges, and azimuths 0 and 359', () => {
		const cameras = grid(330);
		expect(new Set(cameras.map((c) => c.kind))).toEqual(new Set(['fixed', 'dome', 'ptz']));
		const ptzPans = new Set(
			cameras.filter((c) => c.kind === 'ptz').map((c) => `${c.panMinDeg}-${c.panMaxDeg}`)
		);
		expect(ptzPans).toEqual(new Set(pans.map((p) => `${p.min}-${p.max}`)));
		for (const [list, key] of [
			[azimuths, 'azimuthDeg'],
			[tilts, 'tiltDeg'],
			[hfovs, 'hfovDeg'],
			[heights, 'mountHeightM'],
			[resolutions, 'resolutionPx'],
			[ranges, 'maxRangeM']
		] as const) {
			expect(new Set(cameras.map((c) => c[key])), key).toEqual(new Set(list));
		}
	});
});
