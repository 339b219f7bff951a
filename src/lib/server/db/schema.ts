import type { ColumnType, Generated } from 'kysely';

/** PostGIS geometry: read as hex EWKB unless a query converts it; written through SQL functions. */
export type Geometry = ColumnType<string, never, never>;

export interface DatasetsTable {
	name: string;
	source: string;
	is_demo: boolean;
	version: Generated<number>;
	updated_at: Generated<Date>;
}

export interface RegionsTable {
	code: number;
	name: string;
	geom: Geometry;
}

export interface PoliceDistrictsTable {
	number: number;
	name: string;
	geom: Geometry;
}

export interface MunicipalitiesTable {
	code: number;
	name: string;
	region_code: number | null;
	police_district: number | null;
	geom: Geometry;
}

export interface Database {
	datasets: DatasetsTable;
	regions: RegionsTable;
	police_districts: PoliceDistrictsTable;
	municipalities: MunicipalitiesTable;
}
