// Reads the reference facts in geodata/ (see geodata/README.md): municipalities with their parents
// and one interior point each, police districts and regions. Every reader validates its file with
// zod and fails with file:line in the message, so that a bad edit is caught before it reaches the database.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export interface MunicipalityFact {
	code: number;
	name: string;
	regionCode: number;
	policeDistrict: number;
	/** Interior point, WGS84. */
	lon: number;
	lat: number;
}

export interface PoliceDistrictFact {
	number: number;
	name: string;
}

export interface RegionFact {
	code: number;
	name: string;
}

export const GEODATA_FILES = {
	municipalities: 'municipalities.csv',
	policeDistricts: 'police-districts.csv',
	regions: 'regions.csv'
} as const;

/**
 * The geodata folder of the working directory. Right for `npm run …`, the CLI scripts and tests,
 * which all run from the project root; a server started elsewhere (or a Vite bundle in build/, where
 * no path relative to this module survives) should pass its own folder to the readers.
 */
export function defaultGeodataDir(): string {
	return join(process.cwd(), 'geodata');
}

/** Parses RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Blank lines are skipped. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
	const rows: { line: number; fields: string[] }[] = [];
	let fields: string[] = [];
	let field = '';
	let quoted = false;
	let line = 1;
	let rowLine = 1;
	const endRow = () => {
		fields.push(field);
		if (fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });
		fields = [];
		field = '';
	};
	const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
	for (let i = 0; i < src.length; i++) {
		const c = src[i];
		if (quoted) {
			if (c === '"' && src[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') {
				quoted = false;
			} else {
				if (c === '\n') line++;
				field += c;
			}
		} else if (c === '"' && field === '') {
			quoted = true;
		} else if (c === ',') {
			fields.push(field);
			field = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && src[i + 1] === '\n') i++;
			endRow();
			line++;
			rowLine = line;
		} else {
			field += c;
		}
	}
	if (quoted) throw new Error(`line ${rowLine}: unterminated quoted field`);
	if (field !== '' || fields.length > 0) endRow();
	return rows;
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const name = z.string().trim().min(1);

// Ranges match the CHECK constraints of the boundary tables; lon/lat roughly bound Denmark.
const municipalityRow = z.object({
	code: int(100, 999),
	name,
	region_code: int(1000, 9999),
	police_district: int(1, 99),
	lon: z.coerce.number().min(7.5).max(15.5),
	lat: z.coerce.number().min(54.4).max(58)
});
const policeDistrictRow = z.object({ number: int(1, 99), name });
const regionRow = z.object({ code: int(1000, 9999), name });

function parseTable<S extends z.ZodObject>(text: string, file: string, schema: S): z.infer<S>[] {
	const columns = Object.keys(schema.shape);
	let rows: ReturnType<typeof parseCsv>;
	try {
		rows = parseCsv(text);
	} catch (e) {
		throw new Error(`${file}: ${(e as Error).message}`);
	}
	const [header, ...body] = rows;
	if (!header) throw new Error(`${file}: empty file`);
	const names = header.fields.map((f) => f.trim());
	const missing = columns.filter((c) => !names.includes(c));
	if (missing.length) throw new Error(`${file}:${header.line}: missing column(s) ${missing.join(', ')}`);
	if (body.length === 0) throw new Error(`${file}: no rows`);
	return body.map(({ line, fields }) => {
		if (fields.length !== names.length) {
			throw new Error(`${file}:${line}: expected ${names.length} fields, found ${fields.length}`);
		}
		const record = Object.fromEntries(names.map((n, i) => [n, fields[i]]));
		const result = schema.safeParse(record);
		if (!result.success) throw new Error(`${file}:${line}: ${z.prettifyError(result.error)}`);
		return result.data;
	});
}

function assertUnique<T>(file: string, items: T[], key: (item: T) => string | number, what: string) {
	const seen = new Set<string | number>();
	for (const item of items) {
		const k = key(item);
		if (seen.has(k)) throw new Error(`${file}: duplicate ${what} ${k}`);
		seen.add(k);
	}
}

export function parseMunicipalityFacts(
	text: string,
	file: string = GEODATA_FILES.municipalities
): MunicipalityFact[] {
	const facts = parseTable(text, file, municipalityRow).map((r) => ({
		code: r.code,
		name: r.name,
		regionCode: r.region_code,
		policeDistrict: r.police_district,
		lon: r.lon,
		lat: r.lat
	}));
	assertUnique(file, facts, (f) => f.code, 'code');
	// Two municipalities on one point would share one Voronoi cell in the demo boundaries.
	assertUnique(file, facts, (f) => `${f.lon} ${f.lat}`, 'interior point');
	return facts;
}

export function parsePoliceDistrictFacts(
	text: string,
	file: string = GEODATA_FILES.policeDistricts
): PoliceDistrictFact[] {
	const facts = parseTable(text, file, policeDistrictRow);
	assertUnique(file, facts, (f) => f.number, 'number');
	return facts;
}

export function parseRegionFacts(text: string, file: string = GEODATA_FILES.regions): RegionFact[] {
	const facts = parseTable(text, file, regionRow);
	assertUnique(file, facts, (f) => f.code, 'code');
	return facts;
}

async function readGeodata(geodataDir: string, file: string): Promise<string> {
	return readFile(join(geodataDir, file), 'utf8');
}

export async function readMunicipalityFacts(geodataDir = defaultGeodataDir()): Promise<MunicipalityFact[]> {
	const file = GEODATA_FILES.municipalities;
	return parseMunicipalityFacts(await readGeodata(geodataDir, file), file);
}

export async function readPoliceDistrictFacts(
	geodataDir = defaultGeodataDir()
): Promise<PoliceDistrictFact[]> {
	const file = GEODATA_FILES.policeDistricts;
	return parsePoliceDistrictFacts(await readGeodata(geodataDir, file), file);
}

export async function readRegionFacts(geodataDir = defaultGeodataDir()): Promise<RegionFact[]> {
	const file = GEODATA_FILES.regions;
	return parseRegionFacts(await readGeodata(geodataDir, file), file);
}

/**
 * Checks that every municipality names a known parent and every parent has at least one municipality.
 * `parent` picks the parent key (police district number or region code) from a municipality.
 */
export function checkParentReferences(
	what: string,
	parentKeys: readonly number[],
	municipalities: readonly MunicipalityFact[],
	parent: (m: MunicipalityFact) => number
): void {
	const known = new Set(parentKeys);
	const unknown = municipalities.filter((m) => !known.has(parent(m)));
	if (unknown.length) {
		throw new Error(
			`unknown ${what} in ${GEODATA_FILES.municipalities}: ${unknown.map((m) => `${m.code} → ${parent(m)}`).join(', ')}`
		);
	}
	const used = new Set(municipalities.map(parent));
	const empty = parentKeys.filter((k) => !used.has(k));
	if (empty.length) throw new Error(`${what} without municipalities: ${empty.join(', ')}`);
}
