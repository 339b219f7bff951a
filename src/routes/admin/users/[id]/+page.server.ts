import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { translate } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { can } from '$lib/server/auth/policy';
import { auditActor } from '$lib/server/audit/actor';
import { auditHistory } from '$lib/server/audit/service';
import { disableUser, enableUser, getUser, setRole } from '$lib/server/users/service';
import { fieldErrors, roleScopeSchema } from '$lib/server/users/validation';
import { formText, inputFailure, scopeOptions } from '../forms.server';

const cursorSchema = z.coerce.number().int().positive().nullable().catch(null);
const SCOPE_FIELDS = ['role', 'municipalityCode', 'policeDistrict'] as const;

export async function load(event) {
	const id = event.params.id;
	guard(event, 'users.list', { type: 'user', id });
	const db = getDb();
	const user = await getUser(db, id);
	if (!user) error(404, translate(event.locals.lang, 'error.notFound'));
	const showHistory = can(event.locals.user, 'users.history', { type: 'user', id });
	const before = cursorSchema.parse(event.url.searchParams.get('before'));
	const [options, history] = await Promise.all([
		scopeOptions(db),
		showHistory ? auditHistory(db, { objectType: 'user', objectId: id }, before) : null
	]);
	return { account: user, isSelf: event.locals.user?.id === id, options, history };
}

/** Stops an action on an id that names nobody (a malformed one included) with 404. */
async function requireUser(event: { params: { id: string }; locals: App.Locals }) {
	if (!(await getUser(getDb(), event.params.id))) error(404, translate(event.locals.lang, 'error.notFound'));
}

export const actions = {
	setRole: async (event) => {
		const id = event.params.id;
		guard(event, 'users.update', { type: 'user', id });
		await requireUser(event);
		const values = formText(await event.request.formData(), SCOPE_FIELDS);
		const scope = roleScopeSchema.safeParse(values);
		if (!scope.success)
			return fail(400, {
				action: 'setRole' as const,
				errors: fieldErrors(scope.error, event.locals.lang),
				values
			});
		try {
			await setRole(getDb(), auditActor(event), id, scope.data);
		} catch (err) {
			return inputFailure(err, event.locals.lang, { action: 'setRole' as const, values });
		}
		return { action: 'setRole' as const, done: translate(event.locals.lang, 'admin.user.roleSaved') };
	},

	disable: async (event) => {
		const id = event.params.id;
		guard(event, 'users.update', { type: 'user', id });
		// Disabling oneself would end one's own session and could leave nobody able to administer.
		if (event.locals.user?.id === id) {
			return fail(400, {
				action: 'disable' as const,
				errors: { form: translate(event.locals.lang, 'admin.user.cannotDisableSelf') }
			});
		}
		await requireUser(event);
		try {
			await disableUser(getDb(), auditActor(event), id);
		} catch (err) {
			return inputFailure(err, event.locals.lang, { action: 'disable' as const });
		}
		return { action: 'disable' as const, done: translate(event.locals.lang, 'admin.user.disabled') };
	},

	enable: async (event) => {
		const id = event.params.id;
		guard(event, 'users.update', { type: 'user', id });
		await requireUser(event);
		try {
			await enableUser(getDb(), auditActor(event), id);
		} catch (err) {
			return inputFailure(err, event.locals.lang, { action: 'enable' as const });
		}
		return { action: 'enable' as const, done: translate(event.locals.lang, 'admin.user.enabled') };
	}
};
