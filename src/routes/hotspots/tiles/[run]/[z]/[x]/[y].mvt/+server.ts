// A hotspot run's cells as a vector tile. Runs never change (new incidents delete them), so a
// tile's ETag is its run and coordinate; the policy is asked about the run's study area each time.
import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { studyAreaSchema } from '$lib/hotspots';
import { tileCoordSchema } from '$lib/tiles';
import { getDb } from '$lib/server/db';
import { can } from '$lib/server/auth/policy';
import { resolveStudyArea } from '$lib/server/hotspots/areas';
import { hotspotTile, hotspotTileRun } from '$lib/server/hotspots/tiles';

export async function GET({ params, request, locals }) {
	if (!locals.user) error(401, translate(locals.lang, 'error.forbidden'));
	if (!/^\d{1,15}$/.test(params.run)) error(400, `Invalid hotspot run "${params.run}": must be a number.`);
	const parsed = tileCoordSchema.safeParse(params);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		error(400, `Invalid tile coordinate ${issue.path.join('.')}: ${issue.message}`);
	}
	const db = getDb();
	const run = await hotspotTileRun(db, Number(params.run));
	if (!run) error(404, `Hotspot run ${params.run} is no longer cached; request the analysis again.`);
	const area = await resolveStudyArea(db, studyAreaSchema.parse(run.area), locals.lang);
	if (!area || !can(locals.user, 'hotspots.view', area.resource))
		error(403, translate(locals.lang, 'error.forbidden'));

	const t = parsed.data;
	const etag = `"hotspot-${run.id}-${t.z}-${t.x}-${t.y}"`;
	const headers = {
		'cache-control': 'private, no-cache',
		vary: 'Cookie',
		etag,
		'content-type': 'application/vnd.mapbox-vector-tile'
	};
	if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
	const mvt = await hotspotTile(db, run, t);
	if (!mvt) return new Response(null, { status: 204, headers });
	return new Response(new Uint8Array(mvt), { headers: { ...headers, 'content-length': String(mvt.length) } });
}
