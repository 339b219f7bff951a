// Accounts of a refused import (for a page and for the command line), shared by the camera, incident
// and survey imports.
import type { Lang } from '../../i18n';
import { importErrorMessage, type ImportRowError } from './row-errors';

export interface RefusedImport {
	format: string | null;
	rows: number;
	badRows: number;
	errorCount: number;
	/** Some rows lie outside what the user may import. */
	forbidden?: boolean;
	errors: Pick<ImportRowError, 'row' | 'field' | 'message'>[];
}

/** The counts, then the first `limit` errors by row (or feature) and field, then how many more. */
export function formatRefusedImport(result: RefusedImport, limit: number): string {
	const unit = result.format === 'geojson' ? 'feature' : 'row';
	const lines = [
		`Nothing was imported: ${result.badRows} of ${result.rows} ${unit}s have errors ` +
			`(${result.errorCount} in all${result.forbidden ? ', some outside what you may import' : ''}).`
	];
	for (const e of result.errors.slice(0, limit)) {
		const where = e.row === null ? 'file' : `${unit} ${e.row}`;
		lines.push(`  ${where}, ${e.field}: ${e.message}`);
	}
	const more = result.errorCount - Math.min(limit, result.errors.length);
	if (more > 0) lines.push(`  … and ${more} more`);
	return lines.join('\n');
}

/** A refused import as a page shows it: the counts and the first errors in the reader's language. */
export function refusedImportView<F extends string | null>(
	file: string,
	result: { format: F; rows: number; badRows: number; errorCount: number; errors: ImportRowError[] },
	lang: Lang
) {
	return {
		file,
		format: result.format,
		rows: result.rows,
		badRows: result.badRows,
		errorCount: result.errorCount,
		errors: result.errors.map((e) => ({ row: e.row, field: e.field, message: importErrorMessage(e, lang) }))
	};
}
