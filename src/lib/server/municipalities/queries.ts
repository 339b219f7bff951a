import { sql } from 'kysely';
import type { Db } from '../db/connect';

export type Bounds = [number, number, number, number];

export interface MunicipalityDetails {
	code: number;
	name: string;
	region: { code: number; name: string } | null;
	policeDistrict: { number: number; name: string } | null;
	bounds: Bounds;
}

export interface PoliceDistrictDetails {
	number: number;
	name: string;
	municipalities: { code: number; name: string }[];
	bounds: Bounds;
}

/** [west, south, east, north] in degrees of a 25832 geometry column. */
function boundsInDegrees(column: string) {
	return sql<Bounds>`(SELECT ARRAY[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)]
		FROM (SELECT ST_Transform(ST_Envelope(${sql.ref(column)}), 4326) AS b) e)`;
}

export async function getMunicipality(db: Db, code: number): Promise<MunicipalityDetails | null> {
	const row = await db
		.selectFrom('municipalities as m')
		.leftJoin('regions as r', 'r.code', 'm.region_code')
		.leftJoin('police_districts as p', 'p.number', 'm.police_district')
		.select([
			'm.code',
			'm.name',
			'r.code as region_code',
			'r.name as region_name',
			'p.number as district_number',
			'p.name as district_name',
			boundsInDegrees('m.geom').as('bounds')
		])
		.where('m.code', '=', code)
		.executeTakeFirst();
	if (!row) return null;
	return {
		code: row.code,
		name: row.name,
		region:
			row.region_code !== null && row.region_name !== null
				? { code: row.region_code, name: row.region_name }
				: null,
		policeDistrict:
			row.district_number !== null && row.district_name !== null
				? { number: row.district_number, name: row.district_name }
				: null,
		bounds: row.bounds
	};
}

export async function getPoliceDistrict(db: Db, number: number): Promise<PoliceDistrictDetails | null> {
	const row = await db
		.selectFrom('police_districts as p')
		.select(['p.number', 'p.name', boundsInDegrees('p.geom').as('bounds')])
		.where('p.number', '=', number)
		.executeTakeFirst();
	if (!row) return null;
	const municipalities = await db
		.selectFrom('municipalities')
		.select(['code', 'name'])
		.where('police_district', '=', number)
		.orderBy('name')
		.execute();
	return { ...row, municipalities };
}

/** Whether the boundaries on the map are the generated demo set rather than official DAGI data. */
export async function boundariesAreDemo(db: Db): Promise<boolean> {
	const row = await db
		.selectFrom('datasets')
		.select('is_demo')
		.where('name', '=', 'municipalities')
		.executeTakeFirst();
	return row?.is_demo ?? false;
}
