// One migrated throwaway database per test run. `npm test` passes TEST_DATABASE_URL for a
// database it created; run alone, the integration tier starts its own throwaway cluster.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/lib/server/db/connect';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { fileMigrationProvider } from '../../scripts/lib/database';
import { connectionString, destroyCluster, startCluster } from '../../scripts/lib/postgis-cluster';

declare module 'vitest' {
	export interface ProvidedContext {
		databaseUrl: string;
	}
}

export default async function setup(project: TestProject) {
	let url = process.env.TEST_DATABASE_URL;
	let stateDir: string | null = null;
	if (!url) {
		stateDir = mkdtempSync(join(tmpdir(), 'tryghedskort-it-'));
		const state = await startCluster({ stateDir, database: 'integration', throwaway: true, log: () => {} });
		url = connectionString(state);
	}
	const db = createDb(url, 1);
	await migrateToLatest(db, fileMigrationProvider());
	await db.destroy();
	project.provide('databaseUrl', url);
	return () => {
		if (stateDir) destroyCluster(stateDir);
	};
}
