import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/lib/server/db/connect';
import { checkHealth } from '../../src/lib/server/health';
import { databaseUrl, testDb } from './db';

describe('health', () => {
	const unreachable = createDb('postgres://nobody@127.0.0.1:1/none', 1);
	afterAll(() => unreachable.destroy());

	it('is ok when the database answers and every bundled migration is applied', async () => {
		expect(await checkHealth(testDb())).toEqual({ ok: true, database: 'reachable', pendingMigrations: [] });
	});

	it('reports an unreachable database', async () => {
		expect(await checkHealth(unreachable)).toEqual({
			ok: false,
			database: 'unreachable',
			pendingMigrations: []
		});
	});

	it('reports pending migrations', async () => {
		const admin = createDb(databaseUrl(), 1);
		const name = `health_${process.pid}`;
		await sql.raw(`DROP DATABASE IF EXISTS ${name}`).execute(admin);
		await sql.raw(`CREATE DATABASE ${name}`).execute(admin);
		const empty = createDb(databaseUrl().replace(/\/[^/]+$/, `/${name}`), 1);
		try {
			const health = await checkHealth(empty);
			expect(health.ok).toBe(false);
			expect(health.database).toBe('reachable');
			expect(health.pendingMigrations).toContain('2026-11-27T1300_boundaries');
		} finally {
			await empty.destroy();
			await sql.raw(`DROP DATABASE IF EXISTS ${name}`).execute(admin);
			await admin.destroy();
		}
	});
});
