import { sql, type RawBuilder } from 'kysely';
import type { TileCoord } from '$lib/tiles';
import type { BoundaryDataset } from '../boundaries/store';
import type { Action, CameraReadScope } from '../auth/policy';
import { publicCameraFilter } from '../cameras/public';
import { DEFAULT_LEVEL_TABLE } from '../../camera/density-levels';
import { VIEW_MIN_ZOOM } from '../../map/camera-style';

// Ground metres per tile pixel (4096 extent) at Denmark's latitude, halved: simplifying by
// that much removes only detail the tile's grid would drop anyway.
const METRES_PER_TILE_PIXEL_Z0 = (40_075_016.686 * Math.cos((56 * Math.PI) / 180)) / 4096;

export function simplifyTolerance(z: number): number {
	return METRES_PER_TILE_PIXEL_Z0 / 2 ** z / 2;
}

export type TileDataset = BoundaryDataset | 'cameras' | 'surveys';

/** Who is asking and for what: the rows a non-public layer may show, and the layer's parameters. */
export interface TileContext {
	/** The viewer's camera scope from the policy; 'none' for public requests. */
	scope: CameraReadScope;
	/** Density level table of the view-band layers (`?levels=`). */
	levelTable: string;
}

export interface TileLayer {
	/** Name in the URL and the MVT layer name. */
	name: string;
	/** Table whose extent bounds the layer (its `geom` column). */
	table: string;
	/** Dataset whose version goes into the ETag. */
	dataset: TileDataset;
	/** Further datasets the tiles depend on (the municipality → police district mapping that scopes rows). */
	dependsOn?: TileDataset[];
	/** Non-public layers are checked by the policy before rendering and filter rows by the viewer's scope. */
	public: boolean;
	/** The policy action a non-public layer asks. */
	action?: Action;
	/** Takes `?levels=<level table id>`. */
	levelTables?: boolean;
	/** Below this zoom the layer is empty (answered 204 without a query). */
	minZoom?: number;
	/** Without a context, a non-public layer shows nothing. */
	query(t: TileCoord, ctx?: TileContext): RawBuilder<{ mvt: Buffer }>;
}

/**
 * The usual PostGIS tile shape: filter with && on the envelope in the column's SRID (25832,
 * widened by the 64-pixel buffer so clipped edges are complete), then clip and quantise in 3857.
 */
function boundaryTile(
	layer: string,
	table: 'municipalities' | 'police_districts' | 'regions',
	idColumn: string,
	columns: RawBuilder<unknown>,
	t: TileCoord
) {
	return sql<{ mvt: Buffer }>`
		WITH bounds AS (
			SELECT ST_TileEnvelope(${t.z}, ${t.x}, ${t.y}) AS env,
				ST_Transform(ST_TileEnvelope(${t.z}, ${t.x}, ${t.y}, margin => 64.0 / 4096), 25832) AS env_25832
		), features AS (
			SELECT ${sql.ref(`f.${idColumn}`)} AS fid, ${columns},
				ST_AsMVTGeom(ST_Transform(ST_Simplify(f.geom, ${simplifyTolerance(t.z)}), 3857), bounds.env, 4096, 64, true) AS geom
			FROM ${sql.table(table)} f, bounds
			WHERE f.geom && bounds.env_25832
		)
		SELECT ST_AsMVT(features.*, ${layer}, 4096, 'geom', 'fid') AS mvt FROM features WHERE geom IS NOT NULL
	`;
}

const NO_CONTEXT: TileContext = { scope: { kind: 'none' }, levelTable: DEFAULT_LEVEL_TABLE };

/** The viewer's scope as a condition on cameras `c` (see cameraReadScope in the policy). */
function cameraScopeFilter(scope: CameraReadScope): RawBuilder<boolean> {
	switch (scope.kind) {
		case 'all':
			return sql<boolean>`true`;
		case 'municipality':
			return sql<boolean>`(c.status = 'active' OR c.municipality_code = ${scope.code})`;
		case 'policeDistrict':
			return sql<boolean>`(c.status = 'active' OR c.municipality_code IN (
				SELECT code FROM municipalities WHERE police_district = ${scope.number}))`;
		case 'none':
			return sql<boolean>`false`;
	}
}

