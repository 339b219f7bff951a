// What every way of running the app does first: a database, migrated, with demo data on an
// empty one; and a build that is not older than the sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { seedDemoBoundariesIfEmpty } from '../../src/lib/server/boundaries/demo';
import { seedDemoBuildingsIfEmpty } from '../../src/lib/server/buildings/demo';
import { seedDemoCamerasIfEmpty } from '../../src/lib/server/cameras/demo';
import { demoIncidentPeriod, seedDemoIncidentsIfEmpty } from '../../src/lib/server/incidents/demo';
import { danishToday } from '../../src/lib/dates';
import { createDb } from '../../src/lib/server/db/connect';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { seedDemoReferenceLayersIfEmpty } from '../../src/lib/server/rules/demo-layers';
import { seedShippedRuleSetsIfEmpty } from '../../src/lib/server/rules/seed';
import { seedDemoSurveysIfEmpty } from '../../src/lib/server/surveys/demo';
import { seedDemoUsers, type DemoLogin } from '../../src/lib/server/users/demo';
import { fileMigrationProvider, projectRoot, resolveDatabaseUrl } from './database';

/**
 * Demo mode (demo users may sign in): on by default for the embedded database, off for an
 * external DATABASE_URL; DEMO_MODE=true|false overrides. Sets DEMO_MODE for the server.
 */
export function resolveDemoMode(): boolean {
	process.env.DEMO_MODE ??= process.env.DATABASE_URL ? 'false' : 'true';
	return process.env.DEMO_MODE === 'true';
}

export async function prepareDatabase(log = (m: string) => console.error(m)): Promise<string> {
	const demo = resolveDemoMode();
	const url = await resolveDatabaseUrl();
	const db = createDb(url, 2);
	try {
		const applied = await migrateToLatest(db, fileMigrationProvider());
		if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
		if (await seedDemoBoundariesIfEmpty(db, { geodataDir: join(projectRoot, 'geodata') })) {
			log(
				'These demo boundaries are approximate; `npm run import -- municipalities FILE` loads the official DAGI ones.'
			);
		}
		if (await seedDemoBuildingsIfEmpty(db, { geodataDir: join(projectRoot, 'geodata') })) {
			log('Loaded synthetic demo buildings (obstacles that cut camera views) in København and Aalborg.');
		}
		const cameras = await seedDemoCamerasIfEmpty(db, join(projectRoot, 'geodata'));
		if (cameras) log(`Loaded ${cameras} synthetic demo cameras with their views.`);
		const ruleSets = await seedShippedRuleSetsIfEmpty(db, join(projectRoot, 'geodata'));
		if (ruleSets.length) log(`Published the shipped rule sets: ${ruleSets.join(', ')}.`);
		const areas = await seedDemoReferenceLayersIfEmpty(db);
		if (areas) log(`Loaded ${areas} synthetic demo reference areas (housing and nightlife areas).`);
		// Made-up incidents only in demo mode: a real deployment must never show invented crime.
		const incidents = demo ? await seedDemoIncidentsIfEmpty(db) : 0;
		if (incidents) {
			const period = demoIncidentPeriod(danishToday());
			log(
				`Loaded ${incidents} synthetic demo incidents (${period.from} – ${period.to}); they are not real crime data.`
			);
		}
		const surveys = await seedDemoSurveysIfEmpty(db);
		if (surveys.results)
			log(`Loaded ${surveys.results} synthetic safety-survey results and ${surveys.places} unsafe places.`);
		if (demo) printDemoLogins(await seedDemoUsers(db), log);
	} finally {
		await db.destroy();
	}
	return url;
}

function printDemoLogins(logins: DemoLogin[], log: (m: string) => void) {
	if (logins.length === 0) return;
	log('\nDemo logins (shown once; only password hashes are stored; demo mode only):');
	for (const l of logins) log(`  ${l.role.padEnd(9)} ${l.email.padEnd(36)} ${l.password}   ${l.scope}`);
	log('');
}

function newestMtime(path: string): number {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

export function buildIsStale(): boolean {
	const built = join(projectRoot, 'build', 'index.js');
	if (!existsSync(built)) return true;
	const inputs = ['src', 'static', 'migrations', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];
	return Math.max(...inputs.map((p) => newestMtime(join(projectRoot, p)))) > statSync(built).mtimeMs;
}

export function buildApp(log = (m: string) => console.error(m)) {
	log('Building the app (vite build)…');
	const result = spawnSync(
		join(projectRoot, 'node_modules', '.bin', 'vite'),
		['build', '--logLevel', 'warn'],
		{
			cwd: projectRoot,
			stdio: 'inherit'
		}
	);
	if (result.status !== 0) throw new Error('vite build failed');
}
