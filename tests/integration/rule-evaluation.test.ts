// Every rule kind against small hand-made geometries with known answers, in EPSG:25832 around
// (X0, Y0) in a one-municipality country: boundaries exactly on the threshold, empty layers,
// cameras without a view, and the placement path agreeing with stored cameras.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { recomputeCameraViews } from '../../src/lib/server/cameras/views';
import {
	evaluateRuleSet,
	isAllowed,
	type PlacementSubject,
	type RuleResult
} from '../../src/lib/server/rules/evaluate';
import type { RuleSetDocument } from '../../src/lib/rules/schema';
import { testDb } from './db';
import { AS_OF, X0, Y0, building, camera, country, feature, incidents, ruleSet } from './rule-fixtures';

/** Results by camera name: [outcome, measured, threshold] of the first rule, or of `ruleId`. */
async function judge(doc: RuleSetDocument, ruleId = doc.rules[0].id) {
	const results = await evaluateRuleSet(
		testDb(),
		doc,
		{ kind: 'cameras', filter: sql<boolean>`true` },
		{ asOf: AS_OF }
	);
	const names = await testDb().selectFrom('cameras').select(['id', 'name']).execute();
	const byId = new Map(names.map((n) => [n.id, n.name]));
	const out: Record<string, [string, number | null, number | null]> = {};
	for (const r of results.filter((r) => r.ruleId === ruleId))
		out[byId.get(r.subjectId)!] = [r.outcome, r.measured, r.threshold];
	return out;
}

describe('withinLayer', () => {
	it('measures the distance from the camera to the nearest feature, the threshold included', async () => {
		await country();
		await feature('housing_area', 'Boligområdet', [0, 0, 100, 100]);
		await camera('inside', { at: [50, 50] });
		await camera('at 500 m', { at: [-500, 50] });
		await camera('at 500.5 m', { at: [-500.5, 50] });
		await camera('business', { at: [-900, 50], ownerType: 'business' });
		const doc = ruleSet({
			kind: 'withinLayer',
			params: { layer: 'housing_area', distanceM: 500 },
			appliesTo: { ownerTypes: ['municipality'] }
		});
		expect(await judge(doc)).toEqual({
			inside: ['pass', 0, 500],
			'at 500 m': ['pass', 500, 500],
			'at 500.5 m': ['fail', 500.5, 500],
			business: ['not_applicable', null, null]
		});
	});

	it('fails every camera when the layer is empty, and says so', async () => {
		await country();
		await camera('alone', { at: [0, 0] });
		const doc = ruleSet({ kind: 'withinLayer', params: { layer: 'nightlife_area', distanceM: 50 } });
		const [result] = await evaluateRuleSet(testDb(), doc, { kind: 'cameras', filter: sql<boolean>`true` });
		expect(result).toMatchObject({ outcome: 'fail', measured: null, detail: { emptyLayer: true } });
	});

	it('can require the whole view within the distance, measuring the area left outside', async () => {
		await country();
		await feature('nightlife_area', 'Gaden', [0, 0, 100, 100]);
		await camera('view inside', { at: [50, 50], view: 20 });
		await camera('view sticking out', { at: [100, 50], view: 30 });
		await camera('no view', { at: [50, 50], view: null });
		const doc = ruleSet({
			kind: 'withinLayer',
			params: { layer: 'nightlife_area', distanceM: 10, measureFrom: 'view' }
		});
		const r = await judge(doc);
		expect(r['view inside']).toEqual(['pass', 0, 10]);
		expect(r['view sticking out'][0]).toBe('fail');
		// The disc (r = 30) reaches 20 m beyond the 10 m margin: a circular segment of
		// r² acos(10 / r) - 10 sqrt(r² - 10²) = 825 m² (a little less for the 256-gon).
		expect(r['view sticking out'][1]).toBeGreaterThan(815);
		expect(r['view sticking out'][1]).toBeLessThan(826);
		expect(r['no view'][0]).toBe('not_applicable');
	});
});

