// What changed between two rule-set documents, as a list a reviewer can read: fields of the set,
// rules added and removed (matched by id), and per changed rule each changed field with its old and
// new value ("§ 2 a nær boligområde: params.distanceM 500 → 750"). Lists are compared as values:
// the order of rules does not matter, the order inside a list does.
import { translate, type Lang } from '../i18n';
import type { Rule, RuleSetDocument } from './schema';

export interface FieldChange {
	/** As `params.distanceM` or `appliesTo.ownerTypes`; `title.da` for the set's own fields. */
	path: string;
	/** undefined: the field is absent on that side. */
	before: unknown;
	after: unknown;
}

export type RuleSetChange =
	| { type: 'setField'; change: FieldChange }
	| { type: 'ruleAdded'; ruleId: string; rule: Rule }
	| { type: 'ruleRemoved'; ruleId: string; rule: Rule }
	| { type: 'ruleChanged'; ruleId: string; before: Rule; after: Rule; changes: FieldChange[] };

type Plain = Record<string, unknown>;

const isObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaf-level differences of two JSON values; arrays and scalars are leaves. */
export function diffValues(before: unknown, after: unknown, prefix = ''): FieldChange[] {
	if (isObject(before) && isObject(after)) {
		const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !(k in before))];
		return keys.flatMap((k) => diffValues(before[k], after[k], prefix ? `${prefix}.${k}` : k));
	}
	if (JSON.stringify(before) === JSON.stringify(after)) return [];
	// An object that appears or disappears is shown field by field, so every value stays readable.
	if (isObject(before) && after === undefined) return diffValues(before, {}, prefix);
	if (before === undefined && isObject(after)) return diffValues({}, after, prefix);
	return [{ path: prefix, before, after }];
}

/** Fields of the set itself that a reader cares about (not `rules`, not the editor's `$schema`). */
const SET_FIELDS = ['schemaVersion', 'id', 'title', 'description', 'validFrom', 'validTo'] as const;

export function diffRuleSets(a: RuleSetDocument, b: RuleSetDocument): RuleSetChange[] {
	const changes: RuleSetChange[] = [];
	for (const field of SET_FIELDS) {
		for (const change of diffValues(a[field] ?? undefined, b[field] ?? undefined, field))
			changes.push({ type: 'setField', change });
	}
	const before = new Map(a.rules.map((r) => [r.id, r]));
	const after = new Map(b.rules.map((r) => [r.id, r]));
	for (const rule of a.rules) {
		const next = after.get(rule.id);
		if (!next) {
			changes.push({ type: 'ruleRemoved', ruleId: rule.id, rule });
			continue;
		}
		const fields = diffValues(rule, next).filter((c) => c.path !== 'id');
		if (fields.length)
			changes.push({ type: 'ruleChanged', ruleId: rule.id, before: rule, after: next, changes: fields });
	}
	for (const rule of b.rules) {
		if (!before.has(rule.id)) changes.push({ type: 'ruleAdded', ruleId: rule.id, rule });
	}
	return changes;
}

/** A value as the diff shows it: numbers and strings as they are, lists in brackets, absent as "(none)". */
export function formatValue(value: unknown, lang: Lang): string {
	if (value === undefined) return translate(lang, 'rules.diff.absent');
	if (typeof value === 'string') return value.length > 120 ? `${value.slice(0, 117)}…` : value;
	if (Array.isArray(value)) return `[${value.map((v) => formatValue(v, lang)).join(', ')}]`;
	return JSON.stringify(value);
}

/** One line per field change (a rule's addition or removal is one line), in the reader's language. */
export function describeChanges(changes: RuleSetChange[], lang: Lang): string[] {
	const v = (value: unknown) => formatValue(value, lang);
	return changes.flatMap((c) => {
		switch (c.type) {
			case 'setField':
				return [
					translate(lang, 'rules.diff.setField', {
						path: c.change.path,
						before: v(c.change.before),
						after: v(c.change.after)
					})
				];
			case 'ruleAdded':
				return [translate(lang, 'rules.diff.added', { title: c.rule.title[lang], id: c.ruleId })];
			case 'ruleRemoved':
				return [translate(lang, 'rules.diff.removed', { title: c.rule.title[lang], id: c.ruleId })];
			case 'ruleChanged':
				return c.changes.map((f) =>
					translate(lang, 'rules.diff.changed', {
						// The title the reader knows: the earlier one (a changed title shows as its own line).
						title: c.before.title[lang],
						path: f.path,
						before: v(f.before),
						after: v(f.after)
					})
				);
		}
	});
}
