// Streaming readers shared by the file imports: bytes → UTF-8 text → CSV records (RFC 4180) or
// the features of a GeoJSON FeatureCollection, one at a time, so that a file of any length is
// read in bounded memory. Problems with the file as a whole are thrown as FileError.
import { extname } from 'node:path';
import { fileError, type FileError } from './row-errors';

/** What an import reads: a Node stream (a file) or a web stream (a request body). */
export type ByteSource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

export type ImportFormat = 'csv' | 'geojson';

export async function* chunksOf(source: ByteSource) {
	if (Symbol.asyncIterator in source) {
		yield* source as AsyncIterable<Uint8Array>;
		return;
	}
	const reader = (source as ReadableStream<Uint8Array>).getReader();
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return;
			yield value;
		}
	} finally {
		reader.releaseLock();
	}
}

/** UTF-8 text in chunks, without a byte order mark; anything else is refused rather than garbled. */
export async function* decodeUtf8(source: ByteSource) {
	const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
	try {
		for await (const chunk of chunksOf(source)) {
			const text = decoder.decode(chunk, { stream: true });
			if (text) yield text;
		}
		const rest = decoder.decode();
		if (rest) yield rest;
	} catch (e) {
		if (e instanceof TypeError) throw fileError('import.error.encoding');
		throw e;
	}
}

const MAX_CSV_FIELD = 1_000_000;

/** CSV records (RFC 4180) with their row numbers; blank lines are counted but not returned. */
export async function* csvRecords(
	text: AsyncIterable<string>
): AsyncGenerator<{ row: number; fields: string[] }> {
	let delimiter: string | null = null;
	let pending = '';
	let field = '';
	let fields: string[] = [];
	let quoted = false;
	let afterQuote = false;
	let row = 1;

	function* parse(chunk: string): Generator<{ row: number; fields: string[] }> {
		for (let i = 0; i < chunk.length; i++) {
			const c = chunk[i];
			if (quoted) {
				if (c === '"') {
					quoted = false;
					afterQuote = true;
				} else field += c;
				continue;
			}
			if (afterQuote) {
				afterQuote = false;
				if (c === '"') {
					field += '"';
					quoted = true;
					continue;
				}
			}
			if (c === delimiter) {
				fields.push(field);
				field = '';
			} else if (c === '\n') {
				fields.push(field);
				if (fields.length > 1 || fields[0] !== '') yield { row, fields };
				row++;
				fields = [];
				field = '';
			} else if (c === '"' && field === '') {
				quoted = true;
			} else if (c !== '\r') {
				field += c;
			}
			if (field.length > MAX_CSV_FIELD)
				throw fileError('import.error.fieldTooLong', { max: MAX_CSV_FIELD }, row);
		}
		if (field.length > MAX_CSV_FIELD)
			throw fileError('import.error.fieldTooLong', { max: MAX_CSV_FIELD }, row);
	}

	for await (const chunk of text) {
		if (delimiter === null) {
			pending += chunk;
			const end = pending.indexOf('\n');
			if (end < 0 && pending.length < 65_536) continue;
			delimiter = pickDelimiter(end < 0 ? pending : pending.slice(0, end));
			yield* parse(pending);
			pending = '';
		} else yield* parse(chunk);
	}
	if (delimiter === null) {
		delimiter = pickDelimiter(pending);
		yield* parse(pending);
	}
	if (quoted) throw fileError('import.error.unclosedQuote', {}, row);
	if (fields.length > 0 || field !== '') {
		fields.push(field);
		yield { row, fields };
	}
}

