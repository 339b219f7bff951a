// The draft editor's form: every parameter of every rule (and its severity) as one form field named
// by its path in the document (`rules[0].params.distanceM`), so that the schema's path-named errors
// land next to the field they are about. Kinds, ids, texts and variant switches (`attribute`,
// `area.mode`) are changed in the JSON editor instead, because they change what the other fields mean.
import type { RuleSetDocument } from './schema';

export type FieldType = 'number' | 'boolean' | 'text' | 'list' | 'severity';

export interface EditableField {
	/** The form field's name and the error path: `rules[0].params.distanceM`. */
	path: string;
	segments: (string | number)[];
	/** The leaf's own name (`distanceM`), or `allowed.municipality` for a per-owner list. */
	name: string;
	type: FieldType;
	value: unknown;
}

export interface RuleFields {
	index: number;
	id: string;
	fields: EditableField[];
}

/** Switches between variants: edited as JSON. */
const NOT_EDITABLE = new Set(['attribute', 'mode']);

export function pathOf(segments: (string | number)[]): string {
	return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function leaves(value: unknown, segments: (string | number)[], names: string[], out: EditableField[]): void {
	if (Array.isArray(value)) {
		if (value.every((v) => typeof v === 'string'))
			out.push({ path: pathOf(segments), segments, name: names.join('.'), type: 'list', value });
		return;
	}
	if (value !== null && typeof value === 'object') {
		for (const [key, v] of Object.entries(value)) {
			if (NOT_EDITABLE.has(key)) continue;
			leaves(v, [...segments, key], [...names, key], out);
		}
		return;
	}
	const type: FieldType | null =
		typeof value === 'number'
			? 'number'
			: typeof value === 'boolean'
				? 'boolean'
				: typeof value === 'string'
					? 'text'
					: null;
	if (type) out.push({ path: pathOf(segments), segments, name: names.join('.'), type, value });
}

/** The fields of each rule: its severity, then its parameters in document order. */
export function editableFields(doc: RuleSetDocument): RuleFields[] {
	return doc.rules.map((rule, index) => {
		const fields: EditableField[] = [
			{
				path: pathOf(['rules', index, 'severity']),
				segments: ['rules', index, 'severity'],
				name: 'severity',
				type: 'severity',
				value: rule.severity
			}
		];
		leaves(rule.params, ['rules', index, 'params'], [], fields);
		return { index, id: rule.id, fields };
	});
}

/** A field's value as the form shows it. */
export function fieldText(field: EditableField): string {
	if (field.type === 'list') return (field.value as string[]).join(', ');
	if (field.type === 'boolean') return field.value ? 'true' : 'false';
	return String(field.value ?? '');
}

/**
 * What the user typed, as the JSON value the schema then checks: numbers with a point or a Danish
 * decimal comma, lists split at commas, checkboxes as true when ticked. Text that is not a number
 * stays text, so the schema can say "must be a number" at that field's path; an empty number is
 * left out, so it says "is required".
 */
export function parseFieldValue(type: FieldType, submitted: string[]): unknown {
	const text = (submitted.find((v) => v !== 'false') ?? submitted[0] ?? '').trim();
	switch (type) {
		case 'boolean':
			return submitted.includes('true');
		case 'number': {
			if (text === '') return undefined;
			const n = Number(/^[-+]?\d+,\d+$/.test(text) ? text.replace(',', '.') : text);
			return Number.isFinite(n) ? n : text;
		}
		case 'list':
			return text
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean);
		default:
			return text;
	}
}

function setAt(target: unknown, segments: (string | number)[], value: unknown): void {
	let node = target as Record<string | number, unknown>;
	for (const s of segments.slice(0, -1)) node = node[s] as Record<string | number, unknown>;
	const last = segments[segments.length - 1];
	if (value === undefined) delete node[last];
	else node[last] = value;
}

/** A copy of the document with every editable field set from the form (`get` returns a field's submitted values). */
export function applyFormValues(doc: RuleSetDocument, get: (path: string) => string[]): unknown {
	const next = structuredClone(doc) as unknown;
	for (const rule of editableFields(doc)) {
		for (const field of rule.fields) {
			const submitted = get(field.path);
			// A field the form did not send (an older page) keeps its value; a checkbox always sends its hidden "false".
			if (submitted.length === 0) continue;
			setAt(next, field.segments, parseFieldValue(field.type, submitted));
		}
	}
	return next;
}
