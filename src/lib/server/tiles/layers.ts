import { sql, type RawBuilder } from 'kysely';
import type { TileCoord } from '$lib/tiles';
import type { BoundaryDataset } from '../boundaries/store';

// Ground metres per tile pixel (4096 extent) at Denmark's latitude, halved: simplifying by
// that much removes only detail the tile's grid would drop anyway.
const METRES_PER_TILE_PIXEL_Z0 = (40_075_016.686 * Math.cos((56 * Math.PI) / 180)) / 4096;

export function simplifyTolerance(z: number): number {
	return METRES_PER_TILE_PIXEL_Z0 / 2 ** z / 2;
}

export interface TileLayer {
	/** Name in the URL and the MVT layer name. */
	name: string;
	/** Table whose extent bounds the layer. */
	table: string;
	/** Dataset whose version goes into the ETag. */
	dataset: BoundaryDataset;
	/** Non-public layers are checked by the policy before rendering (accounts issue). */
	public: boolean;
	query(t: TileCoord): RawBuilder<{ mvt: Buffer }>;
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
	}
};
