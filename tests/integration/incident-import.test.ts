import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditActor } from '../../src/lib/server/audit/service';
import { can } from '../../src/lib/server/auth/policy';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import {
	formatIncidentImportReport,
	importErrorMessage,
	importIncidentFile,
	importIncidents,
	type IncidentImportOptions,
	type IncidentImportProgress,
	type IncidentImportRefusal,
	type IncidentImportResult,
	type IncidentImportSuccess
} from '../../src/lib/server/incidents/import';
import { createUser } from '../../src/lib/server/users/service';
import { databaseUrl, testDb } from './db';

const operator: AuditActor = { userId: null, label: 'cli:tester', clientAddress: null };

/** Interior points of the demo boundaries (geodata/municipalities.csv). */
const KBH = { lon: 12.602, lat: 55.657 };
const FRB = { lon: 12.526, lat: 55.682 };
const AALBORG = { lon: 10.039, lat: 57.109 };

async function* bytes(text: string | Uint8Array, chunk = 7): AsyncGenerator<Uint8Array> {
	const data = typeof text === 'string' ? new TextEncoder().encode(text) : text;
	// Small chunks, so that every parser state has to survive a chunk boundary.
	for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
}

function importText(text: string | Uint8Array, options: Partial<IncidentImportOptions> = {}) {
	return importIncidents(testDb(), bytes(text), { name: 'politi-2025.csv', actor: operator, ...options });
}

function succeeded(result: IncidentImportResult): IncidentImportSuccess {
	if (!result.ok) throw new Error(`refused:\n${formatIncidentImportReport(result)}`);
	return result;
}

function refused(result: IncidentImportResult): IncidentImportRefusal {
	if (result.ok) throw new Error(`imported ${result.imported} incidents, expected a refusal`);
	return result;
}

/** The errors as `row field key`, for compact assertions. */
const summary = (r: IncidentImportRefusal) => r.errors.map((e) => `${e.row} ${e.field} ${e.key}`);

const csv = (...lines: string[]) => lines.join('\r\n') + '\r\n';

async function stored() {
	const { rows } = await sql<{
		source_ref: string;
		source: string;
		category: string;
		occurred_at: string;
		municipality_code: number;
		easting: number;
		northing: number;
		import_id: string | null;
		is_synthetic: boolean;
	}>`
		SELECT source_ref, source, category, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS occurred_at,
			municipality_code, ST_X(geom) AS easting, ST_Y(geom) AS northing, import_id, is_synthetic
		FROM incidents ORDER BY source_ref
	`.execute(testDb());
	return rows;
}

