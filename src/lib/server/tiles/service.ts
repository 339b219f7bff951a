import { sql } from 'kysely';
import { boundsIntersect, tileBounds, type TileCoord } from '$lib/tiles';
import type { Db } from '../db/connect';
import { can, cameraReadScope, type CameraReadScope } from '../auth/policy';
import type { SessionUser } from '../auth/session';
import { DEFAULT_LEVEL_TABLE, isLevelTableId, levelTables } from '../../camera/density-levels';
import type { TileContext, TileLayer } from './layers';

interface DatasetState {
	/** Changes whenever the dataset is replaced, also across a database reset. */
	version: string;
	/** Extent of the layer in degrees, or null when the layer is empty. */
	extent: [number, number, number, number] | null;
}

const extentCache = new Map<string, { version: string; extent: DatasetState['extent'] }>();

/** The dataset's version (one indexed row) and its extent, recomputed only when the version moves. */
export async function datasetState(db: Db, layer: TileLayer): Promise<DatasetState> {
	const names = [layer.dataset, ...(layer.dependsOn ?? [])];
	const rows = await db
		.selectFrom('datasets')
		.select(['name', 'version', 'updated_at'])
		.where('name', 'in', names)
		.execute();
	const version = names
		.map((name) => {
			const row = rows.find((r) => r.name === name);
			return row ? `${row.version}.${row.updated_at.getTime().toString(36)}` : '0';
		})
		.join('.');
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

/** `variant` names what else the tile depends on: the viewer's scope, the level table. */
export function tileETag(layer: TileLayer, version: string, t: TileCoord, variant = ''): string {
	return `"${layer.name}-v${version}${variant ? `-${variant}` : ''}-${t.z}-${t.x}-${t.y}"`;
}

/** A tile request that may not be answered: 400 bad parameter, 401 not signed in, 403 refused. */
export class TileRequestError extends Error {
	constructor(
		readonly status: 400 | 401 | 403,
		message: string
	) {
		super(message);
		this.name = 'TileRequestError';
	}
}

function scopeKey(scope: CameraReadScope): string {
	switch (scope.kind) {
		case 'all':
			return 'all';
		case 'municipality':
			return `m${scope.code}`;
		case 'policeDistrict':
			return `p${scope.number}`;
		case 'none':
			return '';
	}
}

/**
 * What the viewer may see of the layer and with which parameters, as the tile query's context
 * and the ETag variant. Non-public layers ask the policy and carry the viewer's scope, which the
 * tile SQL applies; throws TileRequestError otherwise.
 */
export function tileRequest(
	layer: TileLayer,
	user: SessionUser | null,
	search: URLSearchParams
): { ctx: TileContext; variant: string } {
	let scope: CameraReadScope = { kind: 'none' };
	if (!layer.public) {
		if (!user) throw new TileRequestError(401, `Sign in to see the "${layer.name}" layer.`);
		if (!layer.action || !can(user, layer.action, { type: 'public' }))
			throw new TileRequestError(403, `The "${layer.name}" layer is not available to you.`);
		scope = cameraReadScope(user);
	}
	const levelTable = layer.levelTables ? (search.get('levels') ?? DEFAULT_LEVEL_TABLE) : DEFAULT_LEVEL_TABLE;
	if (!isLevelTableId(levelTable)) {
		const known = levelTables.map((t) => t.id).join(', ');
		throw new TileRequestError(400, `Unknown density level table "${levelTable}". Known: ${known}.`);
	}
	const variant = [scopeKey(scope), layer.levelTables ? levelTable : ''].filter(Boolean).join('-');
	return { ctx: { scope, levelTable }, variant };
}

/** Renders a tile, or returns null when it holds no feature (answered without a tile query when outside the extent). */
export async function renderTile(
	db: Db,
	layer: TileLayer,
	state: DatasetState,
	t: TileCoord,
	ctx?: TileContext
): Promise<Buffer | null> {
	if (t.z < (layer.minZoom ?? 0)) return null;
	if (!state.extent || !boundsIntersect(tileBounds(t), state.extent)) return null;
	const result = await layer.query(t, ctx).execute(db);
	const mvt = result.rows[0]?.mvt;
	return mvt && mvt.length > 0 ? mvt : null;
}
