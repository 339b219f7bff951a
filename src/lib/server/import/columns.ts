// Reading the cells of an import file: column names, values as people type them, positions and
// their coordinate systems. Shared by the camera and incident imports.
import { BoundaryImportError } from '../boundaries/errors';
import { resolveSourceCrs, supportedCrs, type SourceCrs } from '../boundaries/crs';
import { fileError, rowError, type ImportRowError } from './row-errors';

/** A column name as compared: case, `_`, `-` and white space ignored, so `mount_height_m` is `mountHeightM`. */
export const normalizeColumn = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');

/** Canonical column names by their normalized form. */
export function columnIndex(columns: readonly string[]): Map<string, string> {
	return new Map(columns.map((c) => [normalizeColumn(c), c]));
}

/** A CSV value as the schema reads it; numbers keep their text so that `5,5` stays a decimal comma. */
export function cell(value: string): string {
	// The exports put an apostrophe before text a spreadsheet would run as a formula; take it off.
	return /^'[=@+\-\t\r]/.test(value) ? value.slice(1) : value;
}

export function blank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A number as written in a file: a JSON number, or text with a decimal point or a decimal comma. */
export function numeric(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value !== 'string') return null;
	const t = value.trim();
	const n = Number(/^[-+]?\d+,\d+$/.test(t) ? t.replace(',', '.') : t);
	return t !== '' && Number.isFinite(n) ? n : null;
}

export interface CsvLayout {
	/** Column index → canonical name (null for an unknown column). */
	columns: (string | null)[];
	/** Canonical name → the header as written, for the report. */
	written: Map<string, string>;
	/** Required columns the header lacks (a position as `lon, lat`): reported once, not on every row. */
	missing: Set<string>;
}

/**
 * The columns of a CSV header row. Unknown and repeated columns are errors, and so are missing
 * required ones; a position needs one of `positionPairs` complete (reported as the first pair).
 */
export function csvLayout(
	headerRow: number,
	header: string[],
	columnByKey: Map<string, string>,
	required: readonly string[],
	positionPairs: readonly (readonly [string, string])[],
	errors: ImportRowError[]
): CsvLayout {
	const columns: (string | null)[] = [];
	const written = new Map<string, string>();
	header.forEach((h, i) => {
		const name = h.trim();
		const column = columnByKey.get(normalizeColumn(name)) ?? null;
		if (name === '' && i === header.length - 1) {
			columns.push(null);
			return;
		}
		if (column === null) {
			errors.push(rowError(headerRow, name || `#${i + 1}`, 'import.error.unknownColumn'));
		} else if (written.has(column)) {
			errors.push(rowError(headerRow, name, 'import.error.duplicateColumn', { column }));
		} else written.set(column, name);
		columns.push(column);
	});
	const missing = new Set<string>();
	for (const c of required) if (!written.has(c)) missing.add(c);
	if (positionPairs.length && !positionPairs.some(([a, b]) => written.has(a) && written.has(b)))
		missing.add(positionPairs[0].join(', '));
	for (const c of missing) errors.push(rowError(headerRow, c, 'import.error.missingColumn'));
	return { columns, written, missing };
}

/** The values of a CSV record by canonical column; a value beyond the header's columns is an error. */
export function csvValues(
	layout: CsvLayout,
	row: number,
	fields: string[],
	errors: ImportRowError[]
): Record<string, unknown> {
	const raw: Record<string, unknown> = {};
	fields.forEach((value, i) => {
		const column = layout.columns[i];
		if (column) raw[column] = cell(value);
		else if (i >= layout.columns.length && value.trim() !== '')
			errors.push(rowError(row, `#${i + 1}`, 'import.error.extraField'));
	});
	return raw;
}

export function isPoint(geometry: unknown): geometry is { type: 'Point'; coordinates: number[] } {
	const g = geometry as { type?: unknown; coordinates?: unknown } | null;
	return (
		g?.type === 'Point' &&
		Array.isArray(g.coordinates) &&
		g.coordinates.length >= 2 &&
		g.coordinates.slice(0, 2).every((v) => typeof v === 'number' && Number.isFinite(v))
	);
}

/**
 * Coordinates in the wrong kind of CRS: metres read as degrees or the other way round.
 * `srid` is the CRS the projected coordinates are read in (for the message).
 */
export function positionMismatch(
	row: number,
	field: string,
	projected: boolean,
	x: number | null,
	y: number | null,
	srid: number
): ImportRowError | null {
	if (x === null || y === null) return null;
	const degrees = Math.abs(x) <= 180 && Math.abs(y) <= 90;
	if (!projected && !degrees) return rowError(row, field, 'import.error.looksMetres');
	if (projected && degrees)
		return rowError(row, field, 'import.error.looksDegrees', { crs: supportedCrs[srid].label });
	return null;
}

/** The CRS to read positions in (the option's over the file's `crs` member), or a FileError. */
export function resolveImportCrs(srs: string | undefined, member: unknown): SourceCrs {
	try {
		return resolveSourceCrs(srs, member);
	} catch (e) {
		if (!(e instanceof BoundaryImportError)) throw e;
		const named = srs?.trim() || JSON.stringify(member ?? null).slice(0, 120);
		throw fileError('import.error.crsUnknown', { crs: named }, null, srs?.trim() ? 'srs' : 'crs');
	}
}

/**
 * For a CSV, the CRS of easting/northing: EPSG:25832 unless `srs` names EPSG:25833; a
 * geographic `srs` changes nothing (lon/lat are WGS84), any other is a FileError.
 */
export function csvProjectedSrid(srs: string | undefined): 25832 | 25833 {
	if (!srs?.trim()) return 25832;
	const crs = resolveImportCrs(srs, undefined);
	if (crs.srid === 25832 || crs.srid === 25833) return crs.srid;
	if (!supportedCrs[crs.srid].geographic) throw fileError('import.error.csvSrs', { crs: crs.label });
	return 25832;
}
