// Lens and pixel-density formulas. migrations/2026-11-27T1510_camera_view_functions.ts holds the
// same formulas in SQL (tk_camera_*); tests/integration/camera-geometry-agreement.test.ts keeps
// the two in step.
//
// Images up to 180° wide are taken as rectilinear (pinhole) images: the pixels spread over
// 2·d·tan(hfov/2) metres at distance d. Nothing rectilinear reaches 180°, so a wider image
// (panoramic, 360° dome) is taken as equidistant: the pixels spread over the arc d·hfov.

const RAD = Math.PI / 180;

/** HFOV = 2·atan(sensor width / (2·focal length)), in degrees. */
export function hfovFromLens(focalLengthMm: number, sensorWidthMm: number): number {
	return (2 * Math.atan(sensorWidthMm / (2 * focalLengthMm))) / RAD;
}

/** Metres across the image at 1 m distance: 2·tan(hfov/2), or the arc hfov (radians) from 180° up. */
export function imageWidthFactor(hfovDeg: number): number {
	return hfovDeg < 180 ? 2 * Math.tan((hfovDeg / 2) * RAD) : hfovDeg * RAD;
}

/** Vertical field of view of a 16:9 image: 2·atan(tan(hfov/2)·9/16) (hfov·9/16 from 180° up, at most 180°). */
export function vfovDeg(hfovDeg: number): number {
	if (hfovDeg >= 180) return Math.min(180, (hfovDeg * 9) / 16);
	return (2 * Math.atan(Math.tan((hfovDeg / 2) * RAD) * (9 / 16))) / RAD;
}

/** Pixels per metre at distance d: px / (2·d·tan(hfov/2)). */
export function pixelDensity(resolutionPx: number, hfovDeg: number, distanceM: number): number {
	return resolutionPx / (distanceM * imageWidthFactor(hfovDeg));
}

/** The distance at which the density falls to `ppm`: px / (2·tan(hfov/2)·ppm). */
export function densityDistance(resolutionPx: number, hfovDeg: number, ppm: number): number {
	return resolutionPx / (imageWidthFactor(hfovDeg) * ppm);
}

/**
 * Ground distance from the foot of the mast to the near edge of the image: h / tan(tilt + vfov/2);
 * 0 when the image reaches straight down (tilt + vfov/2 ≥ 90°).
 */
export function blindZoneRadius(mountHeightM: number, tiltDeg: number, hfovDeg: number): number {
	const angle = tiltDeg + vfovDeg(hfovDeg) / 2;
	return angle >= 90 ? 0 : mountHeightM / Math.tan(angle * RAD);
}

/** Ground distance of the far edge of the image: h / tan(tilt − vfov/2); Infinity when the horizon is in the image. */
export function farEdgeDistance(mountHeightM: number, tiltDeg: number, hfovDeg: number): number {
	const angle = tiltDeg - vfovDeg(hfovDeg) / 2;
	return angle > 0 ? mountHeightM / Math.tan(angle * RAD) : Infinity;
}

/** How far the view reaches on the ground: max_range_m, or the far edge of the image when nearer. */
export function effectiveRange(
	mountHeightM: number,
	tiltDeg: number,
	hfovDeg: number,
	maxRangeM: number
): number {
	return Math.min(maxRangeM, farEdgeDistance(mountHeightM, tiltDeg, hfovDeg));
}
