// One hotspot analysis: computed on first request (cached afterwards), answered with its figures
// and the URL template of its tiles.
import { error, json } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { describeIssue, hotspotQuerySchema } from '$lib/hotspots';
import { getDb } from '$lib/server/db';
import { can } from '$lib/server/auth/policy';
import { resolveStudyArea, studyAreaBounds } from '$lib/server/hotspots/areas';
import { ensureHotspotRun, unknownCategories } from '$lib/server/hotspots/service';

export async function GET({ url, locals }) {
	if (!locals.user) error(401, translate(locals.lang, 'error.forbidden'));
	const parsed = hotspotQuerySchema.safeParse(Object.fromEntries(url.searchParams));
	if (!parsed.success) return json({ message: describeIssue(parsed.error) }, { status: 400 });
	const query = parsed.data;
	const db = getDb();
	const area = await resolveStudyArea(db, query.area, locals.lang);
	if (!area)
		return json(
			{ message: `area: no such ${query.area.kind} "${url.searchParams.get('area')}"` },
			{ status: 400 }
		);
	if (!can(locals.user, 'hotspots.view', area.resource))
		error(403, translate(locals.lang, 'error.forbidden'));
	const unknown = await unknownCategories(db, query.categories);
	if (unknown.length)
		return json({ message: `categories: unknown category ${unknown.join(', ')}` }, { status: 400 });

	const [run, bounds] = await Promise.all([ensureHotspotRun(db, query), studyAreaBounds(db, query.area)]);
	return json(
		{
			run: { ...run, areaName: area.name },
			tiles: `/hotspots/tiles/${run.id}/{z}/{x}/{y}.mvt`,
			bounds
		},
		{ headers: { 'cache-control': 'private, no-store' } }
	);
}