describe('viewAvoidsResidential', () => {
	it('fails a view that reaches a home within the tolerance, unless a privacy mask covers it', async () => {
		await country();
		await building([20, -5, 30, 5]); // inside the 30 m view of "reaches"
		await camera('reaches', { at: [0, 0], view: 30 });
		await building([1030.4, -5, 1040, 5]); // 0.4 m beyond the view's edge
		await camera('within tolerance', { at: [1000, 0], view: 30 });
		await building([2031, -5, 2040, 5]); // 1 m beyond
		await camera('clear', { at: [2000, 0], view: 30 });
		await building([3020, -5, 3030, 5], false); // not residential
		await camera('office', { at: [3000, 0], view: 30 });
		await building([4020, -5, 4030, 5]);
		await camera('masked', { at: [4000, 0], view: 30, mask: [4018, -7, 4032, 7] });
		await camera('no view', { at: [5000, 0], view: null });
		const doc = ruleSet({ kind: 'viewAvoidsResidential', params: { respectPrivacyMasks: true } });
		expect(await judge(doc)).toEqual({
			reaches: ['fail', 1, 0],
			'within tolerance': ['fail', 1, 0],
			clear: ['pass', 0, 0],
			office: ['pass', 0, 0],
			masked: ['pass', 0, 0],
			'no view': ['not_applicable', null, 0]
		});
		const masksIgnored = ruleSet({ kind: 'viewAvoidsResidential', params: { respectPrivacyMasks: false } });
		expect((await judge(masksIgnored)).masked).toEqual(['fail', 1, 0]);
	});
});

describe('minIncidents', () => {
	it('counts incidents of the categories within the distance and period, the edge included', async () => {
		await country();
		await camera('cam', { at: [0, 0], view: 30 });
		await incidents([100, 0], 12); // exactly 100 m away
		await incidents([0, 50], 7);
		await incidents([0, 50], 5, 'theft'); // other category
		await incidents([0, 50], 4, 'violence', '2025-11-26T23:59:00+01'); // just before the 12 months
		await incidents([100.5, 0], 3); // just outside
		const doc = ruleSet({
			kind: 'minIncidents',
			params: {
				count: 20,
				categories: ['violence', 'robbery'],
				months: 12,
				area: { mode: 'distance', distanceM: 100 }
			}
		});
		expect((await judge(doc)).cam).toEqual(['fail', 19, 20]);
		await incidents([-30, 0], 1, 'robbery', '2025-11-27T00:00:00+01'); // first instant of the period
		expect((await judge(doc)).cam).toEqual(['pass', 20, 20]);
	});

	it('counts inside the view, and cannot judge a camera without one', async () => {
		await country();
		await camera('cam', { at: [0, 0], view: 30 });
		await camera('blind', { at: [500, 0], view: null });
		await incidents([10, 10], 3);
		await incidents([40, 0], 2); // outside the 30 m view
		const doc = ruleSet({
			kind: 'minIncidents',
			params: { count: 3, categories: ['violence'], months: 6, area: { mode: 'view' } }
		});
		expect(await judge(doc)).toEqual({ cam: ['pass', 3, 3], blind: ['not_applicable', null, 3] });
	});
});

describe('hotspotOrUnsafety', () => {
	it('passes a camera in a significant Gi* hotspot or in an area surveyed as unsafe enough', async () => {
		await country();
		await incidents([0, 0], 40);
		for (const [e, n] of [
			[3000, 3000],
			[-3000, -3000],
			[3000, -3000]
		] as const)
			await incidents([e, n], 1);
		await camera('in the hotspot', { at: [5, 5] });
		await camera('elsewhere', { at: [-2000, 2000] });
		const hotspot = ruleSet({
			kind: 'hotspotOrUnsafety',
			params: { hotspot: { cellSizeM: 250, minConfidence: 99, months: 12 } }
		});
		const r = await judge(hotspot);
		expect(r['in the hotspot'][0]).toBe('pass');
		expect(r['in the hotspot'][1]).toBeGreaterThan(2.5758);
		expect(r['in the hotspot'][2]).toBeCloseTo(2.5758, 4);
		expect(r.elsewhere[0]).toBe('fail');

		await sql`
			INSERT INTO survey_results (survey, source, period_from, period_to, area_kind, municipality_code, unsafe_share, respondents)
			VALUES ('Test', 'Test', '2025-01-01', '2025-12-31', 'municipality', 901, 0.25, 400)
		`.execute(testDb());
		const either = ruleSet({
			kind: 'hotspotOrUnsafety',
			params: { hotspot: { cellSizeM: 250, minConfidence: 99, months: 12 }, minUnsafeShare: 0.25 }
		});
		expect((await judge(either)).elsewhere[0]).toBe('pass');
		const survey = ruleSet({ kind: 'hotspotOrUnsafety', params: { minUnsafeShare: 0.26 } });
		expect((await judge(survey)).elsewhere).toEqual(['fail', 0.25, 0.26]);
	});
});

