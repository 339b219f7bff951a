// Single-placement rule check: the shipped 2025 rule set evaluated for one unsaved placement in the
// densest place the data has (most buildings around it), moved a few metres each round as a drag
// would. Timed directly (evaluateRuleSet with evidence, as the endpoint calls it) and over HTTP
// (POST /api/cameras/check as a planner of the municipality), beside the view preview the planning
// map asks for at the same moment, alone and both at once. Target: p95 under 50 ms on the server.
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../src/lib/server/db/connect';
import { createSession, generateSessionToken } from '../../src/lib/server/auth/session';
import { createUser } from '../../src/lib/server/users/service';
import { danishToday } from '../../src/lib/dates';
import { evaluateRuleSet, type PlacementSubject } from '../../src/lib/server/rules/evaluate';
import { ruleSetInForce } from '../../src/lib/server/rules/in-force';
import { seedShippedRuleSetsIfEmpty } from '../../src/lib/server/rules/seed';
import { seedDemoReferenceLayersIfEmpty } from '../../src/lib/server/rules/demo-layers';
import { seedDemoSurveysIfEmpty } from '../../src/lib/server/surveys/demo';
import { DEFAULT_LEVEL_TABLE } from '../../src/lib/camera/density-levels';
import { projectRoot } from '../lib/database';
import { formatTiming, summarize, timeMs, type Timing } from './stats';

const ROUNDS = 60;
export const TARGET_P95_MS = 50;

// Candidate centres (lon, lat): Rådhuspladsen, central Aalborg, Aarhus, Odense.
const CENTRES: [number, number][] = [
	[12.5683, 55.6761],
	[9.9217, 57.048],
	[10.2039, 56.1629],
	[10.3883, 55.3959]
];

export interface RuleCheckBench {
	ruleSet: string;
	rules: number;
	place: {
		lon: number;
		lat: number;
		municipality: number;
		buildingsWithin200m: number;
		camerasWithin500m: number;
		incidentsWithin500m: number;
	};
	/** The first check of the day: computes the national Gi* run the hotspot rules need. */
	firstCheckMs: number;
	direct: Timing;
	http: Timing;
	preview: Timing;
	/** The planning map's two requests sent together; the time until both have answered. */
	previewAndCheck: Timing;
}

interface Place {
	x: number;
	y: number;
	lon: number;
	lat: number;
	code: number;
	buildings: number;
	cameras: number;
	incidents: number;
}

/** The candidate point (30 m inside its municipality) with the most buildings within 200 m. */
async function densestPlace(db: Db): Promise<Place> {
	const { rows } = await sql<Place>`
		WITH centre AS (
			SELECT ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 25832) AS p
			FROM (VALUES ${sql.join(CENTRES.map(([lon, lat]) => sql`(${lon}::float8, ${lat}::float8)`))}) AS v(lon, lat)
		), inside AS (
			SELECT m.code, ST_ClosestPoint(ST_Buffer(m.geom, -30), c.p) AS p
			FROM centre c
			CROSS JOIN LATERAL (SELECT code, geom FROM municipalities ORDER BY geom <-> c.p LIMIT 1) m
		)
		SELECT ST_X(i.p) AS x, ST_Y(i.p) AS y, ST_X(ST_Transform(i.p, 4326)) AS lon,
			ST_Y(ST_Transform(i.p, 4326)) AS lat, i.code,
			(SELECT count(*)::int FROM buildings b WHERE ST_DWithin(b.geom, i.p, 200)) AS buildings,
			(SELECT count(*)::int FROM cameras c WHERE ST_DWithin(c.geom, i.p, 500)) AS cameras,
			(SELECT count(*)::int FROM incidents x WHERE ST_DWithin(x.geom, i.p, 500)) AS incidents
		FROM inside i
		ORDER BY buildings DESC, cameras DESC
		LIMIT 1
	`.execute(db);
	return rows[0];
}

/** A municipal § 2 a proposal looking into the square, `round` moving it along a 10 m circle. */
function placementAt(place: Place, round: number) {
	const angle = (round * 2 * Math.PI) / 12;
	return {
		x: place.x + 10 * Math.cos(angle),
		y: place.y + 10 * Math.sin(angle),
		kind: 'fixed' as const,
		mountHeightM: 6,
		azimuthDeg: (round * 29) % 360,
		tiltDeg: 15,
		hfovDeg: 80,
		resolutionPx: 1920,
		maxRangeM: 60,
		panMinDeg: null,
		panMaxDeg: null
	};
}

const attributes = {
	ownerType: 'municipality',
	legalBasis: '§ 2 a',
	status: 'proposed',
	retentionDays: 30,
	signage: true
} as const;

/** The operator of the municipality's own cameras, so the spacing rule meets its neighbours. */
async function municipalOperator(db: Db, code: number): Promise<string> {
	const row = await db
		.selectFrom('cameras')
		.select('operator_name')
		.where('municipality_code', '=', code)
		.where('owner_type', '=', 'municipality')
		.limit(1)
		.executeTakeFirst();
	return row?.operator_name ?? 'Bench Kommune';
}

