// Problems found while importing a file, by row and field, in the reader's language.
import type { z } from 'zod';
import { translate, type Lang, type MessageKey } from '../../i18n';

export type Vars = Record<string, string | number>;

/** One problem: `row` is the CSV row (the header is row 1) or the GeoJSON feature (from 1); null for the file. */
export interface ImportRowError {
	row: number | null;
	field: string;
	/** In English; `key` and `vars` give it in another language. */
	message: string;
	key: MessageKey | null;
	vars: Vars;
}

/** The error in the reader's language. */
export function importErrorMessage(error: ImportRowError, lang: Lang): string {
	return error.key ? translate(lang, error.key, error.vars) : error.message;
}

export function rowError(
	row: number | null,
	field: string,
	key: MessageKey,
	vars: Vars = {}
): ImportRowError {
	return { row, field, key, vars, message: translate('en', key, vars) };
}

/** A problem with the file as a whole: it stops the reading. */
export class FileError extends Error {
	constructor(readonly error: ImportRowError) {
		super(error.message);
	}
}

export const fileError = (key: MessageKey, vars: Vars = {}, row: number | null = null, field = 'file') =>
	new FileError(rowError(row, field, key, vars));

/** A zod error as row errors; issues that carry `params: { key, vars }` keep their message key. */
export function issuesOf(error: z.ZodError, row: number): ImportRowError[] {
	return error.issues.map((i) => {
		const params = (i as { params?: { key?: MessageKey; vars?: Vars } }).params;
		return {
			row,
			field: i.path.join('.') || 'row',
			message: i.message,
			key: params?.key ?? null,
			vars: params?.vars ?? {}
		};
	});
}
