import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { isLang, pickLang, translate } from '$lib/i18n';
import { bundledMigrations, getDb } from '$lib/server/db';
import { migrateToLatest } from '$lib/server/db/migrations';
import { demoMode, basemapOrigins } from '$lib/server/config';
import {
	SESSION_COOKIE,
	deleteSessionCookie,
	invalidateSession,
	setSessionCookie,
	validateSessionToken
} from '$lib/server/auth/session';
import { extendCsp, securityHeaders } from '$lib/server/security-headers';
import { bodyLimit } from '$lib/server/http/body-limit';

export const init: ServerInit = async () => {
	await migrateToLatest(getDb(), bundledMigrations);
};

const language: Handle = async ({ event, resolve }) => {
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

const authentication: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (!token) return resolve(event);
	const secure = event.url.protocol === 'https:';
	const { session, user } = await validateSessionToken(getDb(), token);
	if (!session || (user.isDemo && !demoMode())) {
		if (session) await invalidateSession(getDb(), session.id);
		deleteSessionCookie(event.cookies, secure);
		return resolve(event);
	}
	setSessionCookie(event.cookies, token, session.expiresAt, secure);
	event.locals.user = user;
	event.locals.session = session;
	return resolve(event);
};

const hardening: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	for (const [name, value] of Object.entries(securityHeaders(event.url.protocol === 'https:'))) {
		if (!response.headers.has(name)) response.headers.set(name, value);
	}
	const csp = response.headers.get('content-security-policy');
	if (csp) {
		response.headers.set(
			'content-security-policy',
			extendCsp(csp, ['connect-src', 'img-src', 'style-src', 'font-src'], basemapOrigins())
		);
	}
	return response;
};

export const handle = sequence(language, authentication, hardening, bodyLimit);

export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status === 404) return { message: translate(event.locals.lang ?? 'da', 'error.notFound') };
	const id = crypto.randomUUID();
	console.error(`[${id}] ${event.request.method} ${event.url.pathname}:`, error);
	return { message: translate(event.locals.lang ?? 'da', 'error.internal', { id }), id };
};
