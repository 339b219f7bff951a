// npm run bench: benchmarks on a throwaway PostGIS cluster with the built app.
// Boundaries: the real DAGI files when ../shared/geodata/dagi exists, else the demo set.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../bench/app-server';
import { benchAuth } from '../bench/auth';
import { benchBoundaryTiles } from '../bench/boundary-tiles';
import { benchCameraImport } from '../bench/camera-import';
import { benchDemoIncidents, formatDemoIncidentsBench } from '../bench/demo-incidents';
import { benchIncidentImport, formatIncidentImportBench } from '../bench/incident-import';
import { benchCameraTiles } from '../bench/camera-tiles';
import { benchHotspots, topUpIncidents } from '../bench/hotspots';
import { benchRuleEvaluation, formatRuleEvaluationBench } from '../bench/rule-evaluation';
import { benchRuleCheck, formatRuleCheckBench } from '../bench/rule-check';
import { generateCameras } from '../bench/generate-cameras';
import { recomputeCameraViews } from '../../src/lib/server/cameras/views';
import { seedDemoBuildingsIfEmpty } from '../../src/lib/server/buildings/demo';
import { formatTiming } from '../bench/stats';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import { importBoundaries } from '../../src/lib/server/boundaries/geojson-import';
import { createDb } from '../../src/lib/server/db/connect';
import { migrateToLatest } from '../../src/lib/server/db/migrations';
import { fileMigrationProvider, projectRoot } from '../lib/database';
import { connectionString, destroyCluster, startCluster } from '../lib/postgis-cluster';
import { buildApp, buildIsStale } from '../lib/prepare';

const dagiDir = join(projectRoot, '..', 'shared', 'geodata', 'dagi');

