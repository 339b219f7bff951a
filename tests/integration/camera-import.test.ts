import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditActor } from '../../src/lib/server/audit/service';
import { can } from '../../src/lib/server/auth/policy';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import { camerasCsv, camerasGeoJson } from '../../src/lib/server/cameras/export';
import {
	cameraImportTemplate,
	formatCameraImportReport,
	importCameraFile,
	importCameras,
	type CameraImportOptions,
	type CameraImportRefusal,
	type CameraImportResult,
	type CameraImportSuccess
} from '../../src/lib/server/cameras/import';
import { createUser } from '../../src/lib/server/users/service';
import { testDb } from './db';
import { danishToday } from '../../src/lib/dates';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'cameras');
const operator: AuditActor = { userId: null, label: 'cli:tester', clientAddress: null };

const HEADER =
	'name,kind,lon,lat,mountHeightM,azimuthDeg,tiltDeg,hfovDeg,resolutionPx,maxRangeM,ownerType,operatorName,purpose,legalBasis,retentionDays';
const KØBENHAVN_ROW = 'Torvet,fixed,12.600,55.656,5,90,15,80,1920,50,municipality,Kommunen,Tryghed,§ 2 a,30';
const AALBORG_ROW = 'Havnen,fixed,10.041,57.110,5,90,15,80,1920,50,municipality,Kommunen,Tryghed,§ 2 a,30';

async function* bytes(text: string | Uint8Array, chunk = 7): AsyncGenerator<Uint8Array> {
	const data = typeof text === 'string' ? new TextEncoder().encode(text) : text;
	// Small chunks, so that every parser state has to survive a chunk boundary.
	for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
}

function importText(text: string | Uint8Array, options: Partial<CameraImportOptions> = {}) {
	return importCameras(testDb(), bytes(text), { name: 'upload.csv', actor: operator, ...options });
}

function importFixture(file: string, options: Partial<CameraImportOptions> = {}) {
	return importCameraFile(testDb(), join(FIXTURES, file), { actor: operator, ...options });
}

function succeeded(result: CameraImportResult): CameraImportSuccess {
	if (!result.ok) throw new Error(`refused:\n${formatCameraImportReport(result)}`);
	return result;
}

function refused(result: CameraImportResult): CameraImportRefusal {
	if (result.ok) throw new Error(`imported ${result.imported} cameras, expected a refusal`);
	return result;
}

/** The errors as `row field key`, for compact assertions. */
const summary = (r: CameraImportRefusal) => r.errors.map((e) => `${e.row} ${e.field} ${e.key}`);

