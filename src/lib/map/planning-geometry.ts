// The planning map's pure parts: a proposed camera as the planner edits it, the handles drawn on
// the map and what dragging each one changes, and the view as GeoJSON in lon/lat. Positions are
// EPSG:25832 metres (as in camera/view-geometry.ts) unless a name says lonLat.
import { gridConvergenceDeg } from '../geo/projection';
import { area, difference, featureCollection, multiPolygon, polygon } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { LIMITS, type CameraKind } from '../camera/register';
import type { CameraGeometryInput, CameraViewGeometry, Position } from '../camera/types';
import { ringsToLonLat } from '../geo/projection';

/** A proposal as the planner edits it: numbers straight from the inputs, so they may be blank or out of range. */
export interface Proposal {
	x: number;
	y: number;
	kind: CameraKind;
	mountHeightM: number | null;
	azimuthDeg: number | null;
	tiltDeg: number | null;
	hfovDeg: number | null;
	resolutionPx: number | null;
	maxRangeM: number | null;
	panMinDeg: number | null;
	panMaxDeg: number | null;
}

export type OpticsField = Exclude<keyof Proposal, 'x' | 'y' | 'kind'>;

const ok = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

/**
 * The fields whose values the register would refuse (the rules of server/cameras/validation.ts),
 * so the map can say why it draws nothing instead of drawing nonsense.
 */
export function invalidOptics(p: Proposal): OpticsField[] {
	const bad: OpticsField[] = [];
	const check = (field: OpticsField, valid: (n: number) => boolean) => {
		const n = p[field];
		if (!ok(n) || !valid(n)) bad.push(field);
	};
	check('mountHeightM', (n) => n > LIMITS.mountHeightM.min && n <= LIMITS.mountHeightM.max);
	if (p.kind !== 'dome') check('azimuthDeg', (n) => n >= 0 && n < 360);
	check('tiltDeg', (n) => n >= LIMITS.tiltDeg.min && n <= LIMITS.tiltDeg.max);
	check('hfovDeg', (n) => n > LIMITS.hfovDeg.min && n <= LIMITS.hfovDeg.max);
	check(
		'resolutionPx',
		(n) => Number.isInteger(n) && n >= LIMITS.resolutionPx.min && n <= LIMITS.resolutionPx.max
	);
	check('maxRangeM', (n) => n > LIMITS.maxRangeM.min && n <= LIMITS.maxRangeM.max);
	if (p.kind === 'ptz') {
		check('panMinDeg', (n) => n >= LIMITS.panDeg.min && n <= LIMITS.panDeg.max);
		check('panMaxDeg', (n) => n >= LIMITS.panDeg.min && n <= LIMITS.panDeg.max);
	}
	return bad;
}

/** The input of the shared view geometry, or null while a field is blank or out of range. */
export function geometryInput(p: Proposal): CameraGeometryInput | null {
	if (invalidOptics(p).length > 0 || !ok(p.x) || !ok(p.y)) return null;
	const ptz = p.kind === 'ptz';
	return {
		x: p.x,
		y: p.y,
		kind: p.kind,
		mountHeightM: p.mountHeightM!,
		azimuthDeg: p.kind === 'dome' ? (p.azimuthDeg ?? 0) : p.azimuthDeg!,
		tiltDeg: p.tiltDeg!,
		hfovDeg: p.hfovDeg!,
		resolutionPx: p.resolutionPx!,
		maxRangeM: p.maxRangeM!,
		panMinDeg: ptz ? p.panMinDeg : null,
		panMaxDeg: ptz ? p.panMaxDeg : null
	};
}

const RAD = Math.PI / 180;

/** Degrees in [0, 360). */
export function normalizeDeg(deg: number): number {
	const d = deg - 360 * Math.floor(deg / 360);
	return d >= 360 ? 0 : d;
}

