import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { cameraImportTemplate } from '$lib/server/cameras/import';
import { creationResource } from '../../forms.server';

export async function GET(event) {
	guard(event, 'cameras.import', await creationResource(getDb(), event.locals.user));
	return new Response('\uFEFF' + cameraImportTemplate(), {
		headers: {
			'content-type': 'text/csv; charset=utf-8; header=present',
			'content-disposition': 'attachment; filename="kameraer-skabelon.csv"'
		}
	});
}
