import { sql } from 'kysely';
import { inject } from 'vitest';
import { createDb, type Db } from '../../src/lib/server/db/connect';

let db: Db | null = null;

export function databaseUrl(): string {
	return inject('databaseUrl');
}

/** The run's migrated database; each test starts with every table empty. */
export function testDb(): Db {
	db ??= createDb(databaseUrl(), 4);
	return db;
}

/** Reference data the migrations write (incident categories, reference layers): kept between tests. */
const MIGRATION_DATA = ['incident_categories', 'reference_layers'];

export async function resetData() {
	const tables = await sql<{ tablename: string }>`
		SELECT tablename FROM pg_tables
		WHERE schemaname = 'public'
			AND tablename NOT IN ('spatial_ref_sys', 'kysely_migration', 'kysely_migration_lock')
			AND tablename <> ALL(${MIGRATION_DATA}::text[])
	`.execute(testDb());
	if (tables.rows.length === 0) return;
	const list = tables.rows.map((r) => `"${r.tablename}"`).join(', ');
	// Replica mode skips the trigger that keeps audit_log append-only; only tests may do this.
	await testDb()
		.transaction()
		.execute(async (trx) => {
			await sql`SET LOCAL session_replication_role = replica`.execute(trx);
			await sql.raw(`TRUNCATE ${list} RESTART IDENTITY CASCADE`).execute(trx);
		});
}

export async function closeTestDb() {
	await db?.destroy();
	db = null;
}
