import type { ColumnType, Generated } from 'kysely';
import type { CameraKind, CameraStatus, OwnerType } from '../../camera/register';

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
	buildings: BuildingsTable;
	cameras: CamerasTable;
	camera_views: CameraViewsTable;
	camera_view_bands: CameraViewBandsTable;
	incident_categories: IncidentCategoriesTable;
	incidents: IncidentsTable;
	hotspot_runs: HotspotRunsTable;
	hotspot_cells: HotspotCellsTable;
	camera_rule_evaluations: CameraRuleEvaluationsTable;
	impact_analyses: ImpactAnalysesTable;
	impact_changes: ImpactChangesTable;
	impact_municipalities: ImpactMunicipalitiesTable;
	survey_results: SurveyResultsTable;
	survey_places: SurveyPlacesTable;
	rule_sets: RuleSetsTable;
	rule_set_versions: RuleSetVersionsTable;
	reference_layers: ReferenceLayersTable;
	reference_features: ReferenceFeaturesTable;
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

export type { CameraKind, CameraStatus, OwnerType };

export interface BuildingsTable {
	id: Generated<number>;
	source: string;
	source_ref: string | null;
	height_m: number | null;
	is_residential: Generated<boolean>;
	geom: Geometry;
}

export interface CamerasTable {
	id: Generated<string>;
	municipality_code: number;
	name: string;
	geom: Geometry;
	mount_height_m: number;
	azimuth_deg: number;
	tilt_deg: number;
	hfov_deg: number;
	focal_length_mm: number | null;
	sensor_width_mm: number | null;
	resolution_px: number;
	max_range_m: number;
	kind: CameraKind;
	pan_min_deg: number | null;
	pan_max_deg: number | null;
	owner_type: OwnerType;
	operator_name: string;
	contact_email: string | null;
	contact_phone: string | null;
	purpose: string;
	legal_basis: string;
	signage: Generated<boolean>;
	retention_days: number;
	privacy_masks: Geometry | null;
	status: CameraStatus;
	proposed_on: Date | null;
	approved_on: Date | null;
	active_from: Date | null;
	decommissioned_on: Date | null;
	police_registered_on: Date | null;
	permit_valid_from: Date | null;
	permit_valid_to: Date | null;
	created_by: string | null;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
}

export interface CameraViewsTable {
	camera_id: string;
	view: Geometry | null;
	blind_zone: Geometry | null;
	computed_at: Generated<Date>;
}

export interface CameraViewBandsTable {
	camera_id: string;
	level_table: string;
	level_id: string;
	min_ppm: number;
	geom: Geometry;
}

export interface IncidentCategoriesTable {
	code: string;
	name_da: string;
	name_en: string;
	sort_order: number;
}

export interface IncidentsTable {
	id: Generated<number>;
	source_ref: string;
	source: string;
	category: string;
	occurred_at: Date;
	geom: Geometry;
	municipality_code: number;
	import_id: string | null;
	is_synthetic: Generated<boolean>;
	created_at: Generated<Date>;
}

export interface HotspotRunsTable {
	id: Generated<number>;
	area: string;
	cell_size_m: number;
	band_m: number;
	period_from: Date;
	period_to: Date;
	categories: string[];
	incidents_version: number;
	synthetic: boolean;
	cell_count: number;
	incident_count: number;
	mean: number;
	std_dev: number;
	neighbours: number;
	compute_ms: number;
	computed_at: Generated<Date>;
	used_at: Generated<Date>;
}

export interface HotspotCellsTable {
	run_id: number;
	i: number;
	j: number;
	incidents: number;
	neighbour_sum: number;
	neighbours: number;
	z: number | null;
	bin: number;
}

export type SurveyAreaKind = 'municipality' | 'police_district' | 'area';

export interface SurveyResultsTable {
	id: Generated<number>;
	survey: string;
	source: string;
	period_from: Date;
	period_to: Date;
	area_kind: SurveyAreaKind;
	municipality_code: number | null;
	police_district: number | null;
	area_name: string | null;
	geom: Geometry | null;
	unsafe_share: number;
	respondents: number;
	is_synthetic: Generated<boolean>;
	import_id: string | null;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
	/** Generated: the area a result is about (`m:101`, `p:11`, `a:<municipality>:<name>`). */
	area_key: ColumnType<string, never, never>;
}

export interface SurveyPlacesTable {
	id: Generated<number>;
	name: string;
	description: string | null;
	survey: string;
	source: string;
	period_from: Date;
	period_to: Date;
	geom: Geometry;
	municipality_code: number;
	mentions: number | null;
	is_synthetic: Generated<boolean>;
	import_id: string | null;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
}

export interface CameraRuleEvaluationsTable {
	id: Generated<number>;
	camera_id: string;
	rule_set_version_id: number;
	decision: string;
	as_of: Date;
	allowed: boolean;
	results: unknown;
	evaluated_by: string | null;
	evaluated_at: Generated<Date>;
}

export interface RuleSetsTable {
	id: Generated<number>;
	slug: string;
	title_da: string;
	title_en: string;
	created_at: Generated<Date>;
}

export type RuleSetVersionStatus = 'draft' | 'published';

export interface RuleSetVersionsTable {
	id: Generated<number>;
	rule_set_id: number;
	version: number;
	status: RuleSetVersionStatus;
	/** A RuleSetDocument (src/lib/rules/schema.ts), validated before it is written. */
	document: unknown;
	based_on_version_id: number | null;
	created_by: string | null;
	created_by_label: string;
	created_at: Generated<Date>;
	updated_at: Generated<Date>;
	published_at: Date | null;
	published_by: string | null;
	published_by_label: string | null;
}

export interface ReferenceLayersTable {
	kind: string;
	name_da: string;
	name_en: string;
	description_da: string | null;
	description_en: string | null;
}

export interface ReferenceFeaturesTable {
	id: Generated<number>;
	layer: string;
	name: string | null;
	source: string;
	source_ref: string | null;
	geom: Geometry;
	properties: Generated<unknown>;
	is_synthetic: Generated<boolean>;
	import_id: string | null;
	created_at: Generated<Date>;
}

export interface ImpactAnalysesTable {
	id: Generated<number>;
	version_a_id: number;
	version_b_id: number;
	as_of: Date;
	cameras: number;
	allowed_before: number;
	allowed_after: number;
	newly_allowed: number;
	newly_refused: number;
	compute_ms: number;
	created_by: string | null;
	created_at: Generated<Date>;
}

export interface ImpactChangesTable {
	analysis_id: number;
	camera_id: string;
	municipality_code: number;
	allowed_before: boolean;
	allowed_after: boolean;
	failed_before: string[];
	failed_after: string[];
}

export interface ImpactMunicipalitiesTable {
	analysis_id: number;
	municipality_code: number;
	cameras: number;
	allowed_before: number;
	allowed_after: number;
	newly_allowed: number;
	newly_refused: number;
}
