// Evaluations recorded with decisions: a police approval and a planner's activation each store
// the camera's results against the rule set in force, in the decision's transaction, with the
// version that produced them. Later rule changes leave the records alone; the table is append-only.
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { AuditActor } from '../../src/lib/server/audit/service';
import { createCamera, setStatus } from '../../src/lib/server/cameras/service';
import { newCameraSchema } from '../../src/lib/server/cameras/validation';
import { danishToday } from '../../src/lib/dates';
import { ruleSetInForce } from '../../src/lib/server/rules/in-force';
import { listCameraEvaluations, type RecordedRuleResult } from '../../src/lib/server/rules/records';
import { seedShippedRuleSetsIfEmpty } from '../../src/lib/server/rules/seed';
import { createDraft, publishDraft, updateDraft } from '../../src/lib/server/rules/service';
import { testDb } from './db';
import { X0, Y0, country, feature } from './rule-fixtures';

const geodata = join(import.meta.dirname, '..', '..', 'geodata');
const police: AuditActor = { userId: null, label: 'police@test', clientAddress: '192.0.2.1' };
const planner: AuditActor = { userId: null, label: 'planner@test', clientAddress: '192.0.2.2' };
const ministry: AuditActor = { userId: null, label: 'ministry@test', clientAddress: null };

/** A § 2 a proposal of the municipality at (east, north) metres from (X0, Y0). */
async function propose(name: string, east = 0, north = 0, overrides: Record<string, string> = {}) {
	return createCamera(
		testDb(),
		planner,
		newCameraSchema.parse({
			name,
			positionCrs: 'EPSG:25832',
			easting: String(X0 + east),
			northing: String(Y0 + north),
			kind: 'dome',
			mountHeightM: '5',
			tiltDeg: '30',
			resolutionPx: '1920',
			maxRangeM: '30',
			ownerType: 'municipality',
			operatorName: 'Testkommune',
			purpose: 'Tryghed',
			legalBasis: '§ 2 a',
			signage: 'on',
			retentionDays: '30',
			proposedOn: '2026-01-05',
			...overrides
		})
	);
}

async function records(cameraId: string) {
	const { rows } = await sql<{
		id: number;
		rule_set_version_id: number;
		decision: string;
		as_of: string;
		allowed: boolean;
		results: RecordedRuleResult[];
	}>`
		SELECT id, rule_set_version_id, decision, to_char(as_of, 'YYYY-MM-DD') AS as_of, allowed, results
		FROM camera_rule_evaluations WHERE camera_id = ${cameraId} ORDER BY id
	`.execute(testDb());
	return rows;
}

const outcomes = (results: RecordedRuleResult[]) =>
	Object.fromEntries(results.map((r) => [r.ruleId, r.outcome]));

/** Publishes a new version of the set in force with the § 2 a distance changed; returns its id. */
async function publishDistance(distanceM: number): Promise<number> {
	const current = (await ruleSetInForce(testDb(), danishToday()))!;
	const draft = await createDraft(testDb(), ministry, current.versionId);
	const doc = structuredClone(current.document);
	const rule = doc.rules.find((r) => r.id === 'p2a-near-housing-area')!;
	if (rule.kind !== 'withinLayer') throw new Error('unexpected rule kind');
	rule.params.distanceM = distanceM;
	await updateDraft(testDb(), ministry, draft.id, doc);
	await publishDraft(testDb(), ministry, draft.id);
	return draft.id;
}