/** Clockwise from north, [0, 360). */
export function bearingDeg(from: Position, to: Position): number {
	return normalizeDeg(Math.atan2(to[0] - from[0], to[1] - from[1]) / RAD);
}

export function distanceM(from: Position, to: Position): number {
	return Math.hypot(to[0] - from[0], to[1] - from[1]);
}

export function gridDestination(from: Position, bearing: number, distance: number): Position {
	return [from[0] + distance * Math.sin(bearing * RAD), from[1] + distance * Math.cos(bearing * RAD)];
}

/** The smaller angle between two directions, 0..180. */
export function angleBetween(a: number, b: number): number {
	const d = Math.abs(normalizeDeg(a) - normalizeDeg(b));
	return d > 180 ? 360 - d : d;
}

export type HandleId = 'camera' | 'aim' | 'fov' | 'range' | 'panMin' | 'panMax';

/** Where handles sit, as fractions of the range, so that none hides another. */
const AIM_AT = 0.5;
const EDGE_AT = 0.8;

/**
 * The handles of a proposal: the camera itself, the range at the end of the view's middle
 * direction, and by kind the aim (fixed), the edge of the image (fixed, PTZ) and the two ends of
 * the pan range (PTZ). A dome sees all round, so it has no direction to drag.
 */
export function handlePositions(p: Proposal): Partial<Record<HandleId, Position>> {
	const at: Position = [p.x, p.y];
	// Azimuths are true bearings; handles are placed in the grid, where true north is turned.
	const convergence = gridConvergenceDeg(at);
	const destination = (from: Position, trueBearing: number, distance: number) =>
		gridDestination(from, trueBearing - convergence, distance);
	const handles: Partial<Record<HandleId, Position>> = { camera: at };
	const range = ok(p.maxRangeM) && p.maxRangeM > 0 ? p.maxRangeM : null;
	const hfov = ok(p.hfovDeg) ? Math.min(p.hfovDeg, 360) : null;
	if (range === null) return handles;
	if (p.kind === 'ptz') {
		if (!ok(p.panMinDeg) || !ok(p.panMaxDeg)) return handles;
		const span = p.panMaxDeg > p.panMinDeg ? p.panMaxDeg - p.panMinDeg : p.panMaxDeg + 360 - p.panMinDeg;
		handles.panMin = destination(at, p.panMinDeg, EDGE_AT * range);
		handles.panMax = destination(at, p.panMaxDeg, EDGE_AT * range);
		handles.range = destination(at, p.panMinDeg + span / 2, range);
		if (hfov !== null) handles.fov = destination(at, p.panMaxDeg + hfov / 2, AIM_AT * range);
		return handles;
	}
	const azimuth = ok(p.azimuthDeg) ? p.azimuthDeg : 0;
	handles.range = destination(at, azimuth, range);
	if (p.kind === 'fixed') {
		handles.aim = destination(at, azimuth, AIM_AT * range);
		if (hfov !== null) handles.fov = destination(at, azimuth + hfov / 2, EDGE_AT * range);
	}
	return handles;
}

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));
/** Whole degrees in [0, 360). */
const wholeDeg = (deg: number) => normalizeDeg(Math.round(deg));

/**
 * What dragging a handle to `to` changes: the camera moves; the aim turns the camera; the range
 * handle sets the range (whole metres); the image edge sets the field of view symmetrically about
 * the aim (PTZ: about the end of the pan range); the pan ends set the pan range.
 */
