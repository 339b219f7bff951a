// Failed sign-ins are counted per account and per client address in the database, so the
// limit holds across restarts and across several app instances.
import { sql } from 'kysely';
import type { Db } from '../db/connect';

export interface ThrottleLimit {
	/** Failures allowed within the window before the key is locked. */
	failures: number;
	windowMinutes: number;
	lockMinutes: number;
}

export const ACCOUNT_LIMIT: ThrottleLimit = { failures: 5, windowMinutes: 15, lockMinutes: 15 };
export const ADDRESS_LIMIT: ThrottleLimit = { failures: 20, windowMinutes: 15, lockMinutes: 15 };

export function throttleKeys(email: string, clientAddress: string) {
	return [
		{ key: `account:${email.trim().toLowerCase()}`, limit: ACCOUNT_LIMIT },
		{ key: `address:${clientAddress}`, limit: ADDRESS_LIMIT }
	];
}

/** When the latest lock on any of the keys ends, or null when none is locked. */
export async function lockedUntil(db: Db, keys: string[], now = new Date()): Promise<Date | null> {
	const row = await db
		.selectFrom('login_throttle')
		.select(sql<Date | null>`max(locked_until)`.as('until'))
		.where('key', 'in', keys)
		.where('locked_until', '>', now)
		.executeTakeFirst();
	return row?.until ?? null;
}

/**
 * Claims one sign-in attempt for the key before any password work, in one atomic upsert, so a
 * burst of parallel guesses cannot all pass a check made before their failures are counted.
 * Refused (false) while the key is locked or its attempts in the window are used up. A window
 * that has run out, or a lock that has ended, starts counting afresh.
 */
export async function reserveAttempt(
	db: Db,
	key: string,
	limit: ThrottleLimit,
	now = new Date()
): Promise<boolean> {
	const windowStart = new Date(now.getTime() - limit.windowMinutes * 60_000);
	const result = await sql<{ failures: number }>`
		INSERT INTO login_throttle AS t (key, failures, window_started_at, locked_until)
		VALUES (${key}, 1, ${now}, NULL)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN t.window_started_at < ${windowStart} OR t.locked_until <= ${now} THEN 1 ELSE t.failures + 1 END,
			window_started_at = CASE
				WHEN t.window_started_at < ${windowStart} OR t.locked_until <= ${now} THEN ${now}
				ELSE t.window_started_at
			END,
			locked_until = CASE WHEN t.locked_until <= ${now} THEN NULL ELSE t.locked_until END
		WHERE (t.locked_until IS NULL OR t.locked_until <= ${now})
			AND (t.window_started_at < ${windowStart} OR t.locked_until <= ${now} OR t.failures < ${limit.failures})
		RETURNING failures
	`.execute(db);
	return result.rows.length === 1;
}

/** After the password check: a failure that uses up the key's attempts locks it; a success gives the attempt back. */
export async function settleAttempt(
	db: Db,
	key: string,
	limit: ThrottleLimit,
	succeeded: boolean,
	now = new Date()
): Promise<void> {
	if (succeeded) {
		await sql`UPDATE login_throttle SET failures = greatest(failures - 1, 0) WHERE key = ${key}`.execute(db);
		return;
	}
	const lockEnd = new Date(now.getTime() + limit.lockMinutes * 60_000);
	await sql`
		UPDATE login_throttle SET locked_until = ${lockEnd}
		WHERE key = ${key} AND failures >= ${limit.failures} AND (locked_until IS NULL OR locked_until <= ${now})
	`.execute(db);
}

export async function clearFailures(db: Db, key: string): Promise<void> {
	await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}
