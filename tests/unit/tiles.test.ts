import { describe, expect, it } from 'vitest';
import { boundsIntersect, tileAt, tileBounds, tileCoordSchema } from '../../src/lib/tiles';

describe('tile coordinates', () => {
	it('accepts valid z/x/y and converts them to numbers', () => {
		expect(tileCoordSchema.parse({ z: '0', x: '0', y: '0' })).toEqual({ z: 0, x: 0, y: 0 });
		expect(tileCoordSchema.parse({ z: '12', x: '2190', y: '1281' })).toEqual({ z: 12, x: 2190, y: 1281 });
		expect(tileCoordSchema.parse({ z: '22', x: String(2 ** 22 - 1), y: '0' }).x).toBe(2 ** 22 - 1);
	});

	it.each([
		[{ z: '23', x: '0', y: '0' }, 'z'],
		[{ z: '-1', x: '0', y: '0' }, 'z'],
		[{ z: '1.5', x: '0', y: '0' }, 'z'],
		[{ z: 'a', x: '0', y: '0' }, 'z'],
		[{ z: '3', x: '8', y: '0' }, 'x'],
		[{ z: '3', x: '0', y: '8' }, 'y'],
		[{ z: '0', x: '1', y: '0' }, 'x']
	])('rejects %o, naming %s', (params, field) => {
		const result = tileCoordSchema.safeParse(params);
		expect(result.success).toBe(false);
		expect(result.error!.issues[0].path).toEqual([field]);
	});

	it('computes web-mercator bounds and finds the tile of a point', () => {
		expect(tileBounds({ z: 0, x: 0, y: 0 })[0]).toBe(-180);
		expect(tileBounds({ z: 0, x: 0, y: 0 })[3]).toBeCloseTo(85.0511, 3);
		const t = tileAt(12.5683, 55.6761, 12);
		const [w, s, e, n] = tileBounds(t);
		expect(12.5683).toBeGreaterThanOrEqual(w);
		expect(12.5683).toBeLessThan(e);
		expect(55.6761).toBeGreaterThanOrEqual(s);
		expect(55.6761).toBeLessThan(n);
	});

	it('tests bounding box overlap including touching edges', () => {
		expect(boundsIntersect([0, 0, 1, 1], [1, 1, 2, 2])).toBe(true);
		expect(boundsIntersect([0, 0, 1, 1], [1.1, 0, 2, 1])).toBe(false);
	});
});
