import { describe, expect, it } from 'vitest';
import { evidenceFeatures } from '../../src/lib/map/rule-evidence';
import { tally } from '../../src/lib/rules/check-result';

const square = {
	type: 'Polygon',
	coordinates: [
		[
			[12, 55],
			[12.001, 55],
			[12.001, 55.001],
			[12, 55]
		]
	]
};
const line = {
	type: 'LineString',
	coordinates: [
		[12, 55],
		[12.01, 55]
	]
};
const points = { type: 'MultiPoint', coordinates: [[12.0005, 55.0005]] };

describe('evidenceFeatures', () => {
	it('splits a collection into areas, lines and points, each with the outcome', () => {
		const fc = evidenceFeatures(
			{
				type: 'GeometryCollection',
				geometries: [square, { type: 'GeometryCollection', geometries: [line, points] }]
			},
			'fail'
		);
		expect(fc.features.map((f) => [f.geometry.type, f.properties])).toEqual([
			['Polygon', { shape: 'area', outcome: 'fail' }],
			['LineString', { shape: 'line', outcome: 'fail' }],
			['MultiPoint', { shape: 'point', outcome: 'fail' }]
		]);
	});

	it('leaves out empty parts and gives nothing for no evidence', () => {
		const emptyDifference = { type: 'Polygon', coordinates: [] };
		expect(
			evidenceFeatures({ type: 'GeometryCollection', geometries: [emptyDifference, line] }, 'pass').features
		).toHaveLength(1);
		expect(evidenceFeatures(null, 'pass').features).toEqual([]);
		expect(evidenceFeatures({ type: 'GeometryCollection', geometries: [] }, 'pass').features).toEqual([]);
	});
});

describe('tally', () => {
	it('counts failing and warning rules', () => {
		expect(
			tally([{ outcome: 'fail' }, { outcome: 'warning' }, { outcome: 'fail' }, { outcome: 'pass' }])
		).toEqual({ fail: 2, warning: 1 });
	});
});
