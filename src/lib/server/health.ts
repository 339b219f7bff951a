import { sql } from 'kysely';
import type { Db } from './db/connect';
import { bundledMigrations } from './db';
import { pendingMigrations } from './db/migrations';

export interface Health {
	ok: boolean;
	database: 'reachable' | 'unreachable';
	pendingMigrations: string[];
}

export async function checkHealth(db: Db): Promise<Health> {
	try {
		await sql`SELECT 1`.execute(db);
	} catch {
		return { ok: false, database: 'unreachable', pendingMigrations: [] };
	}
	const pending = await pendingMigrations(db, bundledMigrations);
	return { ok: pending.length === 0, database: 'reachable', pendingMigrations: pending };
}
