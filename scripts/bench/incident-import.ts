// The incident import end to end, as an operator runs it: a deterministic CSV of N incidents
// (points from seeded ST_GeneratePoints in every municipality in proportion to its area, in an
// order that mixes municipalities as a time-ordered police export does; one row in a hundred
// repeats an earlier reference), streamed to a temp file and imported by `npm run import --
// incidents` in a child process, whose peak resident memory (VmHWM) is read from /proc while it
// runs. The imported incidents are deleted again so that later benchmarks see the same data.
//
// Alone: node --import tsx scripts/bench/incident-import.ts [ROWS] (a throwaway cluster with the
// DAGI boundaries when ../shared/geodata/dagi exists, else the demo ones).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { createDb, type Db } from '../../src/lib/server/db/connect';
import { projectRoot } from '../lib/database';

export interface IncidentImportBenchResult {
	rows: number;
	fileBytes: number;
	/** Generating the points and writing the file. */
	generateMs: number;
	imported: number;
	duplicates: number;
	/** The import as it reports itself: reading, checking, inserting, committing. */
	importMs: number;
	rowsPerSecond: number;
	/** The child process from spawn to exit, including Node start-up and the migration check. */
	processMs: number;
	/** The import process's peak resident set size (VmHWM). */
	peakRssMb: number;
	/** Municipalities the incidents landed in. */
	municipalities: number;
}

const CATEGORIES = [
	'theft',
	'violence',
	'burglary',
	'vandalism',
	'public_order',
	'drugs',
	'robbery',
	'other'
];
/** Every tenth row names its category as people write it, in Danish or English. */
const NAMES = ['Tyveri', 'Violence', 'Indbrud', 'Hærværk', 'Public order', 'Narkotika', 'Røveri', 'Andet'];
const PERIOD_MINUTES = 3 * 365 * 24 * 60;
const SOURCE = 'bench: incident import';

const pad = (n: number) => String(n).padStart(2, '0');

/** Local (Danish) time without an offset, spread over 2023–2025 by a multiplicative hash of i. */
function occurredAt(i: number): string {
	const minute = (i * 7919) % PERIOD_MINUTES;
	const t = new Date(Date.UTC(2023, 0, 1) + minute * 60_000);
	return (
		`${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` +
		`T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`
	);
}

function csvRow(i: number, lon: number, lat: number): string {
	// One row in a hundred repeats the reference of the row 50 before: a duplicate, skipped.
	const ref = i % 100 === 0 && i > 50 ? i - 50 : i;
	const c = (i * 31) % CATEGORIES.length;
	return `BENCH-${ref},${occurredAt(i)},${i % 10 === 3 ? NAMES[c] : CATEGORIES[c]},${lon},${lat}`;
}

/** Writes the benchmark file; points come from the database in pages, so memory stays flat. */
export async function writeCsv(db: Db, path: string, rows: number, seed: number): Promise<void> {
	await sql`DROP TABLE IF EXISTS bench_incident_points`.execute(db);
	// Points at least a metre inside their municipality, so that rounding to 6 decimals (0.1 m)
	// never moves one into the sea: the file has no bad row.
	await sql`
		CREATE UNLOGGED TABLE bench_incident_points AS
		WITH shares AS (
			SELECT code, ST_Buffer(geom, -1) AS geom,
				greatest(1, ceil(${rows}::numeric * ST_Area(geom) / sum(ST_Area(geom)) OVER ()))::int AS n
			FROM municipalities
		), generated AS (
			SELECT s.code, d.path[1] AS k, ST_Transform(d.geom, 4326) AS p
			FROM shares s, ST_Dump(ST_GeneratePoints(s.geom, s.n, ${seed})) d
		)
		SELECT row_number() OVER (ORDER BY hashtext(code || ':' || k), code, k)::int AS i,
			round(ST_X(p)::numeric, 6)::float8 AS lon, round(ST_Y(p)::numeric, 6)::float8 AS lat
		FROM generated
	`.execute(db);
	const { rows: made } = await sql<{
		n: number;
	}>`SELECT count(*)::int AS n FROM bench_incident_points`.execute(db);
	if (made[0].n < rows)
		throw new Error(`Only ${made[0].n} of ${rows} benchmark points lie inside a municipality`);
	await sql`CREATE UNIQUE INDEX ON bench_incident_points (i)`.execute(db);
	const out = createWriteStream(path);
	try {
		out.write('sourceRef,occurredAt,category,lon,lat\r\n');
		const page = 50_000;
		for (let from = 1; from <= rows; from += page) {
			const { rows: points } = await sql<{ i: number; lon: number; lat: number }>`
				SELECT i, lon, lat FROM bench_incident_points
				WHERE i >= ${from} AND i < ${Math.min(from + page, rows + 1)} ORDER BY i
			`.execute(db);
			const text = points.map((p) => csvRow(p.i, p.lon, p.lat)).join('\r\n') + '\r\n';
			if (!out.write(text)) await once(out, 'drain');
		}
	} finally {
		out.end();
		await once(out, 'close');
		await sql`DROP TABLE bench_incident_points`.execute(db);
	}
}

/** Peak resident memory of a running process in kB (Linux), or null once it has gone. */
function vmHwmKb(pid: number): number | null {
	try {
		const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) : null;
	} catch {
		return null;
	}
}

