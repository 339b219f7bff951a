// Approximate demo boundaries, so that a fresh database is not empty: official DAGI files may not be
// committed. Municipalities are Voronoi cells around the interior points in geodata/municipalities.csv,
// clipped to Natural Earth's 1:10m land outline of Denmark (world-atlas npm package); police districts
// and regions are unions of their municipalities. Importing DAGI replaces them.
import { sql, type Kysely, type Transaction } from 'kysely';
import { feature } from 'topojson-client';
import { naturalEarthCountries } from '../basemap/natural-earth';
import type { Database } from '../db/schema';
import {
	checkParentReferences,
	defaultGeodataDir,
	readMunicipalityFacts,
	readPoliceDistrictFacts,
	readRegionFacts,
	type MunicipalityFact
} from './reference-data';
import { assignMunicipalityParents, lockBoundaries, recordDataset } from './store';

export const DEMO_BOUNDARIES_SOURCE = 'demo: generated from geodata/ + Natural Earth 1:10m';

/** ISO 3166-1 numeric code of Denmark, the feature id in world-atlas. */
const DENMARK_ID = '208';

export interface DemoBoundaryOptions {
	/** Folder with the reference CSVs; defaults to `geodata/` under the working directory (see defaultGeodataDir). */
	geodataDir?: string;
	/** Radius in metres of the stand-in area for a municipality whose point misses Natural Earth's land. */
	seaFallbackRadius?: number;
}

export interface DemoBoundarySummary {
	municipalities: number;
	policeDistricts: number;
	regions: number;
	milliseconds: number;
}

let denmarkLand: Promise<string> | null = null;

/** Denmark's land outline (Natural Earth 1:10m, WGS84) as a GeoJSON geometry string; read once per process. */
export function denmarkLandGeoJson(): Promise<string> {
	denmarkLand ??= (async () => {
		const topology = await naturalEarthCountries();
		const denmark = topology.objects.countries.geometries.find((g) => String(g.id) === DENMARK_ID);
		if (denmark?.type !== 'MultiPolygon') {
			throw new Error(`world-atlas countries-10m.json has no MultiPolygon ${DENMARK_ID} (Denmark)`);
		}
		return JSON.stringify(feature(topology, denmark).geometry);
	})();
	denmarkLand.catch(() => (denmarkLand = null));
	return denmarkLand;
}

/**
 * Replaces the boundary layers with generated demo boundaries and marks the three datasets as demo,
 * in one transaction (joins the caller's when `db` is one). Rows are upserted by code, so rows in
 * other tables that reference a municipality survive; codes not in geodata/ are deleted.
 */
export async function loadDemoBoundaries(
	db: Kysely<Database>,
	options: DemoBoundaryOptions = {}
): Promise<DemoBoundarySummary> {
	const started = performance.now();
	const land = await denmarkLandGeoJson();
	const run = (trx: Transaction<Database>) => loadInTransaction(trx, land, options);
	const counts = db.isTransaction
		? await run(db as Transaction<Database>)
		: await db.transaction().execute(run);
	const summary = { ...counts, milliseconds: Math.round(performance.now() - started) };
	console.log(
		`Loaded demo boundaries (${summary.municipalities} municipalities, ${summary.policeDistricts} police districts, ` +
			`${summary.regions} regions) in ${summary.milliseconds} ms`
	);
	return summary;
}

/** Loads the demo boundaries when there are no municipalities yet; returns whether it loaded. */
export async function seedDemoBoundariesIfEmpty(
	db: Kysely<Database>,
	options: DemoBoundaryOptions = {}
): Promise<boolean> {
	return db.transaction().execute(async (trx) => {
		await lockBoundaries(trx);
		const existing = await trx.selectFrom('municipalities').select('code').limit(1).executeTakeFirst();
		if (existing) return false;
		await loadDemoBoundaries(trx, options);
		return true;
	});
}

async function loadInTransaction(
	trx: Transaction<Database>,
	land: string,
	options: DemoBoundaryOptions
): Promise<Omit<DemoBoundarySummary, 'milliseconds'>> {
	const geodataDir = options.geodataDir ?? defaultGeodataDir();
	await lockBoundaries(trx);

	// Each file is read right before its layer is written, so a bad file rolls back what came before.
	const municipalities = await readMunicipalityFacts(geodataDir);
	await writeMunicipalities(trx, municipalities, land, options.seaFallbackRadius ?? 2000);

	const districts = await readPoliceDistrictFacts(geodataDir);
	checkParentReferences(
		'police district',
		districts.map((d) => d.number),
		municipalities,
		(m) => m.policeDistrict
	);
	await writeParents(
		trx,
		'police_districts',
		'number',
		districts.map((d) => ({ key: d.number, name: d.name })),
		municipalities.map((m) => ({ code: m.code, parent: m.policeDistrict }))
	);

	const regions = await readRegionFacts(geodataDir);
	checkParentReferences(
		'region',
		regions.map((r) => r.code),
		municipalities,
		(m) => m.regionCode
	);
	await writeParents(
		trx,
		'regions',
		'code',
		regions.map((r) => ({ key: r.code, name: r.name })),
		municipalities.map((m) => ({ code: m.code, parent: m.regionCode }))
	);

	// The parents are exact unions of their municipalities, so largest overlap gives back the CSV's parents.
	await assignMunicipalityParents(trx);
	for (const name of ['municipalities', 'police_districts', 'regions'] as const) {
		await recordDataset(trx, name, DEMO_BOUNDARIES_SOURCE, true);
	}
	return {
		municipalities: municipalities.length,
		policeDistricts: districts.length,
		regions: regions.length
	};
}

