import { fail } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { MIN_PASSWORD_LENGTH } from '$lib/server/auth/password';
import { auditActor } from '$lib/server/audit/actor';
import { createUser } from '$lib/server/users/service';
import { fieldErrors, newUserSchema, passwordSchema } from '$lib/server/users/validation';
import { generatePassword } from '$lib/server/auth/password';
import { formText, inputFailure, scopeOptions } from '../forms.server';

const FIELDS = ['email', 'name', 'role', 'municipalityCode', 'policeDistrict'] as const;

export async function load(event) {
	guard(event, 'users.create', { type: 'public' });
	return { options: await scopeOptions(getDb()), minPassword: MIN_PASSWORD_LENGTH };
}

export const actions = {
	default: async (event) => {
		guard(event, 'users.create', { type: 'public' });
		const form = await event.request.formData();
		// The password is never sent back to the form.
		const values = formText(form, FIELDS);
		const typed = formText(form, ['password']).password;

		const user = newUserSchema.safeParse(values);
		const password = typed === '' ? null : passwordSchema.safeParse(typed);
		if (!user.success || (password && !password.success)) {
			const lang = event.locals.lang;
			const errors = user.success ? {} : fieldErrors(user.error, lang);
			if (password && !password.success) errors.password = fieldErrors(password.error, lang).form;
			return fail(400, { errors, values });
		}

		const generated = password ? null : generatePassword();
		let id: string;
		try {
			id = await createUser(getDb(), auditActor(event), user.data, password?.data ?? generated!);
		} catch (err) {
			return inputFailure(err, event.locals.lang, { values });
		}
		return { created: { id, email: user.data.email, name: user.data.name, generatedPassword: generated } };
	}
};
