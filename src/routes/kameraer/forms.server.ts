// Helpers shared by the camera register's pages and form actions.
import { error, fail } from '@sveltejs/kit';
import { translate, type Lang } from '$lib/i18n';
import type { Db } from '$lib/server/db/connect';
import { can, type Resource } from '$lib/server/auth/policy';
import type { SessionUser } from '$lib/server/auth/session';
import { InputError } from '$lib/server/errors';
import { CameraForbiddenError, type Authorize } from '$lib/server/cameras/service';
import { inputErrorMessage } from '$lib/server/cameras/validation';

interface Event {
	locals: { user: SessionUser | null; lang: Lang };
}

/** The named fields of a submitted form as text, for zod and for filling the form in again. */
export function formValues<K extends string>(form: FormData, names: readonly K[]): Record<K, string> {
	const values = {} as Record<K, string>;
	for (const name of names) {
		const value = form.get(name);
		values[name] = typeof value === 'string' ? value : '';
	}
	return values;
}

/** The policy, asked again by the service about the camera as stored under its row lock. */
export function authorizer(event: Event): Authorize {
	return (action, resource) => can(event.locals.user, action, resource);
}

/**
 * The place a new camera would be created, for the create page's guard: the planner's own
 * municipality (the service checks the municipality the position actually lies in).
 */
export async function creationResource(db: Db, user: SessionUser | null): Promise<Resource> {
	if (user?.municipalityCode == null) return { type: 'public' };
	const m = await db
		.selectFrom('municipalities')
		.select(['code', 'police_district'])
		.where('code', '=', user.municipalityCode)
		.executeTakeFirst();
	return m ? { type: 'municipality', code: m.code, policeDistrict: m.police_district } : { type: 'public' };
}

/**
 * A refused change as the form shows it: an input the service refused (or a position the user
 * may not use) next to its field, a camera that vanished as 404, anything else rethrown.
 */
export function changeFailure<P extends object>(err: unknown, event: Event, payload: P) {
	const lang = event.locals.lang;
	if (err instanceof CameraForbiddenError) {
		if (!err.field || !err.key) error(403, translate(lang, 'error.forbidden'));
		return fail(403, {
			...payload,
			errors: { [err.field]: translate(lang, err.key, err.vars) } as Record<string, string>
		});
	}
	if (!(err instanceof InputError)) throw err;
	if (err.status === 404) error(404, translate(lang, 'error.notFound'));
	return fail(err.status, {
		...payload,
		errors: { [err.field]: inputErrorMessage(err, lang) } as Record<string, string>
	});
}