/** The `bounds` CTE of the usual tile shape (see boundaryTile). */
const boundsCte = (t: TileCoord) => sql`
	bounds AS (
		SELECT ST_TileEnvelope(${t.z}, ${t.x}, ${t.y}) AS env,
			ST_Transform(ST_TileEnvelope(${t.z}, ${t.x}, ${t.y}, margin => 64.0 / 4096), 25832) AS env_25832
	)`;

// Camera ids are UUIDs, which MVT feature ids (integers) cannot hold: they travel as the `id` /
// `camera_id` attribute instead (MapLibre: promoteId).
function cameraPointTile(
	layer: string,
	columns: RawBuilder<unknown>,
	filter: RawBuilder<boolean>,
	t: TileCoord
) {
	return sql<{ mvt: Buffer }>`
		WITH ${boundsCte(t)}, features AS (
			SELECT ${columns}, ST_AsMVTGeom(ST_Transform(c.geom, 3857), bounds.env, 4096, 64, true) AS geom
			FROM cameras c, bounds
			WHERE c.geom && bounds.env_25832 AND ${filter}
		)
		SELECT ST_AsMVT(features.*, ${layer}, 4096, 'geom') AS mvt FROM features WHERE geom IS NOT NULL
	`;
}

/** View polygons by density band (disjoint rings, one per level reached) of one level table. */
function cameraBandTile(
	layer: string,
	columns: RawBuilder<unknown>,
	filter: RawBuilder<boolean>,
	levelTable: string,
	t: TileCoord
) {
	return sql<{ mvt: Buffer }>`
		WITH ${boundsCte(t)}, features AS (
			SELECT b.camera_id::text AS camera_id, b.level_id, b.min_ppm, ${columns},
				ST_AsMVTGeom(ST_Transform(ST_Simplify(b.geom, ${simplifyTolerance(t.z)}), 3857), bounds.env, 4096, 64, true) AS geom
			FROM camera_view_bands b
			JOIN cameras c ON c.id = b.camera_id, bounds
			WHERE b.level_table = ${levelTable} AND b.geom && bounds.env_25832 AND ${filter}
		)
		SELECT ST_AsMVT(features.*, ${layer}, 4096, 'geom') AS mvt FROM features WHERE geom IS NOT NULL
	`;
}

/** What a non-public layer answers without a viewer's context: no tile. */
const EMPTY_TILE = sql<{ mvt: Buffer }>`SELECT NULL::bytea AS mvt`;

/**
 * The latest safety-survey result of every area (see tk_survey_result_areas): police districts
 * first, then municipalities, then drawn areas, so that smaller areas are drawn on top.
 */
function surveyShareTile(t: TileCoord) {
	return sql<{ mvt: Buffer }>`
		WITH ${boundsCte(t)}, features AS (
			SELECT s.id AS fid, s.unsafe_share::numeric::float8 AS share, s.respondents, s.name, s.area_kind AS kind,
				to_char(s.period_from, 'YYYY-MM-DD') AS period_from, to_char(s.period_to, 'YYYY-MM-DD') AS period_to,
				s.source, s.is_synthetic AS synthetic,
				CASE s.area_kind WHEN 'police_district' THEN 0 WHEN 'municipality' THEN 1 ELSE 2 END AS draw_order,
				ST_AsMVTGeom(ST_Transform(ST_Simplify(s.geom, ${simplifyTolerance(t.z)}), 3857), bounds.env, 4096, 64, true) AS geom
			FROM tk_survey_result_areas() s, bounds
			WHERE s.is_latest AND s.geom && bounds.env_25832
		)
		SELECT ST_AsMVT(f.*, 'survey-shares', 4096, 'geom', 'fid') AS mvt
		FROM (
			SELECT fid, share, respondents, name, kind, period_from, period_to, source, synthetic, geom
			FROM features WHERE geom IS NOT NULL ORDER BY draw_order, fid
		) f
	`;
}

