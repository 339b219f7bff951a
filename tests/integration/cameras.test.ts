import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditActor } from '../../src/lib/server/audit/service';
import { can, cameraReadScope, type Action } from '../../src/lib/server/auth/policy';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import {
	CameraForbiddenError,
	cameraResource,
	cameraViewSummary,
	createCamera,
	decommissionCamera,
	getCamera,
	listCameras,
	moveCamera,
	setStatus,
	updateCamera
} from '../../src/lib/server/cameras/service';
import { CameraInputError, newCameraSchema, type NewCamera } from '../../src/lib/server/cameras/validation';
import type { CameraStatus } from '../../src/lib/server/db/schema';
import { testDb } from './db';

const actor: AuditActor = { userId: null, label: 'planner@test.dk', clientAddress: '192.0.2.9' };

// Interior points of the demo boundaries (geodata/municipalities.csv).
const KOBENHAVN = { lon: 12.602, lat: 55.657 };
const FREDERIKSBERG = { lon: 12.526, lat: 55.682 };
const AALBORG = { lon: 10.039, lat: 57.109 };
const MALMO = { lon: 13.0, lat: 55.6 };

function form(at = KOBENHAVN, overrides: Record<string, string> = {}): Record<string, string> {
	return {
		name: 'Test camera',
		lon: String(at.lon),
		lat: String(at.lat),
		kind: 'fixed',
		mountHeightM: '5',
		azimuthDeg: '90',
		tiltDeg: '20',
		hfovDeg: '80',
		resolutionPx: '1920',
		maxRangeM: '50',
		ownerType: 'municipality',
		operatorName: 'Kommunen',
		purpose: 'Tryghed',
		legalBasis: '§ 2 a',
		retentionDays: '30',
		proposedOn: '2026-01-05',
		...overrides
	};
}

function camera(at = KOBENHAVN, overrides: Record<string, string> = {}): NewCamera {
	return newCameraSchema.parse(form(at, overrides));
}

function user(role: SessionUser['role'], scope: Partial<SessionUser> = {}): SessionUser {
	return {
		id: '00000000-0000-4000-8000-000000000001',
		email: `${role}@test.dk`,
		name: role,
		role,
		municipalityCode: null,
		policeDistrict: null,
		isDemo: false,
		...scope
	};
}
const planner101 = user('planner', { municipalityCode: 101 });
const police11 = user('police', { policeDistrict: 11 });
const ministry = user('ministry');

const allowFor = (u: SessionUser) => ({
	authorize: (action: Action, resource: Parameters<typeof can>[2]) => can(u, action, resource)
});

async function auditRows(objectId?: string) {
	let query = testDb().selectFrom('audit_log').selectAll().orderBy('id');
	if (objectId) query = query.where('object_id', '=', objectId);
	return query.execute();
}

async function counts() {
	const [cameras, views, bands, audit] = await Promise.all(
		(['cameras', 'camera_views', 'camera_view_bands', 'audit_log'] as const).map((t) =>
			testDb()
				.selectFrom(t)
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow()
		)
	);
	return { cameras: cameras.n, views: views.n, bands: bands.n, audit: audit.n };
}

async function stored(id: string) {
	return testDb()
		.selectFrom('cameras')
		.select([
			'municipality_code',
			'status',
			'name',
			sql<string | null>`to_char(approved_on, 'YYYY-MM-DD')`.as('approved_on'),
			sql<string | null>`to_char(active_from, 'YYYY-MM-DD')`.as('active_from'),
			sql<string | null>`to_char(decommissioned_on, 'YYYY-MM-DD')`.as('decommissioned_on'),
			sql<number>`ST_X(geom)`.as('x')
		])
		.where('id', '=', id)
		.executeTakeFirstOrThrow();
}

async function today(): Promise<string> {
	const r = await sql<{
		d: string;
	}>`SELECT to_char(now() AT TIME ZONE 'Europe/Copenhagen', 'YYYY-MM-DD') AS d`.execute(testDb());
	return r.rows[0].d;
}

beforeEach(async () => {
	await loadDemoBoundaries(testDb());
});

