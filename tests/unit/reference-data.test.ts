import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
	checkParentReferences,
	parseCsv,
	parseMunicipalityFacts,
	parsePoliceDistrictFacts,
	parseRegionFacts,
	readMunicipalityFacts,
	readPoliceDistrictFacts,
	readRegionFacts,
	type MunicipalityFact
} from '../../src/lib/server/boundaries/reference-data';

const geodataDir = fileURLToPath(new URL('../../geodata', import.meta.url));
const header = 'code,name,region_code,police_district,lon,lat';

describe('parseCsv', () => {
	it('splits rows and fields, with line numbers', () => {
		expect(parseCsv('a,b\n1,2\n')).toEqual([
			{ line: 1, fields: ['a', 'b'] },
			{ line: 2, fields: ['1', '2'] }
		]);
	});

	it('handles a BOM, CRLF, blank lines and a missing final newline', () => {
		expect(parseCsv('\uFEFFa,b\r\n\r\n1,2')).toEqual([
			{ line: 1, fields: ['a', 'b'] },
			{ line: 3, fields: ['1', '2'] }
		]);
	});

	it('reads quoted fields with commas, doubled quotes and line breaks', () => {
		expect(parseCsv('name,x\n"Lolland, Falster","say ""hi""\nthere"\nnext,1\n')).toEqual([
			{ line: 1, fields: ['name', 'x'] },
			{ line: 2, fields: ['Lolland, Falster', 'say "hi"\nthere'] },
			{ line: 4, fields: ['next', '1'] }
		]);
	});

	it('keeps empty fields', () => {
		expect(parseCsv('a,,c\n')).toEqual([{ line: 1, fields: ['a', '', 'c'] }]);
	});

	it('rejects an unterminated quote', () => {
		expect(() => parseCsv('a\n"open\n')).toThrow(/line 2: unterminated/);
	});
});

describe('parseMunicipalityFacts', () => {
	it('returns typed facts', () => {
		expect(parseMunicipalityFacts(`${header}\n400,Bornholm,1084,12,14.931,55.143\n`)).toEqual([
			{ code: 400, name: 'Bornholm', regionCode: 1084, policeDistrict: 12, lon: 14.931, lat: 55.143 }
		]);
	});

	it('names file and line of an invalid row', () => {
		const text = `${header}\n400,Bornholm,1084,12,14.931,55.143\n4000,X,1084,12,14.9,55.1\n`;
		expect(() => parseMunicipalityFacts(text, 'm.csv')).toThrow(/^m\.csv:3: [\s\S]*code/);
	});

	it('rejects a point outside Denmark, a missing column, a short row and an empty table', () => {
		expect(() => parseMunicipalityFacts(`${header}\n400,Bornholm,1084,12,55.143,14.931\n`)).toThrow(
			/:2:.*lon/s
		);
		expect(() => parseMunicipalityFacts('code,name,lon,lat\n400,B,14.9,55.1\n')).toThrow(
			/missing column\(s\) region_code, police_district/
		);
		expect(() => parseMunicipalityFacts(`${header}\n400,Bornholm,1084\n`)).toThrow(
			/:2: expected 6 fields, found 3/
		);
		expect(() => parseMunicipalityFacts(`${header}\n`)).toThrow(/no rows/);
	});

	it('rejects duplicate codes and duplicate points', () => {
		expect(() =>
			parseMunicipalityFacts(`${header}\n400,A,1084,12,14.9,55.1\n400,B,1084,12,14.8,55.2\n`)
		).toThrow(/duplicate code 400/);
		expect(() =>
			parseMunicipalityFacts(`${header}\n400,A,1084,12,14.9,55.1\n401,B,1084,12,14.9,55.1\n`)
		).toThrow(/duplicate interior point/);
	});
});

describe('parent facts', () => {
	it('parses police districts and regions', () => {
		expect(parsePoliceDistrictFacts('number,name\n12,Bornholms Politi\n')).toEqual([
			{ number: 12, name: 'Bornholms Politi' }
		]);
		expect(parseRegionFacts('code,name\n1084,Region Hovedstaden\n')).toEqual([
			{ code: 1084, name: 'Region Hovedstaden' }
		]);
		expect(() => parseRegionFacts('code,name\n84,Region Hovedstaden\n')).toThrow(/regions\.csv:2/);
		expect(() => parsePoliceDistrictFacts('number,name\n1,A\n1,B\n')).toThrow(/duplicate number 1/);
	});
});

describe('checkParentReferences', () => {
	const m = (code: number, policeDistrict: number): MunicipalityFact => ({
		code,
		name: String(code),
		regionCode: 1084,
		policeDistrict,
		lon: 12,
		lat: 55
	});

	it('accepts parents that are all used and known', () => {
		expect(() =>
			checkParentReferences('police district', [1, 2], [m(101, 1), m(102, 2)], (x) => x.policeDistrict)
		).not.toThrow();
	});

	it('rejects an unknown parent and a parent without municipalities', () => {
		expect(() =>
			checkParentReferences('police district', [1], [m(101, 1), m(102, 7)], (x) => x.policeDistrict)
		).toThrow(/unknown police district .*102 → 7/);
		expect(() =>
			checkParentReferences('police district', [1, 2], [m(101, 1)], (x) => x.policeDistrict)
		).toThrow(/police district without municipalities: 2/);
	});
});

describe('the shipped geodata', () => {
	it('has 98 municipalities, 12 police districts and 5 regions that refer to each other', async () => {
		const municipalities = await readMunicipalityFacts(geodataDir);
		const districts = await readPoliceDistrictFacts(geodataDir);
		const regions = await readRegionFacts(geodataDir);
		expect([municipalities.length, districts.length, regions.length]).toEqual([98, 12, 5]);
		checkParentReferences(
			'police district',
			districts.map((d) => d.number),
			municipalities,
			(x) => x.policeDistrict
		);
		checkParentReferences(
			'region',
			regions.map((r) => r.code),
			municipalities,
			(x) => x.regionCode
		);
	});

	it('names the file that is missing', async () => {
		await expect(readRegionFacts('/nonexistent')).rejects.toThrow(/regions\.csv/);
	});
});
