// Helpers shared by the user administration pages.
import { fail } from '@sveltejs/kit';
import type { Db } from '$lib/server/db/connect';
import type { Lang } from '$lib/i18n';
import { InputError } from '$lib/server/errors';
import { inputErrorMessage } from '$lib/server/users/validation';

const danish = new Intl.Collator('da');

/** Municipalities (by Danish name) and police districts for the scope pickers. */
export async function scopeOptions(db: Db) {
	const [municipalities, policeDistricts] = await Promise.all([
		db.selectFrom('municipalities').select(['code', 'name']).execute(),
		db.selectFrom('police_districts').select(['number', 'name']).orderBy('number').execute()
	]);
	municipalities.sort((a, b) => danish.compare(a.name, b.name));
	return { municipalities, policeDistricts };
}

/** The named text fields of a submitted form, for zod and for filling the form in again. */
export function formText<K extends string>(form: FormData, names: readonly K[]): Record<K, string> {
	const values = {} as Record<K, string>;
	for (const name of names) {
		const value = form.get(name);
		values[name] = typeof value === 'string' ? value : '';
	}
	return values;
}

/** An InputError from the service as a form failure on its field, in `lang`; anything else is rethrown. */
export function inputFailure<P extends object>(err: unknown, lang: Lang, payload: P) {
	if (!(err instanceof InputError)) throw err;
	const errors: Record<string, string> = { [err.field]: inputErrorMessage(err, lang) };
	return fail(err.status, { ...payload, errors });
}
