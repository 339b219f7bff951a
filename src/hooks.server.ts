import type { Handle, ServerInit } from '@sveltejs/kit';
import { bundledMigrations, getDb } from '$lib/server/db';
import { migrateToLatest } from '$lib/server/db/migrations';
import { isLang, pickLang } from '$lib/i18n';

export const init: ServerInit = async () => {
	await migrateToLatest(getDb(), bundledMigrations);
};

export const handle: Handle = async ({ event, resolve }) => {
	const requested = event.url.searchParams.get('lang');
	if (isLang(requested)) {
		event.cookies.set('lang', requested, {
			path: '/',
			httpOnly: false,
			sameSite: 'lax',
			maxAge: 60 * 60 * 24 * 365
		});
	}
	const lang = isLang(requested)
		? requested
		: pickLang(event.cookies.get('lang'), event.request.headers.get('accept-language'));
	event.locals.lang = lang;
	return resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', lang) });
};
