// The camera import end to end: a deterministic CSV of N cameras spread over the country (seeded
// ST_GeneratePoints in each municipality, in proportion to its area; parameters from the row
// number), written to a temp file and imported as the operator would from the command line.
// The imported cameras are deleted again afterwards so that later benchmarks see the same data.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../src/lib/server/db/connect';
import { formatCameraImportReport, importCameraFile } from '../../src/lib/server/cameras/import';

export interface CameraImportBenchResult {
	rows: number;
	fileBytes: number;
	ms: number;
	rowsPerSecond: number;
	viewsComputed: number;
	/** Of ms, computing the views (the rest is reading, validating and inserting). */
	viewsMs: number;
	/** Rows per second without the view computation. */
	rowsPerSecondWithoutViews: number;
	/** The largest growth of the process's resident memory during the import. */
	peakRssGrowthMb: number;
}

async function points(db: Db, count: number, seed: number): Promise<{ lon: number; lat: number }[]> {
	const { rows } = await sql<{ lon: number; lat: number }>`
		WITH shares AS (
			SELECT code, geom,
				greatest(1, ceil(${count}::numeric * ST_Area(geom) / sum(ST_Area(geom)) OVER ()))::int AS n
			FROM municipalities
		), generated AS (
			SELECT s.code, (ST_Dump(ST_GeneratePoints(s.geom, s.n, ${seed}))).geom AS geom FROM shares s
		)
		SELECT round(ST_X(p)::numeric, 7)::float8 AS lon, round(ST_Y(p)::numeric, 7)::float8 AS lat
		FROM (SELECT ST_Transform(geom, 4326) AS p, code, geom FROM generated) g
		ORDER BY code, ST_X(geom), ST_Y(geom)
		LIMIT ${count}
	`.execute(db);
	return rows;
}

const HEADER =
	'name,kind,lon,lat,mountHeightM,azimuthDeg,tiltDeg,hfovDeg,resolutionPx,maxRangeM,panMinDeg,panMaxDeg,' +
	'ownerType,operatorName,contactEmail,purpose,legalBasis,signage,retentionDays,proposedOn';
const OWNERS = ['municipality', 'police', 'public_authority', 'housing_organisation', 'business', 'private'];
const BASES = ['§ 2 a', '§ 2 c', '§ 2 d', '§ 2 stk. 2', '§ 2 stk. 1 nr. 3'];

function csvRow(i: number, at: { lon: number; lat: number }): string {
	const kind = i % 10 === 0 ? 'dome' : i % 10 === 5 ? 'ptz' : 'fixed';
	const azimuth = (i * 37) % 360;
	return [
		`Bench import ${i}`,
		kind,
		at.lon,
		at.lat,
		3 + (i % 7),
		kind === 'dome' ? '' : azimuth,
		5 + (i % 30),
		kind === 'dome' ? '' : 30 + (i % 7) * 12,
		[1280, 1920, 2688, 3840][i % 4],
		40 + (i % 9) * 15,
		kind === 'ptz' ? (azimuth + 315) % 360 : '',
		kind === 'ptz' ? (azimuth + 45) % 360 : '',
		OWNERS[i % 6],
		`Operatør ${i % 500}`,
		`kontakt${i % 500}@example.dk`,
		'"Tryghed, bench"',
		BASES[i % 5],
		i % 3 !== 0,
		[7, 14, 30, 30, 30][i % 5],
		`2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`
	].join(',');
}

/** Times the import of `rows` generated cameras (municipalities must be loaded); rows per second. */
export async function benchCameraImport(db: Db, rows: number, seed = 2026): Promise<CameraImportBenchResult> {
	const dir = mkdtempSync(join(tmpdir(), 'tryghedskort-bench-import-'));
	const path = join(dir, `cameras-${rows}.csv`);
	try {
		const at = await points(db, rows, seed);
		writeFileSync(path, [HEADER, ...at.map((p, i) => csvRow(i + 1, p))].join('\r\n') + '\r\n');

		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
		const started = performance.now();
		const result = await importCameraFile(db, path, {
			actor: { userId: null, label: 'cli:bench', clientAddress: null }
		});
		const ms = performance.now() - started;
		clearInterval(sampler);
		if (!result.ok) throw new Error(`The benchmark file was refused:\n${formatCameraImportReport(result)}`);

		await sql`
			DELETE FROM cameras WHERE id IN (
				SELECT object_id::uuid FROM audit_log
				WHERE action = 'camera.import' AND after ->> 'importId' = ${result.importId}
			)
		`.execute(db);
		return {
			rows: result.imported,
			fileBytes: statSync(path).size,
			ms: Math.round(ms),
			rowsPerSecond: Math.round((result.imported / ms) * 1000),
			viewsComputed: result.viewsComputed,
			viewsMs: result.viewsMs,
			rowsPerSecondWithoutViews: Math.round((result.imported / (ms - result.viewsMs)) * 1000),
			peakRssGrowthMb: Math.round(((peak - baseline) / 1024 ** 2) * 10) / 10
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