async function counts() {
	const one = async (table: 'cameras' | 'camera_views' | 'audit_log') =>
		(
			await testDb()
				.selectFrom(table)
				.select(testDb().fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow()
		).n;
	return { cameras: await one('cameras'), views: await one('camera_views'), audit: await one('audit_log') };
}

async function stored() {
	const { rows } = await sql<{
		id: string;
		name: string;
		municipality_code: number;
		easting: number;
		northing: number;
		kind: string;
		hfov_deg: number;
		mount_height_m: number;
		status: string;
		signage: boolean;
		purpose: string;
		mask_parts: number;
		proposed_on: string;
		active_from: string | null;
		created_by: string | null;
	}>`
		SELECT id, name, municipality_code, ST_X(geom) AS easting, ST_Y(geom) AS northing, kind, hfov_deg,
			mount_height_m, status, signage, purpose, coalesce(ST_NumGeometries(privacy_masks), 0) AS mask_parts,
			to_char(proposed_on, 'YYYY-MM-DD') AS proposed_on, to_char(active_from, 'YYYY-MM-DD') AS active_from,
			created_by
		FROM cameras ORDER BY name
	`.execute(testDb());
	return rows;
}

async function plannerOf(municipalityCode: number): Promise<SessionUser> {
	const input = {
		email: `planner.${municipalityCode}@test.dk`,
		name: `Planner ${municipalityCode}`,
		role: 'planner' as const,
		municipalityCode,
		policeDistrict: null
	};
	const id = await createUser(testDb(), operator, input, 'password-0123456789');
	return { id, ...input, isDemo: false };
}

function asPlanner(planner: SessionUser): Partial<CameraImportOptions> {
	return {
		actor: { userId: planner.id, label: planner.email, clientAddress: '192.0.2.1' },
		authorize: (action, resource) => can(planner, action, resource)
	};
}

beforeEach(async () => {
	await loadDemoBoundaries(testDb());
});

describe('camera import, CSV', () => {
	it('imports every row of a good file with municipalities from the positions and views computed', async () => {
		const result = succeeded(await importFixture('good.csv'));
		expect(result).toMatchObject({ format: 'csv', rows: 4, imported: 4, viewsComputed: 4 });
		expect(result.municipalities).toEqual([
			{ code: 101, name: 'København', cameras: 2 },
			{ code: 851, name: 'Aalborg', cameras: 2 }
		]);

		const cameras = await stored();
		const byName = Object.fromEntries(cameras.map((c) => [c.name, c]));
		expect(byName['Amagerbrogade ved metroen']).toMatchObject({
			municipality_code: 101,
			kind: 'fixed',
			status: 'proposed',
			signage: true,
			purpose: 'Tryghed, nattelivet og "sikker skolevej"',
			proposed_on: '2026-01-05'
		});
		// A dome without direction and field of view covers the full circle; yes is a yes.
		expect(byName['Sundbyøster Plads']).toMatchObject({ hfov_deg: 360, signage: true, mask_parts: 1 });
		expect(byName['Sundbyøster Plads'].proposed_on).toBe(danishToday());
		// The field of view from the lens: 2·atan(6.4 / (2·4.8)) = 67.38°.
		expect(byName['Aalborg Banegård']).toMatchObject({ municipality_code: 851, kind: 'ptz', signage: false });
		expect(byName['Aalborg Banegård'].hfov_deg).toBeCloseTo(67.38, 2);
		expect(byName['Jomfru Ane Gade']).toMatchObject({ municipality_code: 851, mount_height_m: 4.5 });

		const bands = await sql<{ cameras: number }>`
			SELECT count(DISTINCT camera_id)::int AS cameras FROM camera_view_bands
		`.execute(testDb());
		expect(bands.rows[0].cameras).toBe(4);
		expect(await counts()).toEqual({ cameras: 4, views: 4, audit: 5 });
	});

	it('writes one audit row per camera and one for the import, all by the operator', async () => {
		const result = succeeded(await importFixture('good.csv'));
		const audit = await testDb().selectFrom('audit_log').selectAll().orderBy('id').execute();
		const perCamera = audit.filter((a) => a.action === 'camera.import');
		expect(perCamera).toHaveLength(4);
		const ids = (await stored()).map((c) => c.id).sort();
		expect(perCamera.map((a) => a.object_id).sort()).toEqual(ids);
		for (const a of perCamera) {
			expect(a.actor_label).toBe('cli:tester');
			expect(a.after).toMatchObject({ importId: result.importId, status: 'proposed' });
			expect([101, 851]).toContain(a.municipality_code);
		}
		const importRow = audit.find((a) => a.action === 'cameras.import')!;
		expect(importRow).toMatchObject({ object_type: 'camera-import', object_id: result.importId });
		expect(importRow.after).toMatchObject({ file: 'good.csv', format: 'csv', cameras: 4 });
		// Across two municipalities: the summary belongs to neither.
		expect(importRow.municipality_code).toBeNull();
	});

	it('writes nothing when one row is bad, and names every bad row and field', async () => {
		const result = refused(await importFixture('bad.csv'));
		expect(result).toMatchObject({ rows: 6, badRows: 4, errorCount: 4, forbidden: false });
		expect(summary(result)).toEqual([
			'3 operatorName cameras.error.required',
			'4 retentionDays cameras.error.range',
			'5 lon, lat cameras.error.outside',
			'6 lon, lat import.error.looksMetres'
		]);
		expect(result.errors[1].message).toBe('Must be between 0 and 3650.');
		expect(await counts()).toEqual({ cameras: 0, views: 0, audit: 0 });
	});

	it('rolls back rows already inserted in earlier batches when a later row is bad', async () => {
		const result = refused(await importFixture('bad.csv', { batchSize: 1 }));
		expect(result.badRows).toBe(4);
		expect(await counts()).toEqual({ cameras: 0, views: 0, audit: 0 });
		// The same file without its bad rows goes in, in batches of one.
		const good = [HEADER, KØBENHAVN_ROW, AALBORG_ROW, KØBENHAVN_ROW].join('\n');
		expect(succeeded(await importText(good, { batchSize: 1 })).imported).toBe(3);
	});

	it('reads easting/northing in EPSG:25832, semicolons, decimal commas and snake_case headers', async () => {
		const result = succeeded(await importFixture('good-25832.csv'));
		expect(result.imported).toBe(3);
		const byName = Object.fromEntries((await stored()).map((c) => [c.name, c]));
		expect(byName['Amager Strandvej']).toMatchObject({ municipality_code: 101, mount_height_m: 5.5 });
		expect(byName['Amager Strandvej'].easting).toBeCloseTo(726460.2, 2);
		expect(byName['Amager Strandvej'].northing).toBeCloseTo(6173671.73, 2);
		expect(byName['Amager Strandvej'].hfov_deg).toBe(82.5);
		expect(byName['Holmbladsgade'].signage).toBe(false);
		expect(byName['Vesterbro Aalborg']).toMatchObject({ municipality_code: 851, signage: true });
	});

	it('reads easting/northing in EPSG:25833 when told so (Bornholm)', async () => {
		const csv = [
			'name,kind,easting,northing,mountHeightM,azimuthDeg,tiltDeg,hfovDeg,resolutionPx,maxRangeM,ownerType,operatorName,purpose,legalBasis,retentionDays',
			'Rønne Havn,fixed,480219.14,6105963.30,5,90,15,80,1920,50,municipality,Bornholms Regionskommune,Tryghed,§ 2 a,30'
		].join('\r\n');
		const result = succeeded(await importText(csv, { srs: 'EPSG:25833' }));
		expect(result.municipalities).toEqual([{ code: 400, name: 'Bornholm', cameras: 1 }]);
		const [camera] = await stored();
		expect(camera.easting).toBeCloseTo(862868.61, 1);
		expect(camera.northing).toBeCloseTo(6120717.18, 1);

		const degrees = csv.replace('480219.14,6105963.30', '14.69,55.10');
		expect(summary(refused(await importText(degrees, { srs: 'EPSG:25833' })))).toEqual([
			'2 easting, northing import.error.looksDegrees'
		]);
	});

	it('reads the template it offers for download', async () => {
		const header = cameraImportTemplate().trimEnd().split(',');
		const values: Record<string, string> = {
			name: 'Fra skabelonen',
			kind: 'dome',
			lon: '12.6',
			lat: '55.656',
			mountHeightM: '4',
			tiltDeg: '20',
			resolutionPx: '1920',
			maxRangeM: '30',
			ownerType: 'municipality',
			operatorName: 'Kommunen',
			purpose: 'Tryghed',
			legalBasis: '§ 2 a',
			retentionDays: '30'
		};
		const csv = `\uFEFF${header.join(',')}\r\n${header.map((c) => values[c] ?? '').join(',')}\r\n`;
		expect(succeeded(await importText(csv)).imported).toBe(1);
	});

	it('refuses a file whose header is wrong, once per column rather than once per row', async () => {
		const csv = [
			'name,kind,lon,lat,mountHeightM,azimuthDeg,tiltDeg,hfovDeg,resolutionPx,maxRange,ownerType,operatorName,purpose,legalBasis',
			'Torvet,fixed,12.600,55.656,5,90,15,80,1920,50,municipality,Kommunen,Tryghed,§ 2 a',
			'Torvet 2,fixed,12.601,55.657,5,90,15,80,1920,50,municipality,Kommunen,Tryghed,§ 2 a'
		].join('\n');
		const result = refused(await importText(csv));
		expect(summary(result)).toEqual([
			'1 maxRange import.error.unknownColumn',
			'1 maxRangeM import.error.missingColumn',
			'1 retentionDays import.error.missingColumn'
		]);
		expect(await counts()).toEqual({ cameras: 0, views: 0, audit: 0 });
	});

	it('refuses text that is not UTF-8, an unclosed quote, an empty file and a header alone', async () => {
		const latin1 = Uint8Array.from([
			...new TextEncoder().encode(`${HEADER}\n`),
			0x4b,
			0xf8,
			0x67,
			0x65,
			0x0a
		]);
		expect(summary(refused(await importText(latin1)))).toEqual(['null file import.error.encoding']);
		const unclosed = `${HEADER}\n"Torvet,fixed,12.6,55.656\n`;
		expect(summary(refused(await importText(unclosed)))).toEqual(['2 file import.error.unclosedQuote']);
		expect(summary(refused(await importText('  \n')))).toEqual(['null file import.error.empty']);
		expect(summary(refused(await importText(`${HEADER}\n\n`)))).toEqual(['null file camimport.error.noRows']);
	});

	it('reports an unknown status, a missing status date, dates out of order and a taken id', async () => {
		const header = `id,status,approvedOn,activeFrom,decommissionedOn,proposedOn,${HEADER}`;
		const id = '0b6f4a8e-3c1d-4e55-9a7b-2f0e8d6c5b41';
		const csv = [
			header,
			`${id},active,2025-02-01,2025-03-01,,2025-01-01,${KØBENHAVN_ROW}`,
			`,running,,,,,${KØBENHAVN_ROW}`,
			`,active,2025-02-01,,,,${KØBENHAVN_ROW}`,
			`,approved,2025-02-01,2025-03-01,,,${KØBENHAVN_ROW}`,
			`,decommissioned,2025-02-01,2025-01-15,2099-01-01,2025-01-20,${KØBENHAVN_ROW}`,
			`${id},,,,,,${KØBENHAVN_ROW}`,
			`not-a-uuid,,,,,,${KØBENHAVN_ROW}`
		].join('\n');
		const result = refused(await importText(csv));
		expect(summary(result)).toEqual([
			'3 status cameras.error.choice',
			'4 activeFrom cameras.error.required',
			'5 activeFrom camimport.error.dateAfterStatus',
			'6 activeFrom cameras.error.dateOrder',
			'6 decommissionedOn cameras.error.dateFuture',
			'7 id camimport.error.idDuplicate',
			'8 id camimport.error.id'
		]);

		// The first row alone goes in with its id, status and dates; again, its id is taken.
		succeeded(await importText([header, csv.split('\n')[1]].join('\n')));
		const [camera] = await stored();
		expect(camera).toMatchObject({
			id,
			status: 'active',
			active_from: '2025-03-01',
			proposed_on: '2025-01-01'
		});
		expect(summary(refused(await importText([header, csv.split('\n')[1]].join('\n'))))).toEqual([
			'2 id camimport.error.idTaken'
		]);
	});

	it('refuses privacy masks that PostGIS finds invalid', async () => {
		const bowtie = JSON.stringify({
			type: 'Polygon',
			coordinates: [
				[
					[12.6, 55.656],
					[12.601, 55.657],
					[12.601, 55.656],
					[12.6, 55.657],
					[12.6, 55.656]
				]
			]
		});
		const csv = `${HEADER},privacyMasks\n${KØBENHAVN_ROW},"${bowtie.replaceAll('"', '""')}"\n`;
		expect(summary(refused(await importText(csv)))).toEqual(['2 privacyMasks cameras.error.masksInvalid']);
		expect(await counts()).toEqual({ cameras: 0, views: 0, audit: 0 });
	});
});

describe('camera import, GeoJSON', () => {
	it('imports Point features in CRS84, with privacy masks as GeoJSON objects', async () => {
		const result = succeeded(await importFixture('good.geojson'));
		expect(result).toMatchObject({ format: 'geojson', crs: 'CRS84', imported: 3, viewsComputed: 3 });
		const byName = Object.fromEntries((await stored()).map((c) => [c.name, c]));
		expect(byName['Sundbyøster Plads']).toMatchObject({ municipality_code: 101, mask_parts: 1 });
		expect(byName['Aalborg Banegård'].municipality_code).toBe(851);
	});

	it('reads the CRS from the crs member (EPSG:25832)', async () => {
		const result = succeeded(await importFixture('good-25832.geojson'));
		expect(result).toMatchObject({ crs: 'EPSG:25832', imported: 2 });
		const byName = Object.fromEntries((await stored()).map((c) => [c.name, c]));
		expect(byName['Amager Strandvej'].easting).toBeCloseTo(726460.2, 2);
		expect(byName['Vesterbro Aalborg'].municipality_code).toBe(851);
	});

	it('writes nothing when one feature is bad, and names every bad feature and field', async () => {
		const result = refused(await importFixture('bad.geojson'));
		expect(result).toMatchObject({ format: 'geojson', rows: 4, badRows: 3 });
		expect(summary(result)).toEqual([
			'2 geometry import.error.looksDegrees',
			'3 kind cameras.error.required',
			'3 retentionDays cameras.error.range',
			'4 geometry cameras.error.outside'
		]);
		expect(await counts()).toEqual({ cameras: 0, views: 0, audit: 0 });
	});

	it('catches metres in a file without crs, and takes the CRS from the option instead', async () => {
		expect(summary(refused(await importFixture('wrong-crs.geojson')))).toEqual([
			'1 geometry import.error.looksMetres'
		]);
		expect(succeeded(await importFixture('wrong-crs.geojson', { srs: 'EPSG:25832' })).imported).toBe(1);
	});

	it('refuses what is not a FeatureCollection of Points', async () => {
		const feature = (geometry: unknown, properties: unknown = {}) =>
			JSON.stringify({ type: 'Feature', geometry, properties });
		const name = 'upload.geojson';
		expect(summary(refused(await importText('{"type":"Feature","geometry":null}', { name })))).toEqual([
			'null file import.error.notFeatureCollection'
		]);
		expect(summary(refused(await importText('{"type":"FeatureCollection","features":[{', { name })))).toEqual(
			['null file import.error.geojson']
		);
		const line = feature(
			{
				type: 'LineString',
				coordinates: [
					[12.6, 55.656],
					[12.61, 55.66]
				]
			},
			{ fid: 7 }
		);
		const result = refused(
			await importText(`{"type":"FeatureCollection","features":[${line}]}`, { name, format: 'geojson' })
		);
		expect(summary(result).slice(0, 2)).toEqual([
			'1 fid import.error.unknownColumn',
			'1 geometry import.error.point'
		]);
		expect(
			summary(refused(await importText('{"type":"FeatureCollection","features":[]}', { name })))
		).toEqual(['null file camimport.error.noRows']);
	});

	it('refuses a crs member that comes after features read in another CRS', async () => {
		const text = await (
			await import('node:fs/promises')
		).readFile(join(FIXTURES, 'good-25832.geojson'), 'utf8');
		const parsed = JSON.parse(text);
		const late = JSON.stringify({ type: parsed.type, features: parsed.features, crs: parsed.crs });
		expect(summary(refused(await importText(late, { name: 'late.geojson' })))).toContain(
			'null file import.error.crsLate'
		);
		expect(await counts()).toEqual({ cameras: 0, views: 0, audit: 0 });
	});
});

describe('camera import by a planner', () => {
	it('refuses rows outside the planner’s municipality, naming them', async () => {
		const planner = await plannerOf(101);
		const before = await counts();
		const result = refused(await importFixture('good.csv', asPlanner(planner)));
		expect(result.forbidden).toBe(true);
		expect(summary(result)).toEqual([
			'4 lon, lat cameras.error.notOwnMunicipality',
			'5 lon, lat cameras.error.notOwnMunicipality'
		]);
		expect(result.errors[0].message).toContain('Aalborg');
		expect(await counts()).toEqual(before);
	});

	it('imports the planner’s own cameras as proposals, recorded as the planner', async () => {
		const planner = await plannerOf(101);
		const csv = [HEADER, KØBENHAVN_ROW, KØBENHAVN_ROW.replace('Torvet', 'Torvet 2')].join('\n');
		const result = succeeded(await importText(csv, asPlanner(planner)));
		expect(result.municipalities).toEqual([{ code: 101, name: 'København', cameras: 2 }]);
		for (const c of await stored()) expect(c).toMatchObject({ status: 'proposed', created_by: planner.id });
		const importRow = await testDb()
			.selectFrom('audit_log')
			.selectAll()
			.where('action', '=', 'cameras.import')
			.executeTakeFirstOrThrow();
		expect(importRow).toMatchObject({
			actor_id: planner.id,
			actor_label: planner.email,
			municipality_code: 101,
			client_address: '192.0.2.1'
		});
	});

	it('refuses a status other than proposed: the police review comes first', async () => {
		const planner = await plannerOf(101);
		const csv = [
			`status,activeFrom,approvedOn,${HEADER}`,
			`active,2025-03-01,2025-02-01,${KØBENHAVN_ROW}`
		].join('\n');
		const result = refused(await importText(csv, asPlanner(planner)));
		expect(result.forbidden).toBe(true);
		expect(summary(result)).toEqual(['2 status camimport.error.statusNotAllowed']);
	});
});

describe('export and import again', () => {
	async function download(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
		return new Uint8Array(await new Response(stream).arrayBuffer());
	}

	async function snapshot() {
		const { rows } = await sql<{ e: number; n: number; mask_area: number | null }>`
			SELECT id, name, municipality_code, ST_X(geom) AS e, ST_Y(geom) AS n, kind, mount_height_m, azimuth_deg,
				tilt_deg, hfov_deg, focal_length_mm, sensor_width_mm, resolution_px, max_range_m, pan_min_deg,
				pan_max_deg, owner_type, operator_name, contact_email, contact_phone, purpose, legal_basis, signage,
				retention_days, ST_Area(privacy_masks) AS mask_area, status, proposed_on, approved_on, active_from,
				decommissioned_on, police_registered_on
			FROM cameras ORDER BY id
		`.execute(testDb());
		return rows;
	}

	/** Equal but for the position (within 5 mm: lon/lat with 8 decimals) and the masks' area. */
	function expectSame(after: Awaited<ReturnType<typeof snapshot>>, before: typeof after) {
		const rest = (rows: typeof after) => rows.map(({ e: _e, n: _n, mask_area: _a, ...r }) => r);
		expect(rest(after)).toEqual(rest(before));
		after.forEach((a, i) => {
			expect(Math.hypot(a.e - before[i].e, a.n - before[i].n)).toBeLessThan(0.005);
			expect(a.mask_area ?? 0).toBeCloseTo(before[i].mask_area ?? 0, 2);
		});
	}

	async function roundTrip(format: 'csv' | 'geojson') {
		succeeded(await importFixture('good.csv'));
		succeeded(await importFixture('good-25832.csv'));
		// A name a spreadsheet would run as a formula, and a camera further along its life cycle.
		await sql`UPDATE cameras SET name = '=Torvet' WHERE name = 'Holmbladsgade'`.execute(testDb());
		await sql`
			UPDATE cameras SET status = 'active', approved_on = '2026-01-10', active_from = '2026-01-20'
			WHERE name = 'Amagerbrogade ved metroen'
		`.execute(testDb());
		const before = await snapshot();
		const filter = { scope: { kind: 'all' as const } };
		const file = await download(
			format === 'csv' ? camerasCsv(testDb(), filter, 3) : camerasGeoJson(testDb(), filter, 3)
		);
		await sql`DELETE FROM cameras`.execute(testDb());

		const result = succeeded(
			await importCameras(testDb(), bytes(file, 4096), { name: `eksport.${format}`, actor: operator })
		);
		expect(result.imported).toBe(7);
		expectSame(await snapshot(), before);
	}

	it('re-imports a CSV export as it was: ids, positions, status, dates, masks', async () => {
		await roundTrip('csv');
	});

	it('re-imports a GeoJSON export as it was', async () => {
		await roundTrip('geojson');
	});
});
