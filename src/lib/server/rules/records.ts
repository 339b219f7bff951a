// Evaluations used for decisions (a police approval, a planner's activation), stored with the
// rule-set version that produced them in camera_rule_evaluations, which the database keeps
// append-only: a later rule change never rewrites why a camera was approved. Each record carries
// the rule titles, references and explanations in both languages, so it reads without the version.
//
// Recording is split in two so that it joins the decision's own transaction: prepare (which may
// compute hotspot runs, each in a transaction of its own) before the decision's transaction, then
// record inside it, where the statement sees the camera as the decision leaves it.
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Db } from '../db/connect';
import type { Database } from '../db/schema';
import type { AuditActor } from '../audit/service';
import { isCameraId } from '../cameras/queries';
import { LANGS, translate, type Lang } from '../../i18n';
import { explainResult } from '../../rules/explain';
import type { LocalizedText, Severity } from '../../rules/schema';
import { isAllowed, ruleSetStatement, type Outcome, type RuleRow } from './evaluate';
import { ruleSetInForce, type RuleSetVersionRef } from './in-force';

/** One rule's result as recorded: no geometry. */
export interface RecordedRuleResult {
	ruleId: string;
	title: LocalizedText;
	legalReference: string;
	severity: Severity;
	outcome: Outcome;
	measured: number | null;
	threshold: number | null;
	detail: Record<string, unknown>;
	explanation: LocalizedText;
}

export interface PreparedEvaluation {
	ruleSet: RuleSetVersionRef;
	asOf: string;
	cameraId: string;
	statement: RawBuilder<RuleRow>;
	layerNames: Record<Lang, Record<string, string>>;
}

async function bothLayerNames(db: Db): Promise<Record<Lang, Record<string, string>>> {
	const rows = await db.selectFrom('reference_layers').select(['kind', 'name_da', 'name_en']).execute();
	return {
		da: Object.fromEntries(rows.map((r) => [r.kind, r.name_da])),
		en: Object.fromEntries(rows.map((r) => [r.kind, r.name_en]))
	};
}

/**
 * Everything needed to record the evaluation of one camera against the rule set in force on
 * `asOf`, built outside any transaction; null when no rule set is in force then.
 */
export async function prepareCameraEvaluation(
	db: Db,
	cameraId: string,
	asOf: string
): Promise<PreparedEvaluation | null> {
	if (!isCameraId(cameraId)) return null;
	const ruleSet = await ruleSetInForce(db, asOf);
	if (!ruleSet) return null;
	const [statement, layerNames] = await Promise.all([
		ruleSetStatement(
			db,
			ruleSet.document,
			{ kind: 'cameras', filter: sql<boolean>`c.id = ${cameraId}::uuid` },
			{ asOf }
		),
		bothLayerNames(db)
	]);
	return { ruleSet, asOf, cameraId, statement, layerNames };
}

/** The results of one camera as recorded. A camera in another municipality than the nearest one keeps its name. */
function recordedResults(
	prepared: PreparedEvaluation,
	rows: RuleRow[],
	sameMunicipality: Set<string>
): RecordedRuleResult[] {
	const byId = new Map(rows.map((r) => [r.rule_id, r]));
	return prepared.ruleSet.document.rules.flatMap((rule) => {
		const row = byId.get(rule.id);
		if (!row) return [];
		const result = {
			outcome: row.outcome,
			measured: row.measured,
			threshold: row.threshold,
			detail: row.detail
		};
		const explanation = Object.fromEntries(
			LANGS.map((lang) => {
				const nearestId = row.detail.nearestId;
				// Whoever reads the record may read the cameras of this camera's municipality, not others'.
				const hidden = typeof nearestId === 'string' && !sameMunicipality.has(nearestId);
				const shown = hidden
					? { ...result, detail: { ...row.detail, nearest: translate(lang, 'check.hiddenCamera') } }
					: result;
				return [lang, explainResult(rule, shown, lang, prepared.layerNames[lang])];
			})
		) as LocalizedText;
		return [
			{
				ruleId: rule.id,
				title: rule.title,
				legalReference: rule.legalReference,
				severity: rule.severity,
				...result,
				explanation
			}
		];
	});
}

