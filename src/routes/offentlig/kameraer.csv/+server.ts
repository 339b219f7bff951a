import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { publicCamerasCsv } from '$lib/server/cameras/public';

export function GET(event) {
	guard(event, 'cameras.public', { type: 'public' });
	return new Response(publicCamerasCsv(getDb()), {
		headers: {
			'content-type': 'text/csv; charset=utf-8; header=present',
			'content-disposition': 'attachment; filename="kameraer.csv"',
			'cache-control': 'public, max-age=300'
		}
	});
}
