// npm run db:start | db:stop | db:migrate | db:reset | db:url
import { sql } from 'kysely';
import { createDb } from '../../src/lib/server/db/connect';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { stopCluster } from '../lib/postgis-cluster';
import { embeddedStateDir, fileMigrationProvider, resolveDatabaseUrl } from '../lib/database';

const command = process.argv[2];

async function main() {
	switch (command) {
		case 'start': {
			const url = await resolveDatabaseUrl();
			console.error(`Database running: ${url.replace(/:[^:@/]+@/, ':***@')}`);
			return;
		}
		case 'stop':
			if (process.env.DATABASE_URL)
				console.error('DATABASE_URL is set: the external database is not managed here.');
			else
				console.error(
					stopCluster(embeddedStateDir) ? 'Embedded database stopped.' : 'Embedded database was not running.'
				);
			return;
		case 'url':
			console.log(await resolveDatabaseUrl());
			return;
		case 'migrate':
		case 'reset': {
			const db = createDb(await resolveDatabaseUrl(), 2);
			try {
				if (command === 'reset') {
					await sql`DROP SCHEMA public CASCADE`.execute(db);
					await sql`CREATE SCHEMA public`.execute(db);
					await sql`CREATE EXTENSION IF NOT EXISTS postgis`.execute(db);
					console.error('Database emptied.');
				}
				const applied = await migrateToLatest(db, fileMigrationProvider());
				console.error(applied.length ? `Applied: ${applied.join(', ')}` : 'Migrations are current.');
			} finally {
				await db.destroy();
			}
			return;
		}
		default:
			console.error('usage: db.ts start|stop|migrate|reset|url');
			process.exit(2);
	}
}

main().catch((e) => {
	console.error(e instanceof Error ? e.message : e);
	process.exit(1);
});