export async function benchRuleCheck(db: Db, origin: string): Promise<RuleCheckBench> {
	await seedShippedRuleSetsIfEmpty(db, join(projectRoot, 'geodata'));
	await seedDemoReferenceLayersIfEmpty(db);
	await seedDemoSurveysIfEmpty(db);
	const asOf = danishToday();
	const ruleSet = await ruleSetInForce(db, asOf);
	if (!ruleSet) throw new Error(`no rule set is in force on ${asOf}`);
	const place = await densestPlace(db);
	const operatorName = await municipalOperator(db, place.code);

	const actor = { userId: null, label: 'bench', clientAddress: null };
	const email = `planner-${place.code}-rules@bench.test`;
	const existing = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
	const userId =
		existing?.id ??
		(await createUser(
			db,
			actor,
			{ email, name: 'Bench planner', role: 'planner', municipalityCode: place.code, policeDistrict: null },
			'bench-password-0123456789'
		));
	const token = generateSessionToken();
	await createSession(db, token, userId, null);
	const post = async (path: string, body: unknown) => {
		const response = await fetch(`${origin}${path}`, {
			method: 'POST',
			headers: {
				cookie: `session=${token}`,
				'content-type': 'application/json',
				accept: 'application/json',
				origin
			},
			body: JSON.stringify(body)
		});
		const text = await response.text();
		if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
		return text;
	};
	const check = (round: number) =>
		post('/api/cameras/check', { ...placementAt(place, round), ...attributes, operatorName });
	const preview = (round: number) =>
		post('/api/cameras/preview', { ...placementAt(place, round), levelTable: DEFAULT_LEVEL_TABLE });

	const firstCheckMs = await timeMs(() => check(0));
	const subject = (round: number): PlacementSubject => ({
		cameraId: null,
		geometry: placementAt(place, round),
		...attributes,
		operatorName,
		activeFrom: null,
		policeRegisteredOn: null,
		permitValidFrom: null,
		permitValidTo: null,
		privacyMasks: null
	});
	const direct = () =>
		evaluateRuleSet(
			db,
			ruleSet.document,
			{ kind: 'placement', placement: subject(0) },
			{ asOf, evidence: true }
		);
	for (let i = 0; i < 3; i++) {
		await direct();
		await check(i);
		await preview(i);
	}

	const samples = {
		direct: [] as number[],
		http: [] as number[],
		preview: [] as number[],
		both: [] as number[]
	};
	for (let round = 0; round < ROUNDS; round++) {
		samples.direct.push(
			await timeMs(() =>
				evaluateRuleSet(
					db,
					ruleSet.document,
					{ kind: 'placement', placement: subject(round) },
					{ asOf, evidence: true }
				)
			)
		);
		samples.http.push(await timeMs(() => check(round)));
		samples.preview.push(await timeMs(() => preview(round)));
		samples.both.push(await timeMs(() => Promise.all([check(round), preview(round)])));
	}
	return {
		ruleSet: `${ruleSet.slug} v${ruleSet.version}`,
		rules: ruleSet.document.rules.length,
		place: {
			lon: Math.round(place.lon * 1e5) / 1e5,
			lat: Math.round(place.lat * 1e5) / 1e5,
			municipality: place.code,
			buildingsWithin200m: place.buildings,
			camerasWithin500m: place.cameras,
			incidentsWithin500m: place.incidents
		},
		firstCheckMs: Math.round(firstCheckMs),
		direct: summarize(samples.direct),
		http: summarize(samples.http),
		preview: summarize(samples.preview),
		previewAndCheck: summarize(samples.both)
	};
}

export function formatRuleCheckBench(b: RuleCheckBench): string {
	const p = b.place;
	return [
		`\nSingle-placement rule check (${b.ruleSet}, ${b.rules} rules; municipality ${p.municipality} at ${p.lat}, ${p.lon}: ` +
			`${p.buildingsWithin200m} buildings within 200 m, ${p.camerasWithin500m} cameras and ${p.incidentsWithin500m} incidents within 500 m; target p95 < ${TARGET_P95_MS} ms):`,
		`  first check of the day (computes the national Gi* run): ${b.firstCheckMs} ms`,
		formatTiming('evaluateRuleSet, evidence (direct)', b.direct),
		formatTiming('POST /api/cameras/check (HTTP)', b.http),
		formatTiming('POST /api/cameras/preview (HTTP)', b.preview),
		formatTiming('check + preview sent together (HTTP)', b.previewAndCheck),
		`  p95 ${b.http.p95 <= TARGET_P95_MS ? 'meets' : 'misses'} the target over HTTP, ${b.direct.p95 <= TARGET_P95_MS ? 'meets' : 'misses'} it directly`
	].join('\n');
}
