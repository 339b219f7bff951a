// MapLibre sources, layers and legend classes of the hotspot page: hexagon cells of one hotspot
// run (`hotspot-cells`: incidents, z, bin, neighbours), drawn either as a density choropleth or by
// their Gi* bin, and the safety-survey overlay (`survey-shares`, `survey-places`).
import type {
	ExpressionSpecification,
	FilterSpecification,
	LayerSpecification,
	SourceSpecification
} from 'maplibre-gl';

export const HOTSPOT_SOURCE = 'hotspots';
export const HOTSPOT_SOURCE_LAYER = 'hotspot-cells';
export const DENSITY_LAYER = 'hotspot-density';
export const GISTAR_LAYER = 'hotspot-gistar';
export const CELL_OUTLINE_LAYER = 'hotspot-outline';
export const SELECTED_LAYER = 'hotspot-selected';
export const SURVEY_SHARES = 'survey-shares';
export const SURVEY_PLACES = 'survey-places';

export type HotspotView = 'gistar' | 'density';

/** Sequential ramp (ColorBrewer YlOrRd, 5 classes) for incidents per cell. */
export const DENSITY_COLORS = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'] as const;

/** Diverging colours of the Gi* bins (ColorBrewer RdBu): hot reds, cold blues; 0 is not drawn. */
export const GISTAR_BINS = [
	{ bin: 3, confidence: 99, color: '#b2182b' },
	{ bin: 2, confidence: 95, color: '#ef8a62' },
	{ bin: 1, confidence: 90, color: '#fddbc7' },
	{ bin: 0, confidence: 0, color: '#9ca3af' },
	{ bin: -1, confidence: 90, color: '#d1e5f0' },
	{ bin: -2, confidence: 95, color: '#67a9cf' },
	{ bin: -3, confidence: 99, color: '#2166ac' }
] as const;

/** Opacity of the not-significant cells: visible as the grid's extent, nothing more. */
const NOT_SIGNIFICANT_OPACITY = 0.12;

/** Rounds up to 1, 2, 2.5 or 5 × a power of ten (at least 1). */
function nice(n: number): number {
	if (n <= 1) return 1;
	const power = 10 ** Math.floor(Math.log10(n));
	for (const step of [1, 2, 2.5, 5, 10]) if (n <= step * power) return Math.ceil(step * power);
	return Math.ceil(10 * power);
}

/**
 * Lower bounds of the density classes for cells with 1..max incidents: up to `classes` classes,
 * geometric (counts per cell are very skewed), rounded to nice numbers, strictly increasing,
 * the first always 1. Cells with no incidents get no class.
 */
export function densityBreaks(maxIncidents: number, classes = DENSITY_COLORS.length): number[] {
	const max = Math.max(1, Math.floor(maxIncidents));
	const breaks = [1];
	const ratio = max ** (1 / classes);
	for (let k = 1; k < classes; k++) {
		const b = nice(ratio ** k);
		if (b > breaks[breaks.length - 1] && b <= max) breaks.push(b);
	}
	return breaks;
}

export interface DensityClass {
	from: number;
	/** Inclusive upper bound; the last class ends at the maximum. */
	to: number;
	color: string;
}

/** The legend's classes for the breaks: colours spread over the ramp when there are fewer classes. */
export function densityClasses(maxIncidents: number): DensityClass[] {
	const breaks = densityBreaks(maxIncidents);
	const max = Math.max(1, Math.floor(maxIncidents));
	return breaks.map((from, k) => ({
		from,
		to: k + 1 < breaks.length ? breaks[k + 1] - 1 : max,
		color: DENSITY_COLORS[rampIndex(k, breaks.length)]
	}));
}

function rampIndex(k: number, n: number): number {
	const last = DENSITY_COLORS.length - 1;
	return n <= 1 ? last : Math.round((k * last) / (n - 1));
}

/** fill-color by `incidents`: a step expression over the classes. */
export function densityFillColor(maxIncidents: number): ExpressionSpecification {
	const classes = densityClasses(maxIncidents);
	const steps = classes.slice(1).flatMap((c) => [c.from, c.color]);
	return ['step', ['get', 'incidents'], classes[0].color, ...steps] as ExpressionSpecification;
}

const binColor = [
	'match',
	['get', 'bin'],
	...GISTAR_BINS.flatMap((b) => [b.bin, b.color]),
	'#9ca3af'
] as unknown as ExpressionSpecification;

/**
 * Tiles of a run are fetched through this protocol (see HotspotMap) rather than by MapLibre
 * itself, which takes a 404 for a missing tile; for a run it means the run is no longer cached.
 */
export const HOTSPOT_PROTOCOL = 'tk-hotspot';

/** The tile URL template of a run for the map: the API's (relative) one, absolute, on the protocol. */
export const hotspotTileUrl = (origin: string, tiles: string) =>
	`${HOTSPOT_PROTOCOL}://${tiles.startsWith('/') ? `${origin}${tiles}` : tiles}`;

/** The http(s) URL behind a tile URL on the protocol. */
export const hotspotFetchUrl = (url: string) => url.replace(`${HOTSPOT_PROTOCOL}://`, '');

