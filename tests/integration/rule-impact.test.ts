import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPublishedRuleSet } from '../../src/lib/server/rules/service';
import { runImpactAnalysis } from '../../src/lib/server/rules/impact';
import { validateRuleSet, type RuleSetDocument } from '../../src/lib/rules/schema';
import { testDb } from './db';
import { AS_OF, camera, country, feature, ruleSetWith } from './rule-fixtures';

const actor = { userId: null, label: 'test', clientAddress: null };

/** § 2 a as a municipal camera's view within `distanceM` of `layer`, plus a shared retention rule. */
function section2a(id: string, layer: string, distanceM: number): RuleSetDocument {
	return ruleSetWith(
		id,
		{
			id: 'p2a-near-housing-area',
			kind: 'withinLayer',
			params: { layer, distanceM, measureFrom: 'view' },
			appliesTo: { ownerTypes: ['municipality'], legalBases: ['§ 2 a'] }
		},
		{ id: 'retention', kind: 'attributeLimit', params: { attribute: 'retentionDays', max: 30 } }
	);
}

async function publish(doc: RuleSetDocument): Promise<{ id: number; document: RuleSetDocument }> {
	const { versionId } = await createPublishedRuleSet(testDb(), actor, doc);
	return { id: versionId, document: doc };
}

async function changesByName(analysisId: number) {
	const rows = await testDb()
		.selectFrom('impact_changes as i')
		.innerJoin('cameras as c', 'c.id', 'i.camera_id')
		.select(['c.name', 'i.allowed_before', 'i.allowed_after', 'i.failed_before', 'i.failed_after'])
		.where('i.analysis_id', '=', analysisId)
		.orderBy('c.name')
		.execute();
	return Object.fromEntries(
		rows.map((r) => [r.name, [r.allowed_before, r.allowed_after, r.failed_before, r.failed_after]])
	);
}

async function fixture() {
	await country();
	await feature('housing_area', 'Boligområdet', [0, 0, 100, 100]);
	// Views are 20 m discs, so "within 500 m" is about the view's far edge.
	await camera('near housing', { at: [-300, 50], view: 20 });
	await camera('far away', { at: [-1000, 50], view: 20 });
	await camera('business', {
		at: [-1000, 500],
		view: 20,
		ownerType: 'business',
		legalBasis: '§ 2 stk. 1 nr. 3'
	});
	await camera('long retention', { at: [-300, 80], view: 20, retentionDays: 40 });
	await camera('at 650 m', { at: [-650, 50], view: 20 });
	await camera('decommissioned', {
		at: [-300, 20],
		view: 20,
		status: 'decommissioned',
		activeFrom: '2024-01-01'
	});
}

describe('impact analysis', () => {
	it('finds the cameras a changed reference layer and distance flip, per municipality', async () => {
		await fixture();
		const before = await publish(section2a('p2a-2020', 'housing_area_permit', 500));
		const after = await publish(section2a('p2a-2025', 'housing_area', 500));
		const summary = await runImpactAnalysis(testDb(), actor, before, after, { asOf: AS_OF });
		// Five cameras (the decommissioned one is left out); before, only the business camera is
		// allowed (no housing area has a police permit); after, the camera near housing is too.
		expect(summary).toMatchObject({
			cameras: 5,
			allowedBefore: 1,
			allowedAfter: 2,
			newlyAllowed: 1,
			newlyRefused: 0,
			changed: 2
		});
		expect(await changesByName(summary.id)).toEqual({
			'near housing': [false, true, ['p2a-near-housing-area'], []],
			// Still refused, but now only for its retention.
			'long retention': [false, false, ['p2a-near-housing-area', 'retention'], ['retention']]
		});
		const table = await testDb()
			.selectFrom('impact_municipalities')
			.selectAll()
			.where('analysis_id', '=', summary.id)
			.execute();
		expect(table).toEqual([
			{
				analysis_id: summary.id,
				municipality_code: 901,
				cameras: 5,
				allowed_before: 1,
				allowed_after: 2,
				newly_allowed: 1,
				newly_refused: 0
			}
		]);

		// The ministry's question: what if 500 m became 750 m?
		const wider = await publish(section2a('p2a-750', 'housing_area', 750));
		const widened = await runImpactAnalysis(testDb(), actor, after, wider, { asOf: AS_OF });
		expect(widened).toMatchObject({ newlyAllowed: 1, newlyRefused: 0, changed: 1 });
		expect(await changesByName(widened.id)).toEqual({
			'at 650 m': [false, true, ['p2a-near-housing-area'], []]
		});
		// And back: the same camera, refused.
		const narrowed = await runImpactAnalysis(testDb(), actor, wider, after, { asOf: AS_OF });
		expect(narrowed).toMatchObject({ newlyAllowed: 0, newlyRefused: 1, changed: 1 });
	});

	it('finds no change between a version and itself, and records the analysis in the audit trail', async () => {
		await fixture();
		const version = await publish(section2a('same', 'housing_area', 500));
		const summary = await runImpactAnalysis(testDb(), actor, version, version, { asOf: AS_OF });
		expect(summary).toMatchObject({ cameras: 5, changed: 0, newlyAllowed: 0, newlyRefused: 0 });
		const audit = await testDb()
			.selectFrom('audit_log')
			.select(['action', 'object_id'])
			.where('action', '=', 'rules.impact')
			.execute();
		expect(audit).toEqual([{ action: 'rules.impact', object_id: String(summary.id) }]);
	});

	it('compares the shipped rule sets: § 2 a needs a permitted housing area before 1 July 2025, any after', async () => {
		await fixture();
		const shipped = (name: string) => {
			const json = JSON.parse(
				readFileSync(join(process.cwd(), 'geodata', 'rulesets', `${name}.json`), 'utf8')
			);
			const parsed = validateRuleSet(json);
			if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
			return parsed.value;
		};
		const before = await publish(shipped('tv-overvaagning-2020-07'));
		const after = await publish(shipped('tv-overvaagning-2025-07'));
		const summary = await runImpactAnalysis(testDb(), actor, before, after, { asOf: AS_OF });
		const changes = await changesByName(summary.id);
		const near = changes['near housing'];
		expect(near[2]).toContain('p2a-near-housing-area');
		expect(near[3]).not.toContain('p2a-near-housing-area');
	});
});