describe('createCamera', () => {
	it('derives the municipality from the position, stores the camera as proposed, and its view', async () => {
		const id = await createCamera(testDb(), actor, camera(KOBENHAVN));
		const c = await getCamera(testDb(), id);
		expect(c).toMatchObject({
			municipalityCode: 101,
			municipalityName: 'København',
			policeDistrict: 11,
			status: 'proposed',
			proposedOn: '2026-01-05',
			legalBasis: '§ 2 a',
			hfovDeg: 80
		});
		expect(c!.lon).toBeCloseTo(KOBENHAVN.lon, 6);
		expect(c!.lat).toBeCloseTo(KOBENHAVN.lat, 6);

		const other = await createCamera(testDb(), actor, camera(FREDERIKSBERG));
		expect((await getCamera(testDb(), other))!.municipalityCode).toBe(147);

		const view = await cameraViewSummary(testDb(), id);
		expect(view!.areaM2).toBeGreaterThan(0);
		expect(view!.bands.length).toBeGreaterThan(0);
	});

	it('takes easting/northing in EPSG:25832 as well', async () => {
		const aalborg = await sql<{ x: number; y: number }>`
			SELECT ST_X(p) AS x, ST_Y(p) AS y
			FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(${AALBORG.lon}, ${AALBORG.lat}), 4326), 25832) AS p) q
		`.execute(testDb());
		const { x, y } = aalborg.rows[0];
		const input = newCameraSchema.parse(
			form(KOBENHAVN, { positionCrs: 'EPSG:25832', easting: String(x), northing: String(y) })
		);
		const id = await createCamera(testDb(), actor, input);
		const c = (await getCamera(testDb(), id))!;
		expect(c.municipalityCode).toBe(851);
		expect(c.easting).toBeCloseTo(x, 3);
		expect(c.northing).toBeCloseTo(y, 3);
	});

	it('refuses a position outside every Danish municipality and writes nothing', async () => {
		for (const at of [MALMO, { lon: 6.0, lat: 56.0 }]) {
			const attempt = createCamera(testDb(), actor, camera(at));
			await expect(attempt).rejects.toBeInstanceOf(CameraInputError);
			await expect(attempt).rejects.toMatchObject({
				field: 'position',
				status: 400,
				message: expect.stringMatching(/position lies outside every Danish municipality/)
			});
		}
		expect(await counts()).toEqual({ cameras: 0, views: 0, bands: 0, audit: 0 });
	});

	it('records who created it, with the camera as it was stored', async () => {
		const id = await createCamera(testDb(), actor, camera());
		const rows = await auditRows(id);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			action: 'camera.create',
			object_type: 'camera',
			object_id: id,
			municipality_code: 101,
			actor_label: 'planner@test.dk',
			client_address: '192.0.2.9',
			before: null,
			after: { name: 'Test camera', status: 'proposed', municipalityCode: 101, retentionDays: 30 }
		});
	});

	it('asks the policy about the municipality the position lies in', async () => {
		await expect(
			createCamera(testDb(), actor, camera(KOBENHAVN), allowFor(planner101))
		).resolves.toBeTruthy();
		const elsewhere = createCamera(testDb(), actor, camera(AALBORG), allowFor(planner101));
		await expect(elsewhere).rejects.toBeInstanceOf(CameraForbiddenError);
		await expect(elsewhere).rejects.toMatchObject({ field: 'position', vars: { name: 'Aalborg' } });
		await expect(createCamera(testDb(), actor, camera(), allowFor(ministry))).rejects.toBeInstanceOf(
			CameraForbiddenError
		);
		expect((await counts()).cameras).toBe(1);
	});

	it('stores valid privacy masks and refuses invalid ones', async () => {
		const ring = (d: number) => [
			[12.6, 55.657],
			[12.6 + d, 55.657],
			[12.6 + d, 55.657 + d],
			[12.6, 55.657 + d],
			[12.6, 55.657]
		];
		const masks = JSON.stringify({ type: 'Polygon', coordinates: [ring(0.0002)] });
		const id = await createCamera(testDb(), actor, camera(KOBENHAVN, { privacyMasks: masks }));
		const c = (await getCamera(testDb(), id))!;
		expect(c.privacyMaskCount).toBe(1);
		expect(c.privacyMaskAreaM2).toBeGreaterThan(100);
		expect(JSON.parse(c.privacyMasks!).type).toBe('MultiPolygon');

		const bowTie = JSON.stringify({
			type: 'Polygon',
			coordinates: [
				[
					[12.6, 55.657],
					[12.601, 55.658],
					[12.601, 55.657],
					[12.6, 55.658],
					[12.6, 55.657]
				]
			]
		});
		await expect(
			createCamera(testDb(), actor, camera(KOBENHAVN, { privacyMasks: bowTie }))
		).rejects.toMatchObject({
			field: 'privacyMasks'
		});
		expect((await counts()).cameras).toBe(1);
	});
});

