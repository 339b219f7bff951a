import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { formatBytes, incidentUploadLimit } from '$lib/server/http/body-limit';
import { listIncidentCategories } from '$lib/server/incidents/categories';
import { getPoliceDistrict } from '$lib/server/municipalities/queries';

export async function load(event) {
	const { locals } = event;
	// Police reviewers, for their own district; every row is checked again where it lies.
	guard(event, 'incidents.import', { type: 'policeDistrict', number: locals.user?.policeDistrict ?? null });
	const db = getDb();
	const [district, categories] = await Promise.all([
		getPoliceDistrict(db, locals.user!.policeDistrict!),
		listIncidentCategories(db, locals.lang)
	]);
	if (!district) error(404, translate(locals.lang, 'error.notFound'));
	const limit = incidentUploadLimit();
	return {
		district: { number: district.number, name: district.name },
		municipalities: district.municipalities.map((m) => m.name),
		categories,
		limitBytes: limit,
		limit: formatBytes(limit, locals.lang)
	};
}
