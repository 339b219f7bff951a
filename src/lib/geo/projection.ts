// Longitude/latitude (EPSG:4326, as MapLibre and GeoJSON use) to and from ETRS89 / UTM zone 32N
// (EPSG:25832, metres, where camera geometry is computed). ETRS89 and WGS84 differ by well under a
// metre in Denmark, which the transformation ignores, as PostGIS does for these two codes.
import proj4 from 'proj4';
import type { PolygonRings, Position } from '../camera/types';

const UTM32 = '+proj=utm +zone=32 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs +type=crs';
const toUtm = proj4('EPSG:4326', UTM32);

/** [lon, lat] → [easting, northing] in EPSG:25832. */
export function toUtm32([lon, lat]: Position): Position {
	const [x, y] = toUtm.forward([lon, lat]);
	return [x, y];
}

/** [easting, northing] in EPSG:25832 → [lon, lat]. */
export function fromUtm32([x, y]: Position): Position {
	const [lon, lat] = toUtm.inverse([x, y]);
	return [lon, lat];
}

/** Polygon rings in EPSG:25832 → the same rings in lon/lat, e.g. for a MapLibre GeoJSON source. */
export function ringsToLonLat(rings: PolygonRings): PolygonRings {
	return rings.map((ring) => ring.map(fromUtm32));
}

/**
 * Meridian convergence at a point in EPSG:25832: how many degrees true north lies anticlockwise
 * of grid north (UTM zone 32's central meridian is 9° E). A true bearing b points at grid bearing
 * b − convergence. The same formula runs in PostGIS (tk_grid_convergence).
 */
export function gridConvergenceDeg(position: Position): number {
	const [lon, lat] = fromUtm32(position);
	const rad = Math.PI / 180;
	return Math.atan(Math.tan((lon - 9) * rad) * Math.sin(lat * rad)) / rad;
}
