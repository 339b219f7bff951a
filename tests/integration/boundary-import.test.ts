import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import {
	BoundaryImportError,
	importBoundaries,
	type ImportProgress
} from '../../src/lib/server/boundaries/geojson-import';
import { databaseUrl, testDb } from './db';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => join(repoRoot, 'tests', 'fixtures', 'boundaries', name);
const scratch = mkdtempSync(join(tmpdir(), 'boundary-import-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function municipalities() {
	const r = await sql<{
		code: number;
		name: string;
		police_district: number | null;
		region_code: number | null;
		type: string;
		srid: number;
		valid: boolean;
		dims: number;
		parts: number;
		area_km2: number;
	}>`
		SELECT code, name, police_district, region_code, ST_GeometryType(geom) AS type, ST_SRID(geom) AS srid,
			ST_IsValid(geom) AS valid, ST_NDims(geom) AS dims, ST_NumGeometries(geom) AS parts, ST_Area(geom) / 1e6 AS area_km2
		FROM municipalities ORDER BY code
	`.execute(testDb());
	return r.rows;
}

/** Everything an import may change, with geometries as checksums. */
async function snapshot() {
	const db = testDb();
	const units = await sql<{ layer: string; code: number; name: string; parents: string; geom: string }>`
		SELECT 'm' AS layer, code, name, concat_ws('/', police_district, region_code) AS parents, md5(ST_AsEWKB(geom)) AS geom FROM municipalities
		UNION ALL SELECT 'p', number, name, '', md5(ST_AsEWKB(geom)) FROM police_districts
		UNION ALL SELECT 'r', code, name, '', md5(ST_AsEWKB(geom)) FROM regions
		ORDER BY 1, 2
	`.execute(db);
	const datasets = await db
		.selectFrom('datasets')
		.select(['name', 'source', 'is_demo', 'version'])
		.orderBy('name')
		.execute();
	return { units: units.rows, datasets };
}

async function importAllFixtures() {
	const db = testDb();
	await importBoundaries(db, 'regions', { path: fixture('regioner-dagi.geojson') });
	await importBoundaries(db, 'police-districts', { path: fixture('politikredse-dagi.geojson') });
	return importBoundaries(db, 'municipalities', { path: fixture('kommuner-dagi.geojson') });
}

/** Per code: Hausdorff distance in metres between the table's geometry and an earlier one. */
async function distancesTo(earlier: { code: number; hex: string }[]) {
	const r = await sql<{ code: number; distance: number; symdiff_m2: number }>`
		SELECT m.code, ST_HausdorffDistance(m.geom, e.geom) AS distance, ST_Area(ST_SymDifference(m.geom, e.geom)) AS symdiff_m2
		FROM municipalities m
		JOIN (
			SELECT code, ST_GeomFromEWKB(decode(hex, 'hex')) AS geom
			FROM json_to_recordset(${JSON.stringify(earlier)}::json) AS x(code integer, hex text)
		) e ON e.code = m.code
		ORDER BY m.code
	`.execute(testDb());
	return r.rows;
}

async function geometriesAsHex() {
	const r = await sql<{ code: number; hex: string }>`
		SELECT code, encode(ST_AsEWKB(geom), 'hex') AS hex FROM municipalities ORDER BY code
	`.execute(testDb());
	return r.rows;
}

describe('importBoundaries with DAGI-shaped fixtures', () => {
	it('dissolves the features of each municipality into one valid 2D MultiPolygon in EPSG:25832', async () => {
		const report = await importBoundaries(testDb(), 'municipalities', {
			path: fixture('kommuner-dagi.geojson')
		});

		expect(report.source).toBe('kommuner-dagi.geojson');
		expect(report.crs).toEqual({ srid: 4326, label: 'CRS84', origin: 'file' });
		expect(report.featuresRead).toBe(10);
		expect(report.featuresImported).toBe(8);
		expect(report.units.map((u) => [u.code, u.name, u.features, u.parts])).toEqual([
			[101, 'København', 3, 2],
			[147, 'Frederiksberg', 1, 1],
			[155, 'Dragør', 1, 1],
			[167, 'Hvidovre', 1, 2],
			[185, 'Tårnby', 2, 2]
		]);

		const rows = await municipalities();
		expect(rows.map((r) => r.code)).toEqual([101, 147, 155, 167, 185]);
		for (const row of rows) {
			expect(row, String(row.code)).toMatchObject({
				type: 'ST_MultiPolygon',
				srid: 25832,
				valid: true,
				dims: 2
			});
			expect(row.area_km2).toBeGreaterThan(0);
		}
		// The three København features: two touching ones merge, the islet stays apart; the hole survives.
		const kbh = await sql<{
			holes: number;
		}>`SELECT ST_NumInteriorRings(ST_GeometryN(geom, 1)) + ST_NumInteriorRings(ST_GeometryN(geom, 2)) AS holes FROM municipalities WHERE code = 101`.execute(
			testDb()
		);
		expect(kbh.rows[0].holes).toBe(1);
		expect(rows.find((r) => r.code === 101)!.parts).toBe(2);

		const datasets = await testDb().selectFrom('datasets').selectAll().execute();
		expect(datasets).toMatchObject([
			{ name: 'municipalities', source: 'kommuner-dagi.geojson', is_demo: false, version: 1 }
		]);
		expect(report.datasetVersion).toBe(1);
	});

	it('repairs an invalid ring and says where and why', async () => {
		const report = await importBoundaries(testDb(), 'municipalities', {
			path: fixture('kommuner-dagi.geojson')
		});
		expect(report.repairs).toHaveLength(1);
		expect(report.repairs[0]).toMatchObject({ feature: 1, code: 167, name: 'Hvidovre' });
		expect(report.repairs[0].reason).toMatch(/^Self-intersection/);

		// The bow tie becomes its two triangles: half the area of its bounding box.
		const r = await sql<{ ratio: number }>`
			SELECT ST_Area(geom) / ST_Area(ST_Envelope(geom)) AS ratio FROM municipalities WHERE code = 167
		`.execute(testDb());
		expect(r.rows[0].ratio).toBeCloseTo(0.5, 1);
	});

	it('matches features without a code by name and skips Christiansø and unknown names with a reason', async () => {
		const report = await importBoundaries(testDb(), 'municipalities', {
			path: fixture('kommuner-dagi.geojson')
		});
		expect(report.matchedByName).toEqual([
			{ feature: 4, name: 'Tårnby', code: 185, matchedIn: 'file', codeProblem: 'no code' },
			{ feature: 6, name: 'Dragør', code: 155, matchedIn: 'reference', codeProblem: 'no code' }
		]);
		expect(report.skipped).toHaveLength(2);
		expect(report.skipped[0]).toMatchObject({ feature: 7, code: 411, name: 'Christiansø' });
		expect(report.skipped[0].reason).toMatch(/outside the municipal division.*98 municipalities/);
		expect(report.skipped[1]).toMatchObject({ feature: 8, code: null, name: 'Ukendt Ø' });
		expect(report.skipped[1].reason).toMatch(/"Ukendt Ø" matches no municipality/);
		expect(report.warnings.some((w) => w.startsWith('the file lacks 93 of the 98 municipalities'))).toBe(
			true
		);
	});

	it('gives every municipality the police district it overlaps most, whichever layer comes first', async () => {
		const districts = await importBoundaries(testDb(), 'police-districts', {
			path: fixture('politikredse-dagi.geojson')
		});
		expect(districts.units.map((u) => [u.code, u.name, u.features])).toEqual([
			[10, 'Københavns Vestegns Politi', 1],
			[11, 'Københavns Politi', 2],
			[12, 'Bornholms Politi', 1]
		]);
		// The real politikredse file has POLKR_NR null for Københavns Vestegns Politi.
		expect(districts.matchedByName).toEqual([
			{
				feature: 1,
				name: 'Københavns Vestegns Politi',
				code: 10,
				matchedIn: 'reference',
				codeProblem: 'no code'
			}
		]);
		const dataset = await testDb()
			.selectFrom('datasets')
			.selectAll()
			.where('name', '=', 'police_districts')
			.executeTakeFirstOrThrow();
		expect(dataset).toMatchObject({ source: 'politikredse-dagi.geojson', is_demo: false, version: 1 });

		await importBoundaries(testDb(), 'municipalities', { path: fixture('kommuner-dagi.geojson') });
		const expected = [
			[101, 11],
			[147, 11],
			[155, 11],
			[167, 10],
			[185, 11]
		];
		expect((await municipalities()).map((m) => [m.code, m.police_district])).toEqual(expected);

		// Frederiksberg straddles the 10/11 border, so the assignment really is by largest overlap.
		const overlap = await sql<{ number: number; km2: number }>`
			SELECT p.number, ST_Area(ST_Intersection(p.geom, m.geom)) / 1e6 AS km2
			FROM municipalities m JOIN police_districts p ON ST_Intersects(p.geom, m.geom)
			WHERE m.code = 147 ORDER BY p.number
		`.execute(testDb());
		expect(overlap.rows.map((r) => r.number)).toEqual([10, 11]);
		expect(overlap.rows[1].km2).toBeGreaterThan(overlap.rows[0].km2 * 2);

		// Re-importing the districts after the municipalities assigns them again.
		await importBoundaries(testDb(), 'police-districts', { path: fixture('politikredse-dagi.geojson') });
		expect((await municipalities()).map((m) => [m.code, m.police_district])).toEqual(expected);
	});

	it('without the reference lists, matches names within the file only and says so', async () => {
		const report = await importBoundaries(testDb(), 'police-districts', {
			path: fixture('politikredse-dagi.geojson'),
			geodataDir: scratch
		});
		expect(report.units.map((u) => u.code)).toEqual([11, 12]);
		expect(report.skipped).toMatchObject([{ feature: 1, code: null, name: 'Københavns Vestegns Politi' }]);
		expect(report.warnings).toContainEqual(
			expect.stringMatching(/^geodata\/police-districts\.csv was not found/)
		);
	});

	it('imports regions and assigns them to municipalities', async () => {
		const report = await importAllFixtures();
		expect(report.units).toHaveLength(5);
		const regions = await sql<{ code: number; name: string; parts: number }>`
			SELECT code, name, ST_NumGeometries(geom) AS parts FROM regions ORDER BY code
		`.execute(testDb());
		expect(regions.rows).toEqual([
			{ code: 1084, name: 'Region Hovedstaden', parts: 2 },
			{ code: 1085, name: 'Region Sjælland', parts: 1 }
		]);
		for (const m of await municipalities()) expect(m.region_code, String(m.code)).toBe(1084);
	});

	it("reads Dataforsyningen's current kode/navn form with MultiPolygons", async () => {
		const report = await importBoundaries(testDb(), 'municipalities', {
			path: fixture('kommuner-dataforsyningen.geojson')
		});
		expect(report.crs).toEqual({ srid: 4326, label: 'CRS84', origin: 'file' });
		expect(report.units.map((u) => [u.code, u.name, u.parts])).toEqual([
			[101, 'København', 2],
			[147, 'Frederiksberg', 1],
			[167, 'Hvidovre', 1]
		]);
		expect(report.skipped.map((s) => [s.feature, s.code])).toEqual([[3, 411]]);
		expect(report.repairs).toEqual([]);
	});

	it('reads EPSG:25832 files to within a metre of the same boundaries in CRS84', async () => {
		await importBoundaries(testDb(), 'municipalities', { path: fixture('kommuner-dataforsyningen.geojson') });
		const fromCrs84 = (await geometriesAsHex()).filter((g) => g.code !== 167);

		const report = await importBoundaries(testDb(), 'municipalities', {
			path: fixture('kommuner-25832.geojson')
		});
		expect(report.crs).toEqual({ srid: 25832, label: 'EPSG:25832', origin: 'file' });
		expect(report.units.map((u) => [u.code, u.features, u.parts])).toEqual([
			[101, 2, 2],
			[147, 1, 1]
		]);
		const distances = await distancesTo(fromCrs84);
		expect(distances).toHaveLength(2);
		for (const d of distances) expect(d.distance, String(d.code)).toBeLessThan(1);
		expect((await municipalities())[0]).toMatchObject({ srid: 25832, dims: 2, valid: true });
	});

	it('lets --srs override the CRS, including EPSG:25833', async () => {
		await importBoundaries(testDb(), 'municipalities', { path: fixture('kommuner-dataforsyningen.geojson') });
		const fromCrs84 = await geometriesAsHex();

		// A copy in EPSG:25833 without a crs member, made with PostGIS.
		const source = JSON.parse(readFileSync(fixture('kommuner-dataforsyningen.geojson'), 'utf8'));
		const transformed = await sql<{ geometry: string }>`
			SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(e->'geometry'), 4326), 25833), 3) AS geometry
			FROM json_array_elements(${JSON.stringify(source.features)}::json) WITH ORDINALITY AS f(e, n) ORDER BY n
		`.execute(testDb());
		const copy = {
			type: 'FeatureCollection',
			features: source.features.map((f: { properties: unknown }, i: number) => ({
				type: 'Feature',
				properties: f.properties,
				geometry: JSON.parse(transformed.rows[i].geometry)
			}))
		};
		const path = join(scratch, 'kommuner-25833.geojson');
		writeFileSync(path, JSON.stringify(copy));

		await expect(importBoundaries(testDb(), 'municipalities', { path })).rejects.toThrow(/look like metres/);
		const report = await importBoundaries(testDb(), 'municipalities', { path, srs: 'EPSG:25833' });
		expect(report.crs).toEqual({ srid: 25833, label: 'EPSG:25833', origin: 'option' });
		const distances = await distancesTo(fromCrs84);
		expect(distances.map((d) => d.code)).toEqual([101, 147, 167]);
		for (const d of distances) expect(d.distance, String(d.code)).toBeLessThan(1);

		// The wrong-CRS fixture imports once the user says what it is.
		const fixed = await importBoundaries(testDb(), 'municipalities', {
			path: fixture('wrong-crs.geojson'),
			srs: 'EPSG:25832'
		});
		expect(fixed.units.map((u) => u.code)).toEqual([101, 147]);
	});

	it('replaces the whole table on re-import and bumps the dataset version', async () => {
		await importAllFixtures();
		expect((await municipalities()).map((m) => m.code)).toEqual([101, 147, 155, 167, 185]);

		const report = await importBoundaries(testDb(), 'municipalities', {
			path: fixture('kommuner-dataforsyningen.geojson')
		});
		expect(report.datasetVersion).toBe(2);
		const rows = await municipalities();
		expect(rows.map((m) => [m.code, m.police_district, m.region_code])).toEqual([
			[101, 11, 1084],
			[147, 11, 1084],
			[167, 10, 1084]
		]);
		const dataset = await testDb()
			.selectFrom('datasets')
			.selectAll()
			.where('name', '=', 'municipalities')
			.executeTakeFirstOrThrow();
		expect(dataset).toMatchObject({ source: 'kommuner-dataforsyningen.geojson', is_demo: false, version: 2 });
	});

	it('takes the text of an upload and reports progress', async () => {
		const progress: ImportProgress[] = [];
		const report = await importBoundaries(testDb(), 'regions', {
			text: readFileSync(fixture('regioner-dagi.geojson'), 'utf8'),
			source: 'regioner-upload.geojson',
			onProgress: (p) => progress.push(p)
		});
		expect(report.units.map((u) => u.code)).toEqual([1084, 1085]);
		expect(progress).toContainEqual({ phase: 'staging', done: 3, total: 3 });
		expect(progress.at(-1)).toEqual({ phase: 'assigning', done: 1, total: 1 });
		const dataset = await testDb()
			.selectFrom('datasets')
			.selectAll()
			.where('name', '=', 'regions')
			.executeTakeFirstOrThrow();
		expect(dataset.source).toBe('regioner-upload.geojson');
	});

	describe('a file that cannot be imported changes nothing', () => {
		const cases: [string, () => Promise<unknown>, RegExp][] = [
			[
				'not JSON',
				() => importBoundaries(testDb(), 'municipalities', { path: fixture('not-json.geojson') }),
				/^The file is not JSON/
			],
			[
				'not a FeatureCollection',
				() => importBoundaries(testDb(), 'municipalities', { path: fixture('single-feature.geojson') }),
				/not a GeoJSON FeatureCollection \(its type is "Feature"\)/
			],
			[
				'no polygon features',
				() => importBoundaries(testDb(), 'municipalities', { path: fixture('no-polygons.geojson') }),
				/no polygon features: none of its 2 features is a polygon/
			],
			[
				'unknown property names',
				() => importBoundaries(testDb(), 'municipalities', { path: fixture('unknown-properties.geojson') }),
				/No feature has a municipality code or name: looked for KOMKODE.*the features have id, label/
			],
			[
				'police districts given as municipalities',
				() => importBoundaries(testDb(), 'municipalities', { path: fixture('politikredse-dagi.geojson') }),
				/have POLKR_NR, POLKR_NAVN\. Is this a municipalities file\?/
			],
			[
				'metres without a crs member (wrong CRS)',
				() => importBoundaries(testDb(), 'municipalities', { path: fixture('wrong-crs.geojson') }),
				/no "crs" member, so CRS84 .* was assumed, but the coordinates look like metres .*pass --srs EPSG:25832/
			],
			[
				'degrees declared as EPSG:25832 (wrong CRS)',
				() =>
					importBoundaries(testDb(), 'regions', {
						path: fixture('regioner-dagi.geojson'),
						srs: 'EPSG:25832'
					}),
				/--srs says EPSG:25832, but the coordinates look like degrees/
			],
			[
				'an unsupported CRS',
				() =>
					importBoundaries(testDb(), 'regions', { path: fixture('regioner-dagi.geojson'), srs: 'EPSG:3857' }),
				/Unsupported CRS "EPSG:3857"/
			],
			[
				'no feature matches a unit',
				() =>
					importBoundaries(testDb(), 'municipalities', {
						text: readFileSync(fixture('kommuner-dagi.geojson'), 'utf8')
							.replace(/"KOMKODE": "\d+"/g, '"KOMKODE": null')
							.replace(/"KOMNAVN": "[^"]+"/g, '"KOMNAVN": "Atlantis"'),
						source: 'atlantis.geojson'
					}),
				/No feature could be assigned to a municipality: no code, and the name "Atlantis" matches no municipality/
			],
			[
				'a missing file',
				() => importBoundaries(testDb(), 'regions', { path: fixture('missing.geojson') }),
				/Cannot read .*missing\.geojson: no such file/
			]
		];

		it.each(cases)('%s', async (_, importBad, message) => {
			await importAllFixtures();
			const before = await snapshot();
			expect(before.units.length).toBe(5 + 3 + 2);

			const error = await importBad().then(
				() => null,
				(e: unknown) => e
			);
			expect(error).toBeInstanceOf(BoundaryImportError);
			expect((error as Error).message).toMatch(message);
			expect(await snapshot()).toEqual(before);
		});

		it('an error in the middle of the transaction rolls everything back', async () => {
			await importAllFixtures();
			const before = await snapshot();
			const failing = importBoundaries(testDb(), 'police-districts', {
				path: fixture('politikredse-dagi.geojson'),
				onProgress: (p) => {
					if (p.phase === 'assigning' && p.done === 1) throw new Error('interrupted');
				}
			});
			await expect(failing).rejects.toThrow('interrupted');
			expect(await snapshot()).toEqual(before);
		});
	});
});

describe('npm run import', () => {
	function runCli(...args: string[]) {
		const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/cli/import.ts', ...args], {
			cwd: repoRoot,
			env: { ...process.env, DATABASE_URL: databaseUrl() },
			encoding: 'utf8'
		});
		return { status: result.status, stdout: result.stdout, stderr: result.stderr };
	}

	it('imports a file and prints a summary', async () => {
		const r = runCli('municipalities', fixture('kommuner-dagi.geojson'));
		expect(r.stderr).toContain('kommuner-dagi.geojson: staged 8/8 features');
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(
			/^Imported 5 municipalities from kommuner-dagi\.geojson in [\d.]+ s \(dataset municipalities, version 1\)\./
		);
		expect(r.stdout).toMatch(/101 +København +3 +2/);
		expect(r.stdout).toContain('features[4] "Tårnby" → 185');
		expect(r.stdout).toMatch(/features\[1\] 167 Hvidovre: Self-intersection/);
		expect(r.stdout).toMatch(
			/features\[7\] 411 "Christiansø": Christiansø \(411\) lies outside the municipal division/
		);
		expect((await municipalities()).length).toBe(5);
	});

	it('exits 1 with the message and no stack trace on a bad file', () => {
		const r = runCli('municipalities', fixture('wrong-crs.geojson'));
		expect(r.status).toBe(1);
		expect(r.stderr.trim()).toMatch(/^Import failed: The file has no "crs" member.*pass --srs EPSG:25832/);
		expect(r.stderr).not.toMatch(/\n\s+at /);
	});

	it('exits 2 with usage on an unknown kind or option', () => {
		const kind = runCli('parishes', 'x.geojson');
		expect(kind.status).toBe(2);
		expect(kind.stderr).toContain('Unknown kind "parishes"');
		expect(kind.stderr).toContain('police-districts FILE [--srs CRS]');
		const option = runCli('regions', fixture('regioner-dagi.geojson'), '--crs', 'EPSG:25832');
		expect(option.status).toBe(2);
		expect(option.stderr).toContain("Unknown option '--crs'");
	});
});
