import { describe, expect, it } from 'vitest';
import { levelTable } from '../../src/lib/camera/density-levels';
import {
	cameraGeometryInputSchema,
	type CameraGeometryInput,
	type PolygonRings,
	type Position,
	type Ring
} from '../../src/lib/camera/types';
import {
	ARC_STEP_DEG,
	cameraSweep,
	cameraViewGeometry,
	panSpanDeg,
	unitArc
} from '../../src/lib/camera/view-geometry';
import { fromUtm32, ringsToLonLat, toUtm32 } from '../../src/lib/geo/projection';

// On UTM zone 32's central meridian (9° E) grid north is true north, so bearings read directly.
const X = 500_000;
const Y = 6_175_000;

function camera(overrides: Partial<CameraGeometryInput> = {}): CameraGeometryInput {
	return {
		x: X,
		y: Y,
		mountHeightM: 5,
		azimuthDeg: 0,
		tiltDeg: 10,
		hfovDeg: 90,
		resolutionPx: 1920,
		maxRangeM: 50,
		kind: 'fixed',
		...overrides
	};
}

/** Shoelace, relative to the camera for precision; positive for counter-clockwise rings. */
function signedArea(ring: Ring): number {
	let sum = 0;
	for (let i = 0; i < ring.length - 1; i++) {
		const [x0, y0] = [ring[i][0] - X, ring[i][1] - Y];
		const [x1, y1] = [ring[i + 1][0] - X, ring[i + 1][1] - Y];
		sum += x0 * y1 - x1 * y0;
	}
	return sum / 2;
}

function area(rings: PolygonRings): number {
	return rings.reduce((a, ring) => a + signedArea(ring), 0);
}

function insideRing([px, py]: [number, number], ring: Ring): boolean {
	let inside = false;
	for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
		const [xi, yi] = ring[i];
		const [xj, yj] = ring[j];
		if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
	}
	return inside;
}

function contains(rings: PolygonRings | null, point: [number, number]): boolean {
	if (!rings) return false;
	return insideRing(point, rings[0]) && !rings.slice(1).some((hole) => insideRing(point, hole));
}

/** The ground point at a distance and azimuth (clockwise from north) from the camera. */
function at(distance: number, azimuthDeg: number): [number, number] {
	const a = (azimuthDeg * Math.PI) / 180;
	return [X + distance * Math.sin(a), Y + distance * Math.cos(a)];
}

describe('camera sweep', () => {
	it('centres a fixed camera on its azimuth, through north when needed', () => {
		expect(cameraSweep(camera())).toEqual({ startDeg: 315, spanDeg: 90, full: false });
		expect(cameraSweep(camera({ azimuthDeg: 359, hfovDeg: 10 }))).toEqual({
			startDeg: 354,
			spanDeg: 10,
			full: false
		});
		expect(cameraSweep(camera({ azimuthDeg: 180, hfovDeg: 360 })).full).toBe(true);
	});

	it('gives a dome the full circle whatever its azimuth', () => {
		expect(cameraSweep(camera({ kind: 'dome', azimuthDeg: 123 }))).toEqual({
			startDeg: 0,
			spanDeg: 360,
			full: true
		});
	});

	it('sweeps a PTZ camera over its pan range widened by half the HFOV each side', () => {
		expect(panSpanDeg(20, 80)).toBe(60);
		expect(panSpanDeg(300, 60)).toBe(120);
		expect(panSpanDeg(0, 360)).toBe(360);
		expect(panSpanDeg(100, 100)).toBe(360);
		const ptz = camera({ kind: 'ptz', hfovDeg: 40, panMinDeg: 300, panMaxDeg: 60, azimuthDeg: 0 });
		expect(cameraSweep(ptz)).toEqual({ startDeg: 280, spanDeg: 160, full: false });
		expect(cameraSweep({ ...ptz, panMinDeg: 10, panMaxDeg: 340 }).full).toBe(true);
	});
});

