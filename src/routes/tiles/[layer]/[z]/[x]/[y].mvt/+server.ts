import { error } from '@sveltejs/kit';
import { tileCoordSchema } from '$lib/tiles';
import { getDb } from '$lib/server/db';
import { tileLayers } from '$lib/server/tiles/layers';
import { datasetState, renderTile, tileETag } from '$lib/server/tiles/service';

const CACHE_CONTROL = 'public, max-age=300, must-revalidate';

export async function GET({ params, request }) {
	const layer = Object.hasOwn(tileLayers, params.layer) ? tileLayers[params.layer] : undefined;
	if (!layer)
		error(404, `Unknown tile layer "${params.layer}". Known: ${Object.keys(tileLayers).join(', ')}.`);
	const parsed = tileCoordSchema.safeParse(params);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		error(400, `Invalid tile coordinate ${issue.path.join('.')}: ${issue.message}`);
	}
	const tile = parsed.data;
	const db = getDb();
	const state = await datasetState(db, layer);
	const etag = tileETag(layer, state.version, tile);
	const headers = {
		'cache-control': CACHE_CONTROL,
		etag,
		'content-type': 'application/vnd.mapbox-vector-tile'
	};
	if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
	const mvt = await renderTile(db, layer, state, tile);
	if (!mvt) return new Response(null, { status: 204, headers });
	return new Response(new Uint8Array(mvt), { headers: { ...headers, 'content-length': String(mvt.length) } });
}
