import { describe, expect, it } from 'vitest';
import {
	assertCoordinatesPlausible,
	parseCrsName,
	resolveSourceCrs,
	sridFromCrsMember,
	type Bbox,
	type SourceCrs
} from '../../src/lib/server/boundaries/crs';
import { BoundaryImportError } from '../../src/lib/server/boundaries/errors';
import { parseBoundaryFile } from '../../src/lib/server/boundaries/geojson-parse';

const named = (name: string) => ({ type: 'name', properties: { name } });

describe('CRS names', () => {
	it.each([
		['urn:ogc:def:crs:OGC:1.3:CRS84', 4326],
		['urn:ogc:def:crs:OGC::CRS84', 4326],
		['http://www.opengis.net/def/crs/OGC/1.3/CRS84', 4326],
		['CRS84', 4326],
		['EPSG:4326', 4326],
		['urn:ogc:def:crs:EPSG::4326', 4326],
		['urn:ogc:def:crs:EPSG:6.6:4326', 4326],
		['epsg:4258', 4258],
		['urn:ogc:def:crs:EPSG::25832', 25832],
		['http://www.opengis.net/def/crs/EPSG/0/25832', 25832],
		[' EPSG:25832 ', 25832],
		['25833', 25833]
	])('%s → %i', (name, srid) => {
		expect(parseCrsName(name)).toBe(srid);
	});

	it('rejects unknown and unsupported systems', () => {
		expect(() => parseCrsName('EPSG:3857')).toThrow(/^Unsupported CRS "EPSG:3857"\. Supported: CRS84/);
		expect(() => parseCrsName('WGS 84')).toThrow(/^Unknown CRS "WGS 84"/);
	});

	it('reads the crs member in its named and its old EPSG form', () => {
		expect(sridFromCrsMember(undefined)).toBeNull();
		expect(sridFromCrsMember(null)).toBeNull();
		expect(sridFromCrsMember(named('urn:ogc:def:crs:EPSG::25832'))).toBe(25832);
		expect(sridFromCrsMember({ type: 'EPSG', properties: { code: 25833 } })).toBe(25833);
		expect(() => sridFromCrsMember({ type: 'link', properties: { href: 'http://example.com/crs' } })).toThrow(
			/is not a named CRS; pass --srs/
		);
	});

	it('prefers --srs over the file, and the file over the CRS84 default', () => {
		expect(resolveSourceCrs(undefined, undefined)).toEqual({ srid: 4326, label: 'CRS84', origin: 'assumed' });
		expect(resolveSourceCrs(undefined, named('EPSG:25832'))).toEqual({
			srid: 25832,
			label: 'EPSG:25832',
			origin: 'file'
		});
		expect(resolveSourceCrs('EPSG:25832', named('urn:ogc:def:crs:OGC:1.3:CRS84'))).toEqual({
			srid: 25832,
			label: 'EPSG:25832',
			origin: 'option'
		});
		expect(resolveSourceCrs('', named('EPSG:25833')).srid).toBe(25833);
	});
});

describe('coordinate plausibility', () => {
	const assumed: SourceCrs = { srid: 4326, label: 'CRS84', origin: 'assumed' };
	const fromFile25832: SourceCrs = { srid: 25832, label: 'EPSG:25832', origin: 'file' };
	const copenhagen: Bbox = [12.44, 55.56, 12.8, 55.72];
	const copenhagenUtm32: Bbox = [719925, 6171697, 730543, 6181020];

	it('accepts Denmark in each supported CRS', () => {
		expect(() => assertCoordinatesPlausible([8.07, 54.55, 15.2, 57.76], assumed)).not.toThrow();
		expect(() =>
			assertCoordinatesPlausible([439_000, 6_045_000, 901_000, 6_418_000], fromFile25832)
		).not.toThrow();
		const utm33: SourceCrs = { srid: 25833, label: 'EPSG:25833', origin: 'option' };
		expect(() => assertCoordinatesPlausible([52_000, 6_045_000, 513_000, 6_422_000], utm33)).not.toThrow();
	});

	it('tells the user to pass --srs when CRS84 was assumed for metres', () => {
		expect(() => assertCoordinatesPlausible(copenhagenUtm32, assumed)).toThrow(BoundaryImportError);
		expect(() => assertCoordinatesPlausible(copenhagenUtm32, assumed)).toThrow(
			'The file has no "crs" member, so CRS84 (longitude/latitude) was assumed, but the coordinates look like metres ' +
				'(x 719925..730543, y 6171697..6181020); pass --srs EPSG:25832 (or EPSG:25833).'
		);
	});

	it('catches degrees declared as metres, swapped axes and data outside Denmark', () => {
		expect(() => assertCoordinatesPlausible(copenhagen, fromFile25832)).toThrow(
			/^The file declares EPSG:25832, but the coordinates look like degrees .*; pass --srs CRS84\.$/
		);
		expect(() => assertCoordinatesPlausible([55.56, 12.44, 55.72, 12.8], assumed)).toThrow(
			/look like latitude\/longitude/
		);
		expect(() => assertCoordinatesPlausible([2.2, 48.8, 2.5, 48.9], assumed)).toThrow(
			/lies outside Denmark in that CRS/
		);
		expect(() => assertCoordinatesPlausible([500_000, 4_000_000, 510_000, 4_100_000], fromFile25832)).toThrow(
			/outside Denmark/
		);
	});
});

