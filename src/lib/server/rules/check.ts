// Checking one camera against a rule set, as the planning map and the camera page show it: the
// evaluator's rows turned into one line per rule (title, legal reference, outcome, the measured
// value and the threshold, one sentence of explanation) in the reader's language, with evidence
// geometry only where the reader may see what it shows.
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/connect';
import type { SessionUser } from '../auth/session';
import { can } from '../auth/policy';
import { cameraResource, municipalityAt } from '../cameras/queries';
import { isoDate } from '../cameras/validation';
import {
	CAMERA_KINDS,
	CAMERA_STATUSES,
	LEGAL_BASIS_VALUES,
	LIMITS,
	OWNER_TYPES
} from '../../camera/register';
import { translate, type Lang } from '../../i18n';
import { explainResult } from '../../rules/explain';
import { ruleSetErrors, type Rule } from '../../rules/schema';
import type { CheckedRule, CheckResult } from '../../rules/check-result';
import { evaluateRuleSet, isAllowed, type PlacementSubject, type RuleResult } from './evaluate';
import { ruleSetInForce, ruleSetVersion, type RuleSetVersionRef } from './in-force';
import { danishToday } from '../../dates';

const finite = z.number().finite();
const degrees = finite.min(LIMITS.panDeg.min).max(LIMITS.panDeg.max);
const day = z.string().refine((s) => isoDate(s) !== null, { params: { key: 'cameras.error.date' } });

const position = z.tuple([finite.min(-180).max(180), finite.min(-90).max(90)]).rest(finite);
const ring = z.array(position).min(4);
const polygon = z.array(ring).min(1);
const masks = z.discriminatedUnion('type', [
	z.strictObject({ type: z.literal('Polygon'), coordinates: polygon }),
	z.strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(polygon).min(1) })
]);

/**
 * The body of POST /api/cameras/check: a placement as the planning map sends it to the view
 * preview (EPSG:25832, the same ranges), the attributes rules read, and optionally the stored
 * camera being edited and a rule-set version other than the one in force.
 */
export const placementCheckSchema = z
	.strictObject({
		x: finite.min(400_000).max(950_000),
		y: finite.min(6_000_000).max(6_450_000),
		kind: z.enum(CAMERA_KINDS),
		mountHeightM: finite.gt(LIMITS.mountHeightM.min).max(LIMITS.mountHeightM.max),
		azimuthDeg: finite.min(0).lt(360),
		tiltDeg: finite.min(LIMITS.tiltDeg.min).max(LIMITS.tiltDeg.max),
		hfovDeg: finite.gt(LIMITS.hfovDeg.min).max(LIMITS.hfovDeg.max),
		resolutionPx: z.number().int().min(LIMITS.resolutionPx.min).max(LIMITS.resolutionPx.max),
		maxRangeM: finite.gt(LIMITS.maxRangeM.min).max(LIMITS.maxRangeM.max),
		panMinDeg: degrees.nullish(),
		panMaxDeg: degrees.nullish(),
		ownerType: z.enum(OWNER_TYPES),
		legalBasis: z.enum(LEGAL_BASIS_VALUES),
		status: z.enum(CAMERA_STATUSES).default('proposed'),
		operatorName: z.string().trim().min(1).max(200),
		retentionDays: z.number().int().min(LIMITS.retentionDays.min).max(LIMITS.retentionDays.max),
		signage: z.boolean().default(false),
		privacyMasks: masks.nullish(),
		permitValidFrom: day.nullish(),
		permitValidTo: day.nullish(),
		activeFrom: day.nullish(),
		policeRegisteredOn: day.nullish(),
		cameraId: z.uuid().nullish(),
		ruleSetVersionId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullish()
	})
	.superRefine(
		(c, ctx) => {
			if (c.kind === 'ptz' && (c.panMinDeg == null || c.panMaxDeg == null))
				ctx.addIssue({
					code: 'custom',
					path: [c.panMinDeg == null ? 'panMinDeg' : 'panMaxDeg'],
					message: 'A PTZ camera needs its pan range',
					params: { key: 'cameras.error.panRequired' }
				});
			if (c.permitValidFrom && c.permitValidTo && c.permitValidTo < c.permitValidFrom)
				ctx.addIssue({
					code: 'custom',
					path: ['permitValidTo'],
					message: 'The permit cannot end before it starts',
					params: { key: 'cameras.error.permitOrder' }
				});
			// Run even when other fields are bad, so one answer names every problem.
		},
		{ when: () => true }
	);

export type PlacementCheckInput = z.output<typeof placementCheckSchema>;
export type { CheckedRule, CheckResult };

