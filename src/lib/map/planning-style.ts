// MapLibre sources and layers of the planning map: the register's cameras and views from the
// scoped tile layers (`cameras`, `camera-views`), styled by status, kind and density band, and the
// proposal drawn twice: live from the browser's geometry, and as the server checked it with
// buildings. Density colours are camera-style.ts's, so every map shades bands alike.
import type {
	DataDrivenPropertyValueSpecification,
	ExpressionSpecification,
	LayerSpecification,
	SourceSpecification
} from 'maplibre-gl';
import { DENSITY_STOPS, VIEW_MIN_ZOOM } from './camera-style';
import type { CameraKind, CameraStatus } from '../camera/register';

export const STATUS_COLORS: Record<CameraStatus, string> = {
	proposed: '#d97706',
	approved: '#1d4e89',
	active: '#2e7d32',
	decommissioned: '#9ca3af'
};

/** Kinds differ by their ring: thin white for fixed, thick dark for domes, thick violet for PTZ. */
export const KIND_RINGS: Record<CameraKind, { color: string; width: number }> = {
	fixed: { color: '#ffffff', width: 1.5 },
	dome: { color: '#111827', width: 3.5 },
	ptz: { color: '#7c3aed', width: 3.5 }
};

export const PROPOSAL_COLORS = { outline: '#111827', blind: '#6b7280', hidden: '#1f2937' };

export const SOURCES = {
	cameras: 'cameras',
	views: 'camera-views',
	live: 'planning-live',
	server: 'planning-server'
} as const;

function hex(color: string): [number, number, number] {
	const n = parseInt(color.slice(1), 16);
	return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The colour MapLibre's linear interpolation over DENSITY_STOPS gives a band of `ppm`, for legends. */
export function densityColor(ppm: number): string {
	const stops = DENSITY_STOPS;
	if (ppm <= stops[0][0]) return stops[0][1];
	const upper = stops.findIndex(([p]) => p >= ppm);
	if (upper === -1) return stops[stops.length - 1][1];
	const [p0, c0] = stops[upper - 1];
	const [p1, c1] = stops[upper];
	const f = (ppm - p0) / (p1 - p0);
	const [a, b] = [hex(c0), hex(c1)];
	return `#${a
		.map((v, i) =>
			Math.round(v + (b[i] - v) * f)
				.toString(16)
				.padStart(2, '0')
		)
		.join('')}`;
}

const densityFill = [
	'interpolate',
	['linear'],
	['get', 'min_ppm'],
	...DENSITY_STOPS.flat()
] as unknown as DataDrivenPropertyValueSpecification<string>;

const part = (name: string): ExpressionSpecification => ['==', ['get', 'part'], name];

function matchColor(property: string, colors: Record<string, string>, fallback: string) {
	return [
		'match',
		['get', property],
		...Object.entries(colors).flat(),
		fallback
	] as unknown as DataDrivenPropertyValueSpecification<string>;
}

function vectorSource(tiles: string, layer: string, attribution: string): SourceSpecification {
	return {
		type: 'vector',
		tiles: [tiles],
		minzoom: layer === SOURCES.views ? VIEW_MIN_ZOOM : 0,
		maxzoom: 14,
		attribution
	};
}

/** The views' tile URL for a level table (`?levels=`), for setTiles when the planner picks another. */
export function viewTilesUrl(origin: string, levelTable: string): string {
	return `${origin}/tiles/${SOURCES.views}/{z}/{x}/{y}.mvt?levels=${encodeURIComponent(levelTable)}`;
}

/** The register's cameras the planner may see, and their stored (occluded) views. */
export function existingCamerasOverlay(
	origin: string,
	levelTable: string,
	attribution: string
): { sources: Record<string, SourceSpecification>; layers: LayerSpecification[] } {
	const inService: ExpressionSpecification = ['==', ['get', 'status'], 'active'];
	return {
		sources: {
			[SOURCES.cameras]: vectorSource(
				`${origin}/tiles/${SOURCES.cameras}/{z}/{x}/{y}.mvt`,
				SOURCES.cameras,
				attribution
			),
			[SOURCES.views]: vectorSource(viewTilesUrl(origin, levelTable), SOURCES.views, attribution)
		},
		layers: [
			{
				id: 'camera-views-fill',
				type: 'fill',
				source: SOURCES.views,
				'source-layer': SOURCES.views,
				minzoom: VIEW_MIN_ZOOM,
				paint: {
					'fill-color': densityFill,
					// Views of cameras not (yet or any longer) in service are only hinted at.
					'fill-opacity': ['case', inService, 0.35, 0.15]
				}
			},
			{
				id: 'cameras-circle',
				type: 'circle',
				source: SOURCES.cameras,
				'source-layer': SOURCES.cameras,
				paint: {
					'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 3, 16, 7],
					'circle-color': matchColor('status', STATUS_COLORS, '#444444'),
					'circle-stroke-color': matchColor(
						'kind',
						Object.fromEntries(Object.entries(KIND_RINGS).map(([k, r]) => [k, r.color])),
						'#ffffff'
					),
					'circle-stroke-width': [
						'match',
						['get', 'kind'],
						...Object.entries(KIND_RINGS).flatMap(([k, r]) => [k, r.width]),
						1
					] as unknown as DataDrivenPropertyValueSpecification<number>
				}
			}
		]
	};
}

/** The proposal: live geometry (faint bands, dashed outline) under the server's check (strong bands, hidden ground). */
export function proposalOverlay(): {
	sources: Record<string, SourceSpecification>;
	layers: LayerSpecification[];
} {
	const empty = { type: 'FeatureCollection' as const, features: [] };
	return {
		sources: {
			[SOURCES.live]: { type: 'geojson', data: empty },
			[SOURCES.server]: { type: 'geojson', data: empty }
		},
		layers: [
			{
				id: 'planning-live-bands',
				type: 'fill',
				source: SOURCES.live,
				filter: part('band'),
				paint: { 'fill-color': densityFill, 'fill-opacity': 0.3 }
			},
			{
				id: 'planning-live-blind',
				type: 'fill',
				source: SOURCES.live,
				filter: part('blind'),
				paint: { 'fill-color': PROPOSAL_COLORS.blind, 'fill-opacity': 0.25 }
			},
			{
				id: 'planning-live-outline',
				type: 'line',
				source: SOURCES.live,
				filter: part('view'),
				paint: { 'line-color': PROPOSAL_COLORS.outline, 'line-width': 1.5, 'line-dasharray': [2, 2] }
			},
			{
				id: 'planning-server-bands',
				type: 'fill',
				source: SOURCES.server,
				filter: part('band'),
				paint: { 'fill-color': densityFill, 'fill-opacity': 0.55 }
			},
			{
				id: 'planning-server-hidden',
				type: 'fill',
				source: SOURCES.server,
				filter: part('hidden'),
				paint: { 'fill-color': PROPOSAL_COLORS.hidden, 'fill-opacity': 0.5 }
			},
			{
				id: 'planning-server-outline',
				type: 'line',
				source: SOURCES.server,
				filter: part('view'),
				paint: { 'line-color': PROPOSAL_COLORS.outline, 'line-width': 2 }
			}
		]
	};
}
