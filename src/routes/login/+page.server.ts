import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { translate } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { demoMode } from '$lib/server/config';
import { authenticate } from '$lib/server/auth/login';
import { createSession, generateSessionToken, setSessionCookie } from '$lib/server/auth/session';

const loginSchema = z.object({
	email: z.string().trim().min(1).max(254),
	password: z.string().min(1).max(256)
});

/** Only same-site paths, so a crafted link cannot bounce a user elsewhere after signing in. */
function safeNext(value: string | null): string {
	return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/';
}

export function load({ locals, url }) {
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
	return { next: safeNext(url.searchParams.get('next')) };
}

export const actions = {
	default: async ({ request, cookies, url, locals, getClientAddress }) => {
		const form = Object.fromEntries(await request.formData());
		const parsed = loginSchema.safeParse(form);
		const email = typeof form.email === 'string' ? form.email : '';
		if (!parsed.success) return fail(400, { email, message: translate(locals.lang, 'login.invalid') });
		const db = getDb();
		const clientAddress = getClientAddress();
		const result = await authenticate(db, parsed.data.email, parsed.data.password, clientAddress, demoMode());
		if (!result.ok) {
			if (result.reason === 'throttled') {
				const minutes = Math.max(1, Math.ceil((result.retryAt.getTime() - Date.now()) / 60_000));
				return fail(429, { email, message: translate(locals.lang, 'login.throttled', { minutes }) });
			}
			return fail(400, { email, message: translate(locals.lang, 'login.invalid') });
		}
		const token = generateSessionToken();
		const session = await createSession(db, token, result.userId, clientAddress);
		setSessionCookie(cookies, token, session.expiresAt, url.protocol === 'https:');
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
