import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeAppliesTo, describeRequirement } from '../../src/lib/rules/describe';
import {
	RULE_KINDS,
	ruleSetJsonSchema,
	validateRuleSet,
	validateRuleSetText,
	type RuleSetDocument,
	type RuleSetError
} from '../../src/lib/rules/schema';
import { ruleSetSchemaFileText } from '../../scripts/lib/ruleset-schema-file';

const dir = join(import.meta.dirname, '..', '..', 'geodata', 'rulesets');
const shippedFiles = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'ruleset.schema.json');
const read = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

function valid(json: unknown): RuleSetDocument {
	const result = validateRuleSet(json);
	if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
	return result.value;
}

function errors(json: unknown, lang: 'da' | 'en' = 'en'): RuleSetError[] {
	const result = validateRuleSet(json, lang);
	if (result.ok) throw new Error('expected the document to be refused');
	return result.errors;
}

/** The shipped 2025 set with one change, for the malformed cases. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately malformed documents
function broken(change: (doc: Record<string, any>) => void): unknown {
	const doc = read('tv-overvaagning-2025-07.json');
	change(doc);
	return doc;
}

const ruleIndex = (id: string) =>
	(read('tv-overvaagning-2025-07.json').rules as { id: string }[]).findIndex((r) => r.id === id);

describe('shipped rule sets', () => {
	it('ships at least the sets before and after the 2025 amendment, each valid and pointing at the schema', () => {
		expect(shippedFiles).toEqual(
			expect.arrayContaining(['tv-overvaagning-2020-07.json', 'tv-overvaagning-2025-07.json'])
		);
		for (const file of shippedFiles) {
			const json = read(file);
			expect(json.$schema, file).toBe('./ruleset.schema.json');
			const doc = valid(json);
			expect(`${doc.id}.json`).toBe(file);
			expect('$schema' in doc).toBe(false);
			for (const rule of doc.rules) {
				expect(rule.description, `${file} ${rule.id}`).toBeDefined();
				expect(rule.legalReference, `${file} ${rule.id}`).toMatch(/§|art\./);
			}
		}
	});

	it('differ the way the law changed on 1 July 2025', () => {
		const before = valid(read('tv-overvaagning-2020-07.json'));
		const after = valid(read('tv-overvaagning-2025-07.json'));
		expect([before.validFrom, before.validTo, after.validFrom, after.validTo]).toEqual([
			'2020-07-01',
			'2025-06-30',
			'2025-07-01',
			null
		]);
		const rule = (doc: RuleSetDocument, id: string) => doc.rules.find((r) => r.id === id)!;
		// § 2 a: the reference area went from housing areas with police-permitted CCTV to any housing area.
		expect(rule(before, 'p2a-near-housing-area')).toMatchObject({
			kind: 'withinLayer',
			params: { layer: 'housing_area_permit', distanceM: 500 }
		});
		expect(rule(after, 'p2a-near-housing-area')).toMatchObject({
			kind: 'withinLayer',
			params: { layer: 'housing_area', distanceM: 500 }
		});
		// § 2 stk. 2-3: "essential to fighting crime" (evidence, error) → "can promote safety" (warning).
		expect(rule(before, 'p2s2-p2s3-criterion')).toMatchObject({ kind: 'minIncidents', severity: 'error' });
		expect(rule(after, 'p2s2-p2s3-criterion')).toMatchObject({
			kind: 'hotspotOrUnsafety',
			severity: 'warning',
			params: { minUnsafeShare: 0.2 }
		});
		// Everything else is the same in both.
		const rest = (doc: RuleSetDocument) =>
			doc.rules.filter((r) => !['p2a-near-housing-area', 'p2s2-p2s3-criterion'].includes(r.id));
		expect(rest(after)).toEqual(rest(before));
		expect(rule(after, 'no-homes-in-view')).toMatchObject({ appliesTo: {}, severity: 'error' });
	});

	it('uses every rule kind, and each rule reads as a sentence in both languages', () => {
		const doc = valid(read('tv-overvaagning-2025-07.json'));
		expect(new Set(doc.rules.map((r) => r.kind))).toEqual(
			new Set(RULE_KINDS.filter((k) => k !== 'minIncidents'))
		);
		const names = { layer: (k: string) => (k === 'housing_area' ? 'Boligområder' : k) };
		const p2a = doc.rules.find((r) => r.id === 'p2a-near-housing-area')!;
		expect(describeRequirement(p2a, 'da', names)).toBe(
			'Hele det filmede område ligger højst 500 m fra laget »Boligområder«.'
		);
		expect(describeAppliesTo(p2a.appliesTo, 'en')).toEqual([
			'Owner type: Municipality',
			'Legal basis: § 2 a'
		]);
		for (const lang of ['da', 'en'] as const) {
			for (const r of [...doc.rules, ...valid(read('tv-overvaagning-2020-07.json')).rules]) {
				const text = describeRequirement(r, lang);
				expect(text, r.id).toMatch(/^[A-ZÆØÅ].*\.$/);
				expect(text, r.id).not.toMatch(/\{\w+\}/);
			}
		}
	});
});

describe('the rule-set schema refuses malformed documents, naming the path', () => {
	it('a missing English title', () => {
		expect(errors(broken((d) => delete d.title.en))).toEqual([{ path: 'title.en', message: 'is required' }]);
	});

	it('duplicate rule ids, naming the first use', () => {
		expect(errors(broken((d) => (d.rules[3].id = d.rules[0].id)))).toEqual([
			{ path: 'rules[3].id', message: 'rule id "p2a-near-housing-area" is already used (rules[0].id)' }
		]);
	});

	it('an unknown rule kind', () => {
		const [error] = errors(broken((d) => (d.rules[1].kind = 'nearSchool')));
		expect(error.path).toBe('rules[1].kind');
		expect(error.message).toMatch(/^must be one of: "withinLayer", "viewAvoidsResidential", .*"minSpacing"$/);
		expect(errors(broken((d) => delete d.rules[1].kind))[0]).toMatchObject({
			path: 'rules[1].kind',
			message: expect.stringMatching(/^is required: one of "withinLayer"/)
		});
	});

	it('a negative distance, and one that is only greater-than', () => {
		expect(errors(broken((d) => (d.rules[0].params.distanceM = -1)))).toEqual([
			{ path: 'rules[0].params.distanceM', message: 'must be at least 0' }
		]);
		const spacing = ruleIndex('no-double-coverage');
		expect(errors(broken((d) => (d.rules[spacing].params.distanceM = 0)))).toEqual([
			{ path: `rules[${spacing}].params.distanceM`, message: 'must be greater than 0' }
		]);
		expect(errors(broken((d) => (d.rules[0].params.distanceM = '500')))).toEqual([
			{ path: 'rules[0].params.distanceM', message: 'must be a number, not string' }
		]);
	});

	it('a bad attribute variant', () => {
		const i = ruleIndex('p4c-retention');
		expect(errors(broken((d) => (d.rules[i].params.attribute = 'colour')))).toEqual([
			{
				path: `rules[${i}].params.attribute`,
				message:
					'must be one of: "retentionDays", "signage", "legalBasisForOwner", "permitYears", "policeRegistrationDays"'
			}
		]);
		// The signage variant has no max, and needs `required: true`.
		expect(errors(broken((d) => (d.rules[i].params.attribute = 'signage')))).toEqual([
			{ path: `rules[${i}].params.required`, message: 'is required' },
			{ path: `rules[${i}].params.max`, message: 'is not a known field' }
		]);
		expect(errors(broken((d) => (d.rules[i].params.max = 30.5)))).toEqual([
			{ path: `rules[${i}].params.max`, message: 'must be a whole number' }
		]);
		const owner = ruleIndex('legal-basis-for-owner');
		expect(
			errors(
				broken((d) => {
					delete d.rules[owner].params.allowed.private;
					d.rules[owner].params.allowed.police = ['§ 9'];
				})
			)
		).toEqual([
			{
				path: `rules[${owner}].params.allowed.police[0]`,
				message: expect.stringMatching(/^must be one of: "§ 2 a"/)
			},
			{ path: `rules[${owner}].params.allowed.private`, message: 'is required' }
		]);
	});

	it('unknown fields, empty or repeated lists, bad enums', () => {
		expect(
			errors(
				broken((d) => {
					d.rules[0].params.distanceMeters = 500;
					d.rules[0].appliesTo.ownerTypes = [];
					d.rules[1].appliesTo.legalBases = ['§ 2 c', '§ 2 c'];
					d.rules[2].severity = 'fatal';
				})
			)
		).toEqual([
			{ path: 'rules[0].appliesTo.ownerTypes', message: 'must not be an empty list' },
			{ path: 'rules[0].params.distanceMeters', message: 'is not a known field' },
			{ path: 'rules[1].appliesTo.legalBases[1]', message: '"§ 2 c" is listed twice' },
			{ path: 'rules[2].severity', message: 'must be one of: "error", "warning"' }
		]);
	});

	it('parameters that depend on each other or on data files', () => {
		const hotspot = ruleIndex('p2s2-p2s3-criterion');
		const density = ruleIndex('useful-density');
		expect(
			errors(
				broken((d) => {
					d.rules[hotspot].params = {};
					d.rules[density].params.level = 'recognise';
					d.rules[density].params.target = 'hotspotCell';
				})
			)
		).toEqual([
			{ path: `rules[${hotspot}].params`, message: 'give hotspot, minUnsafeShare or both' },
			{
				path: `rules[${density}].params.level`,
				message:
					'unknown level "recognise" in en62676-4-2015 (known: inspect, identification, recognition, observation, detection, monitor)'
			},
			{ path: `rules[${density}].params.cellSizeM`, message: 'is required when target is hotspotCell' }
		]);
		expect(errors(broken((d) => (d.rules[hotspot].params.hotspot.cellSizeM = 300)))).toEqual([
			{ path: `rules[${hotspot}].params.hotspot.cellSizeM`, message: 'must be one of: 100, 250, 500, 1000' }
		]);
	});

	it('dates, the schema version, reserved ids, and text that is not JSON', () => {
		expect(
			errors(
				broken((d) => {
					d.validFrom = '2025-02-30';
					d.validTo = 'soon';
					d.schemaVersion = 2;
					d.id = 'diff';
				})
			)
		).toEqual([
			{ path: 'schemaVersion', message: 'must be one of: 1' },
			{ path: 'id', message: 'is reserved; choose another id' },
			{ path: 'validFrom', message: 'must be a date YYYY-MM-DD' },
			{ path: 'validTo', message: 'must be a date YYYY-MM-DD' }
		]);
		expect(errors(broken((d) => (d.validTo = '2024-01-01')))).toEqual([
			{ path: 'validTo', message: 'must not be before validFrom' }
		]);
		expect(errors(null)).toEqual([{ path: '', message: 'must be an object, not null' }]);
		const text = validateRuleSetText('{"rules": [');
		expect(text.ok).toBe(false);
		if (!text.ok)
			expect(text.errors[0]).toMatchObject({
				path: '',
				message: expect.stringMatching(/^is not valid JSON: /)
			});
	});

	it('speaks Danish when asked', () => {
		expect(
			errors(
				broken((d) => (d.rules[0].params.distanceM = -1)),
				'da'
			)
		).toEqual([{ path: 'rules[0].params.distanceM', message: 'skal være mindst 0' }]);
	});

	it('fills in defaults and accepts a minimal document', () => {
		const doc = valid({
			schemaVersion: 1,
			id: 'minimal',
			title: { da: 'Minimal', en: 'Minimal' },
			validFrom: '2026-01-01',
			rules: [
				{
					id: 'homes',
					title: { da: 'Ingen boliger', en: 'No homes' },
					legalReference: 'straffeloven § 264 a',
					severity: 'error',
					appliesTo: {},
					kind: 'viewAvoidsResidential',
					params: { respectPrivacyMasks: false }
				},
				{
					id: 'near',
					title: { da: 'Nær', en: 'Near' },
					legalReference: 'tv-overvågningsloven § 2 a',
					severity: 'warning',
					appliesTo: { statuses: ['proposed'] },
					kind: 'withinLayer',
					params: { layer: 'school', distanceM: 0 }
				}
			]
		});
		expect(doc.rules[0].params).toEqual({ toleranceM: 0.5, respectPrivacyMasks: false });
		expect(doc.rules[1].params).toEqual({ layer: 'school', distanceM: 0, measureFrom: 'camera' });
	});
});

describe('geodata/rulesets/ruleset.schema.json', () => {
	it('is the JSON Schema generated from the zod schema (run `npm run rulesets -- schema` after a change)', async () => {
		const committed = readFileSync(join(dir, 'ruleset.schema.json'), 'utf8');
		expect(JSON.parse(committed)).toEqual(ruleSetJsonSchema());
		expect(committed).toBe(await ruleSetSchemaFileText());
	});

	it('describes every rule kind and keeps objects closed', () => {
		const schema = ruleSetJsonSchema() as {
			additionalProperties: boolean;
			properties: { rules: { items: { oneOf: { properties: { kind: { const: string } } }[] } } };
		};
		expect(schema.additionalProperties).toBe(false);
		expect(schema.properties.rules.items.oneOf.map((o) => o.properties.kind.const)).toEqual(RULE_KINDS);
	});
});
