import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { bboxClip } from '@turf/turf';
import type { Feature, FeatureCollection, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

export type CountriesTopology = Topology<{ countries: GeometryCollection }>;

/** Denmark and its neighbours' coasts, in degrees: what the default basemap shows. */
export const BASEMAP_BOUNDS: [number, number, number, number] = [2, 53, 18, 59.5];

let countries: Promise<CountriesTopology> | null = null;

/**
 * Natural Earth 1:10m countries (world-atlas npm package), read once per process. Resolved at
 * run time, not imported, so the 3.6 MB topology stays out of the Vite bundle.
 */
export function naturalEarthCountries(): Promise<CountriesTopology> {
	countries ??= (async () => {
		const file = createRequire(import.meta.url).resolve('world-atlas/countries-10m.json');
		return JSON.parse(await readFile(file, 'utf8')) as CountriesTopology;
	})();
	countries.catch(() => (countries = null));
	return countries;
}

let basemap: Promise<string> | null = null;

/** The offline default basemap: land polygons and land borders, clipped to BASEMAP_BOUNDS. */
export function basemapGeoJson(): Promise<string> {
	basemap ??= (async () => {
		const topology = await naturalEarthCountries();
		const all = feature(topology, topology.objects.countries) as FeatureCollection<Polygon | MultiPolygon>;
		const land: Feature[] = all.features
			.map((f) => bboxClip(f, BASEMAP_BOUNDS))
			.filter((f) => f.geometry.coordinates.length > 0)
			.map((f) => ({ ...f, properties: { kind: 'land' } }));
		const borders = mesh(topology, topology.objects.countries, (a, b) => a !== b) as MultiLineString;
		const border = bboxClip({ type: 'Feature', geometry: borders, properties: {} }, BASEMAP_BOUNDS);
		return JSON.stringify({
			type: 'FeatureCollection',
			features: [...land, { ...border, properties: { kind: 'border' } }]
		} satisfies FeatureCollection);
	})();
	basemap.catch(() => (basemap = null));
	return basemap;
}
