import { sql } from 'kysely';
import type { Db } from '../db/connect';
import type { TileCoord } from '../../tiles';
import { drawsAllCells } from '../../hotspots';

export const HOTSPOT_TILE_LAYER = 'hotspot-cells';

/** What a tile needs to know of its run: the cells' grid and the study area the policy checks. */
export interface HotspotTileRun {
	id: number;
	area: string;
	cellSizeM: number;
}

export async function hotspotTileRun(db: Db, id: number): Promise<HotspotTileRun | null> {
	const row = await db
		.selectFrom('hotspot_runs')
		.select(['id', 'area', 'cell_size_m'])
		.where('id', '=', id)
		.executeTakeFirst();
	return row ? { id: row.id, area: row.area, cellSizeM: row.cell_size_m } : null;
}

/**
 * The run's cells in a tile. Cells are stored as grid indices, so the envelope (in EPSG:25832,
 * widened by the 64-pixel buffer) becomes an index range on the primary key, and each cell's
 * hexagon is drawn with ST_Hexagon. Cells with no incident that are not significant are left out:
 * they have nothing to show in either choropleth. Zoomed out so far that a cell is narrower than a
 * few pixels, only significant cells are drawn (see drawsAllCells): the country at 250 m would
 * otherwise put ~100,000 sub-pixel hexagons (800 KB) into one z8 tile.
 */
export async function hotspotTile(db: Db, run: HotspotTileRun, t: TileCoord): Promise<Buffer | null> {
	const s = run.cellSizeM;
	const { rows } = await sql<{ mvt: Buffer }>`
		WITH bounds AS (
			SELECT ST_TileEnvelope(${t.z}, ${t.x}, ${t.y}) AS env,
				ST_Transform(ST_TileEnvelope(${t.z}, ${t.x}, ${t.y}, margin => 64.0 / 4096), 25832) AS env_25832
		), range AS (
			SELECT floor(ST_XMin(env_25832) / (1.5 * ${s}::float8))::integer - 1 AS i0,
				ceil(ST_XMax(env_25832) / (1.5 * ${s}::float8))::integer + 1 AS i1,
				floor(ST_YMin(env_25832) / (sqrt(3.0) * ${s}::float8))::integer - 1 AS j0,
				ceil(ST_YMax(env_25832) / (sqrt(3.0) * ${s}::float8))::integer + 1 AS j1
			FROM bounds
		), features AS (
			SELECT c.incidents, c.z, c.bin, c.neighbours,
				ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_Hexagon(${s}::float8, c.i, c.j), 25832), 3857),
					bounds.env, 4096, 64, true) AS geom
			FROM hotspot_cells c, range, bounds
			WHERE c.run_id = ${run.id} AND c.i BETWEEN range.i0 AND range.i1 AND c.j BETWEEN range.j0 AND range.j1
				AND (c.bin <> 0 OR (${drawsAllCells(s, t.z)} AND c.incidents > 0))
				AND ST_SetSRID(ST_Hexagon(${s}::float8, c.i, c.j), 25832) && bounds.env_25832
		)
		SELECT ST_AsMVT(features.*, ${HOTSPOT_TILE_LAYER}, 4096, 'geom') AS mvt FROM features WHERE geom IS NOT NULL
	`.execute(db);
	const mvt = rows[0]?.mvt;
	return mvt && mvt.length > 0 ? mvt : null;
}
