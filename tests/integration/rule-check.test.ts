// The planning map's rule check (POST /api/cameras/check as a function of user and body): who may
// check where, every bad field named, the rule list in the reader's language with the evidence
// geometry, and evidence the reader may not see (single incidents, another municipality's
// cameras) left out.
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { checkPlacement, type CheckResult, type CheckedRule } from '../../src/lib/server/rules/check';
import { ruleSetInForce } from '../../src/lib/server/rules/in-force';
import { seedShippedRuleSetsIfEmpty } from '../../src/lib/server/rules/seed';
import { testDb } from './db';
import { AS_OF, X0, Y0, camera, country, feature, incidents } from './rule-fixtures';

const geodata = join(import.meta.dirname, '..', '..', 'geodata');

function user(role: SessionUser['role'], scope: Partial<SessionUser> = {}): SessionUser {
	return {
		id: '00000000-0000-4000-8000-000000000001',
		email: `${role}@test.dk`,
		name: role,
		role,
		municipalityCode: null,
		policeDistrict: null,
		isDemo: false,
		...scope
	};
}
const planner = user('planner', { municipalityCode: 901 });
const otherPlanner = user('planner', { municipalityCode: 902 });
const police = user('police', { policeDistrict: 99 });
const otherPolice = user('police', { policeDistrict: 98 });
const ministry = user('ministry');
const admin = user('admin');

/** A fixed municipal § 2 a camera looking east, `east` metres east of (X0, Y0). */
function placement(east = 0, overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		x: X0 + east,
		y: Y0,
		kind: 'fixed',
		mountHeightM: 5,
		azimuthDeg: 90,
		tiltDeg: 15,
		hfovDeg: 80,
		resolutionPx: 1920,
		maxRangeM: 40,
		ownerType: 'municipality',
		legalBasis: '§ 2 a',
		operatorName: 'Kommunen',
		retentionDays: 30,
		signage: true,
		...overrides
	};
}

/** Two municipalities side by side in police district 99 (901 west, 902 east of X0 + 5000), the 2025 rules. */
async function setting() {
	await country();
	await sql`
		INSERT INTO municipalities (code, name, police_district, geom)
		VALUES (902, 'Nabokommune', 99, ST_Multi(ST_MakeEnvelope(${X0 + 5000}, ${Y0 - 5000}, ${X0 + 15000}, ${Y0 + 5000}, 25832)))
	`.execute(testDb());
	await seedShippedRuleSetsIfEmpty(testDb(), geodata);
	await feature('housing_area', 'Boligområdet', [-200, -200, 200, 200]);
}

async function check(who: SessionUser | null, body: unknown, lang: 'da' | 'en' = 'en') {
	return checkPlacement(testDb(), who, lang, body, { asOf: AS_OF });
}

async function ok(who: SessionUser, body: unknown, lang: 'da' | 'en' = 'en'): Promise<CheckResult> {
	const response = await check(who, body, lang);
	expect(response.status, JSON.stringify(response.body)).toBe(200);
	return response.body as CheckResult;
}

const rule = (result: CheckResult, id: string): CheckedRule => result.results.find((r) => r.ruleId === id)!;

type Geometry = { type: string; geometries?: Geometry[] };
const parts = (g: unknown): string[] =>
	!g
		? []
		: (g as Geometry).type === 'GeometryCollection'
			? (g as Geometry).geometries!.flatMap(parts)
			: [(g as Geometry).type];

