import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditActor } from '../../src/lib/server/audit/service';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import {
	formatSurveyImportReport,
	importErrorMessage,
	importSurveyData,
	importSurveyFile,
	type SurveyImportKind,
	type SurveyImportOptions,
	type SurveyImportRefusal,
	type SurveyImportResult,
	type SurveyImportSuccess
} from '../../src/lib/server/surveys/import';
import { listSurveyPlaces, listSurveyResults, unsafetyAt } from '../../src/lib/server/surveys/queries';
import { testDb } from './db';

const operator: AuditActor = { userId: null, label: 'cli:tester', clientAddress: null };

async function* chunks(data: Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
	// Small chunks, so that the readers have to carry every state across a chunk boundary.
	for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

function run(kind: SurveyImportKind, text: string | Uint8Array, options: Partial<SurveyImportOptions> = {}) {
	const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
	return importSurveyData(testDb(), kind, chunks(bytes), { name: 'upload.csv', actor: operator, ...options });
}

function succeeded(result: SurveyImportResult): SurveyImportSuccess {
	if (!result.ok) throw new Error(`refused:\n${formatSurveyImportReport(result)}`);
	return result;
}

function refused(result: SurveyImportResult): SurveyImportRefusal {
	if (result.ok) throw new Error(`imported ${result.inserted + result.updated} rows, expected a refusal`);
	return result;
}

/** The errors as `row field key`, for compact assertions. */
const summary = (r: SurveyImportRefusal) => r.errors.map((e) => `${e.row} ${e.field} ${e.key}`);

async function counts() {
	const { rows } = await sql<{ results: number; places: number; audit: number }>`
		SELECT (SELECT count(*) FROM survey_results)::int AS results, (SELECT count(*) FROM survey_places)::int AS places,
			(SELECT count(*) FROM audit_log)::int AS audit
	`.execute(testDb());
	return rows[0];
}

async function surveysVersion(): Promise<number> {
	const row = await testDb()
		.selectFrom('datasets')
		.select('version')
		.where('name', '=', 'surveys')
		.executeTakeFirst();
	return row?.version ?? 0;
}

async function shares(survey: string) {
	const { rows } = await sql<{ key: string; share: number; respondents: number; source: string }>`
		SELECT area_key AS key, unsafe_share AS share, respondents, source FROM survey_results
		WHERE survey = ${survey} ORDER BY area_key
	`.execute(testDb());
	return rows;
}

/** A square drawn area of `half` metres around an EPSG:25832 point, as GeoJSON coordinates. */
function square(x: number, y: number, half: number) {
	return [
		[
			[x - half, y - half],
			[x + half, y - half],
			[x + half, y + half],
			[x - half, y + half],
			[x - half, y - half]
		]
	];
}

function featureCollection(features: unknown[], crs?: string) {
	return JSON.stringify({
		type: 'FeatureCollection',
		...(crs ? { crs: { type: 'name', properties: { name: crs } } } : {}),
		features
	});
}

const PERIOD = { survey: 'Tryghed 2025', periodFrom: '2025-01-01', periodTo: '2025-12-31' };
/** Central Aalborg (EPSG:25832), inside Aalborg (851) on the demo boundaries. */
const AALBORG_XY = [555700, 6323100] as const;

beforeEach(async () => {
	await loadDemoBoundaries(testDb());
});

describe('survey result import', () => {
	it('imports a semicolon CSV keyed by municipality code and police district, with percentages and a decimal comma', async () => {
		const before = await surveysVersion();
		const result = succeeded(
			await run(
				'results',
				'\ufeffSurvey;Kilde;periodFrom;period_to;kommunekode;politikreds;unsafeShare;respondents\r\n' +
					'Tryghed 2025;Justitsministeriet;2025-01-01;2025-12-31;101;;"23,5 %";1.234\r\n' +
					'Tryghed 2025;Justitsministeriet;2025;2025;851;;12;800\r\n' +
					'Tryghed 2025;;2025;2025;;11;19,75;4 321\r\n'
			)
		);
		expect(result).toMatchObject({ kind: 'results', format: 'csv', rows: 3, inserted: 3, updated: 0 });
		expect(result.surveys).toEqual([{ ...PERIOD, rows: 3 }]);
		expect(await shares('Tryghed 2025')).toEqual([
			{ key: 'm:101', share: 0.235, respondents: 1234, source: 'Justitsministeriet' },
			{ key: 'm:851', share: 0.12, respondents: 800, source: 'Justitsministeriet' },
			// No source: the survey's name stands for it.
			{ key: 'p:11', share: 0.1975, respondents: 4321, source: 'Tryghed 2025' }
		]);
		expect(await surveysVersion()).toBe(before + 1);

		const audit = await testDb().selectFrom('audit_log').selectAll().execute();
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({
			action: 'surveys.import',
			object_type: 'survey-import',
			object_id: result.importId,
			actor_label: 'cli:tester'
		});
		expect(audit[0].after).toMatchObject({ file: 'upload.csv', kind: 'results', inserted: 3, updated: 0 });
	});

	it('updates instead of duplicating when the same survey, period and area come again', async () => {
		const csv = (share: string) =>
			`survey,periodFrom,periodTo,municipalityCode,unsafeShare,respondents\n` +
			`Tryghed 2025,2025-01-01,2025-12-31,101,${share},500\n` +
			`Tryghed 2025,2025-01-01,2025-12-31,147,0.1,300\n`;
		succeeded(await run('results', csv('0.2')));
		const again = succeeded(await run('results', csv('0.3')));
		expect(again).toMatchObject({ inserted: 0, updated: 2 });
		expect((await shares('Tryghed 2025')).map((r) => [r.key, r.share])).toEqual([
			['m:101', 0.3],
			['m:147', 0.1]
		]);
		// Another period of the same survey is another result.
		succeeded(await run('results', csv('0.4').replaceAll('2025-12-31', '2025-06-30')));
		expect((await counts()).results).toBe(4);
		expect((await counts()).audit).toBe(3);
	});

	it('reads shares as shares, percentages as percentages, and refuses values that could be either', async () => {
		const csv = (column: string, values: string[]) =>
			`survey,periodFrom,periodTo,municipalityCode,${column},respondents\n` +
			values.map((v, i) => `S,2025,2025,${[101, 147, 851][i]},"${v}",100`).join('\n');
		succeeded(await run('results', csv('unsafeShare', ['0.235', '0,1', '1'])));
		expect((await shares('S')).map((r) => r.share)).toEqual([0.235, 0.1, 1]);

		succeeded(await run('results', csv('unsafeShare', ['23.5', '8,25 %', '0,8 %'])));
		expect((await shares('S')).map((r) => r.share)).toEqual([0.235, 0.0825, 0.008]);

		// In a column of percentages, 0,8 without a % sign could mean 0.8 % or 80 %.
		const ambiguous = refused(await run('results', csv('unsafeShare', ['23.5', '0,8', '12'])));
		expect(summary(ambiguous)).toEqual(['3 unsafeShare survey.error.shareAmbiguous']);
		expect(importErrorMessage(ambiguous.errors[0], 'da')).toContain('»0,8«');

		// Mostly shares: a bare 1.7 is the odd one out, but a value with a % sign is always a percentage.
		const typo = refused(await run('results', csv('unsafeShare', ['0.2', '0,15', '1.7'])));
		expect(summary(typo)).toEqual(['4 unsafeShare survey.error.shareRange']);
		succeeded(await run('results', csv('unsafeShare', ['0.2', '0,15', '12 %'])));
		expect((await shares('S')).map((r) => r.share)).toEqual([0.2, 0.15, 0.12]);

		succeeded(await run('results', csv('unsafePercent', ['0,8', '100', '0'])));
		expect((await shares('S')).map((r) => r.share)).toEqual([0.008, 1, 0]);

		const range = refused(await run('results', csv('unsafeShare', ['101 %', '-0.1', 'abc'])));
		expect(summary(range)).toEqual([
			'2 unsafeShare survey.error.percentRange',
			'3 unsafeShare survey.error.percentRange',
			'4 unsafeShare survey.error.number'
		]);
	});

	it('reports every bad row by row and field, in English and Danish, and writes nothing', async () => {
		const before = await surveysVersion();
		const result = refused(
			await run(
				'results',
				'survey,periodFrom,periodTo,municipalityCode,policeDistrict,unsafeShare,respondents,colour\n' +
					'T,2025-13-01,2025-12-31,101,,0.2,0,\n' +
					'T,2025-06-01,2025-01-31,101,,0.2,10,\n' +
					',2025,2025,,,0.2,10,\n' +
					'T,2025,2025,999,,0.2,10,\n' +
					'T,2025,2025,,77,0.2,10,\n' +
					'T,2025,2025,101,11,0.2,10,\n' +
					'T,2025,2025,abc,,0.2,1.5,\n' +
					'T,2025,2025,147,,0.2,10,x\n'
			)
		);
		expect(summary(result)).toEqual([
			'1 colour import.error.unknownColumn',
			'2 periodFrom survey.error.date',
			'2 respondents survey.error.respondents',
			'3 periodTo survey.error.periodOrder',
			'4 survey survey.error.required',
			'4 municipalityCode survey.error.areaMissing',
			'5 municipalityCode survey.error.municipalityUnknown',
			'6 policeDistrict survey.error.districtUnknown',
			'7 municipalityCode survey.error.areaBoth',
			'8 respondents survey.error.respondents',
			'8 municipalityCode survey.error.municipalityCode'
		]);
		expect(result).toMatchObject({ rows: 8, badRows: 7, errorCount: 11 });
		const unknown = result.errors.find((e) => e.key === 'survey.error.municipalityUnknown')!;
		expect(unknown.message).toBe('No municipality has code 999.');
		expect(importErrorMessage(unknown, 'da')).toBe('Ingen kommune har koden 999.');
		expect(await counts()).toEqual({ results: 0, places: 0, audit: 0 });
		expect(await surveysVersion()).toBe(before);
	});

	it('reports a missing column once, on the header row, and duplicate areas by the row they repeat', async () => {
		const missing = refused(
			await run('results', 'survey,periodFrom,municipalityCode,unsafeShare\nT,2025,101,0.2\nT,2025,147,0.2\n')
		);
		expect(summary(missing)).toEqual([
			'1 periodTo import.error.missingColumn',
			'1 respondents import.error.missingColumn'
		]);
		expect(missing.badRows).toBe(0);

		const duplicate = refused(
			await run(
				'results',
				'survey,periodFrom,periodTo,municipalityCode,unsafeShare,respondents\n' +
					'T,2025,2025,101,0.2,10\nT,2025,2025,147,0.2,10\nT,2025-01-01,2025-12-31,101,0.3,10\n'
			)
		);
		expect(summary(duplicate)).toEqual(['4 municipalityCode survey.error.duplicate']);
		expect(duplicate.errors[0].message).toBe('Same survey, period and area as row 2.');
	});

	it('imports drawn areas and keyed results from GeoJSON, and checks the polygons', async () => {
		const [x, y] = AALBORG_XY;
		const keyed = { ...PERIOD, municipalityCode: 851, unsafeShare: 0.2, respondents: 900 };
		const drawn = { ...PERIOD, areaName: 'Gammeltorv', unsafePercent: 31.5, respondents: 210 };
		const ok = succeeded(
			await run(
				'results',
				featureCollection(
					[
						{
							type: 'Feature',
							properties: drawn,
							geometry: { type: 'Polygon', coordinates: square(x, y, 100) }
						},
						{ type: 'Feature', properties: keyed, geometry: null },
						{ type: 'Feature', properties: { ...keyed, municipalityCode: undefined, policeDistrict: 1 } }
					],
					'urn:ogc:def:crs:EPSG::25832'
				),
				{ name: 'areas.geojson' }
			)
		);
		expect(ok).toMatchObject({ format: 'geojson', crs: 'EPSG:25832', inserted: 3 });
		const { rows } = await sql<{
			kind: string;
			code: number | null;
			name: string | null;
			area: number;
			share: number;
		}>`
			SELECT area_kind AS kind, municipality_code AS code, area_name AS name, round(ST_Area(geom))::int AS area,
				unsafe_share AS share
			FROM survey_results ORDER BY area_kind, area_key
		`.execute(testDb());
		expect(rows).toEqual([
			// A drawn area remembers the municipality it lies in.
			{ kind: 'area', code: 851, name: 'Gammeltorv', area: 40_000, share: 0.315 },
			{ kind: 'municipality', code: 851, name: null, area: null, share: 0.2 },
			{ kind: 'police_district', code: null, name: null, area: null, share: 0.2 }
		]);

		const bad = refused(
			await run(
				'results',
				featureCollection([
					{
						type: 'Feature',
						properties: { ...drawn, areaName: 'Sløjfe' },
						// A bow tie: the ring crosses itself.
						geometry: {
							type: 'Polygon',
							coordinates: [
								[
									[x - 100, y - 100],
									[x + 100, y + 100],
									[x + 100, y - 100],
									[x - 100, y + 100],
									[x - 100, y - 100]
								]
							]
						}
					},
					{
						type: 'Feature',
						properties: { ...drawn, areaName: 'Havet' },
						geometry: { type: 'Polygon', coordinates: square(300_000, 6_100_000, 100) }
					},
					{
						type: 'Feature',
						properties: { ...drawn, areaName: 'Linje' },
						geometry: { type: 'LineString', coordinates: [AALBORG_XY, [x + 10, y]] }
					},
					{
						type: 'Feature',
						properties: { ...drawn, areaName: 'Åben' },
						geometry: { type: 'Polygon', coordinates: [square(x, y, 50)[0].slice(0, 4)] }
					},
					{
						type: 'Feature',
						properties: { ...keyed },
						geometry: { type: 'Polygon', coordinates: square(x, y, 50) }
					},
					{
						type: 'Feature',
						properties: { ...drawn, areaName: '' },
						geometry: { type: 'Polygon', coordinates: square(x, y, 50) }
					},
					{ type: 'Feature', properties: { ...PERIOD, unsafeShare: 0.1, respondents: 5 }, geometry: null }
				]),
				{ name: 'areas.geojson', srs: 'EPSG:25832' }
			)
		);
		expect(summary(bad)).toEqual([
			'1 geometry survey.error.invalidGeometry',
			'2 geometry survey.error.outside',
			'3 geometry survey.error.polygon',
			'4 geometry survey.error.ring',
			'5 municipalityCode survey.error.areaBothGeojson',
			'6 areaName survey.error.required',
			'7 municipalityCode survey.error.areaMissingGeojson'
		]);
		expect(bad.errors[0].message).toMatch(/^Invalid geometry: Self-intersection/);
		expect((await counts()).results).toBe(3);
	});

	it('reads drawn areas in CRS84 by default and catches coordinates in the wrong CRS', async () => {
		const lonLat = [
			[
				[9.918, 57.049],
				[9.921, 57.049],
				[9.921, 57.051],
				[9.918, 57.051],
				[9.918, 57.049]
			]
		];
		const feature = (coordinates: unknown) => ({
			type: 'Feature',
			properties: { ...PERIOD, areaName: 'Centrum', unsafeShare: '0,3', respondents: '150' },
			geometry: { type: 'Polygon', coordinates }
		});
		succeeded(await run('results', featureCollection([feature(lonLat)]), { name: 'a.geojson' }));
		const metres = refused(
			await run('results', featureCollection([feature(square(...AALBORG_XY, 50))]), { name: 'a.geojson' })
		);
		expect(summary(metres)).toEqual(['1 geometry import.error.looksMetres']);
		const degrees = refused(
			await run('results', featureCollection([feature(lonLat)], 'EPSG:25832'), { name: 'a.geojson' })
		);
		expect(summary(degrees)).toEqual(['1 geometry import.error.looksDegrees']);
	});

	it('refuses files it cannot read, saying why', async () => {
		const latin1 = new Uint8Array([0x73, 0x75, 0x72, 0x76, 0x65, 0x79, 0x0a, 0xe6, 0x0a]);
		expect(summary(refused(await run('results', latin1)))).toEqual(['null file import.error.encoding']);
		expect(summary(refused(await run('results', '  \n')))).toEqual(['null file import.error.empty']);
		expect(
			summary(
				refused(await run('results', '{"type": "FeatureCollection", "features": [{', { name: 'x.geojson' }))
			)
		).toEqual(['null file import.error.geojson']);
		expect(summary(refused(await run('results', '{"type": "Feature"}', { name: 'x.geojson' })))).toEqual([
			'null file import.error.notFeatureCollection'
		]);
		expect(
			summary(refused(await run('results', featureCollection([], 'EPSG:3857'), { name: 'x.geojson' })))
		).toEqual(['null crs import.error.crsUnknown']);
		expect(summary(refused(await run('results', 'survey,periodFrom\n')))).toEqual([
			'null file survey.error.noRows'
		]);
		expect(summary(refused(await run('results', 'survey\n"T\n')))).toEqual([
			'2 file import.error.unclosedQuote'
		]);
		expect(await counts()).toEqual({ results: 0, places: 0, audit: 0 });
	});

	it('gives every result its polygon in SQL, marks the latest per area, and answers the unsafety at a point', async () => {
		const [x, y] = AALBORG_XY;
		const rows = (period: string, share: number) =>
			`survey,periodFrom,periodTo,municipalityCode,policeDistrict,unsafeShare,respondents\n` +
			`S,${period},${period},851,,${share},100\nS,${period},${period},,1,${share / 2},400\n`;
		succeeded(await run('results', rows('2023', 0.1)));
		succeeded(await run('results', rows('2024', 0.2)));
		succeeded(
			await run(
				'results',
				featureCollection(
					[
						{
							type: 'Feature',
							properties: { ...PERIOD, areaName: 'Torvet', unsafeShare: 0.4, respondents: 50 },
							geometry: { type: 'Polygon', coordinates: square(x, y, 100) }
						}
					],
					'EPSG:25832'
				),
				{ name: 'a.geojson' }
			)
		);
		const { rows: areas } = await sql<{ kind: string; name: string; latest: boolean; same: boolean }>`
			SELECT s.area_kind AS kind, s.name, s.is_latest AS latest, to_char(s.period_to, 'YYYY') AS year,
				CASE s.area_kind
					WHEN 'municipality' THEN ST_Equals(s.geom, (SELECT geom FROM municipalities WHERE code = 851))
					WHEN 'police_district' THEN ST_Equals(s.geom, (SELECT geom FROM police_districts WHERE number = 1))
					ELSE ST_Area(s.geom) = 40000 END AS same
			FROM tk_survey_result_areas() s ORDER BY s.area_kind, s.period_to
		`.execute(testDb());
		expect(areas).toEqual([
			{ kind: 'area', name: 'Torvet', latest: true, year: '2025', same: true },
			{ kind: 'municipality', name: 'Aalborg', latest: false, year: '2023', same: true },
			{ kind: 'municipality', name: 'Aalborg', latest: true, year: '2024', same: true },
			{ kind: 'police_district', name: 'Nordjyllands Politi', latest: false, year: '2023', same: true },
			{ kind: 'police_district', name: 'Nordjyllands Politi', latest: true, year: '2024', same: true }
		]);

		// The rule check of issue 7: is this spot in an area whose latest unsafety is at least 30 %?
		const { rows: hits } = await sql<{ name: string }>`
			SELECT s.name FROM tk_survey_result_areas() s
			WHERE s.is_latest AND s.unsafe_share >= 0.3
				AND ST_Intersects(s.geom, ST_SetSRID(ST_MakePoint(${x}::float8, ${y}::float8), 25832))
		`.execute(testDb());
		expect(hits.map((h) => h.name)).toEqual(['Torvet']);

		const at = await unsafetyAt(testDb(), { x, y });
		expect(at.map((r) => [r.kind, r.name, r.unsafeShare, r.periodTo])).toEqual([
			['area', 'Torvet', 0.4, '2025-12-31'],
			['municipality', 'Aalborg', 0.2, '2024-12-31'],
			['police_district', 'Nordjyllands Politi', 0.1, '2024-12-31']
		]);
		expect(await unsafetyAt(testDb(), { x: x + 500, y })).toHaveLength(2);
	});

	it('lists results a page at a time, filtered by survey, period and kind', async () => {
		const codes = (await testDb().selectFrom('municipalities').select('code').orderBy('code').execute()).map(
			(m) => m.code
		);
		const csv =
			'survey,periodFrom,periodTo,municipalityCode,unsafeShare,respondents\n' +
			codes.map((c) => `Stor,2024,2024,${c},0.1,100`).join('\n') +
			'\n' +
			codes
				.slice(0, 5)
				.map((c) => `Lille,2025-01-01,2025-06-30,${c},0.2,50`)
				.join('\n');
		succeeded(await run('results', csv));
		const first = await listSurveyResults(testDb(), { pageSize: 25 });
		expect(first).toMatchObject({ page: 1, pageSize: 25, total: codes.length + 5 });
		expect(first.results).toHaveLength(25);
		// Newest period first.
		expect(first.results.slice(0, 5).every((r) => r.survey === 'Lille')).toBe(true);
		const last = await listSurveyResults(testDb(), { pageSize: 25, page: 5 });
		expect(last.results).toHaveLength(codes.length + 5 - 100);
		const stor = await listSurveyResults(testDb(), {
			survey: 'Stor',
			periodFrom: '2024-01-01',
			periodTo: '2024-12-31'
		});
		expect(stor.total).toBe(codes.length);
		expect(stor.results[0]).toMatchObject({
			kind: 'municipality',
			unsafeShare: 0.1,
			respondents: 100,
			synthetic: false
		});
		expect((await listSurveyResults(testDb(), { kind: 'area' })).total).toBe(0);
	});
	it('imports a file from disk, as the command line does, in one piece with its audit row', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'survey-import-'));
		const path = join(dir, 'tryghed.csv');
		writeFileSync(
			path,
			'survey,periodFrom,periodTo,municipalityCode,unsafeShare,respondents\nFil,2025,2025,101,0.2,100\n'
		);
		const result = succeeded(
			await importSurveyFile(testDb(), 'results', path, { actor: operator, synthetic: true })
		);
		expect(result).toMatchObject({ inserted: 1, format: 'csv' });
		const row = await testDb()
			.selectFrom('survey_results')
			.select(['is_synthetic', 'import_id'])
			.executeTakeFirstOrThrow();
		expect(row).toEqual({ is_synthetic: true, import_id: result.importId });
		expect(formatSurveyImportReport(result)).toMatch(/^Imported 1 survey results \(1 new, 0 updated; csv\)/);
		await expect(
			importSurveyFile(testDb(), 'results', join(dir, 'none.csv'), { actor: operator })
		).rejects.toThrow(/no such file/);
	});
});