describe('attributeLimit', () => {
	it('checks retention, signage, legal basis for the owner, permit years and police registration', async () => {
		await country();
		await camera('ok', { at: [0, 0], retentionDays: 30, permit: ['2020-01-01', '2025-01-01'] });
		await camera('long retention', {
			at: [10, 0],
			retentionDays: 31,
			signage: false,
			permit: ['2020-01-01', '2025-01-02']
		});
		await camera('business § 2 a', { at: [20, 0], ownerType: 'business', legalBasis: '§ 2 a', permit: null });
		await camera('late registration', {
			at: [30, 0],
			activeFrom: '2026-01-01',
			policeRegisteredOn: '2026-01-16'
		});
		await camera('unregistered', { at: [40, 0], activeFrom: '2026-11-20', policeRegisteredOn: null });
		await camera('proposal', { at: [50, 0], status: 'proposed' });
		const doc = ruleSet(
			{ kind: 'attributeLimit', params: { attribute: 'retentionDays', max: 30 } },
			{ kind: 'attributeLimit', params: { attribute: 'signage', required: true } },
			{
				kind: 'attributeLimit',
				params: {
					attribute: 'legalBasisForOwner',
					allowed: {
						municipality: ['§ 2 a', '§ 2 c'],
						police: ['other'],
						public_authority: ['§ 2 d'],
						housing_organisation: ['§ 2 stk. 2'],
						business: ['§ 2 stk. 1 nr. 3'],
						private: []
					}
				}
			},
			{
				kind: 'attributeLimit',
				params: { attribute: 'permitYears', max: 5 },
				appliesTo: { statuses: ['active'] }
			},
			{ kind: 'attributeLimit', params: { attribute: 'policeRegistrationDays', max: 14 } }
		);
		const retention = await judge(doc, 'rule-1');
		expect(retention.ok).toEqual(['pass', 30, 30]);
		expect(retention['long retention']).toEqual(['fail', 31, 30]);
		expect((await judge(doc, 'rule-2'))['long retention'][0]).toBe('fail');
		const basis = await judge(doc, 'rule-3');
		expect(basis.ok[0]).toBe('pass');
		expect(basis['business § 2 a'][0]).toBe('fail');
		const permit = await judge(doc, 'rule-4');
		expect(permit.ok[0]).toBe('pass'); // exactly five calendar years
		expect(permit['long retention'][0]).toBe('fail'); // a day more
		expect(permit['business § 2 a'][0]).toBe('fail'); // no permit recorded
		expect(permit.proposal[0]).toBe('not_applicable');
		const registration = await judge(doc, 'rule-5');
		expect(registration.ok).toEqual(['pass', 4, 14]);
		expect(registration['late registration']).toEqual(['fail', 15, 14]);
		expect(registration.unregistered).toEqual(['pass', 7, 14]); // not yet, but still in time
		expect(registration.proposal[0]).toBe('not_applicable');
	});
});

describe('densityOverTarget', () => {
	it('measures the share of the view or of the grid cell covered at the level or better', async () => {
		await country();
		const bands: [string, number, number][] = [
			['identification', 250, 10],
			['recognition', 125, 20],
			['observation', 62.5, 40],
			['detection', 25, 60]
		];
		// At the centre of 100 m hexagon cell (i, j): x = 150 i, y = 173.2 (j + (i & 1) / 2).
		const i = Math.round((X0 + 0) / 150);
		const cx = 150 * i - X0;
		const cy = Math.sqrt(3) * 100 * (Math.round(Y0 / (Math.sqrt(3) * 100)) + (i & 1) / 2) - Y0;
		await camera('cam', { at: [cx, cy], view: 60, bands });
		await camera('blind', { at: [cx + 1000, cy], view: null });
		const doc = ruleSet(
			{
				kind: 'densityOverTarget',
				params: { levelTable: 'en62676-4-2015', level: 'recognition', target: 'view', minCoverage: 0.11 }
			},
			{
				kind: 'densityOverTarget',
				params: {
					levelTable: 'en62676-4-2015',
					level: 'recognition',
					target: 'hotspotCell',
					cellSizeM: 100,
					minCoverage: 0.05
				}
			}
		);
		const view = await judge(doc, 'rule-1');
		expect(view.cam[0]).toBe('pass');
		expect(view.cam[1]).toBeCloseTo(1 / 9, 2); // (20 / 60)^2
		expect(view.blind[0]).toBe('not_applicable');
		const cell = await judge(doc, 'rule-2');
		expect(cell.cam[0]).toBe('fail');
		expect(cell.cam[1]).toBeCloseTo((Math.PI * 400) / ((3 * Math.sqrt(3) * 100 * 100) / 2), 2); // 0.048
	});
});

