// The unsafety half of hotspotOrUnsafety finds the areas around a camera by key (its municipality,
// that municipality's police district) and drawn areas by their index, rather than testing the
// camera against every boundary polygon. It must measure what tk_survey_result_areas() says: the
// highest share among the latest results of the areas the camera lies in whose period has begun.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { evaluateRuleSet } from '../../src/lib/server/rules/evaluate';
import { testDb } from './db';
import { AS_OF, X0, Y0, camera, country, ruleSet } from './rule-fixtures';

async function result(
	kind: 'municipality' | 'police_district' | 'area',
	share: number,
	period: [string, string],
	survey = 'Test'
) {
	const area =
		kind === 'municipality'
			? sql`901, NULL, NULL, NULL`
			: kind === 'police_district'
				? sql`NULL, 99, NULL, NULL`
				: sql`901, NULL, 'Torvet',
					ST_Multi(ST_MakeEnvelope(${X0 + 1000}, ${Y0 + 1000}, ${X0 + 1200}, ${Y0 + 1200}, 25832))`;
	await sql`
		INSERT INTO survey_results (survey, source, period_from, period_to, area_kind, municipality_code,
			police_district, area_name, geom, unsafe_share, respondents)
		VALUES (${survey}, 'Test', ${period[0]}::date, ${period[1]}::date, ${kind}, ${area}, ${share}, 300)
	`.execute(testDb());
}

/** Each camera's share as the rule measures it, and as tk_survey_result_areas() gives it. */
async function measuredAndExpected() {
	const doc = ruleSet({ kind: 'hotspotOrUnsafety', params: { minUnsafeShare: 0.3 } });
	const results = await evaluateRuleSet(
		testDb(),
		doc,
		{ kind: 'cameras', filter: sql<boolean>`true` },
		{ asOf: AS_OF }
	);
	const { rows } = await sql<{ id: string; name: string; share: number | null }>`
		SELECT c.id, c.name, (
			SELECT round(max(a.unsafe_share)::numeric, 3)::float8 FROM tk_survey_result_areas() a
			WHERE a.is_latest AND a.period_from <= ${AS_OF}::date AND ST_Intersects(a.geom, c.geom)
		) AS share
		FROM cameras c
	`.execute(testDb());
	const out: Record<string, { measured: number | null; expected: number | null; outcome: string }> = {};
	for (const r of rows) {
		const got = results.find((x) => x.subjectId === r.id)!;
		out[r.name] = { measured: got.measured, expected: r.share, outcome: got.outcome };
	}
	return out;
}

describe('hotspotOrUnsafety: survey areas', () => {
	it('takes the highest latest share of the municipality, its police district and drawn areas', async () => {
		await country();
		await camera('in the square', { at: [1100, 1100] });
		await camera('elsewhere', { at: [-2000, -2000] });

		// Nothing surveyed yet.
		expect(await measuredAndExpected()).toEqual({
			'in the square': { measured: null, expected: null, outcome: 'fail' },
			elsewhere: { measured: null, expected: null, outcome: 'fail' }
		});

		// The district's latest result replaces its earlier, higher one; a result whose period has
		// not begun by the day judged does not count.
		await result('police_district', 0.5, ['2024-01-01', '2024-12-31'], 'Old');
		await result('police_district', 0.22, ['2025-01-01', '2025-12-31']);
		await result('municipality', 0.25, ['2025-01-01', '2025-12-31']);
		await result('municipality', 0.9, ['2027-01-01', '2027-12-31'], 'Future');
		let r = await measuredAndExpected();
		// The future municipal result is the latest of its area but has not begun: neither counts.
		expect(r.elsewhere).toEqual({ measured: 0.22, expected: 0.22, outcome: 'fail' });

		await result('area', 0.4, ['2025-01-01', '2025-12-31']);
		r = await measuredAndExpected();
		expect(r['in the square']).toEqual({ measured: 0.4, expected: 0.4, outcome: 'pass' });
		expect(r.elsewhere).toEqual({ measured: 0.22, expected: 0.22, outcome: 'fail' });
	});
});
