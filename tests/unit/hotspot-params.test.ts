import { describe, expect, it } from 'vitest';
import { distanceBand, drawsAllCells, zBin } from '../../src/lib/hotspots';

describe('hotspot parameters', () => {
	it('bins z-scores at the two-sided 90, 95 and 99 % critical values', () => {
		expect([2.58, 2.57, 1.96, 1.95, 1.645, 1.64, 0, -1.65, -1.96, -2.6].map(zBin)).toEqual([
			3, 2, 2, 1, 1, 0, 0, -1, -2, -3
		]);
		expect(zBin(null)).toBe(0);
		expect(zBin(Number.NaN)).toBe(0);
	});

	it('uses two rings of neighbours as the distance band', () => {
		expect(distanceBand(250)).toBeCloseTo(866.03, 2);
	});

	it('draws every cell only where a cell is at least 4 pixels wide', () => {
		expect(drawsAllCells(250, 9)).toBe(false);
		expect(drawsAllCells(250, 10)).toBe(true);
		expect(drawsAllCells(100, 10)).toBe(false);
		expect(drawsAllCells(100, 11)).toBe(true);
		expect(drawsAllCells(1000, 8)).toBe(true);
	});
});