/** The vector source of one run's cells. */
export function hotspotSource(origin: string, tiles: string): SourceSpecification {
	return {
		type: 'vector',
		tiles: [hotspotTileUrl(origin, tiles)],
		minzoom: 0,
		maxzoom: 16
	};
}

/** The cell layers: density (cells with incidents), Gi* bins and an outline at street zoom. */
export function hotspotLayers(view: HotspotView, maxIncidents: number): LayerSpecification[] {
	const common = { source: HOTSPOT_SOURCE, 'source-layer': HOTSPOT_SOURCE_LAYER } as const;
	return [
		{
			id: DENSITY_LAYER,
			type: 'fill',
			...common,
			filter: ['>', ['get', 'incidents'], 0],
			layout: { visibility: view === 'density' ? 'visible' : 'none' },
			paint: { 'fill-color': densityFillColor(maxIncidents), 'fill-opacity': 0.75 }
		},
		{
			id: GISTAR_LAYER,
			type: 'fill',
			...common,
			layout: { visibility: view === 'gistar' ? 'visible' : 'none' },
			paint: {
				'fill-color': binColor,
				'fill-opacity': ['case', ['==', ['get', 'bin'], 0], NOT_SIGNIFICANT_OPACITY, 0.75]
			}
		},
		{
			id: CELL_OUTLINE_LAYER,
			type: 'line',
			...common,
			minzoom: 13,
			paint: { 'line-color': '#6b7280', 'line-width': 0.4, 'line-opacity': 0.5 }
		}
	];
}

/** The clicked cell, outlined (a GeoJSON source with the clicked feature's geometry). */
export function selectedCellLayer(): LayerSpecification {
	return {
		id: SELECTED_LAYER,
		type: 'line',
		source: 'hotspot-selected',
		paint: { 'line-color': '#111827', 'line-width': 2.5 }
	};
}

/** Share who feel unsafe → colour (sequential purples), lower bounds. */
export const SHARE_STOPS: [number, string][] = [
	[0, '#f2f0f7'],
	[0.05, '#cbc9e2'],
	[0.1, '#9e9ac8'],
	[0.15, '#756bb1'],
	[0.2, '#54278f']
];

/** Municipal results and drawn areas; district results lie under their municipalities and are left out. */
const shareFilter: FilterSpecification = ['in', ['get', 'kind'], ['literal', ['municipality', 'area']]];

export function surveyOverlay(origin: string): {
	sources: Record<string, SourceSpecification>;
	layers: { below: LayerSpecification[]; above: LayerSpecification[] };
} {
	const source = (layer: string): SourceSpecification => ({
		type: 'vector',
		tiles: [`${origin}/tiles/${layer}/{z}/{x}/{y}.mvt`],
		minzoom: 0,
		maxzoom: 14
	});
	return {
		sources: { [SURVEY_SHARES]: source(SURVEY_SHARES), [SURVEY_PLACES]: source(SURVEY_PLACES) },
		layers: {
			// Under the cells, so that significant cells stay readable on top of the shares.
			below: [
				{
					id: 'survey-shares-fill',
					type: 'fill',
					source: SURVEY_SHARES,
					'source-layer': SURVEY_SHARES,
					filter: shareFilter,
					paint: {
						'fill-color': [
							'step',
							['get', 'share'],
							SHARE_STOPS[0][1],
							...SHARE_STOPS.slice(1).flat()
						] as ExpressionSpecification,
						'fill-opacity': 0.55
					}
				}
			],
			above: [
				{
					id: 'survey-shares-line',
					type: 'line',
					source: SURVEY_SHARES,
					'source-layer': SURVEY_SHARES,
					filter: shareFilter,
					paint: { 'line-color': '#54278f', 'line-width': 1 }
				},
				{
					id: 'survey-places-fill',
					type: 'fill',
					source: SURVEY_PLACES,
					'source-layer': SURVEY_PLACES,
					filter: ['==', ['geometry-type'], 'Polygon'],
					paint: { 'fill-color': '#54278f', 'fill-opacity': 0.15 }
				},
				{
					id: 'survey-places-line',
					type: 'line',
					source: SURVEY_PLACES,
					'source-layer': SURVEY_PLACES,
					filter: ['==', ['geometry-type'], 'Polygon'],
					paint: { 'line-color': '#54278f', 'line-width': 2, 'line-dasharray': [2, 1] }
				},
				{
					id: 'survey-places-point',
					type: 'circle',
					source: SURVEY_PLACES,
					'source-layer': SURVEY_PLACES,
					filter: ['==', ['geometry-type'], 'Point'],
					paint: {
						'circle-radius': 6,
						'circle-color': '#54278f',
						'circle-stroke-color': '#ffffff',
						'circle-stroke-width': 2
					}
				}
			]
		}
	};
}

export const SURVEY_LAYER_IDS = [
	'survey-shares-fill',
	'survey-shares-line',
	'survey-places-fill',
	'survey-places-line',
	'survey-places-point'
];