export function dragHandle(p: Proposal, handle: HandleId, to: Position): Partial<Proposal> {
	const at: Position = [p.x, p.y];
	const bearing = normalizeDeg(bearingDeg(at, to) + gridConvergenceDeg(at));
	switch (handle) {
		case 'camera':
			return { x: to[0], y: to[1] };
		case 'aim':
			return { azimuthDeg: wholeDeg(bearing) };
		case 'range':
			return { maxRangeM: clamp(Math.round(distanceM(at, to)), 1, LIMITS.maxRangeM.max) };
		case 'fov': {
			const centre = p.kind === 'ptz' ? (p.panMaxDeg ?? 0) : (p.azimuthDeg ?? 0);
			// For a PTZ camera the handle is the image's outer edge past the end of the pan range.
			const half = angleBetween(bearing, centre);
			return { hfovDeg: clamp(Math.round(2 * half), 1, LIMITS.hfovDeg.max) };
		}
		case 'panMin':
			return { panMinDeg: wholeDeg(bearing) };
		case 'panMax':
			return { panMaxDeg: wholeDeg(bearing) };
	}
}

export type PartKind = 'view' | 'blind' | 'band' | 'hidden';

export interface PartProperties {
	part: PartKind;
	level_id?: string;
	min_ppm?: number;
}

export type PlanningFeatures = FeatureCollection<Polygon | MultiPolygon, PartProperties>;

export const EMPTY_FEATURES: PlanningFeatures = { type: 'FeatureCollection', features: [] };

/**
 * The browser's view geometry as GeoJSON in lon/lat: bands (innermost first), the blind zone and
 * the view's outline, each tagged with `part` for the map's layers.
 */
export function liveFeatures(geometry: CameraViewGeometry): PlanningFeatures {
	const features: Feature<Polygon, PartProperties>[] = [];
	for (const band of geometry.bands) {
		features.push(
			polygon(ringsToLonLat(band.rings), { part: 'band', level_id: band.levelId, min_ppm: band.minPpm })
		);
	}
	if (geometry.blindZone) features.push(polygon(ringsToLonLat(geometry.blindZone), { part: 'blind' }));
	if (geometry.view) features.push(polygon(ringsToLonLat(geometry.view), { part: 'view' }));
	return { type: 'FeatureCollection', features };
}

/** The server's occluded view, as the preview endpoint returns it (GeoJSON in lon/lat). */
export interface ServerPreview {
	view: MultiPolygon | null;
	blindZone: MultiPolygon | null;
	bands: { levelId: string; minPpm: number; geometry: MultiPolygon }[];
}

/** Pieces of a difference below this are seams of the two computations' rounding, not buildings. */
const SLIVER_M2 = 0.5;

/**
 * The server's view drawn over the live one: its bands, its outline, and what buildings hide
 * (the live view minus the server's view); `hiddenShare` is the hidden part of the live view's area.
 */
export function serverFeatures(
	preview: ServerPreview,
	liveView: Polygon | null
): { features: PlanningFeatures; hiddenShare: number; visibleM2: number } {
	const features: Feature<Polygon | MultiPolygon, PartProperties>[] = [];
	for (const band of preview.bands) {
		features.push({
			type: 'Feature',
			properties: { part: 'band', level_id: band.levelId, min_ppm: band.minPpm },
			geometry: band.geometry
		});
	}
	const visible = preview.view ? multiPolygon(preview.view.coordinates, { part: 'view' as const }) : null;
	const visibleM2 = visible ? area(visible) : 0;
	let hiddenShare = 0;
	if (liveView) {
		const live = polygon(liveView.coordinates);
		const liveM2 = area(live);
		const hidden = visible ? difference(featureCollection<Polygon | MultiPolygon>([live, visible])) : live;
		const pieces =
			hidden === null
				? []
				: hidden.geometry.type === 'Polygon'
					? [hidden.geometry.coordinates]
					: hidden.geometry.coordinates;
		for (const rings of pieces) {
			const piece = polygon(rings, { part: 'hidden' as const });
			if (area(piece) >= SLIVER_M2) features.push(piece);
		}
		hiddenShare = liveM2 > 0 ? clamp(1 - visibleM2 / liveM2, 0, 1) : 0;
		if (hiddenShare < 0.001) hiddenShare = 0;
	}
	if (visible) features.push(visible);
	return { features: { type: 'FeatureCollection', features }, hiddenShare, visibleM2 };
}
