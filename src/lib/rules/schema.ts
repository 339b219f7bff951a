// A rule set as data: a versioned JSON document that says which cameras a rule applies to and what
// it requires of them, one rule kind per requirement of tv-overvågningsloven (and of the practice
// around it). Shared by the browser (editor, readable rules) and the server (storage, seeding, the
// SQL evaluator); geodata/rulesets/ruleset.schema.json is generated from this schema
// (`npm run rulesets -- schema`), so editors validate files with the same rules.
//
// Every object is strict: an unknown field is an error, because a misspelt parameter silently
// ignored would change what a legal rule means.
import { z } from 'zod';
import { isRealDate } from '../dates';
import { CAMERA_STATUSES, LEGAL_BASIS_VALUES, OWNER_TYPES, type OwnerType } from '../camera/register';
import { levelTables } from '../camera/density-levels';
import { CELL_SIZES, Z_CRITICAL } from '../hotspots';
import { translate, type Lang, type MessageKey } from '../i18n';
import { da } from '../i18n/da';

export const RULE_SCHEMA_VERSION = 1;

type Vars = Record<string, string | number>;

/**
 * Cross-field checks run even when other fields are bad, so one pass reports every problem; their
 * input may then be partly invalid, so they check the shapes they rely on.
 */
const always = { when: () => true };

/** A custom issue that carries its i18n key, so messages can be shown in Danish or English. */
function issue(ctx: z.RefinementCtx, path: PropertyKey[], key: MessageKey, vars: Vars = {}) {
	ctx.addIssue({ code: 'custom', path, message: translate('en', key, vars), params: { key, vars } });
}

const SLUG = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;
/** Path segments of the rule pages (/regler/diff, /regler/lag, …) that a rule set cannot be called. */
export const RESERVED_RULE_SET_IDS = ['diff', 'lag', 'ny', 'konsekvens'] as const;

const slug = z
	.string()
	.max(64)
	.regex(SLUG, { error: 'rules.error.slug' satisfies MessageKey });

const text = (max: number) => z.string().trim().min(1).max(max);

const localized = (max: number) =>
	z.strictObject({ da: text(max), en: text(max) }).meta({ description: 'Danish and English text' });

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'rules.error.date' satisfies MessageKey })
	.refine(isRealDate, {
		params: { key: 'rules.error.date' }
	});

/** A list whose entries must differ; an empty list is refused (leave the field out instead). */
function uniqueList<T extends z.ZodType>(item: T, max = 50) {
	return z
		.array(item)
		.min(1)
		.max(max)
		.superRefine((values, ctx) => {
			if (!Array.isArray(values)) return;
			const seen = new Set<string>();
			values.forEach((v, i) => {
				const k = JSON.stringify(v);
				if (seen.has(k)) issue(ctx, [i], 'rules.error.duplicateValue', { value: String(v) });
				seen.add(k);
			});
		}, always);
}

const literalUnion = <T extends readonly [number, ...number[]]>(values: T) =>
	z.union(
		values.map((v) => z.literal(v)) as unknown as [z.ZodLiteral<T[number]>, ...z.ZodLiteral<T[number]>[]]
	);

/** An incident category code (incident_categories.code); the server checks that it exists. */
const categoryCode = z
	.string()
	.max(64)
	.regex(/^[a-z][a-z_]*$/, { error: 'rules.error.categoryCode' satisfies MessageKey });
const categoryList = uniqueList(categoryCode).meta({
	description: 'Incident category codes (incident_categories.code)'
});

const months = z.number().int().min(1).max(120).meta({ description: 'Look-back period in whole months' });
/** Distances in metres; 50 km is far beyond any rule the act suggests and catches unit mistakes. */
const metres = z.number().min(0).max(50_000);
const positiveMetres = z.number().gt(0).max(50_000);
const share = z.number().min(0).max(1);