/**
 * One statement for all municipalities. Voronoi cells are built per land part (Jutland, Zealand,
 * Funen, Bornholm, …) from the points on that part only, so no municipality reaches across the sea
 * onto another island (within a part, a cell may still cross a fjord); a part with one point (Bornholm, Læsø, Samsø, Fanø, Ærø, …) goes
 * whole to it. Land parts without a point (Møn, small islands) go whole to the nearest point. A point
 * that misses the land (an island Natural Earth lacks) gets a circle of sea around it instead, shared
 * by Voronoi with other such points, so it is never empty and never overlaps.
 */
async function writeMunicipalities(
	trx: Transaction<Database>,
	facts: MunicipalityFact[],
	land: string,
	seaFallbackRadius: number
): Promise<void> {
	const rows = JSON.stringify(facts.map(({ code, name, lon, lat }) => ({ code, name, lon, lat })));
	await sql`
		WITH facts AS (
			SELECT * FROM jsonb_to_recordset(${rows}::jsonb) AS f(code smallint, name text, lon float8, lat float8)
		), land AS (
			SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(
				ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${land}::text), 4326), 25832)), 3)) AS geom
		), parts AS (
			SELECT d.path[1] AS part, d.geom FROM land, ST_Dump(land.geom) AS d
		), seeds AS (
			SELECT f.code, p.pt,
				COALESCE((SELECT min(l.part) FROM parts l WHERE ST_Intersects(l.geom, p.pt)), 0) AS part
			FROM facts f
			CROSS JOIN LATERAL (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326), 25832) AS pt) p
		), areas AS (
			SELECT l.part, l.geom FROM parts l WHERE EXISTS (SELECT 1 FROM seeds s WHERE s.part = l.part)
			UNION ALL
			SELECT 0, ST_Difference(ST_Union(ST_Buffer(s.pt, ${seaFallbackRadius}::float8) ORDER BY s.code), (SELECT geom FROM land))
			FROM seeds s WHERE s.part = 0 HAVING count(*) > 0
		), cells AS (
			SELECT a.part, a.geom AS area, c.geom AS cell
			FROM areas a
			CROSS JOIN LATERAL (
				SELECT count(*) AS n, ST_Collect(s.pt ORDER BY s.code) AS pts FROM seeds s WHERE s.part = a.part
			) g
			-- ST_VoronoiPolygons gives nothing for a single point; its cell is then the whole area.
			CROSS JOIN LATERAL ST_Dump(CASE
				WHEN g.n = 1 THEN ST_Expand(ST_Envelope(a.geom), 1000)
				ELSE ST_VoronoiPolygons(g.pts, 0, ST_Expand(a.geom, 10000))
			END) AS c
		), pieces AS (
			SELECT s.code, 0 AS ord, ST_Intersection(c.cell, c.area) AS geom
			FROM seeds s JOIN cells c ON c.part = s.part AND ST_Intersects(c.cell, s.pt)
			UNION ALL
			SELECT nearest.code, l.part, l.geom
			FROM parts l
			CROSS JOIN LATERAL (
				SELECT s.code FROM seeds s ORDER BY ST_Distance(s.pt, l.geom), s.code LIMIT 1
			) nearest
			WHERE NOT EXISTS (SELECT 1 FROM seeds s WHERE s.part = l.part)
		)
		INSERT INTO municipalities (code, name, geom)
		SELECT f.code, f.name, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(p.geom ORDER BY p.ord)), 3))
		FROM facts f JOIN pieces p ON p.code = f.code
		GROUP BY f.code, f.name
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, geom = excluded.geom
	`.execute(trx);
	const codes = facts.map((f) => f.code);
	await sql`DELETE FROM municipalities WHERE code <> ALL(${codes}::smallint[])`.execute(trx);
}

/** Police districts or regions: each the union of its municipalities' geometry. */
async function writeParents(
	trx: Transaction<Database>,
	table: 'police_districts' | 'regions',
	key: 'number' | 'code',
	parents: { key: number; name: string }[],
	members: { code: number; parent: number }[]
): Promise<void> {
	await sql`
		INSERT INTO ${sql.table(table)} (${sql.ref(key)}, name, geom)
		SELECT p.key, p.name, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(m.geom ORDER BY m.code)), 3))
		FROM jsonb_to_recordset(${JSON.stringify(parents)}::jsonb) AS p(key smallint, name text)
		JOIN jsonb_to_recordset(${JSON.stringify(members)}::jsonb) AS f(code smallint, parent smallint) ON f.parent = p.key
		JOIN municipalities m ON m.code = f.code
		GROUP BY p.key, p.name
		ON CONFLICT (${sql.ref(key)}) DO UPDATE SET name = excluded.name, geom = excluded.geom
	`.execute(trx);
	const keys = parents.map((p) => p.key);
	await sql`DELETE FROM ${sql.table(table)} WHERE ${sql.ref(key)} <> ALL(${keys}::smallint[])`.execute(trx);
}
