import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyFormValues, editableFields, fieldText, parseFieldValue } from '../../src/lib/rules/edit';
import { validateRuleSet, type RuleSetDocument } from '../../src/lib/rules/schema';

function shipped(): RuleSetDocument {
	const file = join(import.meta.dirname, '..', '..', 'geodata', 'rulesets', 'tv-overvaagning-2025-07.json');
	const result = validateRuleSet(JSON.parse(readFileSync(file, 'utf8')));
	if (!result.ok) throw new Error('invalid shipped rule set');
	return result.value;
}

describe('the draft editor’s fields', () => {
	it('offers severity and every parameter leaf by path, but not variant switches', () => {
		const fields = editableFields(shipped());
		const byId = Object.fromEntries(fields.map((r) => [r.id, r.fields.map((f) => [f.path, f.type])]));
		expect(byId['p2a-near-housing-area']).toEqual([
			['rules[0].severity', 'severity'],
			['rules[0].params.layer', 'text'],
			['rules[0].params.distanceM', 'number'],
			['rules[0].params.measureFrom', 'text']
		]);
		const legal = fields.find((r) => r.id === 'legal-basis-for-owner')!;
		expect(legal.fields.map((f) => f.path)).not.toContain(`rules[${legal.index}].params.attribute`);
		const municipality = legal.fields.find((f) => f.name === 'allowed.municipality')!;
		expect(municipality.type).toBe('list');
		expect(fieldText(municipality)).toBe('§ 2 a, § 2 c, § 2 d');
	});

	it('reads numbers (decimal comma too), lists, checkboxes; leaves bad text for the schema to name', () => {
		expect(parseFieldValue('number', ['7,5'])).toBe(7.5);
		expect(parseFieldValue('number', [' 750 '])).toBe(750);
		expect(parseFieldValue('number', ['abc'])).toBe('abc');
		expect(parseFieldValue('number', [''])).toBeUndefined();
		expect(parseFieldValue('list', ['violence, robbery,,'])).toEqual(['violence', 'robbery']);
		expect(parseFieldValue('boolean', ['false'])).toBe(false);
		expect(parseFieldValue('boolean', ['false', 'true'])).toBe(true);
	});

	it('applies a submitted form to a copy, and the schema names what is wrong by the field’s path', () => {
		const doc = shipped();
		const form: Record<string, string[]> = {
			'rules[0].params.distanceM': ['750'],
			'rules[1].severity': ['warning'],
			'rules[9].params.respectPrivacyMasks': ['false']
		};
		const next = applyFormValues(doc, (path) => form[path] ?? []);
		const valid = validateRuleSet(next);
		expect(valid.ok).toBe(true);
		if (!valid.ok) return;
		expect(valid.value.rules[0].params).toMatchObject({ distanceM: 750 });
		expect(valid.value.rules[1].severity).toBe('warning');
		expect(valid.value.rules[9].params).toMatchObject({ respectPrivacyMasks: false });
		expect(doc.rules[0].params).toMatchObject({ distanceM: 500 });

		const bad = validateRuleSet(
			applyFormValues(
				doc,
				(path) => ({ 'rules[0].params.distanceM': ['-5'], 'rules[4].params.max': [''] })[path] ?? []
			)
		);
		expect(bad.ok === false && bad.errors).toEqual([
			{ path: 'rules[0].params.distanceM', message: 'must be at least 0' },
			{ path: 'rules[4].params.max', message: 'is required' }
		]);
	});
});
