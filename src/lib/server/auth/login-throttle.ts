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

/** Counts a failure atomically (one upsert per key) and locks the key when it reaches its limit. */
export async function recordFailure(
	db: Db,
	key: string,
	limit: ThrottleLimit,
	now = new Date()
): Promise<void> {
	const windowStart = new Date(now.getTime() - limit.windowMinutes * 60_000);
	const lockEnd = new Date(now.getTime() + limit.lockMinutes * 60_000);
	await sql`
		INSERT INTO login_throttle AS t (key, failures, window_started_at, locked_until)
		VALUES (${key}, 1, ${now}, CASE WHEN 1 >= ${limit.failures} THEN ${lockEnd}::timestamptz END)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN t.window_started_at < ${windowStart} THEN 1 ELSE t.failures + 1 END,
			window_started_at = CASE WHEN t.window_started_at < ${windowStart} THEN ${now} ELSE t.window_started_at END,
			locked_until = CASE
				WHEN (CASE WHEN t.window_started_at < ${windowStart} THEN 1 ELSE t.failures + 1 END) >= ${limit.failures}
				THEN ${lockEnd}::timestamptz
				ELSE t.locked_until
			END
	`.execute(db);
}

export async function clearFailures(db: Db, key: string): Promise<void> {
	await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}
