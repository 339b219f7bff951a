// Hotspot analysis parameters and Gi* conventions, shared by the server (SQL, API) and the map.
import { z } from 'zod';
import { isRealDate } from './dates';

/** Hexagon sizes offered, in metres: the side length of ST_HexagonGrid's flat-topped hexagons. */
export const CELL_SIZES = [100, 250, 500, 1000] as const;
export type CellSize = (typeof CELL_SIZES)[number];
export const DEFAULT_CELL_SIZE: CellSize = 250;

/** Distance between the centres of two adjacent hexagons of side `size`. */
export const cellSpacing = (size: number) => Math.sqrt(3) * size;

/**
 * The Gi* distance band: two rings of neighbours, i.e. every cell whose centre lies within twice
 * the spacing (19 cells with the cell itself where the grid is complete). One ring (7 cells) is
 * below the ~8 neighbours usually asked of Gi*; more rings smooth away street-scale clusters.
 */
export const NEIGHBOUR_RINGS = 2;
export const distanceBand = (size: number) => NEIGHBOUR_RINGS * cellSpacing(size);

/** Two-sided critical z-values of the 90, 95 and 99 % confidence bins (normal distribution). */
export const Z_CRITICAL = [
	{ bin: 3, confidence: 99, z: 2.5758 },
	{ bin: 2, confidence: 95, z: 1.96 },
	{ bin: 1, confidence: 90, z: 1.6449 }
] as const;

/** -3..3: cold or hot at 99/95/90 % confidence, 0 when not significant (or undefined). */
export function zBin(z: number | null): number {
	if (z === null || !Number.isFinite(z)) return 0;
	for (const c of Z_CRITICAL) if (Math.abs(z) >= c.z) return Math.sign(z) * c.bin;
	return 0;
}

export type StudyArea =
	{ kind: 'country' } | { kind: 'district'; number: number } | { kind: 'municipality'; code: number };

export function formatArea(area: StudyArea): string {
	switch (area.kind) {
		case 'country':
			return 'country';
		case 'district':
			return `district:${area.number}`;
		case 'municipality':
			return `municipality:${area.code}`;
	}
}

export const studyAreaSchema = z.string().transform((value, ctx): StudyArea => {
	if (value === 'country') return { kind: 'country' };
	const m = /^(district|municipality):(\d{1,4})$/.exec(value);
	if (!m) {
		ctx.addIssue({
			code: 'custom',
			message: 'area must be "country", "district:<number>" or "municipality:<code>"'
		});
		return z.NEVER;
	}
	return m[1] === 'district'
		? { kind: 'district', number: Number(m[2]) }
		: { kind: 'municipality', code: Number(m[2]) };
});

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
	.refine(isRealDate, {
		message: 'is not a real date'
	});

/** The query of one analysis; `categories` empty means every category. */
export const hotspotQuerySchema = z
	.object({
		area: studyAreaSchema,
		cell: z.coerce.number().refine((n): n is CellSize => (CELL_SIZES as readonly number[]).includes(n), {
			message: `cell must be one of ${CELL_SIZES.join(', ')} (metres)`
		}),
		from: isoDate,
		to: isoDate,
		categories: z
			.string()
			.optional()
			.transform((s) =>
				[
					...new Set(
						(s ?? '')
							.split(',')
							.map((c) => c.trim())
							.filter(Boolean)
					)
				].sort()
			)
	})
	.refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
	.refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 20 * 366 * 86_400_000, {
		message: 'the period may span at most 20 years',
		path: ['to']
	});

export type HotspotQuery = z.output<typeof hotspotQuerySchema>;

/** The first problem of a failed parse as "field: message". */
export function describeIssue(error: z.ZodError): string {
	const issue = error.issues[0];
	const path = issue.path.join('.');
	return path ? `${path}: ${issue.message}` : issue.message;
}

/** Ground metres per pixel of a 256-pixel web-mercator tile at zoom 0, at Denmark's latitude (56°). */
const METRES_PER_PIXEL_Z0 = (40_075_016.686 / 256) * Math.cos((56 * Math.PI) / 180);

/**
 * Whether a map at `zoom` draws every cell with incidents (cells at least 4 pixels wide) or only
 * the significant ones, which stay visible when cells shrink below a pixel.
 */
export function drawsAllCells(cellSize: number, zoom: number): boolean {
	return (2 * cellSize) / (METRES_PER_PIXEL_Z0 / 2 ** zoom) >= 4;
}
