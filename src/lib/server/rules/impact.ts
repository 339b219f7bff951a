// Rule-change impact: two rule-set versions (either may be a draft) evaluated over every camera
// that is not decommissioned, in one statement. Rules that are identical in both versions are
// evaluated once: the union of distinct rules is compiled with each rule keyed by its content,
// and each version's verdict is an aggregate over its own keys.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/connect';
import type { AuditActor } from '../audit/service';
import { recordAudit } from '../audit/service';
import type { Rule, RuleSetDocument } from '../../rules/schema';
import { danishToday } from '../../dates';
import { ruleSetStatement } from './evaluate';

export interface ImpactVersion {
	id: number;
	document: RuleSetDocument;
}

/** A rule's identity for the union: everything that decides its outcome. */
function ruleKey(rule: Rule): string {
	const { title: _t, description: _d, legalReference: _l, id: _i, ...decisive } = rule;
	return `r${createHash('sha256').update(JSON.stringify(decisive)).digest('hex').slice(0, 16)}`;
}

/** `keys` → rule id of the version, as a jsonb object for SQL. */
function keyMap(doc: RuleSetDocument): Record<string, string> {
	return Object.fromEntries(doc.rules.map((r) => [ruleKey(r), r.id]));
}

export interface ImpactSummary {
	id: number;
	cameras: number;
	allowedBefore: number;
	allowedAfter: number;
	newlyAllowed: number;
	newlyRefused: number;
	changed: number;
	computeMs: number;
}

/**
 * Evaluates both versions over every camera that is not decommissioned and stores the cameras
 * whose verdict or failed rules differ, and the table per municipality. One transaction.
 */
export async function runImpactAnalysis(
	db: Db,
	actor: AuditActor,
	a: ImpactVersion,
	b: ImpactVersion,
	options: { asOf?: string } = {}
): Promise<ImpactSummary> {
	const started = performance.now();
	const asOf = options.asOf ?? danishToday();
	const union = new Map<string, Rule>();
	for (const rule of [...a.document.rules, ...b.document.rules])
		union.set(ruleKey(rule), { ...rule, id: ruleKey(rule) });
	const unionDoc: RuleSetDocument = { ...b.document, rules: [...union.values()] };
	const mapA = keyMap(a.document);
	const mapB = keyMap(b.document);
	const keysA = Object.keys(mapA);
	const keysB = Object.keys(mapB);

	const judged = sql<boolean>`c.status <> 'decommissioned'`;
	// Built outside the transaction: it may compute hotspot runs, each in a transaction of its own.
	const statement = await ruleSetStatement(db, unionDoc, { kind: 'cameras', filter: judged }, { asOf });
	return db.transaction().execute(async (trx) => {
		await sql`SET LOCAL jit = off`.execute(trx);
		const analysis = await trx
			.insertInto('impact_analyses')
			.values({
				version_a_id: a.id,
				version_b_id: b.id,
				as_of: sql<Date>`${asOf}::date`,
				cameras: 0,
				allowed_before: 0,
				allowed_after: 0,
				newly_allowed: 0,
				newly_refused: 0,
				compute_ms: 0,
				created_by: actor.userId
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await sql`
			CREATE TEMP TABLE tk_impact ON COMMIT DROP AS
			-- Only failures decide a verdict. Filtering on them lets PostgreSQL drop every rule's
			-- not-applicable branch (its outcome is a constant) instead of scanning all subjects for it.
			WITH failed AS (
				SELECT r.subject_id,
					array_agg(${JSON.stringify(mapA)}::jsonb ->> r.rule_id ORDER BY r.rule_id)
						FILTER (WHERE r.rule_id = ANY(${keysA}::text[])) AS failed_before,
					array_agg(${JSON.stringify(mapB)}::jsonb ->> r.rule_id ORDER BY r.rule_id)
						FILTER (WHERE r.rule_id = ANY(${keysB}::text[])) AS failed_after
				FROM (${statement}) r
				WHERE r.outcome = 'fail'
				GROUP BY r.subject_id
			)
			SELECT c.id AS camera_id, c.municipality_code,
				f.failed_before IS NULL AS allowed_before, f.failed_after IS NULL AS allowed_after,
				coalesce(f.failed_before, '{}') AS failed_before, coalesce(f.failed_after, '{}') AS failed_after
			FROM cameras c LEFT JOIN failed f ON f.subject_id = c.id
			WHERE ${judged}
		`.execute(trx);
		await sql`
			INSERT INTO impact_changes (analysis_id, camera_id, municipality_code, allowed_before, allowed_after,
				failed_before, failed_after)
			SELECT ${analysis.id}, camera_id, municipality_code, allowed_before, allowed_after,
				ARRAY(SELECT unnest(failed_before) ORDER BY 1), ARRAY(SELECT unnest(failed_after) ORDER BY 1)
			FROM tk_impact
			WHERE allowed_before <> allowed_after
				OR ARRAY(SELECT unnest(failed_before) ORDER BY 1) <> ARRAY(SELECT unnest(failed_after) ORDER BY 1)
		`.execute(trx);
		await sql`
			INSERT INTO impact_municipalities (analysis_id, municipality_code, cameras, allowed_before, allowed_after,
				newly_allowed, newly_refused)
			SELECT ${analysis.id}, municipality_code, count(*),
				count(*) FILTER (WHERE allowed_before), count(*) FILTER (WHERE allowed_after),
				count(*) FILTER (WHERE allowed_after AND NOT allowed_before),
				count(*) FILTER (WHERE allowed_before AND NOT allowed_after)
			FROM tk_impact GROUP BY municipality_code
		`.execute(trx);
		const { rows } = await sql<Omit<ImpactSummary, 'id' | 'computeMs'>>`
			SELECT coalesce(sum(cameras), 0)::integer AS cameras,
				coalesce(sum(allowed_before), 0)::integer AS "allowedBefore",
				coalesce(sum(allowed_after), 0)::integer AS "allowedAfter",
				coalesce(sum(newly_allowed), 0)::integer AS "newlyAllowed",
				coalesce(sum(newly_refused), 0)::integer AS "newlyRefused",
				(SELECT count(*)::integer FROM impact_changes WHERE analysis_id = ${analysis.id}) AS changed
			FROM impact_municipalities WHERE analysis_id = ${analysis.id}
		`.execute(trx);
		const totals = rows[0];
		const computeMs = Math.round(performance.now() - started);
		await trx
			.updateTable('impact_analyses')
			.set({
				cameras: totals.cameras,
				allowed_before: totals.allowedBefore,
				allowed_after: totals.allowedAfter,
				newly_allowed: totals.newlyAllowed,
				newly_refused: totals.newlyRefused,
				compute_ms: computeMs
			})
			.where('id', '=', analysis.id)
			.execute();
		await sql`DROP TABLE tk_impact`.execute(trx);
		await recordAudit(trx, actor, {
			action: 'rules.impact',
			objectType: 'impact_analysis',
			objectId: String(analysis.id),
			municipalityCode: null,
			before: null,
			after: { versionA: a.id, versionB: b.id, asOf, ...totals }
		});
		return { id: analysis.id, ...totals, computeMs };
	});
}
