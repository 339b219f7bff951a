import { z } from 'zod';

export const MAX_TILE_ZOOM = 22;

export interface TileCoord {
	z: number;
	x: number;
	y: number;
}

const integer = z
	.string()
	.regex(/^\d{1,7}$/, 'must be a non-negative integer')
	.transform(Number);

/** Validates z/x/y path parameters: 0 ≤ z ≤ 22 and 0 ≤ x, y < 2^z. */
export const tileCoordSchema = z
	.object({ z: integer, x: integer, y: integer })
	.refine((t) => t.z <= MAX_TILE_ZOOM, { message: `z must be at most ${MAX_TILE_ZOOM}`, path: ['z'] })
	.refine((t) => t.x < 2 ** t.z, { message: 'x must be less than 2^z', path: ['x'] })
	.refine((t) => t.y < 2 ** t.z, { message: 'y must be less than 2^z', path: ['y'] });

/** Web-mercator bounds of a tile in degrees: [west, south, east, north]. */
export function tileBounds({ z, x, y }: TileCoord): [number, number, number, number] {
	const n = 2 ** z;
	const lon = (i: number) => (i / n) * 360 - 180;
	const lat = (j: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / n))) * 180) / Math.PI;
	return [lon(x), lat(y + 1), lon(x + 1), lat(y)];
}

/** The tile at zoom z that contains a point given in degrees. */
export function tileAt(lon: number, lat: number, z: number): TileCoord {
	const n = 2 ** z;
	const x = Math.floor(((lon + 180) / 360) * n);
	const rad = (lat * Math.PI) / 180;
	const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
	return { z, x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}

export function boundsIntersect(a: readonly number[], b: readonly number[]): boolean {
	return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}
