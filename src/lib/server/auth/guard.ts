import { error, redirect } from '@sveltejs/kit';
import { translate, type Lang } from '$lib/i18n';
import { can, type Action, type Resource } from './policy';
import type { SessionUser } from './session';

interface GuardEvent {
	locals: { user: SessionUser | null; lang: Lang };
	url: URL;
}

/**
 * Stops the request unless the policy allows it: anonymous visitors are sent to sign in,
 * signed-in users who lack the right get 403.
 */
export function guard({ locals, url }: GuardEvent, action: Action, resource: Resource): void {
	if (can(locals.user, action, resource)) return;
	if (!locals.user) redirect(303, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
	error(403, translate(locals.lang, 'error.forbidden'));
}
