import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileMigrationProvider } from '../../scripts/lib/database';
import { createDb, type Db } from '../../src/lib/server/db/connect';
import { createMigrator, pendingMigrations } from '../../src/lib/server/db/migrations';
import { databaseUrl } from './db';

// Runs on a database of its own so that the shared test database stays migrated.
describe('migrations', () => {
	let admin: Db;
	let scratch: Db;
	const name = `migrations_${process.pid}`;

	beforeAll(async () => {
		admin = createDb(databaseUrl(), 1);
		await sql.raw(`DROP DATABASE IF EXISTS ${name}`).execute(admin);
		await sql.raw(`CREATE DATABASE ${name}`).execute(admin);
		scratch = createDb(databaseUrl().replace(/\/[^/]+$/, `/${name}`), 1);
		await sql`CREATE EXTENSION IF NOT EXISTS postgis`.execute(scratch);
	});

	afterAll(async () => {
		await scratch.destroy();
		await sql.raw(`DROP DATABASE IF EXISTS ${name}`).execute(admin);
		await admin.destroy();
	});

	async function tables() {
		const r = await sql<{ t: string }>`
			SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely%'
			AND tablename <> 'spatial_ref_sys' ORDER BY 1`.execute(scratch);
		return r.rows.map((x) => x.t);
	}

	it('migrates an empty database up, all the way down, and up again', async () => {
		const migrator = createMigrator(scratch, fileMigrationProvider());
		const provider = fileMigrationProvider();
		expect((await pendingMigrations(scratch, provider)).length).toBeGreaterThan(0);

		const up = await migrator.migrateToLatest();
		expect(up.error).toBeUndefined();
		const afterUp = await tables();
		expect(afterUp).toEqual(expect.arrayContaining(['municipalities', 'police_districts', 'regions']));
		expect(await pendingMigrations(scratch, provider)).toEqual([]);

		const geomColumns = await sql<{ table: string; srid: number; type: string }>`
			SELECT f_table_name AS table, srid, type FROM geometry_columns WHERE f_table_schema = 'public'`.execute(
			scratch
		);
		for (const column of geomColumns.rows) expect(column.srid, column.table).toBe(25832);

		const gist = await sql<{ t: string }>`
			SELECT c.relname AS t FROM pg_index i JOIN pg_class ix ON ix.oid = i.indexrelid
			JOIN pg_am am ON am.oid = ix.relam JOIN pg_class c ON c.oid = i.indrelid
			WHERE am.amname = 'gist'`.execute(scratch);
		for (const column of geomColumns.rows) expect(gist.rows.map((r) => r.t)).toContain(column.table);

		const { NO_MIGRATIONS } = await import('kysely');
		const down = await migrator.migrateTo(NO_MIGRATIONS);
		expect(down.error).toBeUndefined();
		expect(await tables()).toEqual([]);

		const again = await migrator.migrateToLatest();
		expect(again.error).toBeUndefined();
		expect(await tables()).toEqual(afterUp);
	});
});
