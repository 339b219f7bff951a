// Reads a survey file into records with the shared import readers (UTF-8, RFC 4180 CSV with a
// header row and comma, semicolon or tab; GeoJSON FeatureCollection). Survey files are small (a
// row per municipality or place), so the records are kept in memory and checked together.
import { fileError } from '../import/row-errors';
import {
	csvRecords,
	decodeUtf8,
	formatOf,
	geoJsonEvents,
	sniff,
	type ByteSource,
	type ImportFormat
} from '../import/stream-readers';

export type SurveyFileFormat = ImportFormat;

export interface SurveyRecord {
	/** CSV: the line's row number (the header is row 1); GeoJSON: the feature's number, from 1. */
	row: number;
	/** The fields by the name the file gives them (CSV header, GeoJSON property). */
	fields: Map<string, unknown>;
	/** CSV: 1-based positions of values beyond the header's columns (reported as errors). */
	extra: number[];
	/** GeoJSON only: the feature's geometry member (null when absent). */
	geometry?: unknown;
	/** GeoJSON only: the feature's type member is not "Feature". */
	notFeature?: boolean;
}

export interface SurveyFile {
	format: SurveyFileFormat;
	/** CSV: the header's names in order; GeoJSON: null. */
	header: string[] | null;
	/** GeoJSON: the `crs` member, if any. */
	crs: unknown;
	records: SurveyRecord[];
}

/** More rows than any survey has: a bigger file is refused before it fills the memory. */
export const MAX_SURVEY_ROWS = 100_000;

/** The file as records; a file that cannot be read at all throws FileError. */
export async function readSurveyFile(
	source: ByteSource,
	name: string,
	given?: SurveyFileFormat
): Promise<SurveyFile> {
	const sniffed = await sniff(decodeUtf8(source));
	if (sniffed.first === null) throw fileError('import.error.empty');
	const format = formatOf(name, given, sniffed.first);
	const records: SurveyRecord[] = [];
	const add = (record: SurveyRecord) => {
		if (records.length >= MAX_SURVEY_ROWS)
			throw fileError('survey.error.tooManyRows', { max: MAX_SURVEY_ROWS }, record.row);
		records.push(record);
	};

	if (format === 'csv') {
		let header: string[] | null = null;
		for await (const { row, fields: values } of csvRecords(sniffed.text)) {
			if (header === null) {
				header = values.map((h) => h.trim());
				// A trailing delimiter on the header line makes an empty last column; ignore it.
				while (header.length > 1 && header[header.length - 1] === '') header.pop();
				continue;
			}
			const fields = new Map<string, unknown>();
			const extra: number[] = [];
			values.forEach((value, i) => {
				if (i < header!.length) fields.set(header![i], value);
				else if (value.trim() !== '') extra.push(i + 1);
			});
			add({ row, fields, extra });
		}
		if (header === null) throw fileError('import.error.empty');
		return { format, header, crs: undefined, records };
	}

	let crs: unknown = undefined;
	for await (const event of geoJsonEvents(sniffed.text)) {
		if (event.kind === 'crs') {
			crs = event.value;
			continue;
		}
		const feature = event.value as { type?: unknown; properties?: unknown; geometry?: unknown } | null;
		const properties =
			feature?.properties && typeof feature.properties === 'object' && !Array.isArray(feature.properties)
				? (feature.properties as Record<string, unknown>)
				: {};
		add({
			row: event.row,
			fields: new Map(Object.entries(properties)),
			extra: [],
			geometry: feature?.geometry ?? null,
			notFeature: feature?.type !== 'Feature'
		});
	}
	return { format, header: null, crs, records };
}
