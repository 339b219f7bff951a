import { error, fail, redirect } from '@sveltejs/kit';
import { env } from '$env/dynamic/public';
import { translate } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { auditActor } from '$lib/server/audit/actor';
import { createCamera } from '$lib/server/cameras/service';
import {
	CAMERA_FIELDS,
	POSITION_FIELDS,
	cameraErrors,
	newCameraSchema
} from '$lib/server/cameras/validation';
import { boundariesAreDemo, getMunicipality } from '$lib/server/municipalities/queries';
import { authorizer, changeFailure, creationResource, formValues } from '../forms.server';

export async function load(event) {
	const db = getDb();
	guard(event, 'camera.create', await creationResource(db, event.locals.user));
	const [municipality, demoBoundaries] = await Promise.all([
		getMunicipality(db, event.locals.user!.municipalityCode!),
		boundariesAreDemo(db)
	]);
	if (!municipality) error(404, translate(event.locals.lang, 'error.notFound'));
	return {
		municipality: { code: municipality.code, name: municipality.name, bounds: municipality.bounds },
		demoBoundaries,
		basemapStyleUrl: env.PUBLIC_BASEMAP_STYLE_URL || null
	};
}

// The register's create action, fed by the planning form: the service recomputes and stores the view.
export const actions = {
	default: async (event) => {
		const db = getDb();
		guard(event, 'camera.create', await creationResource(db, event.locals.user));
		const values = formValues(await event.request.formData(), [...CAMERA_FIELDS, ...POSITION_FIELDS]);
		const camera = newCameraSchema.safeParse(values);
		if (!camera.success) return fail(400, { errors: cameraErrors(camera.error, event.locals.lang), values });
		let id: string;
		try {
			id = await createCamera(db, auditActor(event), camera.data, { authorize: authorizer(event) });
		} catch (err) {
			return changeFailure(err, event, { values });
		}
		redirect(303, `/kameraer/${id}`);
	}
};
