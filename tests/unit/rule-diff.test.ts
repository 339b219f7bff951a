import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeChanges, diffRuleSets, diffValues } from '../../src/lib/rules/diff';
import { validateRuleSet, type Rule, type RuleSetDocument } from '../../src/lib/rules/schema';

const dir = join(import.meta.dirname, '..', '..', 'geodata', 'rulesets');

function shipped(name: string): RuleSetDocument {
	const result = validateRuleSet(JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')));
	if (!result.ok) throw new Error('invalid shipped rule set');
	return result.value;
}

const v2025 = () => shipped('tv-overvaagning-2025-07');
const rule = (doc: RuleSetDocument, id: string): Rule => doc.rules.find((r) => r.id === id)!;

describe('diffRuleSets', () => {
	it('finds nothing between a document and its copy', () => {
		expect(diffRuleSets(v2025(), structuredClone(v2025()))).toEqual([]);
	});

	it('names a changed parameter with its old and new value under the rule’s title', () => {
		const a = v2025();
		const b = structuredClone(a);
		const p2a = rule(b, 'p2a-near-housing-area');
		if (p2a.kind === 'withinLayer') p2a.params.distanceM = 750;
		const changes = diffRuleSets(a, b);
		expect(changes).toEqual([
			{
				type: 'ruleChanged',
				ruleId: 'p2a-near-housing-area',
				before: rule(a, 'p2a-near-housing-area'),
				after: p2a,
				changes: [{ path: 'params.distanceM', before: 500, after: 750 }]
			}
		]);
		expect(describeChanges(changes, 'da')).toEqual(['§ 2 a nær boligområde: params.distanceM 500 → 750']);
		expect(describeChanges(changes, 'en')).toEqual(['§ 2 a near a housing area: params.distanceM 500 → 750']);
	});

	it('lists added and removed rules, set fields, lists and optional fields', () => {
		const a = v2025();
		const b = structuredClone(a);
		b.validTo = '2030-06-30';
		b.title.en = 'CCTV Act from 1 July 2025 (draft)';
		b.rules = b.rules.filter((r) => r.id !== 'no-double-coverage');
		b.rules.push({
			...structuredClone(rule(a, 'signage')),
			id: 'signage-2',
			title: { da: 'Skilte 2', en: 'Signs 2' }
		});
		const retention = rule(b, 'p4c-retention');
		retention.appliesTo.ownerTypes = ['business'];
		const safety = rule(b, 'p2a-p2c-safety-need');
		if (safety.kind === 'hotspotOrUnsafety') {
			delete safety.params.minUnsafeShare;
			safety.params.hotspot!.categories = ['violence', 'robbery'];
		}
		expect(describeChanges(diffRuleSets(a, b), 'en')).toEqual([
			'Rule set: title.en CCTV Act from 1 July 2025 → CCTV Act from 1 July 2025 (draft)',
			'Rule set: validTo (none) → 2030-06-30',
			'Need for safety (§§ 2 a and 2 c): params.hotspot.categories (none) → [violence, robbery]',
			'Need for safety (§§ 2 a and 2 c): params.minUnsafeShare 0.2 → (none)',
			'Deletion within 30 days (private owners): appliesTo.ownerTypes [housing_organisation, business, private] → [business]',
			'Removed rule: No double coverage of the same spot (no-double-coverage)',
			'New rule: Signs 2 (signage-2)'
		]);
	});

	it('shows the 2025 amendment between the shipped sets', () => {
		const lines = describeChanges(diffRuleSets(shipped('tv-overvaagning-2020-07'), v2025()), 'en');
		expect(lines).toEqual(
			expect.arrayContaining([
				'Rule set: id tv-overvaagning-2020-07 → tv-overvaagning-2025-07',
				'Rule set: validFrom 2020-07-01 → 2025-07-01',
				'Rule set: validTo 2025-06-30 → (none)',
				'§ 2 a near a housing area with permitted CCTV: params.layer housing_area_permit → housing_area',
				'§ 2(2)-(3): essential to fighting crime: severity error → warning',
				'§ 2(2)-(3): essential to fighting crime: kind minIncidents → hotspotOrUnsafety',
				'§ 2(2)-(3): essential to fighting crime: params.count 10 → (none)',
				'§ 2(2)-(3): essential to fighting crime: params.hotspot.cellSizeM (none) → 250',
				'§ 2(2)-(3): essential to fighting crime: params.minUnsafeShare (none) → 0.2'
			])
		);
		// Only the two rules the amendment touched (and the set's own fields) differ.
		const changed = diffRuleSets(shipped('tv-overvaagning-2020-07'), v2025()).filter(
			(c) => c.type !== 'setField'
		);
		expect(changed.map((c) => c.type === 'ruleChanged' && c.ruleId)).toEqual([
			'p2a-near-housing-area',
			'p2s2-p2s3-criterion'
		]);
	});
});

describe('diffValues', () => {
	it('compares objects by field, lists and scalars as values, and spells out objects that appear', () => {
		expect(
			diffValues({ a: 1, b: [1, 2], c: { d: 'x' } }, { a: 1, b: [2, 1], c: { d: 'y' }, e: { f: true } })
		).toEqual([
			{ path: 'b', before: [1, 2], after: [2, 1] },
			{ path: 'c.d', before: 'x', after: 'y' },
			{ path: 'e.f', before: undefined, after: true }
		]);
		expect(diffValues(null, 3, 'x')).toEqual([{ path: 'x', before: null, after: 3 }]);
	});
});