/** The evaluator's subject for a checked placement. */
export function placementSubject(input: PlacementCheckInput): PlacementSubject {
	const ptz = input.kind === 'ptz';
	return {
		cameraId: input.cameraId ?? null,
		geometry: {
			x: input.x,
			y: input.y,
			kind: input.kind,
			mountHeightM: input.mountHeightM,
			azimuthDeg: input.azimuthDeg,
			tiltDeg: input.tiltDeg,
			hfovDeg: input.hfovDeg,
			resolutionPx: input.resolutionPx,
			maxRangeM: input.maxRangeM,
			panMinDeg: ptz ? input.panMinDeg : null,
			panMaxDeg: ptz ? input.panMaxDeg : null
		},
		ownerType: input.ownerType,
		legalBasis: input.legalBasis,
		status: input.status,
		operatorName: input.operatorName,
		retentionDays: input.retentionDays,
		signage: input.signage,
		activeFrom: input.activeFrom ?? null,
		policeRegisteredOn: input.policeRegisteredOn ?? null,
		permitValidFrom: input.permitValidFrom ?? null,
		permitValidTo: input.permitValidTo ?? null,
		privacyMasks: input.privacyMasks ?? null
	};
}

/** Whether PostGIS reads the masks as valid polygons (the evaluator would fail on invalid ones). */
export async function masksAreValid(db: Db, geojson: unknown): Promise<boolean> {
	try {
		const { rows } = await sql<{ ok: boolean }>`
			SELECT ST_IsValid(g) AND NOT ST_IsEmpty(g) AS ok FROM ST_GeomFromGeoJSON(${JSON.stringify(geojson)}::text) g
		`.execute(db);
		return rows[0]?.ok === true;
	} catch {
		return false;
	}
}

/** What the reader may see of the evidence. */
export interface Visibility {
	/** Single incidents (police data): the police of the district only. */
	incidentPoints: boolean;
	/** Cameras other than the checked one whose names and positions the reader may see. */
	camera: (id: string) => boolean;
}

/**
 * The reader's visibility for a set of results: single incidents for those who hold the incident
 * data where the camera lies (the district's police), and other cameras as the register lets them
 * read (a neighbouring municipality's proposal stays hidden).
 */
export async function visibilityFor(
	db: Db,
	user: SessionUser | null,
	place: { code: number; policeDistrict: number | null },
	results: Pick<RuleResult, 'detail'>[]
): Promise<Visibility> {
	const ids = [...new Set(results.map((r) => r.detail.nearestId).filter((id) => typeof id === 'string'))];
	const readable = new Set<string>();
	for (const id of ids as string[]) {
		const resource = await cameraResource(db, id);
		if (resource && can(user, 'camera.view', resource)) readable.add(id);
	}
	return {
		incidentPoints: can(user, 'incidents.import', { type: 'municipality', ...place }),
		camera: (id) => readable.has(id)
	};
}

type Geometry = { type: string; coordinates?: unknown; geometries?: Geometry[] };

/** The geometry without its point parts (incidents), or null when nothing else is left. */
function withoutPoints(g: Geometry | null): Geometry | null {
	if (!g) return null;
	if (g.type === 'Point' || g.type === 'MultiPoint') return null;
	if (g.type !== 'GeometryCollection') return g;
	const kept = (g.geometries ?? []).map(withoutPoints).filter((x): x is Geometry => x !== null);
	if (kept.length === 0) return null;
	return kept.length === 1 ? kept[0] : { type: 'GeometryCollection', geometries: kept };
}

/** A result as the reader may see it: hidden cameras lose name and line, incidents their points. */
function redact(rule: Rule, r: RuleResult, v: Visibility, lang: Lang): RuleResult {
	if (rule.kind === 'minIncidents' && !v.incidentPoints) {
		return { ...r, evidence: withoutPoints(r.evidence as Geometry | null) };
	}
	if (rule.kind === 'minSpacing' && typeof r.detail.nearestId === 'string' && !v.camera(r.detail.nearestId)) {
		return {
			...r,
			detail: { ...r.detail, nearest: translate(lang, 'check.hiddenCamera'), nearestId: null },
			evidence: null
		};
	}
	return r;
}

/** The results of one subject as lines of the rule list, in rule-set order. */
export function describeResults(
	ruleSet: RuleSetVersionRef,
	results: RuleResult[],
	lang: Lang,
	layerNames: Record<string, string>,
	visibility: Visibility
): CheckedRule[] {
	const byId = new Map(results.map((r) => [r.ruleId, r]));
	return ruleSet.document.rules.flatMap((rule) => {
		const found = byId.get(rule.id);
		if (!found) return [];
		const r = redact(rule, found, visibility, lang);
		return [
			{
				ruleId: rule.id,
				title: rule.title[lang],
				legalReference: rule.legalReference,
				severity: rule.severity,
				outcome: r.outcome,
				measured: r.measured,
				threshold: r.threshold,
				explanation: explainResult(rule, r, lang, layerNames),
				evidence: r.evidence ?? null
			}
		];
	});
}

/** The rule set's summary in the reader's language. */
export function ruleSetSummary(ruleSet: RuleSetVersionRef, lang: Lang): NonNullable<CheckResult['ruleSet']> {
	return {
		versionId: ruleSet.versionId,
		id: ruleSet.slug,
		title: ruleSet.title[lang],
		version: ruleSet.version,
		status: ruleSet.status,
		validFrom: ruleSet.document.validFrom,
		validTo: ruleSet.document.validTo ?? null
	};
}

