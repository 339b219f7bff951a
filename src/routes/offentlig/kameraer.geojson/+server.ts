import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { publicCamerasGeoJson } from '$lib/server/cameras/public';

export function GET(event) {
	guard(event, 'cameras.public', { type: 'public' });
	return new Response(publicCamerasGeoJson(getDb()), {
		headers: {
			'content-type': 'application/geo+json; charset=utf-8',
			'content-disposition': 'attachment; filename="kameraer.geojson"',
			'cache-control': 'public, max-age=300'
		}
	});
}