function pickDelimiter(headerLine: string): string {
	const count = (d: string) => headerLine.split(d).length - 1;
	const candidates = [',', ';', '\t'];
	return candidates.reduce((best, d) => (count(d) > count(best) ? d : best), ',');
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** Reads JSON text piece by piece: whole values (bounded in size) and structural characters. */
class JsonTextReader {
	private buf = '';
	private pos = 0;
	private ended = false;
	constructor(private readonly chunks: AsyncIterator<string>) {}

	private async more(): Promise<boolean> {
		if (this.ended) return false;
		const next = await this.chunks.next();
		if (next.done) {
			this.ended = true;
			return false;
		}
		this.buf = this.buf.slice(this.pos) + next.value;
		this.pos = 0;
		return true;
	}

	/** The next character that is not white space, without taking it; null at the end. */
	async peek(): Promise<string | null> {
		for (;;) {
			while (this.pos < this.buf.length && isSpace(this.buf.charCodeAt(this.pos))) this.pos++;
			if (this.pos < this.buf.length) return this.buf[this.pos];
			if (!(await this.more())) return null;
		}
	}

	async take(expected: string): Promise<void> {
		const c = await this.peek();
		if (c !== expected) throw fileError('import.error.geojson');
		this.pos++;
	}

	/**
	 * One JSON value as text (left unparsed), or null when it is dropped because `keep` is false.
	 * A value longer than `max` characters stops the import.
	 */
	async value(max: number, keep = true, tooLong: () => FileError): Promise<string | null> {
		const first = await this.peek();
		if (first === null) throw fileError('import.error.geojson');
		const container = first === '{' || first === '[';
		const string = first === '"';
		let depth = 0;
		let inString = false;
		let escaped = false;
		const parts: string[] = [];
		let size = 0;
		for (;;) {
			const b = this.buf;
			let i = this.pos;
			let done = false;
			for (; i < b.length; i++) {
				const c = b.charCodeAt(i);
				if (inString) {
					if (escaped) escaped = false;
					else if (c === 92) escaped = true;
					else if (c === 34) {
						inString = false;
						if (string) {
							i++;
							done = true;
							break;
						}
					}
					continue;
				}
				if (c === 34) {
					inString = true;
				} else if (container && (c === 123 || c === 91)) {
					depth++;
				} else if (container && (c === 125 || c === 93)) {
					depth--;
					if (depth === 0) {
						i++;
						done = true;
						break;
					}
				} else if (!container && !string && (c === 44 || c === 125 || c === 93 || isSpace(c))) {
					done = true;
					break;
				}
			}
			size += i - this.pos;
			if (size > max) throw tooLong();
			if (keep) parts.push(b.slice(this.pos, i));
			this.pos = i;
			if (done) return keep ? parts.join('') : null;
			if (!(await this.more())) {
				if (!container && !string && size > 0) return keep ? parts.join('') : null;
				throw fileError('import.error.geojson');
			}
		}
	}
}

const MAX_FEATURE_CHARS = 2_000_000;
const MAX_MEMBER_CHARS = 1_000_000;

export type GeoJsonEvent = { kind: 'crs'; value: unknown } | { kind: 'feature'; row: number; value: unknown };

function parseJson(text: string, error: () => FileError): unknown {
	try {
		return JSON.parse(text);
	} catch {
		throw error();
	}
}

/**
 * The members of a FeatureCollection as they stream past: its `crs` and each feature, parsed one
 * at a time. Other members are skipped; a root that is no FeatureCollection stops the import.
 */
export async function* geoJsonEvents(text: AsyncIterable<string>): AsyncGenerator<GeoJsonEvent> {
	const reader = new JsonTextReader(text[Symbol.asyncIterator]());
	const notGeoJson = () => fileError('import.error.geojson');
	let type: unknown = undefined;
	let sawFeatures = false;
	await reader.take('{');
	if ((await reader.peek()) === '}') throw fileError('import.error.notFeatureCollection');
	for (;;) {
		const key = parseJson((await reader.value(10_000, true, notGeoJson))!, notGeoJson);
		await reader.take(':');
		const memberTooLong = () => fileError('import.error.memberTooLong', { member: String(key) });
		if (key === 'features') {
			sawFeatures = true;
			await reader.take('[');
			let row = 0;
			if ((await reader.peek()) === ']') await reader.take(']');
			else {
				for (;;) {
					row++;
					const featureRow = row;
					const feature = (await reader.value(MAX_FEATURE_CHARS, true, () =>
						fileError('import.error.featureTooLong', { max: MAX_FEATURE_CHARS }, featureRow)
					))!;
					yield {
						kind: 'feature',
						row,
						value: parseJson(feature, () => fileError('import.error.geojson', {}, featureRow))
					};
					const next = await reader.peek();
					if (next === ',') await reader.take(',');
					else if (next === ']') {
						await reader.take(']');
						break;
					} else throw notGeoJson();
				}
			}
		} else if (key === 'crs' || key === 'type') {
			const value = parseJson((await reader.value(MAX_MEMBER_CHARS, true, memberTooLong))!, notGeoJson);
			if (key === 'type') {
				type = value;
				if (type !== 'FeatureCollection') throw fileError('import.error.notFeatureCollection');
			} else yield { kind: 'crs', value };
		} else {
			await reader.value(Number.POSITIVE_INFINITY, false, memberTooLong);
		}
		const next = await reader.peek();
		if (next === ',') await reader.take(',');
		else if (next === '}') break;
		else throw notGeoJson();
	}
	if (type !== 'FeatureCollection' || !sawFeatures) throw fileError('import.error.notFeatureCollection');
}

/** The format asked for, else the file name's extension, else the content (`{` is GeoJSON). */
export function formatOf(
	name: string,
	format: ImportFormat | undefined,
	firstChar: string | null
): ImportFormat {
	if (format) return format;
	const ext = extname(name).toLowerCase();
	if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return 'csv';
	if (ext === '.geojson' || ext === '.json') return 'geojson';
	return firstChar === '{' ? 'geojson' : 'csv';
}

/** The first characters of the text (to tell GeoJSON from CSV) and the whole text again. */
export async function sniff(
	text: AsyncIterable<string>
): Promise<{ first: string | null; text: AsyncIterable<string> }> {
	const iterator = text[Symbol.asyncIterator]();
	const head: string[] = [];
	let first: string | null = null;
	while (first === null) {
		const next = await iterator.next();
		if (next.done) break;
		head.push(next.value);
		const m = /\S/.exec(next.value);
		if (m) first = m[0];
	}
	async function* again() {
		yield* head;
		for (;;) {
			const next = await iterator.next();
			if (next.done) return;
			yield next.value;
		}
	}
	return { first, text: again() };
}
