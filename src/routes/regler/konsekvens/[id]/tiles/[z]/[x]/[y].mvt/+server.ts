// An impact analysis's changed cameras as a vector tile (layer `impact-changes`). The analysis never
// changes, but its cameras may move, so the ETag carries the cameras' dataset version.
import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { tileCoordSchema } from '$lib/tiles';
import { getDb } from '$lib/server/db';
import { can } from '$lib/server/auth/policy';
import { camerasVersion, getImpactAnalysis, impactTile } from '$lib/server/rules/impact-queries';
import { COUNTRY, analysisId } from '../../../../analysis.server';

export async function GET(event) {
	const { params, request, locals } = event;
	// Tiles are fetched by the map, not navigated to: no redirect to the sign-in page.
	if (!locals.user) error(401, translate(locals.lang, 'error.forbidden'));
	if (!can(locals.user, 'rules.impact', COUNTRY)) error(403, translate(locals.lang, 'error.forbidden'));
	const id = analysisId(event);
	const parsed = tileCoordSchema.safeParse(params);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		error(400, `Invalid tile coordinate ${issue.path.join('.')}: ${issue.message}`);
	}
	const db = getDb();
	const [analysis, version] = await Promise.all([getImpactAnalysis(db, id), camerasVersion(db)]);
	if (!analysis) error(404, translate(locals.lang, 'error.notFound'));

	const t = parsed.data;
	const etag = `"impact-${id}-v${version}-${t.z}-${t.x}-${t.y}"`;
	const headers = {
		'cache-control': 'private, no-cache',
		vary: 'Cookie',
		etag,
		'content-type': 'application/vnd.mapbox-vector-tile'
	};
	if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
	const mvt = await impactTile(db, id, t);
	if (!mvt) return new Response(null, { status: 204, headers });
	return new Response(new Uint8Array(mvt), { headers: { ...headers, 'content-length': String(mvt.length) } });
}
