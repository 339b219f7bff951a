import { error } from '@sveltejs/kit';
import { tileCoordSchema } from '$lib/tiles';
import { getDb } from '$lib/server/db';
import { tileLayers } from '$lib/server/tiles/layers';
import { TileRequestError, datasetState, renderTile, tileETag, tileRequest } from '$lib/server/tiles/service';

const CACHE_CONTROL = 'public, max-age=300, must-revalidate';
// Scoped tiles differ per viewer: never kept by shared caches, and revalidated every time (a 304
// is cheap) so that a signed-out or re-scoped viewer never sees an old tile.
const PRIVATE_CACHE_CONTROL = 'private, no-cache';

function checkedRequest(...args: Parameters<typeof tileRequest>) {
	try {
		return tileRequest(...args);
	} catch (e) {
		if (e instanceof TileRequestError) error(e.status, e.message);
		throw e;
	}
}

export async function GET({ params, request, url, locals }) {
	const layer = Object.hasOwn(tileLayers, params.layer) ? tileLayers[params.layer] : undefined;
	if (!layer)
		error(404, `Unknown tile layer "${params.layer}". Known: ${Object.keys(tileLayers).join(', ')}.`);
	const access = checkedRequest(layer, locals.user, url.searchParams);
	const parsed = tileCoordSchema.safeParse(params);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		error(400, `Invalid tile coordinate ${issue.path.join('.')}: ${issue.message}`);
	}
	const tile = parsed.data;
	const db = getDb();
	const state = await datasetState(db, layer);
	const etag = tileETag(layer, state.version, tile, access.variant);
	const headers: Record<string, string> = {
		'cache-control': layer.public ? CACHE_CONTROL : PRIVATE_CACHE_CONTROL,
		etag,
		'content-type': 'application/vnd.mapbox-vector-tile'
	};
	if (!layer.public) headers.vary = 'Cookie';
	if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
	const mvt = await renderTile(db, layer, state, tile, access.ctx);
	if (!mvt) return new Response(null, { status: 204, headers });
	return new Response(new Uint8Array(mvt), { headers: { ...headers, 'content-length': String(mvt.length) } });
}
