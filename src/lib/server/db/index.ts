import { env } from '$env/dynamic/private';
import { migrationName, migrationProvider } from './migrations';
import { createDb, type Db } from './connect';
import type { Migration } from 'kysely';

let db: Db | undefined;

/** The app's shared connection pool, on DATABASE_URL (set by the start script when embedded). */
export function getDb(): Db {
	if (!env.DATABASE_URL) {
		throw new Error(
			'DATABASE_URL is not set. Start the app with `npm start`, which provides the embedded database.'
		);
	}
	db ??= createDb(env.DATABASE_URL, Number(env.DATABASE_POOL_SIZE ?? 10));
	return db;
}

/** The migrations bundled into this build, so the server can check and apply them itself. */
export const bundledMigrations = migrationProvider(
	Object.fromEntries(
		Object.entries(import.meta.glob<Migration>('/migrations/*.ts')).map(([path, load]) => [
			migrationName(path),
			load
		])
	)
);
