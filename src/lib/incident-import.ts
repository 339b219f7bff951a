// What the incident upload endpoint answers (JSON), and the lines of its progress stream
// (NDJSON, when the request accepts application/x-ndjson): shared by the endpoint and the page.

export interface IncidentImportDone {
	ok: true;
	file: string;
	format: 'csv' | 'geojson';
	rows: number;
	imported: number;
	duplicates: number;
	municipalities: { code: number; name: string; incidents: number }[];
	durationMs: number;
}

export interface IncidentImportRefused {
	ok: false;
	file: string;
	format: 'csv' | 'geojson' | null;
	rows: number;
	badRows: number;
	errorCount: number;
	/** The first errors, by row; `row` null for the file as a whole. */
	errors: { row: number | null; field: string; message: string }[];
	/** Some rows lie outside what the user may import. */
	forbidden: boolean;
}

/** The upload was not imported at all (too large, bad options, signed out): a message only. */
export interface IncidentUploadFailed {
	ok: false;
	message: string;
}

export type IncidentUploadAnswer = IncidentImportDone | IncidentImportRefused | IncidentUploadFailed;

export type IncidentUploadLine =
	| { type: 'progress'; rows: number; imported: number; duplicates: number; errors: number }
	/** The last line: the HTTP status the answer would have had without the stream, and the answer. */
	| { type: 'result'; status: number; answer: IncidentUploadAnswer };

export const NDJSON = 'application/x-ndjson';
