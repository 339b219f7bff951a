import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import {
	DEMO_BOUNDARIES_SOURCE,
	denmarkLandGeoJson,
	loadDemoBoundaries,
	seedDemoBoundariesIfEmpty
} from '../../src/lib/server/boundaries/demo';
import { readMunicipalityFacts, type MunicipalityFact } from '../../src/lib/server/boundaries/reference-data';
import { testDb } from './db';

const geodataDir = fileURLToPath(new URL('../../geodata', import.meta.url));
const scratchDirs: string[] = [];

afterAll(() => {
	for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of geodata/ with some files left out and municipality points moved. */
function scratchGeodata(options: {
	omit?: string[];
	move?: Record<number, [number, number]>;
	drop?: number[];
}) {
	const dir = mkdtempSync(join(tmpdir(), 'tryghedskort-geodata-'));
	scratchDirs.push(dir);
	for (const file of ['municipalities.csv', 'police-districts.csv', 'regions.csv']) {
		if (!options.omit?.includes(file)) copyFileSync(join(geodataDir, file), join(dir, file));
	}
	if (options.move || options.drop) {
		const lines = readFileSync(join(geodataDir, 'municipalities.csv'), 'utf8').trimEnd().split('\n');
		const edited = lines.flatMap((line, i) => {
			const fields = line.split(',');
			const code = Number(fields[0]);
			if (i === 0) return [line];
			if (options.drop?.includes(code)) return [];
			const to = options.move?.[code];
			return to ? [[...fields.slice(0, 4), ...to].join(',')] : [line];
		});
		writeFileSync(join(dir, 'municipalities.csv'), edited.join('\n') + '\n');
	}
	return dir;
}

const point = (f: MunicipalityFact) =>
	sql`ST_Transform(ST_SetSRID(ST_MakePoint(${f.lon}, ${f.lat}), 4326), 25832)`;

async function counts() {
	const db = testDb();
	const r = await sql<{ m: number; p: number; r: number; d: number }>`
		SELECT (SELECT count(*) FROM municipalities) AS m, (SELECT count(*) FROM police_districts) AS p,
			(SELECT count(*) FROM regions) AS r, (SELECT count(*) FROM datasets) AS d`.execute(db);
	return r.rows[0];
}

/** md5 of the WKB of every row of the three layers, keyed by layer and code. */
async function fingerprint() {
	const r = await sql<{ k: string; h: string }>`
		SELECT 'm' || code AS k, md5(ST_AsBinary(geom)) AS h FROM municipalities
		UNION ALL SELECT 'p' || number, md5(ST_AsBinary(geom)) FROM police_districts
		UNION ALL SELECT 'r' || code, md5(ST_AsBinary(geom)) FROM regions
		ORDER BY 1`.execute(testDb());
	return Object.fromEntries(r.rows.map((x) => [x.k, x.h]));
}

/** Every municipality is a valid, non-empty MultiPolygon in 25832 that holds its own point; none overlap. */
async function expectSoundMunicipalities(facts: MunicipalityFact[]) {
	const db = testDb();
	const rows = await sql<{ code: number; valid: boolean; srid: number; type: string; empty: boolean }>`
		SELECT code, ST_IsValid(geom) AS valid, ST_SRID(geom) AS srid, GeometryType(geom) AS type,
			ST_IsEmpty(geom) AS empty FROM municipalities ORDER BY code`.execute(db);
	expect(rows.rows.map((r) => r.code)).toEqual(facts.map((f) => f.code).sort((a, b) => a - b));
	for (const r of rows.rows)
		expect(r, `municipality ${r.code}`).toMatchObject({
			valid: true,
			srid: 25832,
			type: 'MULTIPOLYGON',
			empty: false
		});

	for (const f of facts) {
		const inside = await sql<{ ok: boolean }>`
			SELECT ST_Contains(geom, ${point(f)}) AS ok FROM municipalities WHERE code = ${f.code}`.execute(db);
		expect(inside.rows[0]?.ok, `${f.code} ${f.name} holds its interior point`).toBe(true);
	}

	const areas = await sql<{ sum: number; union: number; worst: number }>`
		SELECT (SELECT sum(ST_Area(geom)) FROM municipalities) AS sum,
			(SELECT ST_Area(ST_Union(geom)) FROM municipalities) AS union,
			(SELECT COALESCE(max(ST_Area(ST_Intersection(a.geom, b.geom))), 0) FROM municipalities a
				JOIN municipalities b ON a.code < b.code AND ST_Intersects(a.geom, b.geom)) AS worst`.execute(db);
	const { sum, union, worst } = areas.rows[0];
	expect(Math.abs(sum - union) / union).toBeLessThan(0.001);
	expect(worst).toBeLessThan(1); // m², i.e. shared edges only
}

describe('demo boundaries', () => {
	it('loads 98 municipalities, 12 police districts and 5 regions as valid MultiPolygons in EPSG:25832', async () => {
		const db = testDb();
		const summary = await loadDemoBoundaries(db);
		console.log(`demo boundary load took ${summary.milliseconds} ms`);
		expect(summary).toMatchObject({ municipalities: 98, policeDistricts: 12, regions: 5 });
		expect(await counts()).toEqual({ m: 98, p: 12, r: 5, d: 3 });

		for (const table of ['police_districts', 'regions']) {
			const r = await sql<{ ok: boolean }>`
				SELECT bool_and(ST_IsValid(geom) AND ST_SRID(geom) = 25832 AND GeometryType(geom) = 'MULTIPOLYGON'
					AND NOT ST_IsEmpty(geom)) AS ok FROM ${sql.table(table)}`.execute(db);
			expect(r.rows[0].ok, table).toBe(true);
		}
		await expectSoundMunicipalities(await readMunicipalityFacts(geodataDir));
	});

	it('covers all of Natural Earth’s Denmark, and each parent layer covers the same land', async () => {
		const db = testDb();
		await loadDemoBoundaries(db);
		const land = await denmarkLandGeoJson();
		const r = await sql<{ land: number; m: number; p: number; r: number }>`
			SELECT ST_Area(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${land}::text), 4326), 25832)) AS land,
				(SELECT sum(ST_Area(geom)) FROM municipalities) AS m,
				(SELECT sum(ST_Area(geom)) FROM police_districts) AS p,
				(SELECT sum(ST_Area(geom)) FROM regions) AS r`.execute(db);
		const a = r.rows[0];
		for (const layer of [a.m, a.p, a.r]) expect(Math.abs(layer - a.land) / a.land).toBeLessThan(0.001);
	});

	it('gives each municipality the police district and region that geodata/ names', async () => {
		const db = testDb();
		await loadDemoBoundaries(db);
		const facts = await readMunicipalityFacts(geodataDir);
		const rows = await db
			.selectFrom('municipalities')
			.select(['code', 'police_district', 'region_code'])
			.orderBy('code')
			.execute();
		expect(rows).toEqual(
			facts
				.map((f) => ({ code: f.code, police_district: f.policeDistrict, region_code: f.regionCode }))
				.sort((a, b) => a.code - b.code)
		);
		const names = await db
			.selectFrom('police_districts')
			.select(['number', 'name'])
			.orderBy('number')
			.execute();
		expect(names.find((d) => d.number === 12)?.name).toBe('Bornholms Politi');
	});

	it('keeps island municipalities on their own islands', async () => {
		const db = testDb();
		await loadDemoBoundaries(db);
		// Real areas in km²; Natural Earth 1:10m is coarse, so allow a wide margin but not a grab of mainland coast.
		const islands: Record<number, number> = { 400: 588, 825: 118, 741: 114, 492: 88, 563: 56 };
		const r = await sql<{ code: number; km2: number }>`
			SELECT code, ST_Area(geom) / 1e6 AS km2 FROM municipalities
			WHERE code = ANY(${Object.keys(islands).map(Number)}::smallint[])`.execute(db);
		expect(r.rows).toHaveLength(5);
		for (const { code, km2 } of r.rows) {
			expect(km2, `municipality ${code}`).toBeGreaterThan(islands[code] * 0.6);
			expect(km2, `municipality ${code}`).toBeLessThan(islands[code] * 1.4);
		}
		// Rønne and Nexø (a little inland: Natural Earth's coast is coarse) lie in Bornholm, in Bornholm's
		// police district and in Region Hovedstaden.
		for (const [lon, lat] of [
			[14.72, 55.1],
			[15.1, 55.06]
		]) {
			const at = sql`ST_Transform(ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326), 25832)`;
			const hit = await sql<{ m: number[]; p: number[]; r: number[] }>`
				SELECT ARRAY(SELECT code FROM municipalities WHERE ST_Contains(geom, ${at})) AS m,
					ARRAY(SELECT number FROM police_districts WHERE ST_Contains(geom, ${at})) AS p,
					ARRAY(SELECT code FROM regions WHERE ST_Contains(geom, ${at})) AS r`.execute(db);
			expect(hit.rows[0]).toEqual({ m: [400], p: [12], r: [1084] });
		}
	});

	it('is deterministic: a second load gives byte-identical geometry and bumps the dataset versions', async () => {
		const db = testDb();
		await loadDemoBoundaries(db);
		const first = await fingerprint();
		await loadDemoBoundaries(db);
		expect(await fingerprint()).toEqual(first);
		expect(Object.keys(first)).toHaveLength(98 + 12 + 5);
		const versions = await db.selectFrom('datasets').select(['name', 'version']).orderBy('name').execute();
		expect(versions.map((v) => v.version)).toEqual([2, 2, 2]);
	});

	it('records the three datasets as demo data', async () => {
		const db = testDb();
		await loadDemoBoundaries(db);
		const rows = await db
			.selectFrom('datasets')
			.select(['name', 'source', 'is_demo', 'version'])
			.orderBy('name')
			.execute();
		expect(rows).toEqual(
			['municipalities', 'police_districts', 'regions'].map((name) => ({
				name,
				source: DEMO_BOUNDARIES_SOURCE,
				is_demo: true,
				version: 1
			}))
		);
	});

	it('seeds only an empty database', async () => {
		const db = testDb();
		expect(await seedDemoBoundariesIfEmpty(db)).toBe(true);
		expect(await counts()).toEqual({ m: 98, p: 12, r: 5, d: 3 });
		expect(await seedDemoBoundariesIfEmpty(db)).toBe(false);
		const versions = await db.selectFrom('datasets').select('version').execute();
		expect(versions.map((v) => v.version)).toEqual([1, 1, 1]);
	});

	it('leaves an imported boundary set alone', async () => {
		const db = testDb();
		await sql`
			INSERT INTO municipalities (code, name, geom)
			VALUES (101, 'København', ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(725000, 6175000), 25832), 1000)))`.execute(
			db
		);
		expect(await seedDemoBoundariesIfEmpty(db)).toBe(false);
		expect(await counts()).toEqual({ m: 1, p: 0, r: 0, d: 0 });
	});

	it('seeds once when two processes race on an empty database', async () => {
		const results = await Promise.all([
			seedDemoBoundariesIfEmpty(testDb()),
			seedDemoBoundariesIfEmpty(testDb())
		]);
		expect(results.sort()).toEqual([false, true]);
		const versions = await testDb().selectFrom('datasets').select('version').execute();
		expect(versions.map((v) => v.version)).toEqual([1, 1, 1]);
	});

	it('writes nothing when the load fails halfway', async () => {
		const db = testDb();
		// regions.csv is read last, after municipalities and police districts have been written.
		const broken = scratchGeodata({ omit: ['regions.csv'] });
		await expect(loadDemoBoundaries(db, { geodataDir: broken })).rejects.toThrow(/regions\.csv/);
		expect(await counts()).toEqual({ m: 0, p: 0, r: 0, d: 0 });
	});

	it('keeps the previous boundaries when a replacing load fails halfway', async () => {
		const db = testDb();
		await loadDemoBoundaries(db);
		const before = await fingerprint();
		// This load would delete municipality 101 before it fails on the missing regions.csv.
		const broken = scratchGeodata({ omit: ['regions.csv'], drop: [101] });
		await expect(loadDemoBoundaries(db, { geodataDir: broken })).rejects.toThrow(/regions\.csv/);
		expect(await fingerprint()).toEqual(before);
		const versions = await db.selectFrom('datasets').select('version').execute();
		expect(versions.map((v) => v.version)).toEqual([1, 1, 1]);
	});

	it('joins a transaction that the caller rolls back', async () => {
		const db = testDb();
		await expect(
			db.transaction().execute(async (trx) => {
				await loadDemoBoundaries(trx);
				expect((await trx.selectFrom('municipalities').select('code').execute()).length).toBe(98);
				throw new Error('caller rolls back');
			})
		).rejects.toThrow('caller rolls back');
		expect(await counts()).toEqual({ m: 0, p: 0, r: 0, d: 0 });
	});

	it('gives a municipality whose point misses the land a patch of sea around it', async () => {
		const db = testDb();
		// Two points in the open Kattegat, 3.3 km apart (closer than two fallback radii), far from any land.
		const dir = scratchGeodata({ move: { 825: [11.3, 56.9], 741: [11.3, 56.93] } });
		const facts = await readMunicipalityFacts(dir);
		const land = await denmarkLandGeoJson();
		const offshore = await sql<{ n: number }>`
			SELECT count(*) AS n FROM (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${land}::text), 4326), 25832) AS g) l
			WHERE ST_Intersects(l.g, ${point(facts.find((f) => f.code === 825)!)})
				OR ST_Intersects(l.g, ${point(facts.find((f) => f.code === 741)!)})`.execute(db);
		expect(offshore.rows[0].n).toBe(0);

		await loadDemoBoundaries(db, { geodataDir: dir });
		await expectSoundMunicipalities(facts);
		for (const code of [741, 825]) {
			const f = facts.find((x) => x.code === code)!;
			// The polygon holding the point is the municipality's share of the two 2 km circles.
			const r = await sql<{ km2: number }>`
				SELECT ST_Area(d.geom) / 1e6 AS km2 FROM municipalities m, ST_Dump(m.geom) d
				WHERE m.code = ${code} AND ST_Contains(d.geom, ${point(f)})`.execute(db);
			expect(r.rows).toHaveLength(1);
			expect(r.rows[0].km2).toBeGreaterThan(Math.PI * 2 * 2 * 0.5);
			expect(r.rows[0].km2).toBeLessThan(Math.PI * 2 * 2);
		}
	});
});