describe('arcs', () => {
	it(`steps at most ${ARC_STEP_DEG}° with evenly spaced vertices on the unit circle`, () => {
		expect(unitArc({ startDeg: 315, spanDeg: 90, full: false })).toHaveLength(46);
		const short = unitArc({ startDeg: 10, spanDeg: 3, full: false });
		expect(short).toHaveLength(3);
		expect(short[1][0]).toBeCloseTo(Math.sin((11.5 * Math.PI) / 180), 12);
		const arc = unitArc({ startDeg: 354, spanDeg: 10, full: false });
		expect(arc).toHaveLength(6);
		expect(arc[0][0]).toBeCloseTo(-Math.sin((6 * Math.PI) / 180), 12);
		expect(arc[5][0]).toBeCloseTo(Math.sin((4 * Math.PI) / 180), 12);
		for (const [ux, uy] of arc) expect(Math.hypot(ux, uy)).toBeCloseTo(1, 12);
	});

	it('closes the full circle exactly, starting from north', () => {
		const circle = unitArc({ startDeg: 0, spanDeg: 360, full: true });
		expect(circle).toHaveLength(181);
		expect(circle[0]).toEqual([0, 1]);
		expect(circle[180]).toEqual(circle[0]);
	});
});

describe('view geometry of a fixed camera', () => {
	// h 5 m, tilt 10°, hfov 90°: blind zone to 5 / tan(10° + 29.36°) = 6.096 m; the horizon is in
	// the image, so the view reaches max_range_m = 50 m.
	const geometry = cameraViewGeometry(camera(), levelTable());

	it('is the sector between the blind zone and the range', () => {
		expect(geometry.blindRadiusM).toBeCloseTo(6.0962586, 6);
		expect(geometry.reachM).toBe(50);
		const view = geometry.view!;
		expect(view).toHaveLength(1);
		// 46 outer + 46 inner vertices + the closing one
		expect(view[0]).toHaveLength(93);
		expect(view[0][0]).toEqual(view[0][92]);
		expect(view[0][0][0]).toBeCloseTo(X - 50 * Math.SQRT1_2, 9);
		expect(view[0][0][1]).toBeCloseTo(Y + 50 * Math.SQRT1_2, 9);
		// ½·(50² − r0²)·45·sin 2°
		expect(area(view)).toBeCloseTo(1933.9137893, 6);
		expect(signedArea(view[0])).toBeGreaterThan(0);
	});

	it('contains what is in front of the camera and nothing behind, beside, too near or too far', () => {
		expect(contains(geometry.view, at(20, 0))).toBe(true);
		expect(contains(geometry.view, at(20, 40))).toBe(true);
		expect(contains(geometry.view, at(20, 320))).toBe(true);
		expect(contains(geometry.view, at(20, 50))).toBe(false);
		expect(contains(geometry.view, at(20, 180))).toBe(false);
		expect(contains(geometry.view, at(5, 0))).toBe(false);
		expect(contains(geometry.view, at(51, 0))).toBe(false);
		expect(contains(geometry.blindZone, at(5, 0))).toBe(true);
		expect(contains(geometry.blindZone, at(7, 0))).toBe(false);
		expect(contains(geometry.blindZone, at(5, 180))).toBe(false);
	});

	it('has a band per level reached, innermost the highest, tiling the view', () => {
		// inspect (0.96 m) and identification (3.84 m) end inside the blind zone.
		expect(geometry.bands.map((b) => [b.levelId, b.minPpm])).toEqual([
			['recognition', 125],
			['observation', 62.5],
			['detection', 25],
			['monitor', 12.5]
		]);
		const [recognition, observation, detection, monitor] = geometry.bands.map((b) => b.rings);
		expect(contains(recognition, at(7, 0))).toBe(true);
		expect(contains(observation, at(7.6, 0))).toBe(false);
		expect(contains(observation, at(7.8, 0))).toBe(true);
		expect(contains(observation, at(15.3, 0))).toBe(true);
		expect(contains(detection, at(15.4, 0))).toBe(true);
		expect(contains(detection, at(38.3, 0))).toBe(true);
		expect(contains(monitor, at(38.5, 0))).toBe(true);
		expect(contains(monitor, at(49.9, 0))).toBe(true);
		const total = geometry.bands.reduce((sum, b) => sum + area(b.rings), 0);
		expect(total).toBeCloseTo(area(geometry.view!), 6);
	});

	it('stops the view at the far edge of the image when the camera looks down steeply', () => {
		const steep = cameraViewGeometry(camera({ mountHeightM: 6, tiltDeg: 45 }), levelTable());
		expect(steep.blindRadiusM).toBeCloseTo(1.68, 10);
		expect(steep.reachM).toBeCloseTo(150 / 7, 10);
		expect(contains(steep.view, at(21, 0))).toBe(true);
		expect(contains(steep.view, at(22, 0))).toBe(false);
		expect(steep.bands.at(-1)!.levelId).toBe('detection');
	});

	it('has no blind zone when the image reaches the foot of the mast', () => {
		const down = cameraViewGeometry(camera({ tiltDeg: 80, hfovDeg: 60 }), levelTable());
		expect(down.blindRadiusM).toBe(0);
		expect(down.blindZone).toBeNull();
		// A pie slice: the camera's foot is a vertex.
		expect(down.view![0]).toContainEqual([X, Y]);
		expect(down.bands[0].levelId).toBe('inspect');
	});

	it('sees nothing when the blind zone reaches past the range', () => {
		// h 10 m, tilt 0°, hfov 10°: the near edge of the image meets the ground at 203 m.
		const flat = cameraViewGeometry(
			camera({ mountHeightM: 10, tiltDeg: 0, hfovDeg: 10, maxRangeM: 100 }),
			levelTable()
		);
		expect(flat.blindRadiusM).toBeCloseTo(203.2009298, 6);
		expect(flat.view).toBeNull();
		expect(flat.bands).toEqual([]);
		expect(contains(flat.blindZone, at(99, 0))).toBe(true);
	});

	it('wraps through north for an azimuth of 359°', () => {
		const north = cameraViewGeometry(camera({ azimuthDeg: 359, hfovDeg: 10 }), levelTable());
		expect(contains(north.view, at(30, 3))).toBe(true);
		expect(contains(north.view, at(30, 355))).toBe(true);
		expect(contains(north.view, at(30, 5))).toBe(false);
		expect(contains(north.view, at(30, 353))).toBe(false);
	});
});

