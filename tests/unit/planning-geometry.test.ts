import { describe, expect, it } from 'vitest';
import type { MultiPolygon, Polygon } from 'geojson';
import { levelTable } from '../../src/lib/camera/density-levels';
import { cameraViewGeometry } from '../../src/lib/camera/view-geometry';
import { toUtm32 } from '../../src/lib/geo/projection';
import {
	angleBetween,
	bearingDeg,
	gridDestination as destination,
	distanceM,
	dragHandle,
	geometryInput,
	handlePositions,
	invalidOptics,
	liveFeatures,
	serverFeatures,
	type Proposal
} from '../../src/lib/map/planning-geometry';

// On UTM zone 32's central meridian (9° E) grid bearings are true bearings.
const [X, Y] = toUtm32([9, 55.6761]);

function proposal(overrides: Partial<Proposal> = {}): Proposal {
	return {
		x: X,
		y: Y,
		kind: 'fixed',
		mountHeightM: 5,
		azimuthDeg: 90,
		tiltDeg: 15,
		hfovDeg: 80,
		resolutionPx: 1920,
		maxRangeM: 40,
		panMinDeg: 300,
		panMaxDeg: 60,
		...overrides
	};
}

function close(a: [number, number], b: [number, number], digits = 6) {
	expect(a[0]).toBeCloseTo(b[0], digits);
	expect(a[1]).toBeCloseTo(b[1], digits);
}

describe('bearings and distances in metres', () => {
	it('measures clockwise from north', () => {
		expect(bearingDeg([0, 0], [0, 10])).toBe(0);
		expect(bearingDeg([0, 0], [10, 0])).toBe(90);
		expect(bearingDeg([0, 0], [0, -10])).toBe(180);
		expect(bearingDeg([0, 0], [-10, 0])).toBe(270);
		expect(bearingDeg([0, 0], [-1, 1])).toBeCloseTo(315, 9);
		expect(distanceM([0, 0], [3, 4])).toBe(5);
	});

	it('goes back where it came from', () => {
		for (const bearing of [0, 37, 90, 181, 359]) {
			const to = destination([X, Y], bearing, 25);
			expect(bearingDeg([X, Y], to)).toBeCloseTo(bearing, 6);
			expect(distanceM([X, Y], to)).toBeCloseTo(25, 6);
		}
	});

	it('takes the smaller angle between two directions, also across north', () => {
		expect(angleBetween(10, 350)).toBe(20);
		expect(angleBetween(350, 10)).toBe(20);
		expect(angleBetween(0, 180)).toBe(180);
		expect(angleBetween(90, 45)).toBe(45);
	});
});

describe('handles', () => {
	it('puts the aim, the image edge and the range of a fixed camera where they belong', () => {
		const h = handlePositions(proposal());
		close(h.camera!, [X, Y]);
		close(h.aim!, [X + 20, Y]);
		close(h.range!, [X + 40, Y]);
		expect(bearingDeg([X, Y], h.fov!)).toBeCloseTo(130, 6);
		expect(distanceM([X, Y], h.fov!)).toBeCloseTo(32, 6);
		expect(h.panMin).toBeUndefined();
	});

	it('gives a dome only the camera and its range', () => {
		expect(Object.keys(handlePositions(proposal({ kind: 'dome' }))).sort()).toEqual(['camera', 'range']);
	});

	it('gives a PTZ camera the ends of its pan range and its range in the middle, also across north', () => {
		const h = handlePositions(proposal({ kind: 'ptz', panMinDeg: 300, panMaxDeg: 60 }));
		expect(bearingDeg([X, Y], h.panMin!)).toBeCloseTo(300, 6);
		expect(bearingDeg([X, Y], h.panMax!)).toBeCloseTo(60, 6);
		expect(angleBetween(bearingDeg([X, Y], h.range!), 0)).toBeCloseTo(0, 6);
		expect(bearingDeg([X, Y], h.fov!)).toBeCloseTo(100, 6);
		expect(h.aim).toBeUndefined();
	});

	it('leaves out what it cannot place while a value is blank', () => {
		expect(Object.keys(handlePositions(proposal({ maxRangeM: null })))).toEqual(['camera']);
	});
});

describe('dragging a handle', () => {
	const p = proposal();

	it('moves the camera', () => {
		expect(dragHandle(p, 'camera', [X + 3, Y - 4])).toEqual({ x: X + 3, y: Y - 4 });
	});

	it('turns the camera to the handle, in whole degrees', () => {
		expect(dragHandle(p, 'aim', destination([X, Y], 201.4, 10))).toEqual({ azimuthDeg: 201 });
		expect(dragHandle(p, 'aim', destination([X, Y], 359.7, 10))).toEqual({ azimuthDeg: 0 });
	});

	it('sets the range to the handle’s distance, within the register’s limits', () => {
		expect(dragHandle(p, 'range', [X + 72.4, Y])).toEqual({ maxRangeM: 72 });
		expect(dragHandle(p, 'range', [X, Y])).toEqual({ maxRangeM: 1 });
		expect(dragHandle(p, 'range', [X + 5000, Y])).toEqual({ maxRangeM: 2000 });
	});

	it('widens the field of view symmetrically about the aim, on either side', () => {
		expect(dragHandle(p, 'fov', destination([X, Y], 120, 10))).toEqual({ hfovDeg: 60 });
		expect(dragHandle(p, 'fov', destination([X, Y], 60, 10))).toEqual({ hfovDeg: 60 });
		expect(dragHandle(p, 'fov', destination([X, Y], 270, 10))).toEqual({ hfovDeg: 360 });
		expect(dragHandle(p, 'fov', destination([X, Y], 90, 10))).toEqual({ hfovDeg: 1 });
	});

	it('sets a PTZ camera’s field of view from the end of its pan range, and its pan ends', () => {
		const ptz = proposal({ kind: 'ptz', panMinDeg: 300, panMaxDeg: 60 });
		expect(dragHandle(ptz, 'fov', destination([X, Y], 85, 10))).toEqual({ hfovDeg: 50 });
		expect(dragHandle(ptz, 'panMin', destination([X, Y], 280, 10))).toEqual({ panMinDeg: 280 });
		expect(dragHandle(ptz, 'panMax', destination([X, Y], 75, 10))).toEqual({ panMaxDeg: 75 });
	});
});

