import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';

export type BoundaryLayer = 'municipalities' | 'police-districts';

export const DENMARK_BOUNDS: [number, number, number, number] = [7.8, 54.5, 15.3, 57.8];

const COLORS = {
	water: '#bcd7ea',
	land: '#f4f1ea',
	border: '#8c8c8c',
	municipality: '#1d4e89',
	policeDistrict: '#7a1f5c',
	selected: '#f2a900'
};

/** The offline default basemap: Natural Earth land and borders served by the app. */
export function defaultBasemapStyle(origin: string): StyleSpecification {
	return {
		version: 8,
		sources: {
			basemap: { type: 'geojson', data: `${origin}/basemap/land.geojson`, attribution: 'Natural Earth' }
		},
		layers: [
			{ id: 'water', type: 'background', paint: { 'background-color': COLORS.water } },
			{
				id: 'land',
				type: 'fill',
				source: 'basemap',
				filter: ['==', ['get', 'kind'], 'land'],
				paint: { 'fill-color': COLORS.land }
			},
			{
				id: 'country-borders',
				type: 'line',
				source: 'basemap',
				filter: ['==', ['get', 'kind'], 'border'],
				paint: { 'line-color': COLORS.border, 'line-width': 1, 'line-dasharray': [3, 2] }
			}
		]
	};
}

function tileSource(origin: string, layer: string, attribution: string): SourceSpecification {
	return {
		type: 'vector',
		tiles: [`${origin}/tiles/${layer}/{z}/{x}/{y}.mvt`],
		minzoom: 0,
		maxzoom: 14,
		attribution
	};
}

/** Sources and layers for the administrative boundaries, added on top of any basemap. */
export function boundaryOverlay(
	origin: string,
	attribution: string
): { sources: Record<string, SourceSpecification>; layers: LayerSpecification[] } {
	return {
		sources: {
			municipalities: tileSource(origin, 'municipalities', attribution),
			'police-districts': tileSource(origin, 'police-districts', attribution)
		},
		layers: [
			{
				id: 'municipalities-fill',
				type: 'fill',
				source: 'municipalities',
				'source-layer': 'municipalities',
				paint: {
					'fill-color': [
						'case',
						['boolean', ['feature-state', 'selected'], false],
						COLORS.selected,
						COLORS.municipality
					],
					'fill-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 0.35, 0.06]
				}
			},
			{
				id: 'municipalities-line',
				type: 'line',
				source: 'municipalities',
				'source-layer': 'municipalities',
				paint: {
					'line-color': COLORS.municipality,
					'line-width': ['interpolate', ['linear'], ['zoom'], 5, 0.5, 12, 2]
				}
			},
			{
				id: 'police-districts-fill',
				type: 'fill',
				source: 'police-districts',
				'source-layer': 'police-districts',
				layout: { visibility: 'none' },
				paint: {
					'fill-color': [
						'case',
						['boolean', ['feature-state', 'selected'], false],
						COLORS.selected,
						COLORS.policeDistrict
					],
					'fill-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 0.35, 0.06]
				}
			},
			{
				id: 'police-districts-line',
				type: 'line',
				source: 'police-districts',
				'source-layer': 'police-districts',
				layout: { visibility: 'none' },
				paint: {
					'line-color': COLORS.policeDistrict,
					'line-width': ['interpolate', ['linear'], ['zoom'], 5, 1, 12, 3]
				}
			}
		]
	};
}

export const LEGEND_COLORS = COLORS;

/** Which feature property identifies a unit in each boundary layer. */
export const BOUNDARY_ID_PROPERTY: Record<BoundaryLayer, string> = {
	municipalities: 'code',
	'police-districts': 'number'
};