describe('minSpacing', () => {
	it('measures the distance to the nearest other camera that is not decommissioned', async () => {
		await country();
		await camera('a', { at: [0, 0], operator: 'A' });
		await camera('b', { at: [10, 0], operator: 'B' });
		await camera('c', { at: [19.9, 0], operator: 'A' });
		await camera('gone', { at: [1, 0], status: 'decommissioned', activeFrom: '2024-01-01' });
		const doc = ruleSet({
			kind: 'minSpacing',
			params: { distanceM: 10 },
			appliesTo: { statuses: ['active'] }
		});
		expect(await judge(doc)).toEqual({
			a: ['pass', 10, 10],
			b: ['fail', 9.9, 10],
			c: ['fail', 9.9, 10],
			gone: ['not_applicable', null, null]
		});
		const sameOwner = ruleSet({ kind: 'minSpacing', params: { distanceM: 10, sameOwnerOnly: true } });
		expect((await judge(sameOwner)).a).toEqual(['pass', 19.9, 10]);
	});
});

describe('an unsaved placement', () => {
	it('gets the same results as the same camera stored in the register', async () => {
		await country();
		await building([15, -10, 25, 10], false);
		await incidents([10, 2], 3);
		await feature('housing_area', 'Boliger', [300, 0, 400, 100]);
		const geometry = {
			x: X0,
			y: Y0,
			mountHeightM: 5,
			azimuthDeg: 90,
			tiltDeg: 15,
			hfovDeg: 80,
			resolutionPx: 1920,
			maxRangeM: 60,
			kind: 'fixed' as const
		};
		const doc = ruleSet(
			{ kind: 'withinLayer', params: { layer: 'housing_area', distanceM: 500 } },
			{ kind: 'viewAvoidsResidential', params: { respectPrivacyMasks: true } },
			{
				kind: 'minIncidents',
				params: { count: 3, categories: ['violence'], months: 12, area: { mode: 'view' } }
			},
			{
				kind: 'densityOverTarget',
				params: { levelTable: 'en62676-4-2015', level: 'recognition', target: 'view', minCoverage: 0.01 }
			},
			{ kind: 'minSpacing', params: { distanceM: 5 } }
		);
		const { rows } = await sql<{ id: string }>`
			INSERT INTO cameras (municipality_code, name, geom, mount_height_m, azimuth_deg, tilt_deg, hfov_deg,
				resolution_px, max_range_m, kind, owner_type, operator_name, purpose, legal_basis, retention_days,
				signage, status, proposed_on)
			VALUES (901, 'stored', ST_SetSRID(ST_MakePoint(${X0}, ${Y0}), 25832), 5, 90, 15, 80, 1920, 60, 'fixed',
				'municipality', 'Kommunen', 'Tryghed', '§ 2 a', 30, true, 'proposed', '2026-11-01')
			RETURNING id
		`.execute(testDb());
		await recomputeCameraViews(testDb(), [rows[0].id]);
		const stored = await evaluateRuleSet(
			testDb(),
			doc,
			{ kind: 'cameras', filter: sql<boolean>`c.id = ${rows[0].id}` },
			{
				asOf: AS_OF
			}
		);
		const placement: PlacementSubject = {
			cameraId: rows[0].id,
			geometry,
			ownerType: 'municipality',
			legalBasis: '§ 2 a',
			status: 'proposed',
			operatorName: 'Kommunen',
			retentionDays: 30,
			signage: true,
			activeFrom: null,
			policeRegisteredOn: null,
			permitValidFrom: null,
			permitValidTo: null,
			privacyMasks: null
		};
		const unsaved = await evaluateRuleSet(
			testDb(),
			doc,
			{ kind: 'placement', placement },
			{ asOf: AS_OF, evidence: true }
		);
		const strip = (rs: RuleResult[]) =>
			rs.map(({ ruleId, outcome, measured, threshold }) => ({ ruleId, outcome, measured, threshold }));
		expect(strip(unsaved)).toEqual(strip(stored));
		// The view is cut at the (non-residential) building, the incidents are in view, the housing area 300 m away.
		expect(strip(unsaved).map((r) => r.outcome)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
		expect(unsaved[0].evidence).toMatchObject({ type: 'LineString' });
		expect(isAllowed(unsaved)).toBe(true);
	});
});
