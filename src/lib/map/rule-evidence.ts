// The evidence of one rule result on a map: the evaluator's geometry (GeoJSON, any type, often a
// GeometryCollection of an area, a line and points) split into simple features that MapLibre can
// style by shape: areas filled with an outline, lines dashed, points as rings. Colour follows the
// outcome, and the shapes differ, so the map does not rely on colour alone.
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type {
	DataDrivenPropertyValueSpecification,
	LayerSpecification,
	SourceSpecification
} from 'maplibre-gl';

export type EvidenceShape = 'area' | 'line' | 'point';
export type EvidenceOutcome = 'pass' | 'fail' | 'warning' | 'not_applicable';

export interface EvidenceProperties {
	shape: EvidenceShape;
	outcome: EvidenceOutcome;
}

export type EvidenceFeatures = FeatureCollection<Geometry, EvidenceProperties>;

export const EVIDENCE_SOURCE = 'planning-evidence';

export const EVIDENCE_COLORS: Record<EvidenceOutcome, string> = {
	pass: '#2e7d32',
	fail: '#b91c1c',
	warning: '#b45309',
	not_applicable: '#4b5563'
};

export const NO_EVIDENCE: EvidenceFeatures = { type: 'FeatureCollection', features: [] };

const SHAPES: Record<string, EvidenceShape> = {
	Polygon: 'area',
	MultiPolygon: 'area',
	LineString: 'line',
	MultiLineString: 'line',
	Point: 'point',
	MultiPoint: 'point'
};

function isEmpty(g: Geometry): boolean {
	if (g.type === 'GeometryCollection') return g.geometries.every(isEmpty);
	return !Array.isArray(g.coordinates) || g.coordinates.length === 0;
}

/** The evidence as features by shape; empty parts (an empty difference, say) are left out. */
export function evidenceFeatures(geometry: unknown, outcome: EvidenceOutcome): EvidenceFeatures {
	const features: Feature<Geometry, EvidenceProperties>[] = [];
	const visit = (g: Geometry | null | undefined) => {
		if (!g || typeof g !== 'object') return;
		if (g.type === 'GeometryCollection') {
			g.geometries.forEach(visit);
			return;
		}
		const shape = SHAPES[g.type];
		if (!shape || isEmpty(g)) return;
		features.push({ type: 'Feature', geometry: g, properties: { shape, outcome } });
	};
	visit(geometry as Geometry | null);
	return { type: 'FeatureCollection', features };
}

const color = [
	'match',
	['get', 'outcome'],
	...Object.entries(EVIDENCE_COLORS).flat(),
	'#111827'
] as unknown as DataDrivenPropertyValueSpecification<string>;

/** The evidence source and its layers (drawn above the proposal). */
export function evidenceOverlay(): {
	sources: Record<string, SourceSpecification>;
	layers: LayerSpecification[];
} {
	return {
		sources: { [EVIDENCE_SOURCE]: { type: 'geojson', data: NO_EVIDENCE } },
		layers: [
			{
				id: 'planning-evidence-area',
				type: 'fill',
				source: EVIDENCE_SOURCE,
				filter: ['==', ['get', 'shape'], 'area'],
				paint: { 'fill-color': color, 'fill-opacity': 0.25 }
			},
			{
				id: 'planning-evidence-area-outline',
				type: 'line',
				source: EVIDENCE_SOURCE,
				filter: ['==', ['get', 'shape'], 'area'],
				paint: { 'line-color': color, 'line-width': 2 }
			},
			{
				id: 'planning-evidence-line',
				type: 'line',
				source: EVIDENCE_SOURCE,
				filter: ['==', ['get', 'shape'], 'line'],
				layout: { 'line-cap': 'round' },
				paint: { 'line-color': color, 'line-width': 3, 'line-dasharray': [2, 1.5] }
			},
			{
				id: 'planning-evidence-point',
				type: 'circle',
				source: EVIDENCE_SOURCE,
				filter: ['==', ['get', 'shape'], 'point'],
				paint: {
					'circle-radius': 4,
					'circle-color': '#ffffff',
					'circle-stroke-color': color,
					'circle-stroke-width': 2.5
				}
			}
		]
	};
}