describe('values the register would refuse', () => {
	it('names them and draws nothing', () => {
		const p = proposal({ mountHeightM: 0, azimuthDeg: 360, resolutionPx: 1920.5, maxRangeM: null });
		expect(invalidOptics(p)).toEqual(['mountHeightM', 'azimuthDeg', 'resolutionPx', 'maxRangeM']);
		expect(geometryInput(p)).toBeNull();
	});

	it('asks a PTZ camera for its pan range and a dome for no direction', () => {
		expect(invalidOptics(proposal({ kind: 'ptz', panMinDeg: null }))).toEqual(['panMinDeg']);
		expect(invalidOptics(proposal({ kind: 'dome', azimuthDeg: null }))).toEqual([]);
		expect(geometryInput(proposal({ kind: 'dome', azimuthDeg: null }))?.azimuthDeg).toBe(0);
	});

	it('passes the pan range on for PTZ cameras only', () => {
		expect(geometryInput(proposal())).toMatchObject({ panMinDeg: null, panMaxDeg: null });
		expect(geometryInput(proposal({ kind: 'ptz' }))).toMatchObject({ panMinDeg: 300, panMaxDeg: 60 });
	});
});

describe('the live and the server view on the map', () => {
	const table = levelTable('en62676-4-2015');
	const geometry = cameraViewGeometry(geometryInput(proposal())!, table);
	const live = liveFeatures(geometry);
	const liveView = live.features.find((f) => f.properties.part === 'view')!.geometry as Polygon;

	it('draws the shared geometry in lon/lat, tagged by part', () => {
		expect(live.features.map((f) => f.properties.part)).toEqual([
			...geometry.bands.map(() => 'band'),
			'blind',
			'view'
		]);
		expect(live.features[0].properties).toMatchObject({
			level_id: geometry.bands[0].levelId,
			min_ppm: geometry.bands[0].minPpm
		});
		const [lon, lat] = liveView.coordinates[0][0];
		expect(lon).toBeGreaterThan(8.99);
		expect(lon).toBeLessThan(9.01);
		expect(lat).toBeGreaterThan(55.67);
		expect(lat).toBeLessThan(55.68);
	});

	it('finds nothing hidden when the server sees the same view', () => {
		const same: MultiPolygon = { type: 'MultiPolygon', coordinates: [liveView.coordinates] };
		const drawn = serverFeatures({ view: same, blindZone: null, bands: [] }, liveView);
		expect(drawn.hiddenShare).toBe(0);
		expect(drawn.features.features.filter((f) => f.properties.part === 'hidden')).toEqual([]);
	});

	it('shows what the server’s view lacks as hidden, with its share of the area', () => {
		// As if a wall across the view stopped it at 20 m instead of 40 m.
		const shorter = cameraViewGeometry(geometryInput(proposal({ maxRangeM: 20 }))!, table);
		const near = liveFeatures(shorter).features.find((f) => f.properties.part === 'view')!
			.geometry as Polygon;
		const view: MultiPolygon = { type: 'MultiPolygon', coordinates: [near.coordinates] };
		const drawn = serverFeatures({ view, blindZone: null, bands: [] }, liveView);
		const b = geometry.blindRadiusM;
		expect(drawn.hiddenShare).toBeCloseTo(1 - (20 ** 2 - b ** 2) / (40 ** 2 - b ** 2), 3);
		const hidden = drawn.features.features.filter((f) => f.properties.part === 'hidden');
		expect(hidden).toHaveLength(1);
	});

	it('hides the whole view when the server sees nothing', () => {
		const drawn = serverFeatures({ view: null, blindZone: null, bands: [] }, liveView);
		expect(drawn.hiddenShare).toBe(1);
		expect(drawn.features.features.map((f) => f.properties.part)).toEqual(['hidden']);
	});
});

describe('handles away from the central meridian', () => {
	it('read and place true bearings, turned by the meridian convergence', () => {
		const [cx, cy] = toUtm32([12.5683, 55.6761]);
		const p = { ...proposal(), x: cx, y: cy, azimuthDeg: 0 };
		const aim = handlePositions(p).aim!;
		// True north in København lies at grid bearing 357.05°.
		expect(Math.atan2(aim[0] - cx, aim[1] - cy) * (180 / Math.PI) + 360).toBeCloseTo(357.05, 1);
		expect(dragHandle(p, 'aim', aim)).toEqual({ azimuthDeg: 0 });
	});
});
