import { describe, expect, it } from 'vitest';
import {
	DEFAULT_LEVEL_TABLE,
	isLevelTableId,
	levelTable,
	levelTables
} from '../../src/lib/camera/density-levels';
import {
	blindZoneRadius,
	densityDistance,
	effectiveRange,
	farEdgeDistance,
	hfovFromLens,
	imageWidthFactor,
	pixelDensity,
	vfovDeg
} from '../../src/lib/camera/optics';

describe('camera optics', () => {
	it('derives the HFOV from focal length and sensor width', () => {
		// 2·atan(6.4 / (2·3.2)) = 2·atan(1)
		expect(hfovFromLens(3.2, 6.4)).toBeCloseTo(90, 10);
		// 2·atan(0.8)
		expect(hfovFromLens(4, 6.4)).toBeCloseTo(77.3196165, 6);
	});

	it('gives pixel density at a distance and the distance of a density', () => {
		// 1920 px over 2·3.84·tan(45°) = 7.68 m
		expect(pixelDensity(1920, 90, 3.84)).toBeCloseTo(250, 10);
		expect(densityDistance(1920, 90, 250)).toBeCloseTo(3.84, 10);
		expect(densityDistance(1920, 90, 25)).toBeCloseTo(38.4, 10);
		expect(densityDistance(1920, 90, 12.5)).toBeCloseTo(76.8, 10);
		// 1920 / (2·tan(30°)·125)
		expect(densityDistance(1920, 60, 125)).toBeCloseTo(13.3021502, 6);
		expect(pixelDensity(1920, 60, densityDistance(1920, 60, 80))).toBeCloseTo(80, 10);
	});

	it('treats images of 180° and more as equidistant (panoramic)', () => {
		expect(imageWidthFactor(90)).toBeCloseTo(2, 12);
		expect(imageWidthFactor(360)).toBeCloseTo(2 * Math.PI, 12);
		// 2992 px around the full circle: 2992 / (2π·25)
		expect(densityDistance(2992, 360, 25)).toBeCloseTo(19.0476636, 6);
		expect(vfovDeg(200)).toBeCloseTo(112.5, 12);
		expect(vfovDeg(360)).toBe(180);
	});

	it('derives the vertical field of view of a 16:9 image', () => {
		// 2·atan(tan(45°)·9/16)
		expect(vfovDeg(90)).toBeCloseTo(58.7155071, 6);
		expect(vfovDeg(10)).toBeCloseTo(5.6347766, 6);
	});

	it('finds the blind zone and the far edge of the image on the ground', () => {
		// tan(vfov/2) = 9/16, so tan(45° ± vfov/2) = 25/7 or 7/25.
		expect(blindZoneRadius(6, 45, 90)).toBeCloseTo(1.68, 10);
		expect(farEdgeDistance(6, 45, 90)).toBeCloseTo(150 / 7, 10);
		expect(effectiveRange(6, 45, 90, 100)).toBeCloseTo(150 / 7, 10);
		expect(effectiveRange(6, 45, 90, 20)).toBe(20);
		expect(blindZoneRadius(5, 10, 90)).toBeCloseTo(6.0962586, 6);
	});

	it('has no blind zone when the image reaches straight down, and no far edge when it shows the horizon', () => {
		expect(blindZoneRadius(6, 90, 60)).toBe(0);
		expect(blindZoneRadius(6, 61, 60)).toBeGreaterThan(0);
		expect(blindZoneRadius(6, 90 - vfovDeg(60) / 2, 60)).toBe(0);
		expect(farEdgeDistance(6, 10, 90)).toBe(Infinity);
		expect(effectiveRange(6, 10, 90, 80)).toBe(80);
		expect(farEdgeDistance(6, vfovDeg(90) / 2, 90)).toBe(Infinity);
	});
});

describe('density level tables', () => {
	it('reads both tables from geodata/density-levels.json, highest ppm first', () => {
		expect(levelTables.map((t) => t.id)).toEqual(['en62676-4-2015', 'seven-level']);
		for (const table of levelTables) {
			const ppm = table.levels.map((l) => l.ppm);
			expect(ppm).toEqual([...ppm].sort((a, b) => b - a));
		}
	});

	it('defaults to EN 62676-4:2015 and knows its DORI levels', () => {
		expect(DEFAULT_LEVEL_TABLE).toBe('en62676-4-2015');
		const table = levelTable();
		expect(table.id).toBe('en62676-4-2015');
		expect(table.levels.map((l) => [l.id, l.ppm])).toEqual([
			['inspect', 1000],
			['identification', 250],
			['recognition', 125],
			['observation', 62.5],
			['detection', 25],
			['monitor', 12.5]
		]);
		expect(table.levels[1].name).toEqual({ da: 'Identifikation', en: 'Identification' });
	});

	it('selects the seven-level table and refuses unknown ids', () => {
		expect(levelTable('seven-level').levels.map((l) => l.ppm)).toEqual([1500, 500, 250, 125, 80, 40, 20]);
		expect(isLevelTableId('seven-level')).toBe(true);
		expect(isLevelTableId('dori')).toBe(false);
		expect(() => levelTable('dori')).toThrow(/Unknown density level table "dori"/);
	});
});