describe('parseBoundaryFile', () => {
	const polygon = (x = 12.5, y = 55.6) => ({
		type: 'Polygon',
		coordinates: [
			[
				[x, y, -999],
				[x + 0.1, y, -999],
				[x + 0.1, y + 0.1, -999],
				[x, y, -999]
			]
		]
	});
	const collection = (...features: unknown[]) =>
		JSON.stringify({ type: 'FeatureCollection', crs: named('EPSG:4326'), features });
	const feature = (geometry: unknown, properties: unknown = { KOMKODE: '0101' }) => ({
		type: 'Feature',
		properties,
		geometry
	});

	it('returns the polygon features, their bbox and the crs member', () => {
		const parsed = parseBoundaryFile(
			'\uFEFF' +
				collection(
					feature(polygon()),
					feature({ type: 'MultiPolygon', coordinates: [polygon(12.7, 55.5).coordinates] }, null)
				)
		);
		expect(parsed.crsMember).toEqual(named('EPSG:4326'));
		expect(parsed.polygonCount).toBe(2);
		const [minX, minY, maxX, maxY] = parsed.bbox!;
		expect([minX, minY]).toEqual([12.5, 55.5]);
		expect(maxX).toBeCloseTo(12.8, 9);
		expect(maxY).toBeCloseTo(55.7, 9);
		expect(parsed.features.map((f) => [f.index, f.problem, f.geometry?.type])).toEqual([
			[0, null, 'Polygon'],
			[1, null, 'MultiPolygon']
		]);
		expect(parsed.features[1].properties).toBeNull();
	});

	it('marks features it cannot use instead of failing the file', () => {
		const unclosed = {
			type: 'Polygon',
			coordinates: [
				[
					[12.5, 55.6],
					[12.6, 55.6],
					[12.6, 55.7],
					[12.5, 55.7]
				]
			]
		};
		const parsed = parseBoundaryFile(
			collection(
				feature(polygon()),
				feature(null),
				feature({
					type: 'LineString',
					coordinates: [
						[12.5, 55.6],
						[12.6, 55.7]
					]
				}),
				feature(unclosed),
				feature({
					type: 'Polygon',
					coordinates: [
						[
							[12.5, 55.6],
							[12.6, 55.6],
							[12.5, 55.6]
						]
					]
				}),
				feature({
					type: 'Polygon',
					coordinates: [
						[
							[12.5, 55.6],
							[12.6, '55.6'],
							[12.6, 55.7],
							[12.5, 55.6]
						]
					]
				})
			)
		);
		expect(parsed.polygonCount).toBe(1);
		expect(parsed.features.map((f) => f.problem)).toEqual([
			null,
			'the feature has no geometry',
			'the geometry is a LineString, not a polygon',
			'malformed polygon (coordinates[0]: a ring is not closed)',
			'malformed polygon (coordinates[0]: a ring needs at least 4 positions)',
			expect.stringMatching(/^malformed polygon \(coordinates\[0\]\[1\]\[1\]: /)
		]);
	});

	it('rejects what is not a GeoJSON FeatureCollection of polygons', () => {
		const fails = (text: string, message: RegExp) => {
			expect(() => parseBoundaryFile(text)).toThrow(BoundaryImportError);
			expect(() => parseBoundaryFile(text)).toThrow(message);
		};
		fails('', /^The file is not JSON/);
		fails('<html></html>', /^The file is not JSON/);
		fails('[1, 2]', /not a GeoJSON FeatureCollection \(its type is missing\)/);
		fails(JSON.stringify(polygon()), /its type is "Polygon"/);
		fails(JSON.stringify({ type: 'FeatureCollection' }), /^The FeatureCollection is malformed: features: /);
		fails(
			JSON.stringify({
				type: 'FeatureCollection',
				features: [{ type: 'Feature', properties: 'x', geometry: null }]
			}),
			/features\[0\]\.properties/
		);
		fails(collection(), /no polygon features: it has no features/);
		fails(
			collection(feature({ type: 'Point', coordinates: [12.5, 55.6] })),
			/none of its 1 features is a polygon/
		);
	});
});
