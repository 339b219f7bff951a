// What a camera sees on the ground, without obstacles: the view, the blind zone under the camera
// and the pixel-density bands, as polygons in EPSG:25832. The SQL functions of
// migrations/2026-11-27T1510_camera_view_functions.ts build the same polygons vertex for vertex
// (tk_camera_arc, tk_sector_from_arc), so the planning map's instant preview and the stored views
// agree; tests/integration/camera-geometry-agreement.test.ts checks that.
//
// Every shape is an annular sector around the camera: the sweep of directions (azimuth ± hfov/2;
// the full circle for a dome; pan_min − hfov/2 .. pan_max + hfov/2 for a PTZ camera) between two
// ground distances. Arcs are polylines with vertices on the circle, evenly spaced at most
// ARC_STEP_DEG apart (n = ceil(sweep / 2°) segments); a full circle has 180 vertices, at 0°, 2°, …
// 358° from north. The chord of a 2° step lies at most r·(1 − cos 1°) = 0.015 % of r inside the
// circle (0.3 m at 2 km).
import { gridConvergenceDeg } from '../geo/projection';
import { blindZoneRadius, densityDistance, effectiveRange } from './optics';
import type {
	CameraGeometryInput,
	CameraViewGeometry,
	DensityBand,
	LevelTable,
	PolygonRings,
	Position,
	Ring
} from './types';

export const ARC_STEP_DEG = 2;

const RAD = Math.PI / 180;

/** The directions a camera covers: clockwise from startDeg over spanDeg; full when spanDeg ≥ 360. */
export interface Sweep {
	startDeg: number;
	spanDeg: number;
	full: boolean;
}

function normalizeDeg(deg: number): number {
	return deg - 360 * Math.floor(deg / 360);
}

/**
 * A PTZ camera pans clockwise from panMin to panMax; a smaller panMax wraps through north, and
 * panMax = panMin (as 0 → 360) is the full circle.
 */
export function panSpanDeg(panMinDeg: number, panMaxDeg: number): number {
	return panMaxDeg > panMinDeg ? panMaxDeg - panMinDeg : panMaxDeg + 360 - panMinDeg;
}

/**
 * The directions the camera covers, as grid bearings in EPSG:25832: azimuth and pan limits are
 * true bearings, turned by the meridian convergence at the camera's position.
 */
export function cameraSweep(camera: CameraGeometryInput): Sweep {
	const hfov = camera.hfovDeg;
	const convergence = gridConvergenceDeg([camera.x, camera.y]);
	let centreSpan = 0;
	let start = camera.azimuthDeg - convergence - hfov / 2;
	if (camera.kind === 'dome') return { startDeg: 0, spanDeg: 360, full: true };
	if (camera.kind === 'ptz' && camera.panMinDeg != null && camera.panMaxDeg != null) {
		centreSpan = panSpanDeg(camera.panMinDeg - convergence, camera.panMaxDeg - convergence);
		start = camera.panMinDeg - convergence - hfov / 2;
	}
	const span = centreSpan + hfov;
	if (span >= 360) return { startDeg: 0, spanDeg: 360, full: true };
	return { startDeg: normalizeDeg(start), spanDeg: span, full: false };
}

/** Unit vectors [sin, cos] of the arc's vertex directions; a full circle's last repeats its first. */
export function unitArc(sweep: Sweep): Position[] {
	const arc: Position[] = [];
	if (sweep.full) {
		const n = 360 / ARC_STEP_DEG;
		for (let i = 0; i <= n; i++) {
			const a = ARC_STEP_DEG * (i % n) * RAD;
			arc.push([Math.sin(a), Math.cos(a)]);
		}
		return arc;
	}
	const n = Math.max(1, Math.ceil(sweep.spanDeg / ARC_STEP_DEG - 1e-9));
	const step = sweep.spanDeg / n;
	for (let i = 0; i <= n; i++) {
		const a = (sweep.startDeg + step * i) * RAD;
		arc.push([Math.sin(a), Math.cos(a)]);
	}
	return arc;
}

function scaled(arc: Position[], x: number, y: number, r: number): Ring {
	return arc.map(([ux, uy]) => [x + r * ux, y + r * uy]);
}

/**
 * The ground between distances rIn and rOut over an arc's directions (a pie slice when rIn is 0,
 * a disc or an annulus for the full circle); null when rOut ≤ max(rIn, 0).
 */
export function sectorFromArc(
	arc: Position[],
	full: boolean,
	x: number,
	y: number,
	rIn: number,
	rOut: number
): PolygonRings | null {
	if (!(rOut > Math.max(rIn, 0))) return null;
	const outer = scaled(arc, x, y, rOut);
	if (full) {
		// Arcs run clockwise; exterior rings are counter-clockwise and holes clockwise.
		outer.reverse();
		return rIn > 0 ? [outer, scaled(arc, x, y, rIn)] : [outer];
	}
	const back: Ring = rIn > 0 ? scaled(arc, x, y, rIn).reverse() : [[x, y]];
	return [[...outer, ...back, outer[0]].reverse()];
}

/**
 * The view, blind zone and density bands of one camera for one level table. Band i is the ring
 * between the distances where the density falls to level i−1 and level i (from the blind zone for
 * the first level), clipped to the view; levels that are not reached have no band.
 */
export function cameraViewGeometry(camera: CameraGeometryInput, table: LevelTable): CameraViewGeometry {
	const { x, y, mountHeightM: h, tiltDeg: tilt, hfovDeg: hfov } = camera;
	const sweep = cameraSweep(camera);
	const arc = unitArc(sweep);
	const blindRadiusM = blindZoneRadius(h, tilt, hfov);
	const reachM = effectiveRange(h, tilt, hfov, camera.maxRangeM);
	const sector = (rIn: number, rOut: number) => sectorFromArc(arc, sweep.full, x, y, rIn, rOut);

	const bands: DensityBand[] = [];
	let previousPpm: number | null = null;
	for (const level of table.levels) {
		const inner: number = previousPpm === null ? 0 : densityDistance(camera.resolutionPx, hfov, previousPpm);
		const outer = densityDistance(camera.resolutionPx, hfov, level.ppm);
		const rings = sector(Math.max(blindRadiusM, inner), Math.min(reachM, outer));
		if (rings) bands.push({ levelId: level.id, minPpm: level.ppm, rings });
		previousPpm = level.ppm;
	}
	return {
		view: sector(blindRadiusM, reachM),
		blindZone: sector(0, Math.min(blindRadiusM, reachM)),
		bands,
		blindRadiusM,
		reachM
	};
}

/** A GeoJSON Polygon of rings (coordinates stay in EPSG:25832). */
export function ringsToGeoJson(rings: PolygonRings): { type: 'Polygon'; coordinates: PolygonRings } {
	return { type: 'Polygon', coordinates: rings };
}
