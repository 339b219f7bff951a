// What a rule check answers (POST /api/cameras/check, the camera page), shared by the server that
// builds it and the pages that show it.
import type { Severity } from './schema';

export type CheckOutcome = 'pass' | 'fail' | 'warning' | 'not_applicable';

export interface CheckedRule {
	ruleId: string;
	title: string;
	legalReference: string;
	severity: Severity;
	outcome: CheckOutcome;
	measured: number | null;
	threshold: number | null;
	/** One sentence in the reader's language. */
	explanation: string;
	/** GeoJSON geometry in EPSG:4326 (what the rule measured), or null. */
	evidence: unknown | null;
}

export interface CheckedRuleSet {
	versionId: number;
	/** The rule set's id (slug). */
	id: string;
	title: string;
	version: number;
	status: 'draft' | 'published';
	validFrom: string;
	validTo: string | null;
}

export interface CheckResult {
	ruleSet: CheckedRuleSet | null;
	/** The day the rules were judged on. */
	asOf: string;
	/** No rule of severity error fails; null when no rule set applies. */
	allowed: boolean | null;
	results: CheckedRule[];
}

/** How many rules fail and warn. */
export function tally(results: Pick<CheckedRule, 'outcome'>[]): { fail: number; warning: number } {
	return {
		fail: results.filter((r) => r.outcome === 'fail').length,
		warning: results.filter((r) => r.outcome === 'warning').length
	};
}
