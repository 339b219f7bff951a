import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { cameraReadScope } from '$lib/server/auth/policy';
import { camerasGeoJson, exportFileName, exportFilterFromQuery } from '$lib/server/cameras/export';

export function GET(event) {
	guard(event, 'cameras.export', { type: 'public' });
	const filter = exportFilterFromQuery(event.url.searchParams);
	return new Response(camerasGeoJson(getDb(), { ...filter, scope: cameraReadScope(event.locals.user) }), {
		headers: {
			'content-type': 'application/geo+json; charset=utf-8',
			'content-disposition': `attachment; filename="${exportFileName(filter, 'geojson')}"`,
			'cache-control': 'private, no-store'
		}
	});
}