describe('view geometry of domes and PTZ cameras', () => {
	it('gives a dome an annulus: exterior counter-clockwise, hole clockwise', () => {
		const dome = cameraViewGeometry(camera({ kind: 'dome', azimuthDeg: 77 }), levelTable());
		const view = dome.view!;
		expect(view).toHaveLength(2);
		expect(view[0]).toHaveLength(181);
		expect(view[1]).toHaveLength(181);
		expect(signedArea(view[0])).toBeGreaterThan(0);
		expect(signedArea(view[1])).toBeLessThan(0);
		for (const azimuth of [0, 90, 200, 359]) {
			expect(contains(view, at(30, azimuth))).toBe(true);
			expect(contains(view, at(3, azimuth))).toBe(false);
			expect(contains(dome.blindZone, at(3, azimuth))).toBe(true);
		}
		// ½·(50² − r0²)·180·sin 2°
		expect(area(view)).toBeCloseTo(0.5 * (2500 - dome.blindRadiusM ** 2) * 180 * Math.sin(Math.PI / 90), 6);
		// Density from the image's own HFOV: the same distances as a fixed 90° camera.
		expect(dome.bands.map((b) => b.levelId)).toEqual(['recognition', 'observation', 'detection', 'monitor']);
	});

	it('gives a dome looking straight down a disc', () => {
		const dome = cameraViewGeometry(camera({ kind: 'dome', tiltDeg: 90, hfovDeg: 360 }), levelTable());
		expect(dome.blindZone).toBeNull();
		expect(dome.view).toHaveLength(1);
		expect(contains(dome.view, at(0.5, 10))).toBe(true);
	});

	it('covers a PTZ pan range that wraps through north', () => {
		const ptz = cameraViewGeometry(
			camera({ kind: 'ptz', hfovDeg: 40, panMinDeg: 300, panMaxDeg: 60, azimuthDeg: 150 }),
			levelTable()
		);
		for (const azimuth of [285, 300, 330, 0, 30, 75]) expect(contains(ptz.view, at(30, azimuth))).toBe(true);
		for (const azimuth of [275, 85, 150, 180]) expect(contains(ptz.view, at(30, azimuth))).toBe(false);
	});

	it('gives a PTZ camera that pans all the way round an annulus', () => {
		const ptz = cameraViewGeometry(
			camera({ kind: 'ptz', hfovDeg: 30, panMinDeg: 0, panMaxDeg: 360 }),
			levelTable('seven-level')
		);
		expect(ptz.view).toHaveLength(2);
		// 2·tan(15°) spreads 1920 px thinly: level 2 (40 ppm) lasts to 89.6 m, beyond the 50 m range.
		expect(ptz.bands.map((b) => b.levelId)).toEqual(['level-4', 'level-3', 'level-2']);
	});
});

