// Resolves the database every CLI command works on: DATABASE_URL when set, otherwise the
// embedded cluster under .pgdata/ (created and started on demand).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Kysely, Migration } from 'kysely';
import { migrationName, migrationProvider } from '../../src/lib/server/db/migrations';
import { connectionString, startCluster } from './postgis-cluster';

export const projectRoot = join(import.meta.dirname, '..', '..');
export const embeddedStateDir = join(projectRoot, '.pgdata');

export async function resolveDatabaseUrl(): Promise<string> {
	if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
	const state = await startCluster({ stateDir: embeddedStateDir, database: 'tryghedskort' });
	return connectionString(state);
}

export function fileMigrationProvider(folder = join(projectRoot, 'migrations')) {
	const files = readdirSync(folder).filter((f) => /\.(ts|js)$/.test(f));
	return migrationProvider(
		Object.fromEntries(
			files.map((f) => [
				migrationName(f),
				() => import(pathToFileURL(join(folder, f)).href) as Promise<Migration>
			])
		)
	);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;