describe('checking a placement against the rules in force', () => {
	it('lists every rule of the set in force with outcome, measure, explanation and evidence', async () => {
		await setting();
		const inForce = (await ruleSetInForce(testDb(), AS_OF))!;
		const result = await ok(planner, placement());
		expect(result.ruleSet).toEqual({
			versionId: inForce.versionId,
			id: 'tv-overvaagning-2025-07',
			title: 'CCTV Act from 1 July 2025',
			version: 1,
			status: 'published',
			validFrom: '2025-07-01',
			validTo: null
		});
		expect(result.asOf).toBe(AS_OF);
		expect(result.allowed).toBe(true);
		expect(result.results.map((r) => r.ruleId)).toEqual(inForce.document.rules.map((r) => r.id));
		expect(rule(result, 'p2a-near-housing-area')).toMatchObject({
			title: expect.stringContaining('§ 2 a'),
			legalReference: expect.stringContaining('§ 2 a'),
			severity: 'error',
			outcome: 'pass',
			measured: 0,
			threshold: 500,
			explanation: '0 m² of the view lies more than 500 m from Housing areas.'
		});
		expect(rule(result, 'p4c-retention')).toMatchObject({
			outcome: 'not_applicable',
			explanation: 'Does not apply to this camera.'
		});
		expect(rule(result, 'signage')).toMatchObject({ outcome: 'pass', explanation: 'Signs are in place.' });

		const danish = await ok(planner, placement(), 'da');
		expect(danish.ruleSet!.title).toBe('Tv-overvågningsloven fra 1. juli 2025');
		expect(rule(danish, 'signage').explanation).toBe('Der er skiltning.');
	});

	it('fails § 2 a far from a housing area and draws the view outside the reach and the line to the area', async () => {
		await setting();
		const result = await ok(planner, placement(1000));
		const p2a = rule(result, 'p2a-near-housing-area');
		expect(p2a.outcome).toBe('fail');
		expect(p2a.measured).toBeGreaterThan(1000);
		expect(p2a.explanation).toMatch(/^[\d,.]+ m² of the view lies more than 500 m from Housing areas\.$/);
		// The whole view (nothing of the layer within reach) and the shortest line to the area.
		expect(parts(p2a.evidence)).toEqual(['MultiPolygon', 'LineString']);
		expect(result.allowed).toBe(false);

		const retention = await ok(planner, placement(0, { retentionDays: 40, signage: false }));
		expect(retention.allowed).toBe(false);
		expect(rule(retention, 'p4d-retention')).toMatchObject({ outcome: 'fail', measured: 40, threshold: 30 });
		expect(rule(retention, 'signage')).toMatchObject({ outcome: 'fail', explanation: 'There are no signs.' });
	});

	it('checks against another version by id, or says when no rule set is in force', async () => {
		await setting();
		const v2020 = (await ruleSetInForce(testDb(), '2025-01-01'))!;
		const old = await ok(planner, placement(0, { ruleSetVersionId: v2020.versionId }));
		expect(old.ruleSet).toMatchObject({ id: 'tv-overvaagning-2020-07', validTo: '2025-06-30' });
		// Before 1 July 2025 the housing area needed police-permitted CCTV.
		expect(rule(old, 'p2a-near-housing-area').outcome).toBe('fail');

		const none = await checkPlacement(testDb(), planner, 'en', placement(), { asOf: '2019-01-01' });
		expect(none).toEqual({
			status: 200,
			body: { ruleSet: null, asOf: '2019-01-01', allowed: null, results: [] }
		});
	});

	it('lets planners check in their own municipality, police in their district, the ministry anywhere', async () => {
		await setting();
		expect((await check(planner, placement())).status).toBe(200);
		expect((await check(otherPlanner, placement())).status).toBe(403);
		expect((await check(otherPlanner, placement(6000))).status).toBe(200);
		expect((await check(planner, placement(6000))).status).toBe(403);
		expect((await check(police, placement(6000))).status).toBe(200);
		expect((await check(otherPolice, placement())).status).toBe(403);
		expect((await check(ministry, placement())).status).toBe(200);
		expect((await check(admin, placement())).status).toBe(403);
		expect(await check(null, placement())).toEqual({ status: 401, body: { message: expect.any(String) } });
	});

	it('checks an edit of a stored camera only where the user may check that camera', async () => {
		await setting();
		const mine = await camera('Eget kamera', { at: [0, 0], status: 'proposed', operator: 'Kommunen' });
		const theirs = await camera('Nabokamera', { at: [6000, 0], status: 'proposed', operator: 'Kommunen' });
		await sql`UPDATE cameras SET municipality_code = 902 WHERE id = ${theirs}`.execute(testDb());
		const result = await ok(planner, placement(0, { cameraId: mine }));
		// The camera being moved is no neighbour of itself (the other one is 6 km away, beyond the search).
		expect(rule(result, 'no-double-coverage')).toMatchObject({
			outcome: 'pass',
			measured: null,
			explanation: 'No other camera nearby.'
		});
		expect((await check(planner, placement(0, { cameraId: theirs }))).status).toBe(403);
		expect(
			(await check(planner, placement(0, { cameraId: '6f1c2d3e-0000-4000-8000-000000000000' }))).status
		).toBe(404);
	});

	it('names every bad field and checks nothing', async () => {
		await setting();
		const bad = await check(
			planner,
			placement(0, {
				x: 12.5,
				legalBasis: undefined,
				retentionDays: -1,
				permitValidFrom: '2026-01-01',
				permitValidTo: '2025-12-31',
				status: 'planned',
				colour: 'red'
			})
		);
		expect(bad.status).toBe(400);
		const errors = (bad.body as { errors: Record<string, string> }).errors;
		expect(errors).toEqual({
			x: 'must be at least 400000',
			legalBasis: 'is required',
			retentionDays: 'must be at least 0',
			permitValidTo: 'The permit cannot end before it starts.',
			status: expect.stringMatching(/^must be one of: "proposed", /),
			colour: 'is not a known field'
		});
		expect((bad.body as { message: string }).message).toMatch(/^Invalid values for the rule check: x: /);

		const danish = await check(planner, placement(0, { permitValidFrom: '2026-02-30' }), 'da');
		expect(danish).toMatchObject({
			status: 400,
			body: { errors: { permitValidFrom: 'Skal være en dato som ÅÅÅÅ-MM-DD (1990–2100).' } }
		});
		expect(await check(planner, undefined)).toMatchObject({
			status: 400,
			body: { errors: { form: 'The request body must be a JSON object.' } }
		});
		expect(await check(planner, placement(0, { kind: 'ptz' }))).toMatchObject({
			status: 400,
			body: { errors: { panMinDeg: expect.any(String) } }
		});
		expect(await check(planner, placement(0, { ruleSetVersionId: 999_999 }))).toMatchObject({
			status: 400,
			body: { errors: { ruleSetVersionId: 'There is no rule-set version with that id.' } }
		});
		// A bow tie: GeoJSON of the right shape that PostGIS finds invalid.
		const bowTie = {
			type: 'Polygon',
			coordinates: [
				[
					[12, 55],
					[12.001, 55.001],
					[12.001, 55],
					[12, 55.001],
					[12, 55]
				]
			]
		};
		expect(await check(planner, placement(0, { privacyMasks: bowTie }))).toMatchObject({
			status: 400,
			body: { errors: { privacyMasks: expect.stringMatching(/invalid/) } }
		});
		// Outside every municipality.
		expect(await check(planner, placement(0, { x: X0 + 20_000 }))).toMatchObject({
			status: 400,
			body: { errors: { position: 'The position lies outside every Danish municipality.' } }
		});
		const written = await sql<{ n: number }>`
			SELECT (SELECT count(*) FROM camera_rule_evaluations) + (SELECT count(*) FROM audit_log WHERE action LIKE 'camera.%') AS n
		`.execute(testDb());
		expect(written.rows[0].n).toBe(0);
	});

	it('shows single incidents only to the district police and hides cameras the reader may not see', async () => {
		await setting();
		const v2020 = (await ruleSetInForce(testDb(), '2025-01-01'))!;
		await incidents([50, 0], 12, 'violence', '2026-06-01T23:00:00+02');
		const housing = placement(0, {
			ownerType: 'housing_organisation',
			legalBasis: '§ 2 stk. 2',
			ruleSetVersionId: v2020.versionId
		});
		const forPolice = rule(await ok(police, housing), 'p2s2-p2s3-criterion');
		expect(forPolice).toMatchObject({ outcome: 'pass', measured: 12, threshold: 10 });
		expect(parts(forPolice.evidence)).toEqual(['Polygon', 'MultiPoint']);
		for (const reader of [planner, ministry]) {
			const shown = rule(await ok(reader, housing), 'p2s2-p2s3-criterion');
			expect(shown).toMatchObject({ outcome: 'pass', measured: 12 });
			expect(parts(shown.evidence)).toEqual(['Polygon']);
		}

		// A proposal of the neighbouring municipality 10 m across the border.
		await camera('Nabokommunens forslag', { at: [5005, 0], status: 'proposed', operator: 'Kommunen' });
		await sql`UPDATE cameras SET municipality_code = 902 WHERE name = 'Nabokommunens forslag'`.execute(
			testDb()
		);
		const nearBorder = placement(4995, { azimuthDeg: 270 });
		const hidden = rule(await ok(planner, nearBorder), 'no-double-coverage');
		expect(hidden).toMatchObject({
			outcome: 'warning',
			measured: 10,
			explanation: '10 m to the nearest camera (a camera you may not see); at least 15 m.',
			evidence: null
		});
		const seen = rule(await ok(ministry, nearBorder), 'no-double-coverage');
		expect(seen.explanation).toBe('10 m to the nearest camera (Nabokommunens forslag); at least 15 m.');
		expect(parts(seen.evidence)).toEqual(['LineString']);
	});

	it('looks for the nearest camera within 1 km (or ten times the spacing): farther ones cannot fail it', async () => {
		await setting();
		await camera('Naboen', { at: [999, 0], status: 'active', operator: 'Kommunen' });
		const near = rule(await ok(planner, placement()), 'no-double-coverage');
		expect(near).toMatchObject({ outcome: 'pass', measured: 999, threshold: 15 });
		await sql`UPDATE cameras SET geom = ST_Translate(geom, 2, 0) WHERE name = 'Naboen'`.execute(testDb());
		const far = rule(await ok(planner, placement()), 'no-double-coverage');
		expect(far).toMatchObject({ outcome: 'pass', measured: null, threshold: 15 });
	});
});