describe('projection for the planning map', () => {
	it('converts lon/lat to EPSG:25832 as PostGIS does, and back', () => {
		// ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 25832) in PostGIS 3.3 / PROJ 9
		const cases: [Position, Position][] = [
			[
				[12.568, 55.676],
				[724333.6481445499, 6175791.929947535]
			],
			[
				[9.918, 57.048],
				[555693.7619726985, 6323103.479737895]
			]
		];
		for (const [lonLat, utm] of cases) {
			const [x, y] = toUtm32(lonLat);
			expect(x).toBeCloseTo(utm[0], 3);
			expect(y).toBeCloseTo(utm[1], 3);
			const [lon, lat] = fromUtm32(utm);
			expect(lon).toBeCloseTo(lonLat[0], 9);
			expect(lat).toBeCloseTo(lonLat[1], 9);
		}
	});

	it('turns a view computed in metres into lon/lat rings for the map', () => {
		const [x, y] = toUtm32([12.568, 55.676]);
		const view = cameraViewGeometry(camera({ x, y }), levelTable()).view!;
		const rings = ringsToLonLat(view);
		expect(rings[0]).toHaveLength(view[0].length);
		for (const [lon, lat] of rings[0]) {
			expect(Math.abs(lon - 12.568)).toBeLessThan(0.001);
			expect(Math.abs(lat - 55.676)).toBeLessThan(0.001);
		}
	});
});

describe('placement input', () => {
	it('accepts a placement within the cameras table’s limits', () => {
		expect(cameraGeometryInputSchema.parse(camera())).toEqual(camera());
		const ptz = camera({ kind: 'ptz', panMinDeg: 300, panMaxDeg: 60 });
		expect(cameraGeometryInputSchema.parse(ptz)).toEqual(ptz);
	});

	it.each([
		[{ x: Number.NaN }, 'x'],
		[{ y: 55.676 }, 'y'],
		[{ mountHeightM: 0 }, 'mountHeightM'],
		[{ azimuthDeg: 360 }, 'azimuthDeg'],
		[{ tiltDeg: -1 }, 'tiltDeg'],
		[{ hfovDeg: 0 }, 'hfovDeg'],
		[{ resolutionPx: 1920.5 }, 'resolutionPx'],
		[{ maxRangeM: 2500 }, 'maxRangeM'],
		[{ kind: 'ptz' }, 'panMinDeg'],
		[{ panMinDeg: 10, panMaxDeg: 20 }, 'panMinDeg']
	] as [Partial<CameraGeometryInput>, string][])('refuses %o, naming %s', (overrides, field) => {
		const result = cameraGeometryInputSchema.safeParse(camera(overrides));
		expect(result.success).toBe(false);
		expect(result.error!.issues[0].path).toEqual([field]);
	});
});

describe('true and grid north', () => {
	it('turns a true azimuth by the meridian convergence at the camera', () => {
		const copenhagen = toUtm32([12.5683, 55.6761]);
		// PostGIS puts true north at grid bearing 357.05° there (ST_Project + ST_Transform).
		const sweep = cameraSweep(camera({ x: copenhagen[0], y: copenhagen[1], azimuthDeg: 0, hfovDeg: 10 }));
		expect(sweep.startDeg + sweep.spanDeg / 2).toBeCloseTo(357.05, 1);
		const west = toUtm32([8.1, 55.5]);
		const sweepWest = cameraSweep(camera({ x: west[0], y: west[1], azimuthDeg: 90, hfovDeg: 10 }));
		expect(sweepWest.startDeg + sweepWest.spanDeg / 2).toBeCloseTo(90.74, 1);
	});
});
