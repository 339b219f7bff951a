import { sql } from 'kysely';
import { boundsIntersect, tileBounds, type TileCoord } from '$lib/tiles';
import type { Db } from '../db/connect';
import type { TileLayer } from './layers';

interface DatasetState {
	/** Changes whenever the dataset is replaced, also across a database reset. */
	version: string;
	/** Extent of the layer in degrees, or null when the layer is empty. */
	extent: [number, number, number, number] | null;
}

const extentCache = new Map<string, { version: string; extent: DatasetState['extent'] }>();

/** The dataset's version (one indexed row) and its extent, recomputed only when the version moves. */
export async function datasetState(db: Db, layer: TileLayer): Promise<DatasetState> {
	const row = await db
		.selectFrom('datasets')
		.select(['version', 'updated_at'])
		.where('name', '=', layer.dataset)
		.executeTakeFirst();
	const version = row ? `${row.version}.${row.updated_at.getTime().toString(36)}` : '0';
	const cached = extentCache.get(layer.name);
	if (cached && cached.version === version) return { version, extent: cached.extent };
	const box = await sql<{ xmin: number | null; ymin: number; xmax: number; ymax: number }>`
		SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
		FROM (SELECT ST_Transform(ST_SetSRID(ST_Extent(geom)::geometry, 25832), 4326) AS e FROM ${sql.table(layer.table)}) s
	`.execute(db);
	const b = box.rows[0];
	const extent: DatasetState['extent'] = b && b.xmin !== null ? [b.xmin, b.ymin, b.xmax, b.ymax] : null;
	extentCache.set(layer.name, { version, extent });
	return { version, extent };
}

export function tileETag(layer: TileLayer, version: string, t: TileCoord): string {
	return `"${layer.name}-v${version}-${t.z}-${t.x}-${t.y}"`;
}

/** Renders a tile, or returns null when it holds no feature (answered without a tile query when outside the extent). */
export async function renderTile(
	db: Db,
	layer: TileLayer,
	state: DatasetState,
	t: TileCoord
): Promise<Buffer | null> {
	if (!state.extent || !boundsIntersect(tileBounds(t), state.extent)) return null;
	const result = await layer.query(t).execute(db);
	const mvt = result.rows[0]?.mvt;
	return mvt && mvt.length > 0 ? mvt : null;
}
