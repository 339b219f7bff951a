import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bboxClip } from '@turf/turf';
import type { Feature, FeatureCollection, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

/** Denmark and its neighbours' coasts, in degrees: what the default basemap shows. */
export const BASEMAP_BOUNDS: [number, number, number, number] = [2, 53, 18, 59.5];

let cached: string | null = null;

/**
 * The offline default basemap: land polygons and land borders from Natural Earth 1:10m
 * (world-atlas npm package), clipped to the bounds above. Computed once per process.
 */
export function basemapGeoJson(): string {
	if (cached) return cached;
	const path = createRequire(import.meta.url).resolve('world-atlas/countries-10m.json');
	const topology = JSON.parse(readFileSync(path, 'utf8')) as Topology<{ countries: GeometryCollection }>;
	const countries = feature(topology, topology.objects.countries) as FeatureCollection<Polygon | MultiPolygon>;
	const land: Feature[] = countries.features
		.map((f) => bboxClip(f, BASEMAP_BOUNDS))
		.filter((f) => f.geometry.coordinates.length > 0)
		.map((f) => ({ ...f, properties: { kind: 'land' } }));
	const borders = mesh(topology, topology.objects.countries, (a, b) => a !== b) as MultiLineString;
	const border = bboxClip({ type: 'Feature', geometry: borders, properties: {} }, BASEMAP_BOUNDS);
	const collection: FeatureCollection = {
		type: 'FeatureCollection',
		features: [...land, { ...border, properties: { kind: 'border' } }]
	};
	cached = JSON.stringify(collection);
	return cached;
}