/** Reference layer names by kind in one language, for explanations. */
export async function layerNames(db: Db, lang: Lang): Promise<Record<string, string>> {
	const rows = await db.selectFrom('reference_layers').select(['kind', 'name_da', 'name_en']).execute();
	return Object.fromEntries(rows.map((l) => [l.kind, lang === 'da' ? l.name_da : l.name_en]));
}

export type CheckResponse =
	| { status: 200; body: CheckResult }
	| { status: 400; body: { message: string; errors: Record<string, string> } }
	| { status: 401 | 403 | 404; body: { message: string } };

/**
 * POST /api/cameras/check as a function of the signed-in user and the parsed JSON body (undefined
 * when it was not JSON): validation (400 naming each field), scope (403: the placement must lie,
 * and a stored camera being edited must be, where the user works), then the evaluation.
 */
export async function checkPlacement(
	db: Db,
	user: SessionUser | null,
	lang: Lang,
	body: unknown,
	options: { asOf?: string } = {}
): Promise<CheckResponse> {
	const t = (key: Parameters<typeof translate>[1]) => translate(lang, key);
	if (!user) return { status: 401, body: { message: t('error.forbidden') } };
	const invalid = (errors: Record<string, string>): CheckResponse => ({
		status: 400,
		body: {
			message: translate(lang, 'check.error.invalid', {
				fields: Object.entries(errors)
					.map(([field, message]) => `${field}: ${message}`)
					.join('; ')
			}),
			errors
		}
	});
	if (body === null || typeof body !== 'object' || Array.isArray(body))
		return invalid({ form: t('check.error.json') });
	const parsed = placementCheckSchema.safeParse(body);
	if (!parsed.success) {
		const errors: Record<string, string> = {};
		for (const e of ruleSetErrors(parsed.error, body, lang)) errors[e.path || 'form'] ??= e.message;
		return invalid(errors);
	}
	const input = parsed.data;

	const asOf = options.asOf ?? danishToday();
	// Independent lookups at once (a drag sends one check every 250 ms): where, which rules, names.
	const [place, ruleSet, names] = await Promise.all([
		municipalityAt(db, { crs: 'EPSG:25832', x: input.x, y: input.y }),
		input.ruleSetVersionId ? ruleSetVersion(db, input.ruleSetVersionId) : ruleSetInForce(db, asOf),
		layerNames(db, lang)
	]);
	if (!place) return invalid({ position: t('cameras.error.outside') });
	const where = { type: 'municipality' as const, code: place.code, policeDistrict: place.policeDistrict };
	if (!can(user, 'camera.check', where)) return { status: 403, body: { message: t('error.forbidden') } };
	if (input.cameraId) {
		const stored = await cameraResource(db, input.cameraId);
		if (!stored) return { status: 404, body: { message: t('error.notFound') } };
		if (!can(user, 'camera.check', stored)) return { status: 403, body: { message: t('error.forbidden') } };
	}
	if (input.privacyMasks && !(await masksAreValid(db, input.privacyMasks)))
		return invalid({ privacyMasks: t('cameras.error.masksInvalid') });

	if (!ruleSet && input.ruleSetVersionId)
		return invalid({ ruleSetVersionId: t('check.error.unknownVersion') });
	if (!ruleSet) return { status: 200, body: { ruleSet: null, asOf, allowed: null, results: [] } };

	const results = await evaluateRuleSet(
		db,
		ruleSet.document,
		{ kind: 'placement', placement: placementSubject(input) },
		{ asOf, evidence: true }
	);
	const visibility = await visibilityFor(db, user, place, results);
	return {
		status: 200,
		body: {
			ruleSet: ruleSetSummary(ruleSet, lang),
			asOf,
			allowed: isAllowed(results),
			results: describeResults(ruleSet, results, lang, names, visibility)
		}
	};
}

/**
 * A stored camera as registered, judged by the rule set in force on `asOf` (default today), for
 * the camera page: no evidence geometry (the page has no map), names the reader may not see hidden.
 */
export async function checkStoredCamera(
	db: Db,
	user: SessionUser | null,
	camera: { id: string; municipalityCode: number; policeDistrict: number | null },
	lang: Lang,
	asOf = danishToday()
): Promise<CheckResult> {
	const ruleSet = await ruleSetInForce(db, asOf);
	if (!ruleSet) return { ruleSet: null, asOf, allowed: null, results: [] };
	const [results, names] = await Promise.all([
		evaluateRuleSet(
			db,
			ruleSet.document,
			{ kind: 'cameras', filter: sql<boolean>`c.id = ${camera.id}::uuid` },
			{ asOf }
		),
		layerNames(db, lang)
	]);
	const visibility = await visibilityFor(
		db,
		user,
		{ code: camera.municipalityCode, policeDistrict: camera.policeDistrict },
		results
	);
	return {
		ruleSet: ruleSetSummary(ruleSet, lang),
		asOf,
		allowed: isAllowed(results),
		results: describeResults(ruleSet, results, lang, names, visibility)
	};
}