describe('updateCamera and moveCamera', () => {
	it('record before and after in the audit trail and recompute the view', async () => {
		const id = await createCamera(testDb(), actor, camera());
		const viewBefore = await cameraViewSummary(testDb(), id);
		await updateCamera(testDb(), actor, id, camera(KOBENHAVN, { name: 'Renamed', maxRangeM: '120' }));
		const viewAfter = await cameraViewSummary(testDb(), id);
		expect(viewAfter!.areaM2).toBeGreaterThan(viewBefore!.areaM2!);
		const [, update] = await auditRows(id);
		expect(update).toMatchObject({
			action: 'camera.update',
			municipality_code: 101,
			before: { name: 'Test camera', maxRangeM: 50 },
			after: { name: 'Renamed', maxRangeM: 120 }
		});
		expect((await getCamera(testDb(), id))!.proposedOn).toBe('2026-01-05');
	});

	it('moves a camera and lets its municipality follow the position', async () => {
		const id = await createCamera(testDb(), actor, camera(KOBENHAVN));
		const before = await stored(id);
		const place = await moveCamera(testDb(), actor, id, {
			crs: 'EPSG:4326',
			x: FREDERIKSBERG.lon,
			y: FREDERIKSBERG.lat
		});
		expect(place).toMatchObject({ code: 147, name: 'Frederiksberg' });
		const after = await stored(id);
		expect(after.municipality_code).toBe(147);
		const move = (await auditRows(id)).at(-1)!;
		expect(move).toMatchObject({
			action: 'camera.move',
			municipality_code: 147,
			before: { municipalityCode: 101, easting: Math.round(before.x * 100) / 100 },
			after: { municipalityCode: 147, easting: Math.round(after.x * 100) / 100 }
		});
	});

	it('refuses a move out of Denmark or out of the planner’s municipality, leaving the camera as it was', async () => {
		const id = await createCamera(testDb(), actor, camera(KOBENHAVN));
		const before = await stored(id);
		await expect(
			moveCamera(testDb(), actor, id, { crs: 'EPSG:4326', x: MALMO.lon, y: MALMO.lat })
		).rejects.toMatchObject({
			field: 'position'
		});
		await expect(
			moveCamera(
				testDb(),
				actor,
				id,
				{ crs: 'EPSG:4326', x: AALBORG.lon, y: AALBORG.lat },
				allowFor(planner101)
			)
		).rejects.toMatchObject({ action: 'camera.move', field: 'position' });
		expect(await stored(id)).toEqual(before);
		expect(await auditRows(id)).toHaveLength(1);
	});

	it('checks the policy against the stored camera', async () => {
		const id = await createCamera(testDb(), actor, camera(AALBORG));
		await expect(
			updateCamera(testDb(), actor, id, camera(AALBORG), allowFor(planner101))
		).rejects.toBeInstanceOf(CameraForbiddenError);
		await expect(
			updateCamera(testDb(), actor, id, camera(AALBORG), allowFor(police11))
		).rejects.toBeInstanceOf(CameraForbiddenError);
		expect((await stored(id)).name).toBe('Test camera');
	});

	it('answers an unknown camera with 404', async () => {
		for (const id of ['00000000-0000-4000-8000-00000000abcd', 'not-a-uuid']) {
			await expect(updateCamera(testDb(), actor, id, camera())).rejects.toMatchObject({
				field: 'id',
				status: 404
			});
			await expect(setStatus(testDb(), actor, id, 'approved')).rejects.toMatchObject({ status: 404 });
		}
	});
});