async function counts() {
	const one = async (table: 'incidents' | 'audit_log') =>
		(
			await testDb()
				.selectFrom(table)
				.select(testDb().fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow()
		).n;
	return { incidents: await one('incidents'), audit: await one('audit_log') };
}

async function datasetVersion(): Promise<number | null> {
	const row = await testDb()
		.selectFrom('datasets')
		.select('version')
		.where('name', '=', 'incidents')
		.executeTakeFirst();
	return row?.version ?? null;
}

/** A point given in WGS84 as easting/northing in another CRS. */
async function projected(at: { lon: number; lat: number }, srid: number) {
	const { rows } = await sql<{ x: number; y: number }>`
		SELECT ST_X(p) AS x, ST_Y(p) AS y
		FROM ST_Transform(ST_SetSRID(ST_MakePoint(${at.lon}::float8, ${at.lat}::float8), 4326), ${srid}::integer) p
	`.execute(testDb());
	return rows[0];
}

async function policeOf(district: number): Promise<SessionUser> {
	const input = {
		email: `police.${district}@test.dk`,
		name: `Police ${district}`,
		role: 'police' as const,
		municipalityCode: null,
		policeDistrict: district
	};
	const id = await createUser(testDb(), operator, input, 'password-0123456789');
	return { id, ...input, isDemo: false };
}

function asUser(user: SessionUser): Partial<IncidentImportOptions> {
	return {
		actor: { userId: user.id, label: user.email, clientAddress: '192.0.2.7' },
		authorize: (action, resource) => can(user, action, resource)
	};
}

beforeEach(async () => {
	await loadDemoBoundaries(testDb());
});

describe('incident import, CSV', () => {
	it('imports lon/lat rows with municipalities, categories by code or name, times with and without offset', async () => {
		const progress: IncidentImportProgress[] = [];
		const result = succeeded(
			await importText(
				csv(
					'sourceRef,occurredAt,category,lon,lat',
					`K-1,2025-03-14T21:30,violence,${KBH.lon},${KBH.lat}`,
					`K-2,2025-07-01 12:00:00,Vold,${KBH.lon + 0.001},${KBH.lat}`,
					`K-3,2025-03-14T21:30:00Z,PUBLIC ORDER,${FRB.lon},${FRB.lat}`,
					`K-4,2025-03-14T21:30:00+02:00,indbrud,${AALBORG.lon},${AALBORG.lat}`,
					`K-5,2025-10-26T12:00:00.250,Offentlig orden,${AALBORG.lon},${AALBORG.lat + 0.001}`
				),
				{ batchSize: 2, onProgress: (p) => progress.push(p) }
			)
		);
		expect(result).toMatchObject({ format: 'csv', rows: 5, imported: 5, duplicates: 0 });
		expect(result.municipalities).toEqual([
			{ code: 101, name: 'København', incidents: 2 },
			{ code: 147, name: 'Frederiksberg', incidents: 1 },
			{ code: 851, name: 'Aalborg', incidents: 2 }
		]);
		// One report per batch of two (rows read may run a batch ahead of rows stored), the last with every row.
		expect(progress.map((p) => p.imported)).toEqual([2, 4, 5]);
		expect(progress.at(-1)).toEqual({ rows: 5, imported: 5, duplicates: 0, errors: 0 });

		const rows = await stored();
		expect(rows.map((r) => [r.source_ref, r.category, r.occurred_at, r.municipality_code])).toEqual([
			// Without an offset: Danish time, winter (UTC+1) and summer (UTC+2).
			['K-1', 'violence', '2025-03-14T20:30:00Z', 101],
			['K-2', 'violence', '2025-07-01T10:00:00Z', 101],
			['K-3', 'public_order', '2025-03-14T21:30:00Z', 147],
			['K-4', 'burglary', '2025-03-14T19:30:00Z', 851],
			['K-5', 'public_order', '2025-10-26T11:00:00Z', 851]
		]);
		for (const r of rows) {
			// Without a source column or option: the file's name.
			expect(r).toMatchObject({ source: 'politi-2025.csv', import_id: result.importId, is_synthetic: false });
		}
		// Stored in EPSG:25832.
		const expected = await projected(KBH, 25832);
		expect(rows[0].easting).toBeCloseTo(expected.x, 3);
		expect(rows[0].northing).toBeCloseTo(expected.y, 3);
	});

	it('reads easting/northing in EPSG:25832, semicolons, decimal commas, snake_case headers and a source column', async () => {
		const kbh = await projected(KBH, 25832);
		const frb = await projected(FRB, 25832);
		const comma = (n: number) => n.toFixed(2).replace('.', ',');
		const result = succeeded(
			await importText(
				csv(
					'\uFEFFsource_ref;Occurred At;CATEGORY;easting;northing;source',
					`E-1;2025-01-02T08:15;theft;${comma(kbh.x)};${comma(kbh.y)};POLSAG`,
					`E-2;2025-01-02T08:16;"drugs";${frb.x};${frb.y};`
				),
				{ source: 'Københavns Politi' }
			)
		);
		expect(result).toMatchObject({ imported: 2, crs: 'EPSG:4326 / EPSG:25832' });
		const rows = await stored();
		expect(rows.map((r) => [r.source_ref, r.source, r.category, r.municipality_code])).toEqual([
			['E-1', 'POLSAG', 'theft', 101],
			['E-2', 'Københavns Politi', 'drugs', 147]
		]);
		expect(rows[0].easting).toBeCloseTo(kbh.x, 1);
	});

	it('reads easting/northing in EPSG:25833 with the srs option, and date and time columns', async () => {
		const bornholm = await projected({ lon: 14.931, lat: 55.143 }, 25833);
		const result = succeeded(
			await importText(
				csv(
					'sourceRef,date,time,category,easting,northing',
					`B-1,14-03-2025,21.30,vandalism,${bornholm.x},${bornholm.y}`,
					`B-2,2025-03-15,7:05:30,robbery,${bornholm.x + 10},${bornholm.y}`
				),
				{ srs: 'EPSG:25833' }
			)
		);
		expect(result).toMatchObject({ imported: 2, crs: 'EPSG:4326 / EPSG:25833' });
		const rows = await stored();
		expect(rows.map((r) => [r.source_ref, r.occurred_at, r.municipality_code])).toEqual([
			['B-1', '2025-03-14T20:30:00Z', 400],
			['B-2', '2025-03-15T06:05:30Z', 400]
		]);
		const expected = await projected({ lon: 14.931, lat: 55.143 }, 25832);
		expect(rows[0].easting).toBeCloseTo(expected.x, 2);
		expect(rows[0].northing).toBeCloseTo(expected.y, 2);
	});

	it('skips and counts duplicates within the file and against the database, without errors', async () => {
		const file = csv(
			'sourceRef,occurredAt,category,lon,lat',
			`D-1,2025-05-01T10:00,theft,${KBH.lon},${KBH.lat}`,
			`D-1,2025-05-02T10:00,violence,${FRB.lon},${FRB.lat}`,
			`D-2,2025-05-01T11:00,theft,${KBH.lon},${KBH.lat}`,
			`D-3,2025-05-01T12:00,theft,${KBH.lon},${KBH.lat}`,
			`D-2,2025-05-03T10:00,drugs,${KBH.lon},${KBH.lat}`
		);
		// Batches of two put one repeat in the same statement as its first row and one in a later one.
		const first = succeeded(await importText(file, { batchSize: 2 }));
		expect(first).toMatchObject({ rows: 5, imported: 3, duplicates: 2 });
		expect(first.municipalities).toEqual([{ code: 101, name: 'København', incidents: 3 }]);
		// The first occurrence wins.
		expect((await stored()).map((r) => [r.source_ref, r.category])).toEqual([
			['D-1', 'theft'],
			['D-2', 'theft'],
			['D-3', 'theft']
		]);

		const again = succeeded(
			await importText(
				csv(
					'sourceRef,occurredAt,category,lon,lat',
					`D-3,2025-05-01T12:00,theft,${KBH.lon},${KBH.lat}`,
					`D-4,2025-05-04T12:00,theft,${AALBORG.lon},${AALBORG.lat}`,
					`D-1,2025-05-01T10:00,theft,${KBH.lon},${KBH.lat}`
				)
			)
		);
		expect(again).toMatchObject({ rows: 3, imported: 1, duplicates: 2 });
		expect(again.municipalities).toEqual([{ code: 851, name: 'Aalborg', incidents: 1 }]);
		expect((await counts()).incidents).toBe(4);
	});

	it('writes nothing when one row is bad, and names every bad row and field', async () => {
		const result = refused(
			await importText(
				csv(
					'sourceRef,occurredAt,category,lon,lat',
					`X-1,2025-05-01T10:00,theft,${KBH.lon},${KBH.lat}`,
					`,2025-05-01T10:00,theft,${KBH.lon},${KBH.lat}`,
					`X-3,2025-02-30T10:00,theft,${KBH.lon},${KBH.lat}`,
					`X-4,2025-05-01,theft,${KBH.lon},${KBH.lat}`,
					`X-5,2025-05-01T10:00,shoplifting,${KBH.lon},${KBH.lat}`,
					`X-6,2025-05-01T10:00,theft,,`,
					`X-7,2025-05-01T10:00,theft,725000,6175000`,
					`X-8,2025-05-01T10:00,theft,12.6x,55.6`,
					`X-9,2025-05-01T10:00,theft,13.0,55.6`,
					`X-10,2099-05-01T10:00,theft,${KBH.lon},${KBH.lat}`,
					`X-11,2025-05-01T10:00,theft,${KBH.lon},${KBH.lat},extra`,
					`${'R'.repeat(201)},2025-05-01T10:00,theft,${KBH.lon},${KBH.lat}`
				),
				{ batchSize: 4 }
			)
		);
		expect(result).toMatchObject({ rows: 12, badRows: 11, errorCount: 11, forbidden: false });
		expect(summary(result)).toEqual([
			'3 sourceRef incimport.error.required',
			'4 occurredAt incimport.error.occurredAt',
			'5 occurredAt incimport.error.occurredAt',
			'6 category incimport.error.category',
			'7 lon, lat incimport.error.position',
			'8 lon, lat import.error.looksMetres',
			'9 lon, lat incimport.error.coordinates',
			// Malmö: outside every Danish municipality.
			'10 lon, lat incimport.error.outside',
			'11 occurredAt incimport.error.future',
			'12 #6 import.error.extraField',
			'13 sourceRef incimport.error.tooLong'
		]);
		expect(result.errors[0].message).toBe('Required.');
		expect(importErrorMessage(result.errors[5], 'da')).toBe(
			'Koordinaterne ligner meter, ikke længde- og breddegrad. Brug easting/northing, eller angiv filens koordinatsystem.'
		);
		expect(importErrorMessage(result.errors[7], 'da')).toBe(
			'Positionen ligger uden for alle danske kommuner.'
		);
		// Row 2 went into the database in the first batch; the refusal rolled it back.
		expect(await counts()).toEqual({ incidents: 0, audit: 0 });
		expect(await datasetVersion()).toBeNull();
	});

	it('keeps the first errors for the report and counts them all', async () => {
		const lines = ['sourceRef,occurredAt,category,lon,lat'];
		for (let i = 1; i <= 30; i++) lines.push(`M-${i},2025-05-01T10:00,nonsense,${KBH.lon},${KBH.lat}`);
		const result = refused(await importText(csv(...lines), { maxErrors: 5, batchSize: 7 }));
		expect(result).toMatchObject({ rows: 30, badRows: 30, errorCount: 30 });
		expect(result.errors.map((e) => e.row)).toEqual([2, 3, 4, 5, 6]);
		expect(formatIncidentImportReport(result, 3)).toBe(
			[
				'Nothing was imported: 30 of 30 rows have errors (30 in all).',
				'  row 2, category: Unknown category. Use a code or a name from the list of categories.',
				'  row 3, category: Unknown category. Use a code or a name from the list of categories.',
				'  row 4, category: Unknown category. Use a code or a name from the list of categories.',
				'  … and 27 more'
			].join('\n')
		);
	});

	it('reports a header without the required columns once, not on every row', async () => {
		const result = refused(
			await importText(csv('ref,occurredAt,category,date', `1,2025-05-01T10:00,theft,2025-05-01`, `2,,,`))
		);
		expect(summary(result)).toEqual([
			'1 ref import.error.unknownColumn',
			'1 sourceRef import.error.missingColumn',
			'1 lon, lat import.error.missingColumn',
			'3 category incimport.error.required',
			'3 occurredAt incimport.error.required'
		]);
		const time = refused(
			await importText(csv('sourceRef,date,category,lon,lat', `1,2025-05-01,theft,${KBH.lon},${KBH.lat}`))
		);
		expect(summary(time)).toEqual(['1 time import.error.missingColumn']);
	});

	it('refuses text that is not UTF-8, an unclosed quote, an empty file and a header alone', async () => {
		const latin1 = new Uint8Array([
			...new TextEncoder().encode('sourceRef,occurredAt,category,lon,lat\n'),
			0xe6,
			0x0a
		]);
		expect(summary(refused(await importText(latin1)))).toEqual(['null file import.error.encoding']);
		expect(
			summary(refused(await importText('sourceRef,occurredAt,category,lon,lat\n"K-1,2025-05-01T10:00\n')))
		).toEqual(['2 file import.error.unclosedQuote']);
		expect(summary(refused(await importText(' \n')))).toEqual(['null file import.error.empty']);
		expect(summary(refused(await importText('sourceRef,occurredAt,category,lon,lat\n')))).toEqual([
			'null file incimport.error.noRows'
		]);
		expect(await counts()).toEqual({ incidents: 0, audit: 0 });
	});
});

describe('incident import, GeoJSON', () => {
	it('imports Point features in the crs member’s CRS, and CRS84 without one', async () => {
		const kbh = await projected(KBH, 25832);
		const collection = {
			type: 'FeatureCollection',
			name: 'haendelser',
			crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::25832' } },
			features: [
				{
					type: 'Feature',
					geometry: { type: 'Point', coordinates: [kbh.x, kbh.y] },
					properties: { sourceRef: 'G-1', category: 'Narkotika', occurredAt: '2025-06-01T23:45+02:00' }
				},
				{
					type: 'Feature',
					geometry: { type: 'Point', coordinates: [kbh.x + 5, kbh.y] },
					properties: { source_ref: 4711, category: 'other', date: '2025-06-02', time: '01:00', source: 'X' }
				}
			]
		};
		const result = succeeded(await importText(JSON.stringify(collection), { name: 'upload.geojson' }));
		expect(result).toMatchObject({ format: 'geojson', crs: 'EPSG:25832', rows: 2, imported: 2 });
		const rows = await stored();
		expect(rows.map((r) => [r.source_ref, r.category, r.occurred_at, r.source])).toEqual([
			['4711', 'other', '2025-06-01T23:00:00Z', 'X'],
			['G-1', 'drugs', '2025-06-01T21:45:00Z', 'upload.geojson']
		]);
		expect(rows[1].easting).toBeCloseTo(kbh.x, 3);

		const crs84 = {
			type: 'FeatureCollection',
			features: [
				{
					type: 'Feature',
					geometry: { type: 'Point', coordinates: [AALBORG.lon, AALBORG.lat] },
					properties: { sourceRef: 'G-3', category: 'theft', occurredAt: '2025-06-03T10:00' }
				}
			]
		};
		const second = succeeded(await importText(JSON.stringify(crs84), { name: 'more.json' }));
		expect(second).toMatchObject({ crs: 'CRS84', imported: 1 });
		expect(second.municipalities).toEqual([{ code: 851, name: 'Aalborg', incidents: 1 }]);
	});

	it('names the bad features and fields, once per unknown property, and writes nothing', async () => {
		const feature = (properties: Record<string, unknown>, geometry: unknown = null) => ({
			type: 'Feature',
			geometry: geometry ?? { type: 'Point', coordinates: [KBH.lon, KBH.lat] },
			properties
		});
		const ok = { sourceRef: 'F-1', category: 'theft', occurredAt: '2025-06-03T10:00' };
		const collection = {
			type: 'FeatureCollection',
			features: [
				feature(ok),
				feature({ ...ok, sourceRef: 'F-2', colour: 'red' }),
				feature({ ...ok, sourceRef: 'F-3', colour: 'blue' }, { type: 'LineString', coordinates: [] }),
				feature({ ...ok, sourceRef: { id: 1 } }),
				feature({ ...ok, sourceRef: 'F-5' }, { type: 'Point', coordinates: [725000, 6175000] })
			]
		};
		const result = refused(await importText(JSON.stringify(collection), { name: 'bad.geojson' }));
		expect(summary(result)).toEqual([
			'2 colour import.error.unknownColumn',
			'3 geometry import.error.point',
			'4 sourceRef incimport.error.text',
			'5 geometry import.error.looksMetres'
		]);
		expect(await counts()).toEqual({ incidents: 0, audit: 0 });
		expect(summary(refused(await importText('{"type":"Feature"}', { name: 'x.geojson' })))).toEqual([
			'null file import.error.notFeatureCollection'
		]);
	});
});

describe('incident import, scope, audit and dataset version', () => {
	it('refuses a police reviewer’s rows outside their district, naming the municipality, and writes nothing', async () => {
		const police = await policeOf(11);
		const result = refused(
			await importText(
				csv(
					'sourceRef,occurredAt,category,lon,lat',
					`P-1,2025-05-01T10:00,theft,${KBH.lon},${KBH.lat}`,
					`P-2,2025-05-01T10:00,theft,${FRB.lon},${FRB.lat}`,
					`P-3,2025-05-01T10:00,theft,${AALBORG.lon},${AALBORG.lat}`
				),
				asUser(police)
			)
		);
		expect(result).toMatchObject({ forbidden: true, badRows: 1 });
		expect(summary(result)).toEqual(['4 lon, lat incimport.error.notOwnDistrict']);
		expect(result.errors[0].message).toBe('The position lies in Aalborg, outside your police district.');
		const incidents = await counts();
		// The user's own creation is the only audit row.
		expect(incidents).toEqual({ incidents: 0, audit: 1 });
	});

	it('imports a police reviewer’s own district, recorded as them in one summary audit row', async () => {
		const police = await policeOf(11);
		const result = succeeded(
			await importText(
				csv(
					'sourceRef,occurredAt,category,lon,lat',
					`P-1,2025-05-01T10:00,theft,${KBH.lon},${KBH.lat}`,
					`P-2,2025-05-01T10:00,theft,${FRB.lon},${FRB.lat}`,
					`P-1,2025-05-01T10:00,theft,${KBH.lon},${KBH.lat}`
				),
				{ ...asUser(police), batchSize: 1 }
			)
		);
		expect(result).toMatchObject({ imported: 2, duplicates: 1 });
		const audit = await testDb()
			.selectFrom('audit_log')
			.selectAll()
			.where('action', '=', 'incidents.import')
			.execute();
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({
			actor_id: police.id,
			actor_label: 'police.11@test.dk',
			object_type: 'incident_import',
			object_id: result.importId,
			// Two municipalities: the summary belongs to neither.
			municipality_code: null,
			client_address: '192.0.2.7'
		});
		expect(audit[0].after).toEqual({
			file: 'politi-2025.csv',
			format: 'csv',
			crs: 'EPSG:4326 / EPSG:25832',
			source: 'politi-2025.csv',
			rows: 3,
			imported: 2,
			duplicates: 1,
			municipalities: { '101': 1, '147': 1 }
		});
	});

	it('refuses every row of a planner: incident data is the police’s', async () => {
		const planner: SessionUser = {
			id: crypto.randomUUID(),
			email: 'planner@test.dk',
			name: 'Planner',
			role: 'planner',
			municipalityCode: 101,
			policeDistrict: null,
			isDemo: false
		};
		const result = refused(
			await importText(
				csv('sourceRef,occurredAt,category,lon,lat', `P-1,2025-05-01T10:00,theft,${KBH.lon},${KBH.lat}`),
				{
					authorize: (action, resource) => can(planner, action, resource)
				}
			)
		);
		expect(result).toMatchObject({ forbidden: true });
		expect(summary(result)).toEqual(['2 lon, lat incimport.error.notOwnDistrict']);
	});

	it('moves the incidents dataset version and empties the hotspot cache once per import', async () => {
		await sql`
			INSERT INTO hotspot_runs (area, cell_size_m, band_m, period_from, period_to, categories, incidents_version,
				synthetic, cell_count, incident_count, mean, std_dev, neighbours, compute_ms)
			VALUES ('country', 250, 500, '2025-01-01', '2025-12-31', '{}', 0, false, 0, 0, 0, 0, 0, 0)
		`.execute(testDb());
		const lines = ['sourceRef,occurredAt,category,lon,lat'];
		for (let i = 1; i <= 7; i++) lines.push(`V-${i},2025-05-01T10:00,theft,${KBH.lon},${KBH.lat}`);
		succeeded(await importText(csv(...lines), { batchSize: 2 }));
		const first = await datasetVersion();
		expect(first).not.toBeNull();
		const runs = await testDb().selectFrom('hotspot_runs').select('id').execute();
		expect(runs).toHaveLength(0);

		lines.push(`V-8,2025-05-01T10:00,theft,${KBH.lon},${KBH.lat}`);
		succeeded(await importText(csv(...lines), { batchSize: 2 }));
		// Four statements, one bump.
		expect(await datasetVersion()).toBe(first! + 1);
	});
});

describe('incident import from the command line', () => {
	let dir: string;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'incident-cli-'));
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('imports a file as the operator and prints the report; a bad file exits 1 with the errors', async () => {
		const path = join(dir, 'haendelser.csv');
		writeFileSync(
			path,
			csv(
				'sourceRef,occurredAt,category,lon,lat',
				`C-1,2025-05-01T10:00,theft,${KBH.lon},${KBH.lat}`,
				`C-2,2025-05-01T10:00,Vold,${AALBORG.lon},${AALBORG.lat}`
			)
		);
		const run = (...args: string[]) =>
			spawnSync(process.execPath, ['--import', 'tsx', 'scripts/cli/import.ts', 'incidents', ...args], {
				cwd: join(import.meta.dirname, '..', '..'),
				env: { ...process.env, DATABASE_URL: databaseUrl() },
				encoding: 'utf8'
			});
		const good = run(path, '--source', 'Rigspolitiet');
		expect(good.stderr).toBe('');
		expect(good.status).toBe(0);
		expect(good.stdout).toMatch(
			/^Imported 2 of 2 incidents \(csv, EPSG:4326 \/ EPSG:25832\) in [\d.]+ s; 0 duplicates skipped\./
		);
		expect(good.stdout).toContain('101 København: 1');
		expect(good.stdout).toContain('851 Aalborg: 1');
		expect((await stored()).map((r) => r.source)).toEqual(['Rigspolitiet', 'Rigspolitiet']);
		const audit = await testDb().selectFrom('audit_log').select('actor_label').executeTakeFirstOrThrow();
		expect(audit.actor_label).toMatch(/^cli:/);

		const bad = join(dir, 'bad.csv');
		writeFileSync(bad, csv('sourceRef,occurredAt,category,lon,lat', `C-3,2025-05-01T10:00,theft,0,0`));
		const refusedRun = run(bad);
		expect(refusedRun.status).toBe(1);
		expect(refusedRun.stdout).toContain(
			'row 2, lon, lat: The position lies outside every Danish municipality.'
		);
		expect(refusedRun.stderr).toContain('1 of 1 rows refused; no incident was stored');

		const usage = run();
		expect(usage.status).toBe(2);
		expect(usage.stderr).toContain('incidents FILE [--srs CRS] [--format csv|geojson] [--source NAME]');
	});

	it('reads a file from disk in bounded chunks', async () => {
		const path = join(dir, 'many.csv');
		const lines = ['sourceRef,occurredAt,category,lon,lat'];
		for (let i = 0; i < 3000; i++)
			lines.push(`F-${i},2025-05-01T10:00,theft,${(KBH.lon + (i % 50) * 0.0001).toFixed(5)},${KBH.lat}`);
		writeFileSync(path, csv(...lines));
		const result = succeeded(await importIncidentFile(testDb(), path, { actor: operator, batchSize: 1000 }));
		expect(result).toMatchObject({ rows: 3000, imported: 3000, duplicates: 0 });
	});
});
