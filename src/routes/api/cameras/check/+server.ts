// The planning map's rule check: one placement (or a stored camera's new values) against the rule
// set in force today, or another version by id: per rule the outcome, the measured value and the
// threshold, one sentence of explanation and the evidence geometry (server/rules/check.ts).
import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import { checkPlacement } from '$lib/server/rules/check';

export async function POST(event) {
	let body: unknown;
	try {
		body = await event.request.json();
	} catch {
		body = undefined;
	}
	const response = await checkPlacement(getDb(), event.locals.user, event.locals.lang, body);
	return json(response.body, { status: response.status, headers: { 'cache-control': 'no-store' } });
}