describe('status transitions', () => {
	it('stamps approval, activation and decommissioning with their dates', async () => {
		const id = await createCamera(testDb(), actor, camera());
		await setStatus(testDb(), actor, id, 'approved', { date: '2026-02-01' });
		expect(await stored(id)).toMatchObject({ status: 'approved', approved_on: '2026-02-01' });

		// Sending it back clears the approval; approving again without a date stamps today.
		await setStatus(testDb(), actor, id, 'proposed');
		expect(await stored(id)).toMatchObject({ status: 'proposed', approved_on: null });
		await setStatus(testDb(), actor, id, 'approved');
		expect(await stored(id)).toMatchObject({ status: 'approved', approved_on: await today() });

		await setStatus(testDb(), actor, id, 'active');
		expect(await stored(id)).toMatchObject({ status: 'active', active_from: await today() });
		await decommissionCamera(testDb(), actor, id);
		expect(await stored(id)).toMatchObject({ status: 'decommissioned', decommissioned_on: await today() });

		expect((await auditRows(id)).map((r) => r.action)).toEqual([
			'camera.create',
			'camera.approve',
			'camera.sendBack',
			'camera.approve',
			'camera.activate',
			'camera.decommission'
		]);
		const approve = (await auditRows(id))[1];
		expect(approve).toMatchObject({
			before: { status: 'proposed', approvedOn: null },
			after: { status: 'approved', approvedOn: '2026-02-01' }
		});
	});

	it('refuses steps the life cycle does not have, future dates and dates before the previous step', async () => {
		const id = await createCamera(testDb(), actor, camera());
		await expect(setStatus(testDb(), actor, id, 'active')).rejects.toMatchObject({
			field: 'status',
			status: 409
		});
		await expect(setStatus(testDb(), actor, id, 'approved', { date: '2100-01-01' })).rejects.toMatchObject({
			field: 'date'
		});
		await expect(setStatus(testDb(), actor, id, 'approved', { date: '2026-01-04' })).rejects.toMatchObject({
			field: 'date',
			message: expect.stringContaining('2026-01-05')
		});
		await setStatus(testDb(), actor, id, 'approved', { date: '2026-01-05' });
		await expect(setStatus(testDb(), actor, id, 'active', { date: '2026-01-01' })).rejects.toMatchObject({
			field: 'date'
		});
		expect(await stored(id)).toMatchObject({
			status: 'approved',
			approved_on: '2026-01-05',
			active_from: null
		});
	});

	it('leaves a decommissioned camera unchangeable', async () => {
		const id = await createCamera(testDb(), actor, camera());
		await decommissionCamera(testDb(), actor, id, { date: '2026-03-01' });
		expect(await stored(id)).toMatchObject({ status: 'decommissioned', decommissioned_on: '2026-03-01' });
		await expect(updateCamera(testDb(), actor, id, camera())).rejects.toMatchObject({ status: 409 });
		await expect(
			moveCamera(testDb(), actor, id, { crs: 'EPSG:4326', x: FREDERIKSBERG.lon, y: FREDERIKSBERG.lat })
		).rejects.toMatchObject({ status: 409 });
		await expect(setStatus(testDb(), actor, id, 'proposed')).rejects.toMatchObject({ status: 409 });
		expect(await auditRows(id)).toHaveLength(2);
	});

	it('lets the district’s police review, the municipality’s planner activate, and nobody else', async () => {
		const id = await createCamera(testDb(), actor, camera(KOBENHAVN));
		const police1 = user('police', { policeDistrict: 1 });
		for (const u of [planner101, police1, ministry]) {
			await expect(setStatus(testDb(), actor, id, 'approved', allowFor(u))).rejects.toBeInstanceOf(
				CameraForbiddenError
			);
		}
		await setStatus(testDb(), actor, id, 'approved', allowFor(police11));
		await expect(setStatus(testDb(), actor, id, 'active', allowFor(police11))).rejects.toBeInstanceOf(
			CameraForbiddenError
		);
		await setStatus(testDb(), actor, id, 'active', allowFor(planner101));
		expect((await stored(id)).status).toBe('active');
	});
});

describe('transactions', () => {
	it('roll the camera, its view and its audit row back together', async () => {
		// A failing audit insert stands for any failure after the camera row was written.
		await sql`
			CREATE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'audit unavailable'; END $$;
			CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_fail_audit();
		`.execute(testDb());
		try {
			await expect(createCamera(testDb(), actor, camera())).rejects.toThrow(/audit unavailable/);
			expect(await counts()).toEqual({ cameras: 0, views: 0, bands: 0, audit: 0 });
		} finally {
			await sql`DROP TRIGGER test_fail_audit ON audit_log; DROP FUNCTION test_fail_audit();`.execute(
				testDb()
			);
		}
	});

	it('leave an update, a move and a status change undone when they fail', async () => {
		const id = await createCamera(testDb(), actor, camera());
		const before = {
			row: await stored(id),
			view: await cameraViewSummary(testDb(), id),
			all: await counts()
		};
		await sql`
			CREATE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'audit unavailable'; END $$;
			CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_fail_audit();
		`.execute(testDb());
		try {
			await expect(
				updateCamera(testDb(), actor, id, camera(KOBENHAVN, { maxRangeM: '300' }))
			).rejects.toThrow();
			await expect(
				moveCamera(testDb(), actor, id, { crs: 'EPSG:4326', x: FREDERIKSBERG.lon, y: FREDERIKSBERG.lat })
			).rejects.toThrow();
			await expect(setStatus(testDb(), actor, id, 'approved')).rejects.toThrow();
		} finally {
			await sql`DROP TRIGGER test_fail_audit ON audit_log; DROP FUNCTION test_fail_audit();`.execute(
				testDb()
			);
		}
		expect(await stored(id)).toEqual(before.row);
		expect(await cameraViewSummary(testDb(), id)).toEqual(before.view);
		expect(await counts()).toEqual(before.all);
	});
});

