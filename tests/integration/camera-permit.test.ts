// The police permit's period (cameras.permit_valid_from / permit_valid_to, read by the permitYears
// rule) through the register: created and edited, shown, audited, exported and imported again.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { AuditActor } from '../../src/lib/server/audit/service';
import { createCamera, getCamera, updateCamera } from '../../src/lib/server/cameras/service';
import { exportBatches } from '../../src/lib/server/cameras/export';
import { importCameras } from '../../src/lib/server/cameras/import';
import { cameraFieldsSchema, newCameraSchema } from '../../src/lib/server/cameras/validation';
import { testDb } from './db';
import { X0, Y0, country } from './rule-fixtures';

const operator: AuditActor = { userId: null, label: 'cli:tester', clientAddress: null };

const form = {
	name: 'Gården',
	kind: 'dome',
	mountHeightM: '4',
	tiltDeg: '30',
	resolutionPx: '1920',
	maxRangeM: '30',
	ownerType: 'housing_organisation',
	operatorName: 'Boligforeningen',
	purpose: 'Tryghed',
	legalBasis: '§ 2 stk. 2',
	retentionDays: '30',
	signage: 'on'
};

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
	yield new TextEncoder().encode(text);
}

describe('the permit period in the register', () => {
	it('is stored, shown, audited and exported', async () => {
		await country();
		const id = await createCamera(
			testDb(),
			operator,
			newCameraSchema.parse({
				...form,
				positionCrs: 'EPSG:25832',
				easting: String(X0),
				northing: String(Y0),
				permitValidFrom: '2025-07-01',
				permitValidTo: '2030-06-30'
			})
		);
		expect(await getCamera(testDb(), id)).toMatchObject({
			permitValidFrom: '2025-07-01',
			permitValidTo: '2030-06-30'
		});
		await updateCamera(
			testDb(),
			operator,
			id,
			cameraFieldsSchema.parse({ ...form, permitValidFrom: '2025-07-01', permitValidTo: '' })
		);
		expect(await getCamera(testDb(), id)).toMatchObject({
			permitValidFrom: '2025-07-01',
			permitValidTo: null
		});
		const audit = await testDb()
			.selectFrom('audit_log')
			.select(['action', 'before', 'after'])
			.where('object_id', '=', id)
			.orderBy('id')
			.execute();
		expect(audit.map((a) => a.action)).toEqual(['camera.create', 'camera.update']);
		expect(audit[1].before).toMatchObject({ permitValidTo: '2030-06-30' });
		expect(audit[1].after).toMatchObject({ permitValidFrom: '2025-07-01', permitValidTo: null });

		const exported = [];
		for await (const batch of exportBatches(testDb(), { scope: { kind: 'all' } })) exported.push(...batch);
		expect(exported).toEqual([
			expect.objectContaining({ id, permitValidFrom: '2025-07-01', permitValidTo: null })
		]);
	});

	it('is read by the import, and its order checked', async () => {
		await country();
		const header = `${Object.keys(form).join(',')},easting,northing,permitValidFrom,permitValidTo`;
		const row = (from: string, to: string) => `${Object.values(form).join(',')},${X0},${Y0},${from},${to}`;
		const refused = await importCameras(testDb(), bytes(`${header}\n${row('2026-01-01', '2025-01-01')}\n`), {
			name: 'permit.csv',
			actor: operator
		});
		expect(refused.ok).toBe(false);
		expect(!refused.ok && refused.errors.map((e) => `${e.row} ${e.field}`)).toEqual(['2 permitValidTo']);

		const result = await importCameras(testDb(), bytes(`${header}\n${row('2025-07-01', '2030-06-30')}\n`), {
			name: 'permit.csv',
			actor: operator
		});
		expect(result.ok).toBe(true);
		const { rows } = await sql<{ from: string; to: string }>`
			SELECT to_char(permit_valid_from, 'YYYY-MM-DD') AS "from", to_char(permit_valid_to, 'YYYY-MM-DD') AS "to"
			FROM cameras
		`.execute(testDb());
		expect(rows).toEqual([{ from: '2025-07-01', to: '2030-06-30' }]);
		const audit = await testDb()
			.selectFrom('audit_log')
			.select('after')
			.where('action', '=', 'camera.import')
			.executeTakeFirstOrThrow();
		expect(audit.after).toMatchObject({ permitValidFrom: '2025-07-01', permitValidTo: '2030-06-30' });
	});
});
