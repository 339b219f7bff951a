import type { Db } from '../db/connect';
import { findUserByEmail } from '../users/service';
import { clearFailures, lockedUntil, reserveAttempt, settleAttempt, throttleKeys } from './login-throttle';
import { verifyAgainstDummy, verifyPassword } from './password';

export type LoginResult =
	| { ok: true; userId: string }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'throttled'; retryAt: Date };

/**
 * Checks a sign-in. Unknown e-mail, wrong password, disabled account and (outside demo mode)
 * demo account all fail the same way and take the same time. Each attempt is claimed against
 * the per-account and per-address limits before any password work.
 */
export async function authenticate(
	db: Db,
	email: string,
	password: string,
	clientAddress: string,
	demoMode: boolean
): Promise<LoginResult> {
	const keys = throttleKeys(email, clientAddress);
	const claimed: typeof keys = [];
	for (const k of keys) {
		if (!(await reserveAttempt(db, k.key, k.limit))) {
			for (const c of claimed) await settleAttempt(db, c.key, c.limit, true);
			const until = await lockedUntil(
				db,
				keys.map((x) => x.key)
			);
			return {
				ok: false,
				reason: 'throttled',
				retryAt: until ?? new Date(Date.now() + k.limit.lockMinutes * 60_000)
			};
		}
		claimed.push(k);
	}

	const user = await findUserByEmail(db, email);
	const usable = user && user.disabled_at === null && (demoMode || !user.is_demo);
	const valid = user
		? await verifyPassword(user.password_hash, password)
		: await verifyAgainstDummy(password);
	if (!usable || !valid) {
		for (const { key, limit } of keys) await settleAttempt(db, key, limit, false);
		return { ok: false, reason: 'invalid' };
	}
	await clearFailures(db, keys[0].key);
	await settleAttempt(db, keys[1].key, keys[1].limit, true);
	return { ok: true, userId: user.id };
}
