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
	users: UsersTable;
	sessions: SessionsTable;
	login_throttle: LoginThrottleTable;
	audit_log: AuditLogTable;
}

export type Role = 'planner' | 'police' | 'ministry' | 'admin';

export interface UsersTable {
	id: Generated<string>;
	email: string;
	name: string;
	role: Role;
	municipality_code: number | null;
	police_district: number | null;
	password_hash: string;
	is_demo: Generated<boolean>;
	disabled_at: Date | null;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
}

export interface SessionsTable {
	id: string;
	user_id: string;
	expires_at: Date;
	created_at: Generated<Date>;
	client_address: string | null;
}

export interface LoginThrottleTable {
	key: string;
	failures: number;
	window_started_at: Date;
	locked_until: Date | null;
}

export interface AuditLogTable {
	id: Generated<number>;
	at: Generated<Date>;
	actor_id: string | null;
	actor_label: string;
	action: string;
	object_type: string;
	object_id: string;
	municipality_code: number | null;
	before: unknown;
	after: unknown;
	client_address: string | null;
}
