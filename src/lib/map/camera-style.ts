// MapLibre sources and layers for camera tiles: points coloured by owner type and view bands
// shaded by pixel density. Used with the public layers (public-cameras, public-camera-views) and
// the scoped ones (cameras, camera-views), which carry the same attributes plus status.
import type {
	DataDrivenPropertyValueSpecification,
	ExpressionSpecification,
	LayerSpecification,
	SourceSpecification
} from 'maplibre-gl';

export const OWNER_COLORS: Record<string, string> = {
	municipality: '#1d4e89',
	police: '#0b3d2e',
	public_authority: '#5b3f8c',
	housing_organisation: '#b45309',
	business: '#0e7490',
	private: '#6b7280'
};

/** Pixel density (min_ppm of the band) → colour: pale for monitoring, dark for identification. */
export const DENSITY_STOPS: [number, string][] = [
	[12.5, '#fee8c8'],
	[25, '#fdbb84'],
	[62.5, '#fc8d59'],
	[125, '#e34a33'],
	[250, '#b30000'],
	[1000, '#4a0000']
];

/** View bands are a few pixels wide below this zoom, and far too many for one tile: not served. */
export const VIEW_MIN_ZOOM = 12;

export interface CameraOverlayOptions {
	/** Tile layer names, e.g. public-cameras / public-camera-views. */
	points: string;
	views: string;
	/** Density level table id for the views (`?levels=`); the server's default when absent. */
	levels?: string;
	attribution: string;
}

const ownerColor: DataDrivenPropertyValueSpecification<string> = [
	'match',
	['get', 'owner_type'],
	...Object.entries(OWNER_COLORS).flat(),
	'#444444'
] as unknown as DataDrivenPropertyValueSpecification<string>;

export function cameraOverlay(
	origin: string,
	options: CameraOverlayOptions
): { sources: Record<string, SourceSpecification>; layers: LayerSpecification[] } {
	const query = options.levels ? `?levels=${encodeURIComponent(options.levels)}` : '';
	const selected: ExpressionSpecification = ['boolean', ['feature-state', 'selected'], false];
	// Scoped layers carry the status: cameras that are not in service are drawn hollow.
	const inService: ExpressionSpecification = [
		'any',
		['!', ['has', 'status']],
		['==', ['get', 'status'], 'active']
	];
	return {
		sources: {
			[options.points]: {
				type: 'vector',
				tiles: [`${origin}/tiles/${options.points}/{z}/{x}/{y}.mvt`],
				minzoom: 0,
				maxzoom: 14,
				promoteId: { [options.points]: 'id' },
				attribution: options.attribution
			},
			[options.views]: {
				type: 'vector',
				tiles: [`${origin}/tiles/${options.views}/{z}/{x}/{y}.mvt${query}`],
				minzoom: VIEW_MIN_ZOOM,
				maxzoom: 14,
				promoteId: { [options.views]: 'camera_id' },
				attribution: options.attribution
			}
		},
		layers: [
			{
				id: `${options.views}-fill`,
				type: 'fill',
				source: options.views,
				'source-layer': options.views,
				minzoom: VIEW_MIN_ZOOM,
				paint: {
					'fill-color': [
						'interpolate',
						['linear'],
						['get', 'min_ppm'],
						...DENSITY_STOPS.flat()
					] as unknown as DataDrivenPropertyValueSpecification<string>,
					'fill-opacity': ['case', selected, 0.75, 0.4]
				}
			},
			{
				id: `${options.points}-circle`,
				type: 'circle',
				source: options.points,
				'source-layer': options.points,
				paint: {
					'circle-radius': [
						'interpolate',
						['linear'],
						['zoom'],
						6,
						['case', selected, 5, 2],
						14,
						['case', selected, 9, 6]
					],
					'circle-color': ownerColor,
					'circle-opacity': ['case', inService, 0.9, 0.15],
					'circle-stroke-color': [
						'case',
						selected,
						'#f2a900',
						ownerColor
					] as DataDrivenPropertyValueSpecification<string>,
					'circle-stroke-width': ['case', selected, 3, 1]
				}
			}
		]
	};
}