/** Places respondents named as unsafe: points or areas. */
function surveyPlaceTile(t: TileCoord) {
	return sql<{ mvt: Buffer }>`
		WITH ${boundsCte(t)}, features AS (
			SELECT p.id AS fid, p.name, coalesce(p.description, '') AS description, to_char(p.period_from, 'YYYY-MM-DD') AS period_from,
				to_char(p.period_to, 'YYYY-MM-DD') AS period_to, p.source, p.is_synthetic AS synthetic,
				ST_AsMVTGeom(ST_Transform(ST_Simplify(p.geom, ${simplifyTolerance(t.z)}), 3857), bounds.env, 4096, 64, true) AS geom
			FROM survey_places p, bounds
			WHERE p.geom && bounds.env_25832
		)
		SELECT ST_AsMVT(features.*, 'survey-places', 4096, 'geom', 'fid') AS mvt FROM features WHERE geom IS NOT NULL
	`;
}

export const tileLayers: Record<string, TileLayer> = {
	municipalities: {
		name: 'municipalities',
		table: 'municipalities',
		dataset: 'municipalities',
		public: true,
		query: (t) =>
			boundaryTile(
				'municipalities',
				'municipalities',
				'code',
				sql`f.code, f.name, f.police_district, f.region_code`,
				t
			)
	},
	'police-districts': {
		name: 'police-districts',
		table: 'police_districts',
		dataset: 'police_districts',
		public: true,
		query: (t) => boundaryTile('police-districts', 'police_districts', 'number', sql`f.number, f.name`, t)
	},
	regions: {
		name: 'regions',
		table: 'regions',
		dataset: 'regions',
		public: true,
		query: (t) => boundaryTile('regions', 'regions', 'code', sql`f.code, f.name`, t)
	},
	cameras: {
		name: 'cameras',
		table: 'cameras',
		dataset: 'cameras',
		dependsOn: ['municipalities'],
		public: false,
		action: 'cameras.tiles',
		query: (t, ctx = NO_CONTEXT) =>
			cameraPointTile(
				'cameras',
				sql`c.id::text AS id, c.status, c.kind, c.owner_type, c.municipality_code`,
				cameraScopeFilter(ctx.scope),
				t
			)
	},
	'camera-views': {
		name: 'camera-views',
		table: 'camera_view_bands',
		dataset: 'cameras',
		dependsOn: ['municipalities'],
		public: false,
		action: 'cameras.tiles',
		levelTables: true,
		minZoom: VIEW_MIN_ZOOM,
		query: (t, ctx = NO_CONTEXT) =>
			cameraBandTile('camera-views', sql`c.status, c.kind`, cameraScopeFilter(ctx.scope), ctx.levelTable, t)
	},
	'public-cameras': {
		name: 'public-cameras',
		table: 'cameras',
		dataset: 'cameras',
		public: true,
		query: (t) =>
			cameraPointTile(
				'public-cameras',
				sql`c.id::text AS id, c.kind, c.owner_type`,
				publicCameraFilter('c'),
				t
			)
	},
	'public-camera-views': {
		name: 'public-camera-views',
		table: 'camera_view_bands',
		dataset: 'cameras',
		public: true,
		levelTables: true,
		minZoom: VIEW_MIN_ZOOM,
		query: (t, ctx = NO_CONTEXT) =>
			cameraBandTile('public-camera-views', sql`c.kind`, publicCameraFilter('c'), ctx.levelTable, t)
	},
	'survey-shares': {
		name: 'survey-shares',
		// Keyed results take their polygons from the boundaries, so those bound the layer.
		table: 'municipalities',
		dataset: 'surveys',
		dependsOn: ['municipalities', 'police_districts'],
		public: false,
		action: 'surveys.view',
		query: (t, ctx) => (ctx ? surveyShareTile(t) : EMPTY_TILE)
	},
	'survey-places': {
		name: 'survey-places',
		table: 'survey_places',
		dataset: 'surveys',
		public: false,
		action: 'surveys.view',
		query: (t, ctx) => (ctx ? surveyPlaceTile(t) : EMPTY_TILE)
	}
};