describe('listCameras', () => {
	async function seed(
		at: { lon: number; lat: number },
		n: number,
		status: CameraStatus,
		ownerType = 'municipality'
	) {
		const ids: string[] = [];
		for (let i = 0; i < n; i++) {
			const id = await createCamera(testDb(), actor, camera(at, { name: `${status} ${i}`, ownerType }));
			if (status !== 'proposed') await setStatus(testDb(), actor, id, 'approved');
			if (status === 'active' || status === 'decommissioned') await setStatus(testDb(), actor, id, 'active');
			if (status === 'decommissioned') await decommissionCamera(testDb(), actor, id);
			ids.push(id);
		}
		return ids;
	}

	it('shows each reader what the policy lets them read, a page at a time', async () => {
		const kbh = [...(await seed(KOBENHAVN, 27, 'proposed')), ...(await seed(KOBENHAVN, 1, 'decommissioned'))];
		const frb = await seed(FREDERIKSBERG, 2, 'approved');
		const aalborgActive = await seed(AALBORG, 2, 'active', 'business');
		const aalborgProposed = await seed(AALBORG, 2, 'proposed');
		const all = [...kbh, ...frb, ...aalborgActive, ...aalborgProposed];

		async function everything(u: SessionUser, filter = {}) {
			const ids: string[] = [];
			let total = 0;
			for (let page = 1; page < 10; page++) {
				const result = await listCameras(testDb(), { scope: cameraReadScope(u), page, ...filter });
				expect(result.cameras.length).toBeLessThanOrEqual(25);
				total = result.total;
				ids.push(...result.cameras.map((c) => c.id));
				if (result.cameras.length < 25) break;
			}
			expect(ids).toHaveLength(total);
			return ids.sort();
		}

		expect(await everything(planner101)).toEqual([...kbh, ...aalborgActive].sort());
		expect(await everything(police11)).toEqual([...kbh, ...frb, ...aalborgActive].sort());
		expect(await everything(ministry)).toEqual([...all].sort());
		expect(await everything(user('admin'))).toEqual([]);

		// The list and the camera page agree: whatever is listed can be opened, and nothing else.
		for (const u of [planner101, police11, ministry, user('police', { policeDistrict: 1 })]) {
			const readable: string[] = [];
			for (const id of all)
				if (can(u, 'camera.view', (await cameraResource(testDb(), id))!)) readable.push(id);
			expect(await everything(u), u.email).toEqual(readable.sort());
		}

		const first = await listCameras(testDb(), { scope: cameraReadScope(planner101) });
		expect(first).toMatchObject({ page: 1, pageSize: 25, total: 30 });
		expect(first.cameras).toHaveLength(25);
		expect(first.cameras[0]).toMatchObject({
			municipalityName: expect.any(String),
			status: expect.any(String)
		});
		const second = await listCameras(testDb(), { scope: cameraReadScope(planner101), page: 2 });
		expect(second.cameras).toHaveLength(5);
		expect(new Set([...first.cameras, ...second.cameras].map((c) => c.id)).size).toBe(30);
		expect((await listCameras(testDb(), { scope: cameraReadScope(planner101), page: 3 })).cameras).toEqual(
			[]
		);

		expect(await everything(ministry, { municipalityCode: 851 })).toEqual(
			[...aalborgActive, ...aalborgProposed].sort()
		);
		expect(await everything(ministry, { status: 'approved' })).toEqual([...frb].sort());
		expect(await everything(ministry, { ownerType: 'business' })).toEqual([...aalborgActive].sort());
		expect(await everything(planner101, { municipalityCode: 851 })).toEqual([...aalborgActive].sort());
		expect(await everything(planner101, { status: 'decommissioned' })).toEqual([kbh.at(-1)!]);
	});
});
