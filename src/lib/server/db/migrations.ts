import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/** Migrations by name, from a loader that each runtime supplies (file system or bundler). */
export function migrationProvider(modules: Record<string, () => Promise<Migration>>): MigrationProvider {
	return {
		getMigrations: async () =>
			Object.fromEntries(
				await Promise.all(Object.entries(modules).map(async ([n, load]) => [n, await load()]))
			)
	};
}

export function migrationName(path: string): string {
	return path.replace(/^.*\//, '').replace(/\.(ts|js)$/, '');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createMigrator(db: Kysely<any>, provider: MigrationProvider) {
	return new Migrator({ db, provider });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>, provider: MigrationProvider): Promise<string[]> {
	const { error, results } = await createMigrator(db, provider).migrateToLatest();
	if (error) throw error instanceof Error ? error : new Error(String(error));
	return (results ?? []).map((r) => r.migrationName);
}

/** Names of known migrations that the database has not applied. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function pendingMigrations(db: Kysely<any>, provider: MigrationProvider): Promise<string[]> {
	const migrations = await createMigrator(db, provider).getMigrations();
	return migrations.filter((m) => !m.executedAt).map((m) => m.name);
}
