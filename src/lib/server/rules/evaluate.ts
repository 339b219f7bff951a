// Rule evaluation in SQL. A rule set compiles to one statement: every rule becomes a SELECT over
// the `subject` CTE (the cameras to check, with their view) that yields one row per subject and
// rule, and the rules are joined with UNION ALL. The same statement checks one unsaved placement
// while a planner drags it (the subject is the placement, its view computed in the same query)
// and every camera in the country (the subject is the cameras table): never a loop of per-camera
// queries.
//
// Every rule row carries: does the rule apply (its appliesTo filter), did it hold (null: cannot be
// judged, e.g. a camera with no view), the measured value and the threshold, details for the
// explanation, and optionally the evidence geometry (the building the view reaches, the incidents
// counted, the line to the nearest housing area).
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/connect';
import { placementViewCtes } from '../cameras/views';
import { ensureHotspotRunId } from '../hotspots/service';
import { hotspotQuerySchema, Z_CRITICAL } from '../../hotspots';
import { levelTables } from '../../camera/density-levels';
import type { CameraGeometryInput } from '../../camera/types';
import type { Rule, RuleOfKind, RuleSetDocument } from '../../rules/schema';
import { danishToday } from '../../dates';

export const OUTCOMES = ['pass', 'fail', 'warning', 'not_applicable'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** An unsaved placement with the attributes the rules read. */
export interface PlacementSubject {
	/** The camera being moved or edited (excluded from spacing checks), or null for a new one. */
	cameraId: string | null;
	geometry: CameraGeometryInput;
	ownerType: string;
	legalBasis: string;
	status: string;
	operatorName: string;
	retentionDays: number;
	signage: boolean;
	activeFrom: string | null;
	policeRegisteredOn: string | null;
	permitValidFrom: string | null;
	permitValidTo: string | null;
	/** GeoJSON (EPSG:4326) MultiPolygon or Polygon, or null. */
	privacyMasks: unknown | null;
}

export type Subjects =
	| { kind: 'cameras'; filter: RawBuilder<boolean> /* on cameras `c` */ }
	| { kind: 'placement'; placement: PlacementSubject };

export interface EvaluationOptions {
	/** The day the rules are judged on (look-back periods end here); default today in København. */
	asOf?: string;
	/** Return evidence geometry (GeoJSON, EPSG:4326); costs time, so national runs leave it out. */
	evidence?: boolean;
}

export interface RuleResult {
	subjectId: string;
	ruleId: string;
	outcome: Outcome;
	measured: number | null;
	threshold: number | null;
	detail: Record<string, unknown>;
	evidence: unknown | null;
}

const PLACEMENT_ID = '00000000-0000-0000-0000-000000000000';

/** The subject CTEs: `subject` (one row per camera) and `subject_band` (its density bands). */
function subjectCtes(subjects: Subjects): RawBuilder<unknown> {
	if (subjects.kind === 'cameras') {
		return sql`
			subject AS MATERIALIZED (
				SELECT c.id, c.geom, v.view, c.municipality_code, c.owner_type, c.legal_basis, c.status,
					c.operator_name, c.retention_days, c.signage, c.active_from, c.police_registered_on,
					c.permit_valid_from, c.permit_valid_to, c.privacy_masks
				FROM cameras c LEFT JOIN camera_views v ON v.camera_id = c.id
				WHERE ${subjects.filter}
			),
			-- Only ever read for one subject at a time (sb.id = s.id, on the primary key): a filter on
			-- the subject CTE here would rescan it for every band row.
			subject_band AS (
				SELECT b.camera_id AS id, b.level_table, b.level_id, b.min_ppm, b.geom FROM camera_view_bands b
			)`;
	}
	const p = subjects.placement;
	const masks = p.privacyMasks
		? sql`ST_Multi(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(p.privacyMasks)}::text), 4326), 25832))`
		: sql`NULL::geometry`;
	return sql`
		${placementViewCtes(p.geometry, p.cameraId ?? PLACEMENT_ID)},
		subject AS MATERIALIZED (
			SELECT v.id, v.pos AS geom, v.view,
				(SELECT m.code FROM municipalities m WHERE ST_Intersects(m.geom, v.pos) ORDER BY m.code LIMIT 1) AS municipality_code,
				${p.ownerType}::text AS owner_type, ${p.legalBasis}::text AS legal_basis, ${p.status}::text AS status,
				${p.operatorName}::text AS operator_name, ${p.retentionDays}::integer AS retention_days,
				${p.signage}::boolean AS signage, ${p.activeFrom}::date AS active_from,
				${p.policeRegisteredOn}::date AS police_registered_on, ${p.permitValidFrom}::date AS permit_valid_from,
				${p.permitValidTo}::date AS permit_valid_to, ${masks} AS privacy_masks
			FROM visible v
		),
		subject_band AS (SELECT id, level_table, level_id, min_ppm, geom FROM band)`;
}

/** The rule's appliesTo filter on subject `s`. */
function applies(rule: Rule): RawBuilder<boolean> {
	const a = rule.appliesTo;
	const parts: RawBuilder<boolean>[] = [];
	if (a.ownerTypes) parts.push(sql<boolean>`s.owner_type = ANY(${a.ownerTypes}::text[])`);
	if (a.legalBases) parts.push(sql<boolean>`s.legal_basis = ANY(${a.legalBases}::text[])`);
	if (a.statuses) parts.push(sql<boolean>`s.status = ANY(${a.statuses}::text[])`);
	return parts.length ? sql<boolean>`(${sql.join(parts, sql` AND `)})` : sql<boolean>`true`;
}

/** What a rule kind contributes: FROM-clause joins, and the expressions of its result row. */
interface Compiled {
	joins?: RawBuilder<unknown>;
	/** Did the rule hold; null when it cannot be judged (then: not applicable). */
	ok: RawBuilder<unknown>;
	measured?: RawBuilder<unknown>;
	threshold?: RawBuilder<unknown>;
	detail?: RawBuilder<unknown>;
	/** Evidence in EPSG:25832. */
	evidence?: RawBuilder<unknown>;
}

interface CompileContext {
	asOf: string;
	/** Hotspot run ids by rule id, computed before the statement. */
	hotspotRuns: Map<string, { id: number; cellSizeM: number; minBin: number }>;
}

const lookBack = (ctx: CompileContext, months: number) =>
	sql`((${ctx.asOf}::date - make_interval(months => ${months}::integer))::timestamp AT TIME ZONE 'Europe/Copenhagen')`;
const endOfAsOf = (ctx: CompileContext) =>
	sql`((${ctx.asOf}::date + 1)::timestamp AT TIME ZONE 'Europe/Copenhagen')`;

function withinLayer(rule: RuleOfKind<'withinLayer'>): Compiled {
	const { layer, distanceM, measureFrom } = rule.params;
	if (measureFrom === 'view') {
		// The whole view must lie within distanceM of the layer: the area left outside is measured.
		// Evidence: that area (all of the view when nothing is in reach) and the line to the nearest feature.
		return {
			joins: sql`LEFT JOIN LATERAL (
				SELECT ST_Union(ST_Buffer(f.geom, ${distanceM}::float8)) AS reach, count(*)::integer AS features
				FROM reference_features f
				WHERE f.layer = ${layer} AND s.view IS NOT NULL AND ST_DWithin(f.geom, s.view, ${distanceM}::float8)
			) n ON true
			LEFT JOIN LATERAL (
				SELECT ST_ShortestLine(s.geom, f.geom) AS line FROM reference_features f
				WHERE f.layer = ${layer} AND s.view IS NOT NULL
				ORDER BY f.geom <-> s.geom LIMIT 1
			) nl ON true`,
			ok: sql`CASE WHEN s.view IS NULL THEN NULL
				ELSE coalesce(ST_Area(ST_Difference(s.view, n.reach)) < 0.01, false) END`,
			measured: sql`CASE WHEN s.view IS NOT NULL THEN round(coalesce(ST_Area(ST_Difference(s.view, n.reach)), ST_Area(s.view))::numeric, 1) END`,
			threshold: sql`${distanceM}::float8`,
			detail: sql`jsonb_build_object('layer', ${layer}::text, 'measureFrom', 'view', 'noView', s.view IS NULL)`,
			evidence: sql`ST_Collect(coalesce(ST_Difference(s.view, n.reach), s.view), nl.line)`
		};
	}
	return {
		joins: sql`LEFT JOIN LATERAL (
			SELECT f.name, ST_Distance(f.geom, s.geom) AS d, ST_ShortestLine(s.geom, f.geom) AS line
			FROM reference_features f WHERE f.layer = ${layer}
			ORDER BY f.geom <-> s.geom LIMIT 1
		) n ON true`,
		ok: sql`coalesce(n.d <= ${distanceM}::float8, false)`,
		measured: sql`round(n.d::numeric, 1)`,
		threshold: sql`${distanceM}::float8`,
		detail: sql`jsonb_build_object('layer', ${layer}::text, 'measureFrom', 'camera', 'nearest', n.name, 'emptyLayer', n.d IS NULL)`,
		evidence: sql`n.line`
	};
}

function viewAvoidsResidential(rule: RuleOfKind<'viewAvoidsResidential'>): Compiled {
	const { toleranceM, respectPrivacyMasks } = rule.params;
	// Views are cut at building walls, so a view that films a home touches its facade rather than
	// overlapping it: "reaching" means coming within toleranceM of the building.
	const filmed = respectPrivacyMasks
		? sql`CASE WHEN s.privacy_masks IS NULL THEN s.view ELSE ST_Difference(s.view, s.privacy_masks) END`
		: sql`s.view`;
	return {
		joins: sql`LEFT JOIN LATERAL (
			SELECT count(*)::integer AS n, ST_Collect(b.geom) AS geom
			FROM buildings b
			WHERE s.view IS NOT NULL AND b.is_residential AND b.geom && ST_Expand(s.view, ${toleranceM}::float8)
				AND ST_DWithin(${filmed}, b.geom, ${toleranceM}::float8)
		) r ON true`,
		ok: sql`CASE WHEN s.view IS NULL THEN NULL ELSE r.n = 0 END`,
		measured: sql`CASE WHEN s.view IS NOT NULL THEN r.n END`,
		threshold: sql`0::float8`,
		detail: sql`jsonb_build_object('noView', s.view IS NULL, 'masksRespected', ${respectPrivacyMasks}::boolean)`,
		evidence: sql`r.geom`
	};
}

function minIncidents(rule: RuleOfKind<'minIncidents'>, ctx: CompileContext): Compiled {
	const { count, categories, months, area } = rule.params;
	const where =
		area.mode === 'distance'
			? sql`ST_DWithin(x.geom, s.geom, ${area.distanceM}::float8)`
			: sql`s.view IS NOT NULL AND x.geom && s.view AND ST_Intersects(x.geom, s.view)`;
	return {
		joins: sql`LEFT JOIN LATERAL (
			SELECT count(*)::integer AS n, ST_Collect(x.geom) AS geom
			FROM incidents x
			WHERE ${where} AND x.category = ANY(${categories}::text[])
				AND x.occurred_at >= ${lookBack(ctx, months)} AND x.occurred_at < ${endOfAsOf(ctx)}
		) i ON true`,
		ok:
			area.mode === 'view'
				? sql`CASE WHEN s.view IS NULL THEN NULL ELSE i.n >= ${count} END`
				: sql`i.n >= ${count}`,
		measured: area.mode === 'view' ? sql`CASE WHEN s.view IS NOT NULL THEN i.n END` : sql`i.n`,
		threshold: sql`${count}::float8`,
		detail: sql`jsonb_build_object('months', ${months}::integer, 'mode', ${area.mode}::text,
			'distanceM', ${area.mode === 'distance' ? area.distanceM : null}::float8, 'noView', s.view IS NULL)`,
		evidence:
			area.mode === 'distance'
				? sql`ST_Collect(ST_Buffer(s.geom, ${area.distanceM}::float8, 16), i.geom)`
				: sql`i.geom`
	};
}

function hotspotOrUnsafety(rule: RuleOfKind<'hotspotOrUnsafety'>, ctx: CompileContext): Compiled {
	const run = ctx.hotspotRuns.get(rule.id);
	const share = rule.params.minUnsafeShare;
	const joins: RawBuilder<unknown>[] = [];
	if (run) {
		joins.push(sql`LEFT JOIN LATERAL (
			SELECT hc.z, hc.bin, ST_SetSRID(ST_Hexagon(${run.cellSizeM}::float8, h.i, h.j), 25832) AS cell
			FROM tk_hex_cell(ST_X(s.geom), ST_Y(s.geom), ${run.cellSizeM}::float8) h
			LEFT JOIN hotspot_cells hc ON hc.run_id = ${run.id} AND hc.i = h.i AND hc.j = h.j
		) hs ON true`);
	}
	if (share !== undefined) {
		// The latest result of each area around the camera (as tk_survey_result_areas() yields them),
		// found without testing the point against the large municipality and police-district
		// polygons: the camera's municipality is its own (derived from its position) and that
		// municipality's police district (by the register's assignment). Only drawn areas need a
		// spatial test, on their index.
		const latest = (r: string) =>
			sql`NOT EXISTS (SELECT 1 FROM survey_results n WHERE n.area_key = ${sql.ref(`${r}.area_key`)}
				AND (n.period_to, n.period_from, n.id) > (${sql.ref(`${r}.period_to`)}, ${sql.ref(`${r}.period_from`)}, ${sql.ref(`${r}.id`)}))`;
		joins.push(sql`LEFT JOIN LATERAL (
			SELECT a.unsafe_share, a.name, a.geom FROM (
				SELECT r.unsafe_share, m.name, m.geom FROM survey_results r JOIN municipalities m ON m.code = r.municipality_code
				WHERE r.area_kind = 'municipality' AND r.municipality_code = s.municipality_code
					AND r.period_from <= ${ctx.asOf}::date AND ${latest('r')}
				UNION ALL
				SELECT r.unsafe_share, d.name, d.geom FROM survey_results r JOIN police_districts d ON d.number = r.police_district
				WHERE r.area_kind = 'police_district'
					AND r.police_district = (SELECT m.police_district FROM municipalities m WHERE m.code = s.municipality_code)
					AND r.period_from <= ${ctx.asOf}::date AND ${latest('r')}
				UNION ALL
				SELECT r.unsafe_share, r.area_name, r.geom FROM survey_results r
				WHERE r.area_kind = 'area' AND r.geom && s.geom AND ST_Intersects(r.geom, s.geom)
					AND r.period_from <= ${ctx.asOf}::date AND ${latest('r')}
			) a
			ORDER BY a.unsafe_share DESC LIMIT 1
		) su ON true`);
	}
	const hot = run ? sql`coalesce(hs.bin >= ${run.minBin}, false)` : sql`false`;
	const unsafe = share !== undefined ? sql`coalesce(su.unsafe_share >= ${share}::float8, false)` : sql`false`;
	return {
		joins: sql.join(joins, sql` `),
		ok: sql`(${hot} OR ${unsafe})`,
		measured: run ? sql`round(hs.z::numeric, 2)` : sql`round(su.unsafe_share::numeric, 3)`,
		threshold: run
			? sql`${Z_CRITICAL.find((c) => c.bin === run.minBin)!.z}::float8`
			: sql`${share ?? null}::float8`,
		detail: sql`jsonb_build_object(
			'hotspot', ${run ? sql`jsonb_build_object('z', hs.z, 'bin', coalesce(hs.bin, 0), 'minBin', ${run.minBin}::integer, 'cellSizeM', ${run.cellSizeM}::integer)` : sql`NULL::jsonb`},
			'unsafety', ${share !== undefined ? sql`jsonb_build_object('share', su.unsafe_share, 'area', su.name, 'min', ${share}::float8)` : sql`NULL::jsonb`})`,
		evidence: run ? sql`hs.cell` : share !== undefined ? sql`su.geom` : undefined
	};
}

function attributeLimit(rule: RuleOfKind<'attributeLimit'>, ctx: CompileContext): Compiled {
	const p = rule.params;
	switch (p.attribute) {
		case 'retentionDays':
			return {
				ok: sql`s.retention_days <= ${p.max}`,
				measured: sql`s.retention_days`,
				threshold: sql`${p.max}::float8`,
				detail: sql`jsonb_build_object('attribute', 'retentionDays')`
			};
		case 'signage':
			return {
				ok: sql`s.signage`,
				measured: sql`CASE WHEN s.signage THEN 1 ELSE 0 END`,
				threshold: sql`1::float8`,
				detail: sql`jsonb_build_object('attribute', 'signage')`
			};
		case 'legalBasisForOwner':
			return {
				ok: sql`coalesce((${JSON.stringify(p.allowed)}::jsonb -> s.owner_type) ? s.legal_basis, false)`,
				detail: sql`jsonb_build_object('attribute', 'legalBasisForOwner', 'ownerType', s.owner_type,
					'legalBasis', s.legal_basis, 'allowed', ${JSON.stringify(p.allowed)}::jsonb -> s.owner_type)`
			};
		case 'permitYears':
			// Calendar years (in whole months), so 1 Jan 2020 to 1 Jan 2025 is exactly five.
			return {
				ok: sql`coalesce(s.permit_valid_to <= s.permit_valid_from + make_interval(months => ${Math.round(p.max * 12)}::integer), false)`,
				measured: sql`round((extract(epoch FROM age(s.permit_valid_to, s.permit_valid_from)) / (365.25 * 86400))::numeric, 2)`,
				threshold: sql`${p.max}::float8`,
				detail: sql`jsonb_build_object('attribute', 'permitYears', 'missing',
					s.permit_valid_from IS NULL OR s.permit_valid_to IS NULL)`
			};
		case 'policeRegistrationDays':
			// Judged once the camera is active: registered late, or not yet and the time is up.
			return {
				ok: sql`CASE WHEN s.active_from IS NULL OR s.active_from > ${ctx.asOf}::date THEN NULL
					ELSE coalesce(s.police_registered_on, ${ctx.asOf}::date) - s.active_from <= ${p.max} END`,
				measured: sql`CASE WHEN s.active_from IS NOT NULL
					THEN coalesce(s.police_registered_on, ${ctx.asOf}::date) - s.active_from END`,
				threshold: sql`${p.max}::float8`,
				detail: sql`jsonb_build_object('attribute', 'policeRegistrationDays',
					'registered', s.police_registered_on IS NOT NULL, 'notActive', s.active_from IS NULL)`
			};
	}
}

function densityOverTarget(rule: RuleOfKind<'densityOverTarget'>): Compiled {
	const p = rule.params;
	const table = levelTables.find((t) => t.id === p.levelTable)!;
	const level = table.levels.find((l) => l.id === p.level)!;
	const target =
		p.target === 'view'
			? sql`s.view`
			: sql`(SELECT ST_SetSRID(ST_Hexagon(${p.cellSizeM!}::float8, h.i, h.j), 25832)
				FROM tk_hex_cell(ST_X(s.geom), ST_Y(s.geom), ${p.cellSizeM!}::float8) h)`;
	const bands = sql`subject_band sb
		WHERE sb.id = s.id AND sb.level_table = ${p.levelTable} AND sb.min_ppm >= ${level.ppm}::float8`;
	// A level table's bands are disjoint rings of the view (views.ts), so the area covered at the
	// level or better is a sum of band areas: no union. Within the view a band is wholly inside it;
	// a hotspot cell cuts each band. The union is built only for the evidence.
	const coveredArea =
		p.target === 'view'
			? sql`(SELECT sum(ST_Area(sb.geom)) FROM ${bands})`
			: sql`(SELECT sum(ST_Area(ST_Intersection(t.geom, sb.geom))) FROM ${bands} AND sb.geom && t.geom)`;
	const share = sql`least(coalesce(d.covered_area, 0) / ST_Area(d.target), 1)`;
	return {
		joins: sql`LEFT JOIN LATERAL (
			SELECT t.geom AS target, ${coveredArea} AS covered_area
			FROM (SELECT ${target} AS geom) t
		) d ON true`,
		ok: sql`CASE WHEN d.target IS NULL OR ST_Area(d.target) = 0 THEN NULL
			ELSE ${share} >= ${p.minCoverage}::float8 - 1e-9 END`,
		measured: sql`CASE WHEN ST_Area(d.target) > 0 THEN round((${share})::numeric, 3) END`,
		threshold: sql`${p.minCoverage}::float8`,
		detail: sql`jsonb_build_object('level', ${p.level}::text, 'levelTable', ${p.levelTable}::text,
			'target', ${p.target}::text, 'noView', s.view IS NULL)`,
		evidence: sql`ST_Collect(ST_Boundary(d.target), ST_Intersection(d.target, (SELECT ST_Union(sb.geom) FROM ${bands})))`
	};
}

/**
 * How far minSpacing looks for the nearest camera: a nearest-neighbour search with a filter (the
 * same operator) that nothing near matches would otherwise walk the whole index (400 ms over
 * 100,000 cameras). Farther cameras cannot fail the rule; they count as none nearby.
 */
export const spacingSearchRadius = (distanceM: number) => Math.max(1000, 10 * distanceM);

function minSpacing(rule: RuleOfKind<'minSpacing'>): Compiled {
	const { distanceM, sameOwnerOnly } = rule.params;
	return {
		joins: sql`LEFT JOIN LATERAL (
			SELECT o.id, o.name, ST_Distance(o.geom, s.geom) AS d, ST_ShortestLine(s.geom, o.geom) AS line
			FROM cameras o
			WHERE o.id <> s.id AND o.status <> 'decommissioned'
				AND ST_DWithin(o.geom, s.geom, ${spacingSearchRadius(distanceM)}::float8)
				${sameOwnerOnly ? sql`AND o.operator_name = s.operator_name` : sql``}
			ORDER BY o.geom <-> s.geom LIMIT 1
		) sp ON true`,
		ok: sql`coalesce(sp.d >= ${distanceM}::float8, true)`,
		measured: sql`round(sp.d::numeric, 1)`,
		threshold: sql`${distanceM}::float8`,
		// The nearest camera's id lets callers hide its name from readers who may not see it.
		detail: sql`jsonb_build_object('nearest', sp.name, 'nearestId', sp.id)`,
		evidence: sql`sp.line`
	};
}

function compileRule(rule: Rule, ctx: CompileContext): Compiled {
	switch (rule.kind) {
		case 'withinLayer':
			return withinLayer(rule);
		case 'viewAvoidsResidential':
			return viewAvoidsResidential(rule);
		case 'minIncidents':
			return minIncidents(rule, ctx);
		case 'hotspotOrUnsafety':
			return hotspotOrUnsafety(rule, ctx);
		case 'attributeLimit':
			return attributeLimit(rule, ctx);
		case 'densityOverTarget':
			return densityOverTarget(rule);
		case 'minSpacing':
			return minSpacing(rule);
	}
}

/**
 * One rule's rows for the subjects it applies to (the filter runs before the rule's joins, so the
 * others cost no spatial work): 'pass', 'fail' (severity error) or 'warning', or 'not_applicable'
 * when the rule cannot be judged for them. Registered cameras it does not apply to get their
 * 'not_applicable' rows from notApplicableSelect.
 */
function ruleSelect(
	rule: Rule,
	ctx: CompileContext,
	evidence: boolean,
	known: KnownAttributes | null
): RawBuilder<unknown> {
	// A placement's attributes are known here: decide appliesTo now, so the statement the database
	// plans on every drag holds only the branch that runs (planning is most of a placement's cost).
	if (known && !appliesTo(rule, known)) {
		return sql`
			SELECT s.id AS subject_id, ${rule.id}::text AS rule_id, 'not_applicable' AS outcome, NULL::float8 AS measured,
				NULL::float8 AS threshold, '{}'::jsonb AS detail, NULL::jsonb AS evidence
			FROM subject s`;
	}
	const c = compileRule(rule, ctx);
	const failed = rule.severity === 'error' ? 'fail' : 'warning';
	const ev =
		evidence && c.evidence
			? sql`ST_AsGeoJSON(ST_Transform(${c.evidence}, 4326), 7)::jsonb`
			: sql`NULL::jsonb`;
	const judged = sql`
		SELECT s.id AS subject_id, ${rule.id}::text AS rule_id,
			CASE (${c.ok})::boolean WHEN true THEN 'pass' WHEN false THEN ${failed}::text ELSE 'not_applicable' END AS outcome,
			(${c.measured ?? sql`NULL`})::float8 AS measured, (${c.threshold ?? sql`NULL`})::float8 AS threshold,
			${c.detail ?? sql`'{}'::jsonb`} AS detail, ${ev} AS evidence
		FROM (SELECT * FROM subject s WHERE ${known ? sql`true` : applies(rule)}) s ${c.joins ?? sql``}
	`;
	return judged;
}

/**
 * The 'not_applicable' rows of every rule for the subjects it does not apply to, from one scan of
 * the subjects rather than one per rule (a national run has 100,000 wide subject rows). Its
 * outcome is a constant, so a query that keeps only failures (the impact analysis) drops it.
 */
function notApplicableSelect(rules: Rule[]): RawBuilder<unknown> {
	const skips = rules.map((rule) => sql`(${rule.id}::text, NOT ${applies(rule)})`);
	return sql`
		SELECT s.id AS subject_id, na.rule_id, 'not_applicable' AS outcome, NULL::float8 AS measured,
			NULL::float8 AS threshold, '{}'::jsonb AS detail, NULL::jsonb AS evidence
		FROM subject s CROSS JOIN LATERAL (VALUES ${sql.join(skips)}) na(rule_id, skip)
		WHERE na.skip`;
}

type KnownAttributes = Pick<PlacementSubject, 'ownerType' | 'legalBasis' | 'status'>;

/** The rule's appliesTo filter on attributes known before the statement (a placement's). */
function appliesTo(rule: Rule, known: KnownAttributes): boolean {
	const a = rule.appliesTo;
	return (
		(!a.ownerTypes || (a.ownerTypes as readonly string[]).includes(known.ownerType)) &&
		(!a.legalBases || (a.legalBases as readonly string[]).includes(known.legalBasis)) &&
		(!a.statuses || (a.statuses as readonly string[]).includes(known.status))
	);
}

/** Hotspot runs the rules need (national, per rule's cell size, months and categories), computed or cached. */
async function prepareHotspots(
	db: Db,
	doc: RuleSetDocument,
	asOf: string
): Promise<CompileContext['hotspotRuns']> {
	const runs: CompileContext['hotspotRuns'] = new Map();
	// Rules asking the same question share one run (and one cache lookup).
	const byQuery = new Map<string, number>();
	for (const rule of doc.rules) {
		if (rule.kind !== 'hotspotOrUnsafety' || !rule.params.hotspot) continue;
		const h = rule.params.hotspot;
		const from = new Date(`${asOf}T00:00:00Z`);
		from.setUTCMonth(from.getUTCMonth() - h.months);
		const q = hotspotQuerySchema.parse({
			area: 'country',
			cell: String(h.cellSizeM),
			from: from.toISOString().slice(0, 10),
			to: asOf,
			categories: h.categories?.join(',')
		});
		const key = JSON.stringify(q);
		const id = byQuery.get(key) ?? (await ensureHotspotRunId(db, q));
		byQuery.set(key, id);
		const minBin = Z_CRITICAL.find((c) => c.confidence === h.minConfidence)!.bin;
		runs.set(rule.id, { id, cellSizeM: h.cellSizeM, minBin });
	}
	return runs;
}

/**
 * The statement that evaluates `doc` for the subjects: rows (subject_id, rule_id, outcome,
 * measured, threshold, detail, evidence). Hotspot runs it needs are computed first.
 */
export async function ruleSetStatement(
	db: Db,
	doc: RuleSetDocument,
	subjects: Subjects,
	options: EvaluationOptions = {}
): Promise<RawBuilder<RuleRow>> {
	const asOf = options.asOf ?? danishToday();
	const ctx: CompileContext = { asOf, hotspotRuns: await prepareHotspots(db, doc, asOf) };
	const known = subjects.kind === 'placement' ? subjects.placement : null;
	const selects = doc.rules.map((rule) => ruleSelect(rule, ctx, options.evidence ?? false, known));
	if (!known) selects.unshift(notApplicableSelect(doc.rules));
	return sql<RuleRow>`
		WITH ${subjectCtes(subjects)}
		${sql.join(selects, sql` UNION ALL `)}
	`;
}

export interface RuleRow {
	subject_id: string;
	rule_id: string;
	outcome: Outcome;
	measured: number | null;
	threshold: number | null;
	detail: Record<string, unknown>;
	evidence: unknown | null;
}

/** Evaluates `doc` for the subjects and returns every (subject, rule) result. */
export async function evaluateRuleSet(
	db: Db,
	doc: RuleSetDocument,
	subjects: Subjects,
	options: EvaluationOptions = {}
): Promise<RuleResult[]> {
	const statement = await ruleSetStatement(db, doc, subjects, options);
	const { rows } = await statement.execute(db);
	const order = new Map(doc.rules.map((r, i) => [r.id, i]));
	return rows
		.map((r) => ({
			subjectId: r.subject_id,
			ruleId: r.rule_id,
			outcome: r.outcome,
			measured: r.measured,
			threshold: r.threshold,
			detail: r.detail,
			evidence: r.evidence
		}))
		.sort((a, b) => a.subjectId.localeCompare(b.subjectId) || order.get(a.ruleId)! - order.get(b.ruleId)!);
}

/** A camera is allowed when no rule of severity error fails. */
export function isAllowed(results: Pick<RuleResult, 'outcome'>[]): boolean {
	return results.every((r) => r.outcome !== 'fail');
}