/** Runs `npm run import -- incidents FILE` as a child process; its output, time and peak memory. */
async function runImportCli(databaseUrl: string, path: string) {
	const started = performance.now();
	const child = spawn(
		process.execPath,
		[
			'--import',
			'tsx',
			join(projectRoot, 'scripts', 'cli', 'import.ts'),
			'incidents',
			path,
			'--source',
			SOURCE
		],
		{
			cwd: projectRoot,
			env: { ...process.env, DATABASE_URL: databaseUrl },
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
	child.stderr.on('data', (d: Buffer) => {
		stderr += d.toString();
		process.stderr.write(d);
	});
	let peakKb = 0;
	const sample = () => (peakKb = Math.max(peakKb, vmHwmKb(child.pid!) ?? 0));
	const sampler = setInterval(sample, 50);
	const [code] = (await once(child, 'exit')) as [number | null];
	clearInterval(sampler);
	return { code, stdout, stderr, ms: performance.now() - started, peakKb };
}

/** Times the import of `rows` generated incidents (municipalities must be loaded). */
export async function benchIncidentImport(
	db: Db,
	databaseUrl: string,
	rows: number,
	seed = 2026
): Promise<IncidentImportBenchResult> {
	if (!existsSync('/proc/self/status')) throw new Error('The incident import benchmark reads /proc (Linux).');
	const dir = mkdtempSync(join(tmpdir(), 'tryghedskort-bench-incidents-'));
	const path = join(dir, `incidents-${rows}.csv`);
	try {
		let started = performance.now();
		await writeCsv(db, path, rows, seed);
		const generateMs = Math.round(performance.now() - started);

		const run = await runImportCli(databaseUrl, path);
		if (run.code !== 0)
			throw new Error(`The incident import exited with ${run.code}:\n${run.stdout}\n${run.stderr}`);
		const m =
			/^Imported (\d+) of (\d+) incidents? \([^)]*\) in ([\d.]+) s; (\d+) duplicates? skipped\. Import ([0-9a-f-]{36})\./.exec(
				run.stdout
			);
		if (!m) throw new Error(`Unexpected output of the incident import:\n${run.stdout}`);
		const [imported, read, seconds, duplicates] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
		if (read !== rows) throw new Error(`The import read ${read} rows of ${rows}`);
		const municipalities = run.stdout.split('\n').filter((l) => /^\s+\d+ .+: \d+$/.test(l)).length;

		started = performance.now();
		await sql`DELETE FROM incidents WHERE import_id = ${m[5]}::uuid`.execute(db);
		const importMs = Math.round(seconds * 1000);
		return {
			rows,
			fileBytes: statSync(path).size,
			generateMs,
			imported,
			duplicates,
			importMs,
			rowsPerSecond: Math.round(rows / seconds),
			processMs: Math.round(run.ms),
			peakRssMb: Math.round((run.peakKb / 1024) * 10) / 10,
			municipalities
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

export function formatIncidentImportBench(r: IncidentImportBenchResult): string {
	return (
		`Incident CSV import (CLI process): ${r.rows} rows (${Math.round(r.fileBytes / 1024 ** 2)} MiB, generated in ${r.generateMs} ms) ` +
		`imported in ${r.importMs} ms = ${r.rowsPerSecond} rows/s (${r.imported} stored in ${r.municipalities} municipalities, ` +
		`${r.duplicates} duplicates skipped; process ${r.processMs} ms), peak RSS of the import process ${r.peakRssMb} MB`
	);
}

async function standalone() {
	const { migrateToLatest } = await import('../../src/lib/server/db/migrations');
	const { fileMigrationProvider } = await import('../lib/database');
	const { connectionString, destroyCluster, startCluster } = await import('../lib/postgis-cluster');
	const { importBoundaries } = await import('../../src/lib/server/boundaries/geojson-import');
	const { loadDemoBoundaries } = await import('../../src/lib/server/boundaries/demo');
	const rows = Number(process.argv[2] ?? process.env.BENCH_INCIDENTS ?? 1_000_000);
	const stateDir = mkdtempSync(join(tmpdir(), 'tryghedskort-bench-'));
	const state = await startCluster({ stateDir, database: 'bench', throwaway: true, log: () => {} });
	const url = connectionString(state);
	const db = createDb(url, 2);
	try {
		await migrateToLatest(db, fileMigrationProvider());
		const dagi = join(projectRoot, '..', 'shared', 'geodata', 'dagi');
		if (existsSync(join(dagi, 'kommuner.geojson'))) {
			await importBoundaries(db, 'regions', { path: join(dagi, 'regioner.geojson') });
			await importBoundaries(db, 'police-districts', { path: join(dagi, 'politikredse.geojson') });
			await importBoundaries(db, 'municipalities', { path: join(dagi, 'kommuner.geojson') });
			console.log('Boundaries: DAGI (real files)');
		} else {
			await loadDemoBoundaries(db);
			console.log('Boundaries: demo (generated)');
		}
		console.log(formatIncidentImportBench(await benchIncidentImport(db, url, rows)));
	} finally {
		await db.destroy();
		destroyCluster(stateDir);
	}
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
	standalone().catch((e) => {
		console.error(e instanceof Error ? (e.stack ?? e.message) : e);
		process.exit(1);
	});
}