export const SEVERITIES = ['error', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

const appliesToSchema = z
	.strictObject({
		ownerTypes: uniqueList(z.enum(OWNER_TYPES)).optional(),
		legalBases: uniqueList(z.enum(LEGAL_BASIS_VALUES)).optional(),
		statuses: uniqueList(z.enum(CAMERA_STATUSES)).optional()
	})
	.meta({
		description:
			'Which cameras the rule applies to: all listed conditions must hold; a left-out condition matches every camera'
	});
export type RuleAppliesTo = z.output<typeof appliesToSchema>;

// ---- Parameters of each rule kind --------------------------------------------------------------

const withinLayerParams = z
	.strictObject({
		/** reference_layers.kind, e.g. 'housing_area'; the server checks that the layer exists. */
		layer: slug.meta({ description: 'Reference layer kind, e.g. housing_area, nightlife_area' }),
		distanceM: metres.meta({ description: 'Largest distance to the layer in metres; 0 means inside it' }),
		measureFrom: z.enum(['camera', 'view']).default('camera').meta({
			description:
				"'camera': the camera's position must lie within distanceM of the layer; 'view': the whole filmed area must"
		})
	})
	.meta({ description: 'The camera (or its whole view) lies within a distance of a reference layer' });

const viewAvoidsResidentialParams = z
	.strictObject({
		toleranceM: z.number().min(0).max(10).default(0.5).meta({
			description: 'Overlap with residential buildings (metres deep) still accepted, for drawing noise'
		}),
		respectPrivacyMasks: z.boolean().meta({
			description: 'Parts of residential buildings covered by the camera’s privacy masks count as not filmed'
		})
	})
	.meta({ description: 'The view does not reach residential buildings (homes)' });

const incidentArea = z.discriminatedUnion('mode', [
	z.strictObject({ mode: z.literal('distance'), distanceM: positiveMetres }),
	z.strictObject({ mode: z.literal('view') })
]);

const minIncidentsParams = z
	.strictObject({
		count: z.number().int().min(1).max(100_000),
		categories: categoryList,
		months,
		area: incidentArea.meta({
			description: "Where incidents count: within distanceM of the camera, or inside the camera's view"
		})
	})
	.meta({ description: 'At least `count` incidents of the categories in the area during the last `months`' });

/** The Gi* confidence bins (%), lowest first. */
const CONFIDENCES = Z_CRITICAL.map((c) => c.confidence).sort((a, b) => a - b) as unknown as readonly [
	number,
	...number[]
];

const hotspotCriterion = z.strictObject({
	cellSizeM: literalUnion(CELL_SIZES).meta({ description: 'Hexagon size of the Gi* analysis in metres' }),
	minConfidence: literalUnion(CONFIDENCES).meta({
		description: 'Lowest Gi* confidence bin (%) that counts as a hotspot'
	}),
	months,
	categories: categoryList.optional()
});

const hotspotOrUnsafetyParams = z
	.strictObject({
		hotspot: hotspotCriterion.optional(),
		minUnsafeShare: share.optional().meta({
			description: 'Lowest share (0..1) of survey respondents feeling unsafe in the area around the camera'
		})
	})
	.superRefine((p, ctx) => {
		if (p && typeof p === 'object' && p.hotspot === undefined && p.minUnsafeShare === undefined)
			issue(ctx, [], 'rules.error.hotspotOrUnsafety');
	}, always)
	.meta({
		description:
			'Passes when the camera lies in a significant hotspot or in an area surveyed as unsafe enough'
	});

const legalBasisList = z.array(z.enum(LEGAL_BASIS_VALUES)).max(LEGAL_BASIS_VALUES.length);

export const ATTRIBUTES = [
	'retentionDays',
	'signage',
	'legalBasisForOwner',
	'permitYears',
	'policeRegistrationDays'
] as const;
export type AttributeName = (typeof ATTRIBUTES)[number];

const attributeLimitParams = z
	.discriminatedUnion('attribute', [
		z.strictObject({
			attribute: z.literal('retentionDays'),
			max: z.number().int().min(0).max(3650).meta({ description: 'Longest retention in days' })
		}),
		z.strictObject({ attribute: z.literal('signage'), required: z.literal(true) }),
		z.strictObject({
			attribute: z.literal('legalBasisForOwner'),
			allowed: z
				.record(z.enum(OWNER_TYPES), legalBasisList)
				.meta({ description: 'For every owner type, the legal bases it may rest on (an empty list: none)' })
		}),
		z.strictObject({
			attribute: z.literal('permitYears'),
			max: z.number().gt(0).max(50).meta({ description: 'Longest permit period in years' })
		}),
		z.strictObject({
			attribute: z.literal('policeRegistrationDays'),
			max: z
				.number()
				.int()
				.min(0)
				.max(365)
				.meta({ description: 'Most days between activation and registration in the police register' })
		})
	])
	.meta({ description: 'A limit on one of the camera’s registered attributes' });

const densityOverTargetParams = z
	.strictObject({
		levelTable: z.string().min(1).meta({ description: 'A table id of geodata/density-levels.json' }),
		level: z.string().min(1).meta({ description: 'A level id of that table, e.g. recognition' }),
		target: z.enum(['hotspotCell', 'view']),
		minCoverage: share.meta({
			description: 'Lowest share (0..1) of the target covered at the level or better'
		}),
		cellSizeM: literalUnion(CELL_SIZES)
			.optional()
			.meta({ description: "The hotspot cell's size in metres; required when target is hotspotCell" })
	})
	.superRefine((p, ctx) => {
		if (!p || typeof p !== 'object') return;
		const table = levelTables.find((t) => t.id === p.levelTable);
		if (typeof p.levelTable !== 'string') {
			// Reported by the type check.
		} else if (!table) {
			issue(ctx, ['levelTable'], 'rules.error.unknownLevelTable', {
				value: p.levelTable,
				values: levelTables.map((t) => t.id).join(', ')
			});
		} else if (typeof p.level === 'string' && !table.levels.some((l) => l.id === p.level)) {
			issue(ctx, ['level'], 'rules.error.unknownLevel', {
				value: p.level,
				table: table.id,
				values: table.levels.map((l) => l.id).join(', ')
			});
		}
		if (p.target === 'hotspotCell' && p.cellSizeM === undefined)
			issue(ctx, ['cellSizeM'], 'rules.error.cellSizeRequired');
		if (p.target === 'view' && p.cellSizeM !== undefined)
			issue(ctx, ['cellSizeM'], 'rules.error.cellSizeUnused');
	}, always)
	.meta({ description: 'A pixel-density level reached over a share of a target area' });

const minSpacingParams = z
	.strictObject({
		distanceM: positiveMetres.meta({ description: 'Least distance to any other camera in metres' }),
		sameOwnerOnly: z
			.boolean()
			.optional()
			.meta({ description: 'Only cameras of the same operator count (default: every camera)' })
	})
	.meta({ description: 'No other camera stands closer than distanceM' });

// ---- Rules ---------------------------------------------------------------------------------------

const ruleBase = {
	id: slug.meta({ description: 'Unique within the rule set' }),
	title: localized(200),
	description: localized(4000)
		.optional()
		.meta({ description: 'What the rule means and how it was modelled' }),
	legalReference: text(300).meta({ description: 'e.g. "tv-overvågningsloven § 2 a"' }),
	severity: z.enum(SEVERITIES),
	appliesTo: appliesToSchema
};

function ruleOf<K extends string, P extends z.ZodType>(kind: K, params: P) {
	return z.strictObject({ ...ruleBase, kind: z.literal(kind), params });
}

export const ruleSchema = z.discriminatedUnion('kind', [
	ruleOf('withinLayer', withinLayerParams),
	ruleOf('viewAvoidsResidential', viewAvoidsResidentialParams),
	ruleOf('minIncidents', minIncidentsParams),
	ruleOf('hotspotOrUnsafety', hotspotOrUnsafetyParams),
	ruleOf('attributeLimit', attributeLimitParams),
	ruleOf('densityOverTarget', densityOverTargetParams),
	ruleOf('minSpacing', minSpacingParams)
]);

export const ruleSetSchema = z
	.strictObject({
		$schema: z.string().optional().meta({ description: 'Path or URL of ruleset.schema.json, for editors' }),
		schemaVersion: z.literal(RULE_SCHEMA_VERSION),
		id: slug
			.refine((s) => !(RESERVED_RULE_SET_IDS as readonly string[]).includes(s), {
				params: { key: 'rules.error.reserved' }
			})
			.meta({ description: 'The rule set’s slug, e.g. tv-overvaagning-2025-07' }),
		title: localized(200),
		description: localized(8000).optional(),
		validFrom: isoDate.meta({ description: 'First day the rule set applies (YYYY-MM-DD)' }),
		validTo: isoDate
			.nullable()
			.optional()
			.meta({ description: 'Last day it applies; null or left out: open-ended' }),
		rules: z.array(ruleSchema).min(1).max(200)
	})
	.superRefine((doc, ctx) => {
		if (!doc || typeof doc !== 'object') return;
		const date = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
		if (date(doc.validFrom) && date(doc.validTo) && doc.validTo! < doc.validFrom)
			issue(ctx, ['validTo'], 'rules.error.dateOrder');
		if (!Array.isArray(doc.rules)) return;
		const first = new Map<string, number>();
		(doc.rules as unknown[]).forEach((rule, i) => {
			const id = rule && typeof rule === 'object' ? (rule as { id?: unknown }).id : undefined;
			if (typeof id !== 'string') return;
			const earlier = first.get(id);
			if (earlier === undefined) first.set(id, i);
			else
				issue(ctx, ['rules', i, 'id'], 'rules.error.duplicateRuleId', { id, other: `rules[${earlier}].id` });
		});
	}, always)
	.meta({
		title: 'Tryghedskort rule set',
		description:
			'A versioned set of rules about CCTV cameras (tv-overvågningsloven), checked against the register'
	});

/** A valid rule set as stored and evaluated (defaults filled in). */
export type RuleSetDocument = z.output<typeof ruleSetSchema>;
/** A rule set as written in a file (defaults may be left out). */
export type RuleSetInput = z.input<typeof ruleSetSchema>;
export type Rule = z.output<typeof ruleSchema>;
export type RuleKind = Rule['kind'];
export type RuleOfKind<K extends RuleKind> = Extract<Rule, { kind: K }>;
export type RuleParams<K extends RuleKind = RuleKind> = RuleOfKind<K>['params'];
export type AttributeLimitParams = RuleParams<'attributeLimit'>;
export type LocalizedText = { da: string; en: string };

export const RULE_KINDS = ruleSchema.options.map((o) => o.shape.kind.value) as RuleKind[];

/** Every owner type with the same list: a starting point for a legalBasisForOwner rule. */
export function allOwnerTypes<T>(value: () => T): Record<OwnerType, T> {
	return Object.fromEntries(OWNER_TYPES.map((o) => [o, value()])) as Record<OwnerType, T>;
}

// ---- Validation with readable paths -------------------------------------------------------------

export interface RuleSetError {
	/** Where, as `rules[3].params.distanceM`; '' for the document as a whole. */
	path: string;
	message: string;
}

export type RuleSetValidation = { ok: true; value: RuleSetDocument } | { ok: false; errors: RuleSetError[] };

export function formatPath(path: readonly PropertyKey[]): string {
	return path
		.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
		.join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
	let v = input;
	for (const p of path) {
		if (v === null || typeof v !== 'object') return undefined;
		v = (v as Record<PropertyKey, unknown>)[p];
	}
	return v;
}

function typeName(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value;
}

const quoted = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

function messageOf(
	i: z.core.$ZodIssue,
	input: unknown,
	lang: Lang
): { path: PropertyKey[]; message: string } {
	const t = (key: MessageKey, vars: Vars = {}) => translate(lang, key, vars);
	const path = [...i.path];
	const params = (i as { params?: { key?: MessageKey; vars?: Vars } }).params;
	if (params?.key) return { path, message: t(params.key, params.vars ?? {}) };
	// Checks that cannot carry params (regex) name their message key as the message.
	if (isMessageKey(i.message)) return { path, message: t(i.message) };
	const value = valueAt(input, path);
	switch (i.code) {
		case 'invalid_type':
			if (value === undefined) return { path, message: t('rules.error.required') };
			if (i.expected === 'int') return { path, message: t('rules.error.integer') };
			return {
				path,
				message: t('rules.error.type', { expected: t(typeKey(i.expected)), received: typeName(value) })
			};
		case 'too_small': {
			const min = Number(i.minimum);
			if (i.origin === 'array' || i.origin === 'set')
				return { path, message: t(min === 1 ? 'rules.error.emptyList' : 'rules.error.minItems', { min }) };
			if (i.origin === 'string') return { path, message: t('rules.error.emptyText') };
			return { path, message: t(i.inclusive ? 'rules.error.min' : 'rules.error.minExclusive', { min }) };
		}
		case 'too_big': {
			const max = Number(i.maximum);
			if (i.origin === 'array' || i.origin === 'set')
				return { path, message: t('rules.error.maxItems', { max }) };
			if (i.origin === 'string') return { path, message: t('rules.error.tooLong', { max }) };
			return { path, message: t(i.inclusive ? 'rules.error.max' : 'rules.error.maxExclusive', { max }) };
		}
		case 'invalid_value':
			if (value === undefined) return { path, message: t('rules.error.required') };
			return { path, message: t('rules.error.oneOf', { values: quoted(i.values) }) };
		case 'unrecognized_keys':
			// One message per key, at the key's own path.
			return { path: [...path, i.keys[0]], message: t('rules.error.unknownKey') };
		case 'invalid_union': {
			const u = i as z.core.$ZodIssueInvalidUnion & { note?: string; options?: unknown[] };
			if (u.note === 'No matching discriminator') {
				const options = quoted(u.options ?? []);
				if (value === undefined)
					return { path, message: t('rules.error.requiredOneOf', { values: options }) };
				return { path, message: t('rules.error.oneOf', { values: options }) };
			}
			// A union of literals (cell sizes, confidence levels): list what each branch expected.
			const expected = u.errors.flatMap((branch) =>
				branch.length === 1 && branch[0].code === 'invalid_value' ? branch[0].values : []
			);
			if (expected.length === u.errors.length)
				return {
					path,
					message:
						value === undefined
							? t('rules.error.required')
							: t('rules.error.oneOf', { values: quoted(expected) })
				};
			return { path, message: t('rules.error.invalid') };
		}
		case 'invalid_format':
			return { path, message: t('rules.error.invalid') };
		default:
			return { path, message: t('rules.error.invalid') };
	}
}

function isMessageKey(message: string): message is MessageKey {
	return message.startsWith('rules.error.') && Object.hasOwn(da, message);
}

function typeKey(expected: string): MessageKey {
	switch (expected) {
		case 'number':
			return 'rules.type.number';
		case 'string':
			return 'rules.type.string';
		case 'boolean':
			return 'rules.type.boolean';
		case 'array':
			return 'rules.type.array';
		case 'object':
			return 'rules.type.object';
		default:
			return 'rules.type.other';
	}
}

/** Where an error sorts: the set's own fields first, then rule by rule (zod's order within each). */
function ruleOrder(path: string): number {
	const m = /^rules\[(\d+)\]/.exec(path);
	return m ? Number(m[1]) : -1;
}

/** The issues of a failed parse as path-named messages, rule by rule. */
export function ruleSetErrors(error: z.ZodError, input: unknown, lang: Lang = 'en'): RuleSetError[] {
	const out: RuleSetError[] = [];
	const seen = new Set<string>();
	for (const i of error.issues) {
		const keys = i.code === 'unrecognized_keys' ? i.keys : [null];
		for (const key of keys) {
			const one = key === null ? i : { ...i, keys: [key] };
			const { path, message } = messageOf(one as z.core.$ZodIssue, input, lang);
			const entry = { path: formatPath(path), message };
			const k = `${entry.path}\u0000${entry.message}`;
			if (!seen.has(k)) out.push(entry);
			seen.add(k);
		}
	}
	return out
		.map((e, i) => ({ e, i }))
		.sort((a, b) => ruleOrder(a.e.path) - ruleOrder(b.e.path) || a.i - b.i)
		.map((x) => x.e);
}

/**
 * Checks a rule-set document (parsed JSON). Valid: the document with defaults filled in and the
 * editor-only `$schema` member dropped. Invalid: every problem, each naming its path.
 */
export function validateRuleSet(json: unknown, lang: Lang = 'en'): RuleSetValidation {
	const result = ruleSetSchema.safeParse(json);
	if (!result.success) return { ok: false, errors: ruleSetErrors(result.error, json, lang) };
	const { $schema: _ignored, ...value } = result.data;
	return { ok: true, value };
}

/** Parses JSON text and validates it; a syntax error is one error at the document's path ''. */
export function validateRuleSetText(source: string, lang: Lang = 'en'): RuleSetValidation {
	let json: unknown;
	try {
		json = JSON.parse(source.replace(/^\uFEFF/, ''));
	} catch (e) {
		return {
			ok: false,
			errors: [{ path: '', message: translate(lang, 'rules.error.json', { message: (e as Error).message }) }]
		};
	}
	return validateRuleSet(json, lang);
}

/** "path: message", or the message alone for the whole document. */
export function formatRuleSetError(e: RuleSetError): string {
	return e.path ? `${e.path}: ${e.message}` : e.message;
}

/** The JSON Schema of a rule-set file, as written to geodata/rulesets/ruleset.schema.json. */
export function ruleSetJsonSchema(): Record<string, unknown> {
	return z.toJSONSchema(ruleSetSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
