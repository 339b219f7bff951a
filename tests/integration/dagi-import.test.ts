// The real DAGI files, where they are available next to the clone (../shared/geodata/dagi).
// The fixture tests in boundary-import.test.ts cover the same code where they are not.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import {
	importBoundaries,
	type BoundaryKind,
	type ImportReport
} from '../../src/lib/server/boundaries/geojson-import';
import { readMunicipalityFacts } from '../../src/lib/server/boundaries/reference-data';
import { testDb } from './db';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dagiDir = resolve(repoRoot, '..', 'shared', 'geodata', 'dagi');
const scratch = mkdtempSync(join(tmpdir(), 'dagi-import-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function timedImport(kind: BoundaryKind, file: string, srs?: string): Promise<ImportReport> {
	const started = performance.now();
	const report = await importBoundaries(testDb(), kind, { path: join(dagiDir, file), srs });
	const ms = Math.round(performance.now() - started);
	console.log(
		`DAGI import ${file} (${report.crs.label}): ${report.featuresRead} features → ${report.units.length} ${kind} in ${ms} ms, ` +
			`${report.repairs.length} repaired, ${report.skipped.length} skipped`
	);
	return report;
}

async function importAll() {
	const regions = await timedImport('regions', 'regioner.geojson');
	const districts = await timedImport('police-districts', 'politikredse.geojson');
	const municipalities = await timedImport('municipalities', 'kommuner.geojson');
	return { regions, districts, municipalities };
}

describe.runIf(existsSync(dagiDir))('importing the real DAGI files', () => {
	it('gives 98 municipalities, 12 police districts and 5 regions, each municipality in exactly one district', async () => {
		const started = performance.now();
		const { regions, districts, municipalities } = await importAll();
		console.log(`DAGI import of all three files: ${Math.round(performance.now() - started)} ms`);

		expect(regions.units).toHaveLength(5);
		expect(districts.units).toHaveLength(12);
		expect(municipalities.units).toHaveLength(98);
		expect(districts.matchedByName).toContainEqual(
			expect.objectContaining({ name: 'Københavns Vestegns Politi', code: 10, matchedIn: 'reference' })
		);
		expect(municipalities.skipped.length).toBeGreaterThan(0);
		for (const s of municipalities.skipped) {
			expect(s).toMatchObject({ code: 411, name: 'Christiansø' });
			expect(s.reason).toMatch(/outside the municipal division/);
		}

		const counts = await sql<{ m: number; p: number; r: number; unassigned: number; bad: number }>`
			SELECT (SELECT count(*) FROM municipalities) AS m, (SELECT count(*) FROM police_districts) AS p,
				(SELECT count(*) FROM regions) AS r,
				(SELECT count(*) FROM municipalities WHERE police_district IS NULL OR region_code IS NULL) AS unassigned,
				(SELECT count(*) FROM (
					SELECT geom FROM municipalities UNION ALL SELECT geom FROM police_districts UNION ALL SELECT geom FROM regions
				) g WHERE NOT ST_IsValid(geom) OR ST_NDims(geom) <> 2 OR ST_SRID(geom) <> 25832
					OR ST_GeometryType(geom) <> 'ST_MultiPolygon') AS bad
		`.execute(testDb());
		expect(counts.rows[0]).toEqual({ m: 98, p: 12, r: 5, unassigned: 0, bad: 0 });

		// The reference list's parents were read off DAGI by largest overlap: the importer must agree.
		const expected = (await readMunicipalityFacts(join(repoRoot, 'geodata')))
			.map((m) => [m.code, m.name, m.policeDistrict, m.regionCode])
			.sort((a, b) => (a[0] as number) - (b[0] as number));
		expect(expected).toHaveLength(98);
		const rows = await testDb()
			.selectFrom('municipalities')
			.select(['code', 'name', 'police_district', 'region_code'])
			.orderBy('code')
			.execute();
		expect(rows.map((r) => [r.code, r.name, r.police_district, r.region_code])).toEqual(expected);
	});

	it('imports an EPSG:25832 copy of kommuner.geojson, made with PostGIS, to within a metre', async () => {
		await timedImport('municipalities', 'kommuner.geojson');
		const fromCrs84 = await sql<{ code: number; hex: string }>`
			SELECT code, encode(ST_AsEWKB(geom), 'hex') AS hex FROM municipalities ORDER BY code
		`.execute(testDb());

		const original = JSON.parse(readFileSync(join(dagiDir, 'kommuner.geojson'), 'utf8'));
		const transformed = await sql<{ geometry: string }>`
			SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(e->'geometry'), 4326), 25832), 3) AS geometry
			FROM json_array_elements(${JSON.stringify(original.features)}::json) WITH ORDINALITY AS f(e, n)
			ORDER BY n
		`.execute(testDb());
		const copy = {
			type: 'FeatureCollection',
			crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::25832' } },
			features: original.features.map((f: { properties: unknown }, i: number) => ({
				type: 'Feature',
				properties: f.properties,
				geometry: JSON.parse(transformed.rows[i].geometry)
			}))
		};
		const path = join(scratch, 'kommuner-25832.geojson');
		writeFileSync(path, JSON.stringify(copy));
		expect(copy.features[0].geometry.coordinates[0][0]).toHaveLength(3);
		expect(copy.features[0].geometry.coordinates[0][0][0]).toBeGreaterThan(400_000);

		const started = performance.now();
		const report = await importBoundaries(testDb(), 'municipalities', { path });
		console.log(`DAGI import of the EPSG:25832 copy: ${Math.round(performance.now() - started)} ms`);
		expect(report.crs).toEqual({ srid: 25832, label: 'EPSG:25832', origin: 'file' });
		expect(report.units).toHaveLength(98);

		const distances = await sql<{ code: number; distance: number; symdiff_m2: number }>`
			SELECT m.code, ST_HausdorffDistance(m.geom, e.geom) AS distance, ST_Area(ST_SymDifference(m.geom, e.geom)) AS symdiff_m2
			FROM municipalities m
			JOIN (
				SELECT code, ST_GeomFromEWKB(decode(hex, 'hex')) AS geom
				FROM json_to_recordset(${JSON.stringify(fromCrs84.rows)}::json) AS x(code integer, hex text)
			) e ON e.code = m.code
		`.execute(testDb());
		expect(distances.rows).toHaveLength(98);
		const worst = distances.rows.reduce((a, b) => (b.distance > a.distance ? b : a));
		console.log(
			`EPSG:25832 copy vs CRS84: worst Hausdorff distance ${worst.distance.toFixed(4)} m (municipality ${worst.code})`
		);
		for (const d of distances.rows) {
			expect(d.distance, String(d.code)).toBeLessThan(1);
			expect(d.symdiff_m2, String(d.code)).toBeLessThan(1000);
		}
	});
});