async function main() {
	if (buildIsStale()) buildApp();
	const stateDir = mkdtempSync(join(tmpdir(), 'tryghedskort-bench-'));
	const state = await startCluster({ stateDir, database: 'bench', throwaway: true, log: () => {} });
	const url = connectionString(state);
	const db = createDb(url, 4);
	try {
		await migrateToLatest(db, fileMigrationProvider());
		let boundaries: string;
		if (existsSync(join(dagiDir, 'kommuner.geojson'))) {
			await importBoundaries(db, 'regions', { path: join(dagiDir, 'regioner.geojson') });
			await importBoundaries(db, 'police-districts', { path: join(dagiDir, 'politikredse.geojson') });
			await importBoundaries(db, 'municipalities', { path: join(dagiDir, 'kommuner.geojson') });
			boundaries = 'DAGI (real files)';
		} else {
			await loadDemoBoundaries(db);
			boundaries = 'demo (generated)';
		}
		await seedDemoBuildingsIfEmpty(db, { geodataDir: join(projectRoot, 'geodata') });
		// Before anything fills the incidents table: the demo seed only runs on an empty one.
		const demoIncidents = await benchDemoIncidents(db);
		console.log(formatDemoIncidentsBench(demoIncidents));
		const cameraImport = await benchCameraImport(db, 10_000);
		console.log(
			`Camera CSV import: ${cameraImport.rows} rows (${Math.round(cameraImport.fileBytes / 1024)} KiB) in ${cameraImport.ms} ms = ` +
				`${cameraImport.rowsPerSecond} rows/s (${cameraImport.rowsPerSecondWithoutViews} rows/s without the ${cameraImport.viewsMs} ms of views), ` +
				`peak RSS growth ${cameraImport.peakRssGrowthMb} MB`
		);
		const incidentCount = Number(process.env.BENCH_INCIDENTS ?? 1_000_000);
		const incidentImport = await benchIncidentImport(db, url, incidentCount);
		console.log(formatIncidentImportBench(incidentImport));
		const cameraCount = Number(process.env.BENCH_CAMERAS ?? 100_000);
		let started = performance.now();
		const generated = await generateCameras(db, cameraCount);
		const generateMs = Math.round(performance.now() - started);
		started = performance.now();
		const computed = await recomputeCameraViews(db, 'all');
		const viewsMs = Math.round(performance.now() - started);
		console.log(
			`Cameras: generated ${generated} in ${generateMs} ms; views and bands for ${computed} computed and stored in ${viewsMs} ms`
		);

		const app = await startApp(url);
		try {
			console.log(`Boundary tiles (municipalities, ${boundaries}), ${cpus().length} cores:`);
			const tiles = await benchBoundaryTiles(db, app.origin);
			for (const r of tiles) {
				console.log(formatTiming(`${r.zoom} via app (HTTP, ${r.tiles} tiles, ~${r.meanBytes} B)`, r.http));
				console.log(formatTiming(`${r.zoom} raw ST_AsMVT in PostGIS`, r.sql));
				console.log(formatTiming(`${r.zoom} revalidation (If-None-Match → 304)`, r.http304));
			}

			const auth = await benchAuth(db, app.origin);
			const a = auth.argon2;
			console.log(
				`\nSign-in and sessions (argon2id m=${a.memoryCost} KiB, t=${a.timeCost}, p=${a.parallelism}):`
			);
			console.log(formatTiming('argon2id hash', auth.hash));
			console.log(formatTiming('argon2id verify', auth.verify));
			console.log(formatTiming('authenticate() (throttle + lookup + verify)', auth.login));
			console.log(formatTiming('validateSessionToken() (one DB round trip)', auth.validateSession));
			console.log(formatTiming('z12 tile over HTTP, anonymous', auth.tileAnonymous));
			console.log(formatTiming('z12 tile over HTTP, with a session', auth.tileWithSession));

			const cameraTiles = await benchCameraTiles(db, app.origin);
			console.log(`\nCamera tiles (${generated} cameras, ministry scope):`);
			for (const r of cameraTiles) {
				const label = `${r.layer} z${r.zoom}`;
				console.log(formatTiming(`${label} via app (HTTP, ${r.tiles} tiles, ~${r.meanBytes} B)`, r.http));
				console.log(formatTiming(`${label} raw tile SQL in PostGIS`, r.sql));
			}

			started = performance.now();
			const incidentsAdded = await topUpIncidents(db, incidentCount);
			console.log(
				`\nIncidents for the hotspot analysis: ${incidentCount} (${incidentsAdded} synthetic ones generated in ${Math.round(performance.now() - started)} ms)`
			);
			const hotspots = await benchHotspots(db, app.origin);
			for (const g of hotspots.giStar) {
				console.log(
					formatTiming(
						`Gi* 250 m, ${g.area} (${g.cells} cells, ${g.incidents} incidents), from scratch`,
						g.compute
					)
				);
				console.log(formatTiming(`Gi* 250 m, ${g.area}, from the cache`, g.cached));
			}
			for (const r of hotspots.tiles) {
				console.log(
					formatTiming(`hotspot z${r.zoom} via app (HTTP, ${r.tiles} tiles, ~${r.meanBytes} B)`, r.http)
				);
				console.log(formatTiming(`hotspot z${r.zoom} raw tile SQL in PostGIS`, r.sql));
			}

			// After the hotspot bench: the 2025 rules' hotspot run needs the incidents in place.
			const ruleEvaluation = await benchRuleEvaluation(db, join(projectRoot, 'geodata'));
			console.log(formatRuleEvaluationBench(ruleEvaluation));
			const ruleCheck = await benchRuleCheck(db, app.origin);
			console.log(formatRuleCheckBench(ruleCheck));

			mkdirSync(join(projectRoot, 'bench-results'), { recursive: true });
			const out = join(projectRoot, 'bench-results', 'foundation.json');
			writeFileSync(
				out,
				JSON.stringify(
					{
						date: new Date().toISOString(),
						boundaries,
						tiles,
						auth,
						cameras: { generated, generateMs, computed, viewsMs },
						cameraImport,
						incidentImport,
						demoIncidents,
						cameraTiles,
						hotspots,
						ruleEvaluation,
						ruleCheck
					},
					null,
					2
				)
			);
			console.log(`\nWritten to ${out}`);
		} finally {
			await app.stop();
		}
	} finally {
		await db.destroy();
		destroyCluster(stateDir);
	}
}

main().catch((e) => {
	console.error(e instanceof Error ? (e.stack ?? e.message) : e);
	process.exit(1);
});
