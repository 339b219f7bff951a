// The selectable pixel-density level tables (geodata/density-levels.json), checked once on load.
import { z } from 'zod';
import data from '../../../geodata/density-levels.json';
import type { LevelTable } from './types';

export const DEFAULT_LEVEL_TABLE = 'en62676-4-2015';

const name = z.object({ da: z.string().min(1), en: z.string().min(1) });
const schema = z.object({
	tables: z
		.array(
			z.object({
				id: z.string().min(1),
				name,
				levels: z
					.array(z.object({ id: z.string().min(1), ppm: z.number().positive(), name }))
					.min(1)
					.refine((levels) => levels.every((l, i) => i === 0 || l.ppm < levels[i - 1].ppm), {
						message: 'levels must be ordered from the highest ppm down'
					})
					.refine((levels) => new Set(levels.map((l) => l.id)).size === levels.length, {
						message: 'level ids must be unique'
					})
			})
		)
		.min(1)
		.refine((tables) => new Set(tables.map((t) => t.id)).size === tables.length, {
			message: 'table ids must be unique'
		})
});

/** Every level table, in the file's order. */
export const levelTables: readonly LevelTable[] = schema.parse(data).tables;

export function isLevelTableId(id: string): boolean {
	return levelTables.some((t) => t.id === id);
}

/** The level table with this id (the EN 62676-4:2015 table by default); throws for an unknown id. */
export function levelTable(id: string = DEFAULT_LEVEL_TABLE): LevelTable {
	const table = levelTables.find((t) => t.id === id);
	if (!table) {
		throw new Error(
			`Unknown density level table "${id}" (known: ${levelTables.map((t) => t.id).join(', ')})`
		);
	}
	return table;
}