describe('recorded rule evaluations', () => {
	it('records one evaluation with an approval, and keeps it when the rules change later', async () => {
		await country();
		await seedShippedRuleSetsIfEmpty(testDb(), geodata);
		await feature('housing_area', 'Boligområdet', [-100, -100, 100, 100]);
		const inForce = (await ruleSetInForce(testDb(), danishToday()))!;
		expect(inForce.slug).toBe('tv-overvaagning-2025-07');
		const id = await propose('Torvet');
		expect(await records(id)).toEqual([]);

		await setStatus(testDb(), police, id, 'approved');
		const [approval, ...more] = await records(id);
		expect(more).toEqual([]);
		expect(approval).toMatchObject({
			rule_set_version_id: inForce.versionId,
			decision: 'approve',
			as_of: danishToday(),
			allowed: true
		});
		expect(approval.results.map((r) => r.ruleId)).toEqual(inForce.document.rules.map((r) => r.id));
		const p2a = approval.results.find((r) => r.ruleId === 'p2a-near-housing-area')!;
		expect(p2a).toMatchObject({
			title: { da: expect.any(String), en: expect.any(String) },
			legalReference: expect.stringContaining('§ 2 a'),
			severity: 'error',
			outcome: 'pass',
			measured: 0,
			threshold: 500,
			explanation: {
				da: '0 m² af synsfeltet ligger mere end 500 m fra Boligområder.',
				en: '0 m² of the view lies more than 500 m from Housing areas.'
			}
		});
		// No geometry is kept.
		expect(JSON.stringify(approval.results)).not.toMatch(/coordinates|evidence/);
		// The decision's audit row and the record belong to the same transaction.
		const audit = await sql<{ n: number }>`
			SELECT count(*)::int AS n FROM audit_log WHERE action = 'camera.approve' AND object_id = ${id}
		`.execute(testDb());
		expect(audit.rows[0].n).toBe(1);

		// The ministry publishes a new version (the § 2 a limit at 0 m) and the layer changes: the
		// approval's record still names the version and the results it was decided on.
		const stricter = await publishDistance(0);
		await sql`DELETE FROM reference_features`.execute(testDb());
		const [unchanged] = await records(id);
		expect(unchanged).toEqual(approval);

		// Activation now records against the new version.
		await setStatus(testDb(), planner, id, 'active');
		const all = await records(id);
		expect(all).toHaveLength(2);
		expect(all[0]).toEqual(approval);
		expect(all[1]).toMatchObject({ rule_set_version_id: stricter, decision: 'activate', allowed: false });
		expect(all[1].results.find((r) => r.ruleId === 'p2a-near-housing-area')).toMatchObject({
			outcome: 'fail',
			threshold: 0
		});
		expect(outcomes(all[1].results)['p2e-police-register']).toBe('pass');
		expect(outcomes(all[0].results)['p2e-police-register']).toBe('not_applicable');

		const page = await listCameraEvaluations(testDb(), id);
		expect(page.next).toBeNull();
		expect(page.records.map((r) => [r.decision, r.ruleSet.versionId, r.ruleSet.version])).toEqual([
			['activate', stricter, 2],
			['approve', inForce.versionId, 1]
		]);
		expect(page.records[1].ruleSet).toMatchObject({
			id: 'tv-overvaagning-2025-07',
			title: { da: 'Tv-overvågningsloven fra 1. juli 2025' }
		});
	});

	it('records a refusal as it was: the failing rule and its measure', async () => {
		await country();
		await seedShippedRuleSetsIfEmpty(testDb(), geodata);
		await feature('housing_area', 'Boligområdet', [2000, 2000, 2100, 2100]);
		const id = await propose('Ude på marken', 0, 0, { retentionDays: '45' });
		await setStatus(testDb(), police, id, 'approved');
		const [record] = await records(id);
		expect(record.allowed).toBe(false);
		const failing = record.results.filter((r) => r.outcome === 'fail').map((r) => r.ruleId);
		expect(failing.sort()).toEqual(['p2a-near-housing-area', 'p4d-retention']);
		const retention = record.results.find((r) => r.ruleId === 'p4d-retention')!;
		expect(retention).toMatchObject({ measured: 45, threshold: 30 });
		expect(retention.explanation.en).toBe('Footage is kept 45 days; at most 30.');
	});

	it('writes exactly one record per approval, none for sending back, none when the decision fails', async () => {
		await country();
		await seedShippedRuleSetsIfEmpty(testDb(), geodata);
		await feature('housing_area', 'Boligområdet', [-100, -100, 100, 100]);
		const id = await propose('Frem og tilbage');
		await setStatus(testDb(), police, id, 'approved');
		await setStatus(testDb(), police, id, 'proposed');
		expect((await records(id)).map((r) => r.decision)).toEqual(['approve']);
		// A date in the future refuses the approval: nothing is recorded.
		await expect(setStatus(testDb(), police, id, 'approved', { date: '2099-01-01' })).rejects.toMatchObject({
			field: 'date'
		});
		// So is a refusal by the policy.
		await expect(setStatus(testDb(), police, id, 'approved', { authorize: () => false })).rejects.toThrow(
			/not allowed/
		);
		expect(await records(id)).toHaveLength(1);
		await setStatus(testDb(), police, id, 'approved');
		expect((await records(id)).map((r) => r.decision)).toEqual(['approve', 'approve']);
		// Decommissioning is no rule decision.
		await setStatus(testDb(), planner, id, 'decommissioned');
		expect(await records(id)).toHaveLength(2);
	});

	it('judges a back-dated approval by the rule set in force on its date', async () => {
		await country();
		await seedShippedRuleSetsIfEmpty(testDb(), geodata);
		const id = await propose('Gammel sag');
		await sql`UPDATE cameras SET proposed_on = '2025-01-01' WHERE id = ${id}`.execute(testDb());
		await setStatus(testDb(), police, id, 'approved', { date: '2025-06-30' });
		const [record] = await records(id);
		const v2020 = (await ruleSetInForce(testDb(), '2025-06-30'))!;
		expect(v2020.slug).toBe('tv-overvaagning-2020-07');
		expect(record).toMatchObject({ rule_set_version_id: v2020.versionId, as_of: '2025-06-30' });
	});

	it('records nothing when no rule set is in force', async () => {
		await country();
		const id = await propose('Uden regler');
		await setStatus(testDb(), police, id, 'approved');
		expect(await records(id)).toEqual([]);
	});

	it('keeps the table append-only, even against SQL', async () => {
		await country();
		await seedShippedRuleSetsIfEmpty(testDb(), geodata);
		const id = await propose('Låst');
		await setStatus(testDb(), police, id, 'approved');
		const [record] = await records(id);
		await expect(
			sql`UPDATE camera_rule_evaluations SET allowed = NOT allowed WHERE id = ${record.id}`.execute(testDb())
		).rejects.toThrow(/cannot be changed or deleted/);
		await expect(
			sql`DELETE FROM camera_rule_evaluations WHERE id = ${record.id}`.execute(testDb())
		).rejects.toThrow(/cannot be changed or deleted/);
		await expect(sql`TRUNCATE camera_rule_evaluations`.execute(testDb())).rejects.toThrow(
			/cannot be changed or deleted/
		);
		expect(await records(id)).toEqual([record]);
	});

	it('hides the name of a nearest camera in another municipality in the recorded explanation', async () => {
		await country();
		await sql`
			INSERT INTO municipalities (code, name, police_district, geom)
			VALUES (902, 'Nabokommune', 99, ST_Multi(ST_MakeEnvelope(${X0 + 5000}, ${Y0 - 5000}, ${X0 + 15000}, ${Y0 + 5000}, 25832)))
		`.execute(testDb());
		await seedShippedRuleSetsIfEmpty(testDb(), geodata);
		const here = await propose('Ved grænsen', 4995, 0);
		await propose('Nabokommunens forslag', 5005, 0);
		await setStatus(testDb(), police, here, 'approved');
		const [record] = await records(here);
		const spacing = record.results.find((r) => r.ruleId === 'no-double-coverage')!;
		expect(spacing).toMatchObject({ outcome: 'warning', measured: 10 });
		expect(spacing.explanation.en).toBe(
			'10 m to the nearest camera (a camera you may not see); at least 15 m.'
		);
		expect(JSON.stringify(spacing.explanation)).not.toContain('Nabokommunens forslag');

		// Within the municipality the name is kept.
		const other = await propose('Nabo i samme kommune', 4985, 0);
		await setStatus(testDb(), police, other, 'approved');
		const [second] = await records(other);
		const near = second.results.find((r) => r.ruleId === 'no-double-coverage')!;
		expect(near.explanation.en).toBe('10 m to the nearest camera (Ved grænsen); at least 15 m.');
	});
});
