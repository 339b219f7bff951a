import type { Db } from '../db/connect';
import { findUserByEmail } from '../users/service';
import { clearFailures, lockedUntil, recordFailure, throttleKeys } from './login-throttle';
import { verifyAgainstDummy, verifyPassword } from './password';

export type LoginResult =
	| { ok: true; userId: string }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'throttled'; retryAt: Date };

/**
 * Checks a sign-in. Unknown e-mail, wrong password, disabled account and (outside demo mode)
 * demo account all fail the same way and take the same time; failures count towards the
 * per-account and per-address limits, which are checked before any password work.
 */
export async function authenticate(
	db: Db,
	email: string,
	password: string,
	clientAddress: string,
	demoMode: boolean
): Promise<LoginResult> {
	const keys = throttleKeys(email, clientAddress);
	const locked = await lockedUntil(
		db,
		keys.map((k) => k.key)
	);
	if (locked) return { ok: false, reason: 'throttled', retryAt: locked };

	const user = await findUserByEmail(db, email);
	const usable = user && user.disabled_at === null && (demoMode || !user.is_demo);
	const valid = user
		? await verifyPassword(user.password_hash, password)
		: await verifyAgainstDummy(password);
	if (!usable || !valid) {
		for (const { key, limit } of keys) await recordFailure(db, key, limit);
		return { ok: false, reason: 'invalid' };
	}
	await clearFailures(db, keys[0].key);
	return { ok: true, userId: user.id };
}
