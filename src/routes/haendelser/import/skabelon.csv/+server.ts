import { guard } from '$lib/server/auth/guard';
import { incidentImportTemplate } from '$lib/server/incidents/import';

export async function GET(event) {
	guard(event, 'incidents.import', {
		type: 'policeDistrict',
		number: event.locals.user?.policeDistrict ?? null
	});
	return new Response('\uFEFF' + incidentImportTemplate(), {
		headers: {
			'content-type': 'text/csv; charset=utf-8; header=present',
			'content-disposition': 'attachment; filename="haendelser-skabelon.csv"'
		}
	});
}