describe('unsafe place import', () => {
	it('imports points from CSV with lon/lat or easting/northing, each in the municipality it lies in', async () => {
		const result = succeeded(
			await run(
				'places',
				'navn,beskrivelse,survey,periodFrom,periodTo,mentions,lon,lat,easting,northing\n' +
					'Torvet,Mørkt om natten,Tryghed 2025,2025,2025,12,"9,9195","57,0495",,\n' +
					`Stationen,,Tryghed 2025,2025,2025,,,,${AALBORG_XY[0]},${AALBORG_XY[1]}\n` +
					'Frederiksberg Rådhus,,Tryghed 2025,2025,2025,3,12.526,55.682,,\n'
			)
		);
		expect(result).toMatchObject({ kind: 'places', inserted: 3, crs: 'EPSG:4326 / EPSG:25832' });
		const { rows } = await sql<{ name: string; code: number; mentions: number | null; type: string }>`
			SELECT name, municipality_code AS code, mentions, ST_GeometryType(geom) AS type, description
			FROM survey_places ORDER BY name
		`.execute(testDb());
		expect(rows).toEqual([
			{ name: 'Frederiksberg Rådhus', code: 147, mentions: 3, type: 'ST_Point', description: null },
			{ name: 'Stationen', code: 851, mentions: null, type: 'ST_Point', description: null },
			{ name: 'Torvet', code: 851, mentions: 12, type: 'ST_Point', description: 'Mørkt om natten' }
		]);
		const audit = await testDb().selectFrom('audit_log').select(['action', 'after']).execute();
		expect(audit).toEqual([
			{ action: 'survey-places.import', after: expect.objectContaining({ inserted: 3 }) }
		]);

		// Again, moved a little: the same places, updated.
		const again = succeeded(
			await run(
				'places',
				'name,survey,periodFrom,periodTo,lon,lat\nTorvet,Tryghed 2025,2025,2025,9.9196,57.0495\n'
			)
		);
		expect(again).toMatchObject({ inserted: 0, updated: 1 });
		expect((await listSurveyPlaces(testDb())).total).toBe(3);
	});

	it('imports points and areas from GeoJSON and refuses other geometry', async () => {
		const [x, y] = AALBORG_XY;
		const props = (name: string) => ({ name, ...PERIOD });
		succeeded(
			await run(
				'places',
				featureCollection(
					[
						{
							type: 'Feature',
							properties: props('Punkt'),
							geometry: { type: 'Point', coordinates: [x, y, 12] }
						},
						{
							type: 'Feature',
							properties: props('Punkter'),
							geometry: {
								type: 'MultiPoint',
								coordinates: [
									[x, y],
									[x + 50, y]
								]
							}
						},
						{
							type: 'Feature',
							properties: props('Plads'),
							geometry: { type: 'Polygon', coordinates: square(x, y, 40) }
						}
					],
					'EPSG:25832'
				),
				{ name: 'steder.geojson' }
			)
		);
		const { rows } = await sql<{ name: string; type: string; dims: number }>`
			SELECT name, ST_GeometryType(geom) AS type, ST_NDims(geom) AS dims FROM survey_places ORDER BY name
		`.execute(testDb());
		expect(rows).toEqual([
			{ name: 'Plads', type: 'ST_Polygon', dims: 2 },
			{ name: 'Punkt', type: 'ST_Point', dims: 2 },
			{ name: 'Punkter', type: 'ST_MultiPoint', dims: 2 }
		]);

		const bad = refused(
			await run(
				'places',
				featureCollection(
					[
						{
							type: 'Feature',
							properties: props('Linje'),
							geometry: {
								type: 'LineString',
								coordinates: [
									[x, y],
									[x + 1, y]
								]
							}
						},
						{ type: 'Feature', properties: props('Ingen'), geometry: null },
						{
							type: 'Feature',
							properties: props('Havet'),
							geometry: { type: 'Point', coordinates: [300_000, 6_100_000] }
						},
						{
							type: 'Feature',
							properties: { ...props('To'), farve: 'rød' },
							geometry: { type: 'Point', coordinates: [x, y] }
						},
						{
							type: 'Feature',
							properties: props('To'),
							geometry: { type: 'Point', coordinates: [x + 1, y] }
						},
						{ type: 'Thing', properties: props('Ting'), geometry: { type: 'Point', coordinates: [x, y] } }
					],
					'EPSG:25832'
				),
				{ name: 'steder.geojson' }
			)
		);
		expect(summary(bad)).toEqual([
			'1 geometry survey.error.placeGeometry',
			'2 geometry survey.error.placeGeometry',
			'3 geometry survey.error.outside',
			'4 farve import.error.unknownColumn',
			'5 name survey.error.duplicate',
			'6 type import.error.notFeature'
		]);
		expect((await counts()).places).toBe(3);
	});

	it('reads easting/northing in EPSG:25833 when told, and needs a position', async () => {
		// Rønne on Bornholm, in UTM zone 33.
		succeeded(
			await run(
				'places',
				'name,survey,periodFrom,periodTo,easting,northing\nTorvet,T,2025,2025,489000,6103000\n',
				{
					srs: 'EPSG:25833'
				}
			)
		);
		const place = await testDb()
			.selectFrom('survey_places')
			.select('municipality_code')
			.executeTakeFirstOrThrow();
		expect(place.municipality_code).toBe(400);

		const missing = refused(await run('places', 'name,survey,periodFrom,periodTo\nTorvet,T,2025,2025\n'));
		expect(summary(missing)).toEqual(['1 lon, lat | easting, northing import.error.missingColumn']);
		const empty = refused(
			await run(
				'places',
				'name,survey,periodFrom,periodTo,lon,lat\nTorvet,T,2025,2025,,\nTorv,T,2025,2025,x,56\n'
			)
		);
		expect(summary(empty)).toEqual(['2 lon survey.error.position', '3 lon survey.error.coordinates']);
		expect(summary(refused(await run('places', 'name\nx\n', { srs: 'EPSG:3857' })))).toEqual([
			'null srs import.error.crsUnknown'
		]);
	});
});