/**
 * Evaluates the prepared camera inside the decision's transaction and stores the result; returns
 * the record's id and verdict.
 */
export async function recordCameraEvaluation(
	trx: Transaction<Database>,
	prepared: PreparedEvaluation,
	decision: string,
	actor: AuditActor
): Promise<{ id: number; allowed: boolean }> {
	const { rows } = await prepared.statement.execute(trx);
	const mine = rows.filter((r) => r.subject_id === prepared.cameraId);
	const nearest = mine.map((r) => r.detail.nearestId).filter((id): id is string => typeof id === 'string');
	const same = nearest.length
		? await trx
				.selectFrom('cameras as o')
				.innerJoin('cameras as c', 'c.municipality_code', 'o.municipality_code')
				.select('o.id')
				.where('c.id', '=', prepared.cameraId)
				.where('o.id', 'in', nearest)
				.execute()
		: [];
	const results = recordedResults(prepared, mine, new Set(same.map((r) => r.id)));
	const allowed = isAllowed(results);
	const inserted = await trx
		.insertInto('camera_rule_evaluations')
		.values({
			camera_id: prepared.cameraId,
			rule_set_version_id: prepared.ruleSet.versionId,
			decision,
			as_of: sql<Date>`${prepared.asOf}::date`,
			allowed,
			results: JSON.stringify(results),
			evaluated_by: actor.userId
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return { id: inserted.id, allowed };
}

export interface RecordedEvaluation {
	id: number;
	decision: string;
	asOf: string;
	evaluatedAt: Date;
	evaluatedBy: string | null;
	allowed: boolean;
	ruleSet: { versionId: number; id: string; version: number; title: LocalizedText };
	results: RecordedRuleResult[];
}

export const EVALUATIONS_PAGE_SIZE = 10;

/** One page of a camera's recorded evaluations, newest first; `before` continues below an id. */
export async function listCameraEvaluations(
	db: Db,
	cameraId: string,
	before: number | null = null,
	limit = EVALUATIONS_PAGE_SIZE
): Promise<{ records: RecordedEvaluation[]; next: number | null }> {
	if (!isCameraId(cameraId)) return { records: [], next: null };
	let query = db
		.selectFrom('camera_rule_evaluations as e')
		.innerJoin('rule_set_versions as v', 'v.id', 'e.rule_set_version_id')
		.innerJoin('rule_sets as s', 's.id', 'v.rule_set_id')
		.leftJoin('users as u', 'u.id', 'e.evaluated_by')
		.select([
			'e.id',
			'e.decision',
			sql<string>`to_char(e.as_of, 'YYYY-MM-DD')`.as('as_of'),
			'e.evaluated_at',
			'u.name as evaluated_by',
			'e.allowed',
			'e.results',
			'v.id as version_id',
			'v.version',
			's.slug',
			sql<LocalizedText>`v.document->'title'`.as('title')
		])
		.where('e.camera_id', '=', cameraId);
	if (before !== null) query = query.where('e.id', '<', before);
	const rows = await query
		.orderBy('e.id', 'desc')
		.limit(limit + 1)
		.execute();
	const page = rows.slice(0, limit);
	return {
		records: page.map((r) => ({
			id: r.id,
			decision: r.decision,
			asOf: r.as_of,
			evaluatedAt: r.evaluated_at,
			evaluatedBy: r.evaluated_by,
			allowed: r.allowed,
			ruleSet: { versionId: r.version_id, id: r.slug, version: r.version, title: r.title },
			results: r.results as RecordedRuleResult[]
		})),
		next: rows.length > limit ? page[page.length - 1].id : null
	};
}
