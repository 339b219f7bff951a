import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { cameraReadScope } from '$lib/server/auth/policy';
import { camerasCsv, exportFileName, exportFilterFromQuery } from '$lib/server/cameras/export';

export function GET(event) {
	guard(event, 'cameras.export', { type: 'public' });
	const filter = exportFilterFromQuery(event.url.searchParams);
	return new Response(camerasCsv(getDb(), { ...filter, scope: cameraReadScope(event.locals.user) }), {
		headers: {
			'content-type': 'text/csv; charset=utf-8; header=present',
			'content-disposition': `attachment; filename="${exportFileName(filter, 'csv')}"`,
			'cache-control': 'private, no-store'
		}
	});
}
