// Input and output shapes of the camera view geometry, shared by the browser (planning map) and
// the server (stored views, previews). Positions and rings are EPSG:25832 metres.
import { z } from 'zod';
import type { CameraKind } from './register';

export type ViewCameraKind = CameraKind;

/** What the view geometry of a camera depends on: its position and optics, nothing else. */
export interface CameraGeometryInput {
	/** Easting, EPSG:25832. */
	x: number;
	/** Northing, EPSG:25832. */
	y: number;
	mountHeightM: number;
	/** Clockwise from north. Ignored for domes; for PTZ cameras only the pan range counts. */
	azimuthDeg: number;
	/** Below the horizontal, 0..90. */
	tiltDeg: number;
	/** Horizontal field of view of one image (for domes and PTZ too). */
	hfovDeg: number;
	/** Horizontal pixels of one image. */
	resolutionPx: number;
	maxRangeM: number;
	kind: ViewCameraKind;
	/** PTZ only: the pan range, clockwise from panMinDeg to panMaxDeg (may wrap through north). */
	panMinDeg?: number | null;
	panMaxDeg?: number | null;
}

/** Checks a placement (e.g. one sent by the planning map) against the cameras table's limits. */
export const cameraGeometryInputSchema = z
	.object({
		x: z.number().min(150_000).max(1_050_000),
		y: z.number().min(5_850_000).max(6_550_000),
		mountHeightM: z.number().gt(0).max(100),
		azimuthDeg: z.number().min(0).lt(360),
		tiltDeg: z.number().min(0).max(90),
		hfovDeg: z.number().gt(0).max(360),
		resolutionPx: z.number().int().min(160).max(20_000),
		maxRangeM: z.number().gt(0).max(2000),
		kind: z.enum(['fixed', 'dome', 'ptz']),
		panMinDeg: z.number().min(0).max(360).nullish(),
		panMaxDeg: z.number().min(0).max(360).nullish()
	})
	.refine((c) => (c.kind === 'ptz') === (c.panMinDeg != null && c.panMaxDeg != null), {
		message: 'a PTZ camera needs panMinDeg and panMaxDeg, and only a PTZ camera has them',
		path: ['panMinDeg']
	}) satisfies z.ZodType<CameraGeometryInput>;

/** [easting, northing] in EPSG:25832. */
export type Position = [number, number];
/** A closed ring: the last position repeats the first. */
export type Ring = Position[];
/** Exterior ring (counter-clockwise) followed by holes (clockwise), as in GeoJSON. */
export type PolygonRings = Ring[];

export interface LocalizedName {
	da: string;
	en: string;
}

export interface DensityLevel {
	id: string;
	/** Pixels per metre at the target. */
	ppm: number;
	name: LocalizedName;
}

export interface LevelTable {
	id: string;
	name: LocalizedName;
	/** Ordered from the highest ppm down. */
	levels: DensityLevel[];
}

export interface DensityBand {
	levelId: string;
	/** The level's ppm: the lowest density inside the band. */
	minPpm: number;
	rings: PolygonRings;
}

export interface CameraViewGeometry {
	/** Ground between the blind zone and the effective range; null when nothing is seen. */
	view: PolygonRings | null;
	/** Ground under the camera that the image does not reach; null when there is none. */
	blindZone: PolygonRings | null;
	/** One per level that is reached, innermost (highest level) first. */
	bands: DensityBand[];
	/** Ground distance of the near edge of the image (0 when the image reaches the foot of the mast). */
	blindRadiusM: number;
	/** Ground distance the view reaches: max_range_m, or less when the image's far edge hits the ground first. */
	reachM: number;
}
