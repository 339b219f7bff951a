// Reads a boundary file's text into checked polygon features. Every structural problem of the
// file as a whole is a BoundaryImportError; a problem of one feature only skips that feature.
import { z } from 'zod';
import type { FeatureInput, FeatureProperties } from './boundary-properties';
import type { Bbox } from './crs';
import { BoundaryImportError } from './errors';

const position = z.array(z.number()).min(2, 'a position needs x and y').max(4);
const ring = z
	.array(position)
	.min(4, 'a ring needs at least 4 positions')
	.refine((r) => r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1], 'a ring is not closed');
const polygonCoordinates = z.array(ring).min(1, 'a polygon needs a ring');

const polygonGeometry = z.discriminatedUnion('type', [
	z.object({ type: z.literal('Polygon'), coordinates: polygonCoordinates }),
	z.object({
		type: z.literal('MultiPolygon'),
		coordinates: z.array(polygonCoordinates).min(1, 'no polygons')
	})
]);

export type PolygonGeometry = z.infer<typeof polygonGeometry>;

const featureCollection = z.object({
	type: z.literal('FeatureCollection'),
	crs: z.unknown().optional(),
	features: z.array(
		z.object({
			type: z.literal('Feature'),
			properties: z.record(z.string(), z.unknown()).nullable().optional(),
			geometry: z.unknown()
		})
	)
});

export interface ParsedFeature extends FeatureInput {
	/** Null exactly when `problem` is set. */
	geometry: PolygonGeometry | null;
}

export interface ParsedBoundaryFile {
	crsMember: unknown;
	features: ParsedFeature[];
	/** Of the polygon features' coordinates (there is at least one). */
	bbox: Bbox;
	polygonCount: number;
}

function describeIssue(issue: z.core.$ZodIssue): string {
	const path = issue.path
		.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
		.join('')
		.replace(/^\./, '');
	return path ? `${path}: ${issue.message}` : issue.message;
}

function geometryProblem(geometry: unknown): string | null {
	if (geometry === null || geometry === undefined) return 'the feature has no geometry';
	const type = typeof geometry === 'object' && 'type' in geometry ? geometry.type : undefined;
	if (type !== 'Polygon' && type !== 'MultiPolygon') {
		return `the geometry is ${typeof type === 'string' ? `a ${type}` : 'not GeoJSON'}, not a polygon`;
	}
	return null;
}

function extendBbox(bbox: Bbox, geometry: PolygonGeometry): void {
	const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
	for (const polygon of polygons) {
		for (const r of polygon) {
			for (const [x, y] of r) {
				if (x < bbox[0]) bbox[0] = x;
				if (y < bbox[1]) bbox[1] = y;
				if (x > bbox[2]) bbox[2] = x;
				if (y > bbox[3]) bbox[3] = y;
			}
		}
	}
}

export function parseBoundaryFile(text: string): ParsedBoundaryFile {
	let json: unknown;
	try {
		json = JSON.parse(text.replace(/^\uFEFF/, ''));
	} catch (e) {
		throw new BoundaryImportError(`The file is not JSON (${e instanceof Error ? e.message : String(e)}).`);
	}
	const rootType = json && typeof json === 'object' && 'type' in json ? json.type : undefined;
	if (rootType !== 'FeatureCollection') {
		throw new BoundaryImportError(
			`The file is not a GeoJSON FeatureCollection (its type is ${rootType === undefined ? 'missing' : JSON.stringify(rootType)}).`
		);
	}
	const collection = featureCollection.safeParse(json);
	if (!collection.success) {
		const issues = collection.error.issues.slice(0, 3).map(describeIssue);
		throw new BoundaryImportError(`The FeatureCollection is malformed: ${issues.join('; ')}.`);
	}

	const bbox: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
	let polygonCount = 0;
	const features = collection.data.features.map((f, index): ParsedFeature => {
		const properties: FeatureProperties = f.properties ?? null;
		const problem = geometryProblem(f.geometry);
		if (problem) return { index, properties, problem, geometry: null };
		const geometry = polygonGeometry.safeParse(f.geometry);
		if (!geometry.success) {
			const issue = describeIssue(geometry.error.issues[0]);
			return { index, properties, problem: `malformed polygon (${issue})`, geometry: null };
		}
		polygonCount++;
		extendBbox(bbox, geometry.data);
		return { index, properties, problem: null, geometry: geometry.data };
	});

	if (polygonCount === 0) {
		const why =
			features.length === 0 ? 'it has no features' : `none of its ${features.length} features is a polygon`;
		throw new BoundaryImportError(`The file holds no polygon features: ${why}.`);
	}
	return { crsMember: collection.data.crs, features, bbox, polygonCount };
}
