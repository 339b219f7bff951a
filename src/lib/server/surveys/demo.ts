// Synthetic safety-survey results and unsafe places, so that a fresh database has something to
// draw. Every row is marked is_synthetic and its source says it is made up. The numbers follow a
// fixed recipe (no randomness): 5–25 % feel unsafe, more in the big cities and Copenhagen's
// western suburbs; respondents grow with the square root of a rough population.
import { sql } from 'kysely';
import type { Db } from '../db/connect';

export const DEMO_SURVEY_SOURCE = 'Syntetiske demodata – opdigtede tal, ikke Justitsministeriets';

const PERIODS = [
	{ survey: 'Demo-tryghedsundersøgelse 2023 (syntetisk)', from: '2023-01-01', to: '2023-12-31' },
	{ survey: 'Demo-tryghedsundersøgelse 2024 (syntetisk)', from: '2024-01-01', to: '2024-12-31' }
] as const;

/** Rough populations in thousands; other municipalities count as 45 000. */
const POPULATION_K: Record<number, number> = {
	101: 660,
	751: 370,
	851: 225,
	461: 210,
	630: 122,
	561: 116,
	147: 105,
	740: 100,
	730: 100,
	791: 98,
	615: 98,
	621: 95,
	657: 90,
	265: 90,
	370: 84,
	330: 80,
	157: 75,
	540: 74,
	316: 73,
	159: 70,
	746: 64,
	860: 64,
	217: 63,
	259: 62,
	376: 60,
	580: 59,
	479: 59,
	813: 59,
	760: 57,
	230: 57,
	173: 56,
	510: 56,
	167: 54,
	169: 52,
	219: 52,
	185: 43,
	175: 41,
	400: 39,
	153: 35,
	183: 23,
	155: 14,
	482: 12,
	492: 6,
	741: 3.7,
	563: 3.5,
	825: 1.7
};

/** Extra unsafety of the big cities and the western suburbs. */
const URBAN: Record<number, number> = {
	101: 0.1,
	751: 0.07,
	461: 0.07,
	851: 0.06,
	147: 0.04,
	153: 0.05,
	183: 0.05,
	165: 0.04,
	169: 0.04,
	167: 0.04,
	161: 0.03,
	175: 0.03,
	151: 0.02,
	163: 0.02,
	159: 0.02,
	187: 0.02,
	185: 0.02,
	561: 0.02,
	730: 0.02,
	630: 0.02,
	621: 0.02,
	615: 0.02,
	370: 0.02,
	330: 0.02
};

/** A fixed number in [0, 1) for a code and a salt. */
function unit(code: number, salt: number): number {
	let h = Math.imul(code ^ (salt * 0x9e3779b1), 0x85ebca6b) >>> 0;
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
	return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

export function demoShare(code: number, period: 0 | 1): number {
	const base = 0.055 + 0.08 * unit(code, 1) + (URBAN[code] ?? 0);
	const drift = period === 0 ? 0 : (unit(code, 2) - 0.5) * 0.03;
	return round3(Math.min(0.25, Math.max(0.05, base + drift)));
}

export function demoRespondents(code: number, period: 0 | 1): number {
	const population = POPULATION_K[code] ?? 45;
	return Math.max(40, Math.round(Math.sqrt(population) * 60 + (unit(code, 3 + period) - 0.5) * 40));
}

interface DemoArea {
	name: string;
	municipality: number;
	lon: number;
	lat: number;
	/** Half width and half height of the drawn rectangle, metres. */
	halfWidth: number;
	halfHeight: number;
	shares: [number, number];
	respondents: [number, number];
}

const AREAS: DemoArea[] = [
	{
		name: 'Rådhuspladsen og Strøget (demo)',
		municipality: 101,
		lon: 12.5695,
		lat: 55.6765,
		halfWidth: 320,
		halfHeight: 180,
		shares: [0.31, 0.29],
		respondents: [240, 262]
	},
	{
		name: 'Aarhus Banegårdsplads og Bruuns Bro (demo)',
		municipality: 751,
		lon: 10.2046,
		lat: 56.151,
		halfWidth: 220,
		halfHeight: 200,
		shares: [0.27, 0.3],
		respondents: [180, 174]
	},
	{
		name: 'Odense Banegård og Kongens Have (demo)',
		municipality: 461,
		lon: 10.3862,
		lat: 55.4005,
		halfWidth: 200,
		halfHeight: 220,
		shares: [0.26, 0.24],
		respondents: [150, 158]
	},
	{
		name: 'Aalborg, Jomfru Ane Gade og Gammeltorv (demo)',
		municipality: 851,
		lon: 9.9195,
		lat: 57.0495,
		halfWidth: 260,
		halfHeight: 160,
		shares: [0.33, 0.35],
		respondents: [160, 171]
	}
];

interface DemoPlace {
	name: string;
	description: string;
	municipality: number;
	/** A point, or a rectangle of the given half sizes around it. */
	lon: number;
	lat: number;
	halfWidth?: number;
	halfHeight?: number;
	mentions: number;
}

const PLACES: DemoPlace[] = [
	{
		name: 'Rådhuspladsen om natten (demo)',
		description: 'Syntetisk eksempel: nævnt som utryg efter mørkets frembrud.',
		municipality: 101,
		lon: 12.5686,
		lat: 55.6759,
		mentions: 57
	},
	{
		name: 'Københavns Hovedbanegård (demo)',
		description: 'Syntetisk eksempel: nævnt for uro ved indgangene.',
		municipality: 101,
		lon: 12.565,
		lat: 55.6726,
		mentions: 44
	},
	{
		name: 'Nørreport Station (demo)',
		description: 'Syntetisk eksempel: trængsel og uro om aftenen.',
		municipality: 101,
		lon: 12.5716,
		lat: 55.6834,
		mentions: 21
	},
	{
		name: 'Aarhus H og Banegårdspladsen (demo)',
		description: 'Syntetisk eksempel: nævnt som utryg om natten.',
		municipality: 751,
		lon: 10.2046,
		lat: 56.1502,
		mentions: 32
	},
	{
		name: 'Åboulevarden (demo)',
		description: 'Syntetisk eksempel: nattelivet i weekenden.',
		municipality: 751,
		lon: 10.2094,
		lat: 56.1571,
		mentions: 18
	},
	{
		name: 'Odense Banegård Center (demo)',
		description: 'Syntetisk eksempel: nævnt for uro i stationsområdet.',
		municipality: 461,
		lon: 10.3868,
		lat: 55.4018,
		mentions: 26
	},
	{
		name: 'Kongens Have, Odense (demo)',
		description: 'Syntetisk eksempel: mørke stier i parken.',
		municipality: 461,
		lon: 10.385,
		lat: 55.3995,
		halfWidth: 130,
		halfHeight: 80,
		mentions: 19
	},
	{
		name: 'Jomfru Ane Gade (demo)',
		description: 'Syntetisk eksempel: nattelivet i weekenden.',
		municipality: 851,
		lon: 9.9201,
		lat: 57.0497,
		halfWidth: 130,
		halfHeight: 20,
		mentions: 41
	},
	{
		name: 'Aalborg Busterminal (demo)',
		description: 'Syntetisk eksempel: nævnt som utryg om aftenen.',
		municipality: 851,
		lon: 9.917,
		lat: 57.043,
		mentions: 15
	}
];

export interface DemoSurveySummary {
	results: number;
	places: number;
}

/**
 * Loads the synthetic survey data when there is none (no results and no places) and there are
 * municipalities; returns what it loaded. One transaction.
 *
 * Municipal results for every municipality and two periods; police districts as the
 * respondent-weighted mean of their municipalities; a drawn area in each of the four biggest
 * town centres; and unsafe places there. The generated demo boundaries follow a coarse coast
 * (central København lies in the sea on them), so a place whose point does not lie in its
 * municipality is moved to the nearest point at least 100 m inside it; drawn areas stay where
 * they are drawn.
 */
export async function seedDemoSurveysIfEmpty(db: Db): Promise<DemoSurveySummary> {
	const none = { results: 0, places: 0 };
	const [result, place] = await Promise.all([
		db.selectFrom('survey_results').select('id').limit(1).executeTakeFirst(),
		db.selectFrom('survey_places').select('id').limit(1).executeTakeFirst()
	]);
	if (result || place) return none;
	const municipalities = await db.selectFrom('municipalities').select('code').orderBy('code').execute();
	if (municipalities.length === 0) return none;

	const municipal = PERIODS.flatMap((p, i) =>
		municipalities.map((m) => ({
			survey: p.survey,
			from: p.from,
			to: p.to,
			code: m.code,
			share: demoShare(m.code, i as 0 | 1),
			respondents: demoRespondents(m.code, i as 0 | 1)
		}))
	);
	const areas = PERIODS.flatMap((p, i) =>
		AREAS.map((a) => ({
			survey: p.survey,
			from: p.from,
			to: p.to,
			name: a.name,
			code: a.municipality,
			lon: a.lon,
			lat: a.lat,
			hw: a.halfWidth,
			hh: a.halfHeight,
			share: a.shares[i],
			respondents: a.respondents[i]
		}))
	);
	const latest = PERIODS[PERIODS.length - 1];
	const places = PLACES.map((p) => ({
		name: p.name,
		description: p.description,
		code: p.municipality,
		lon: p.lon,
		lat: p.lat,
		hw: p.halfWidth ?? null,
		hh: p.halfHeight ?? null,
		mentions: p.mentions
	}));

	return db.transaction().execute(async (trx) => {
		const m = await sql<{ n: number }>`
			WITH stored AS (
				INSERT INTO survey_results (survey, source, period_from, period_to, area_kind, municipality_code,
					unsafe_share, respondents, is_synthetic)
				SELECT r.survey, ${DEMO_SURVEY_SOURCE}, r.from::date, r.to::date, 'municipality', r.code, r.share,
					r.respondents, true
				FROM json_to_recordset(${JSON.stringify(municipal)}::json)
					AS r(survey text, "from" text, "to" text, code smallint, share real, respondents integer)
				RETURNING 1
			)
			SELECT count(*)::int AS n FROM stored
		`.execute(trx);
		const d = await sql<{ n: number }>`
			WITH stored AS (
				INSERT INTO survey_results (survey, source, period_from, period_to, area_kind, police_district,
					unsafe_share, respondents, is_synthetic)
				SELECT r.survey, ${DEMO_SURVEY_SOURCE}, r.period_from, r.period_to, 'police_district', m.police_district,
					round((sum(r.unsafe_share * r.respondents) / sum(r.respondents))::numeric, 3), sum(r.respondents), true
				FROM survey_results r JOIN municipalities m ON m.code = r.municipality_code
				WHERE r.area_kind = 'municipality' AND r.is_synthetic AND m.police_district IS NOT NULL
				GROUP BY r.survey, r.period_from, r.period_to, m.police_district
				RETURNING 1
			)
			SELECT count(*)::int AS n FROM stored
		`.execute(trx);
		const a = await sql<{ n: number }>`
			WITH stored AS (
				INSERT INTO survey_results (survey, source, period_from, period_to, area_kind, municipality_code,
					area_name, geom, unsafe_share, respondents, is_synthetic)
				SELECT r.survey, ${DEMO_SURVEY_SOURCE}, r.from::date, r.to::date, 'area', r.code, r.name,
					ST_Multi(ST_Expand(ST_Transform(ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), 25832), r.hw, r.hh)),
					r.share, r.respondents, true
				FROM json_to_recordset(${JSON.stringify(areas)}::json) AS r(
					survey text, "from" text, "to" text, name text, code smallint, lon float8, lat float8, hw float8,
					hh float8, share real, respondents integer)
				WHERE EXISTS (SELECT 1 FROM municipalities m WHERE m.code = r.code)
				RETURNING 1
			)
			SELECT count(*)::int AS n FROM stored
		`.execute(trx);
		const p = await sql<{ n: number }>`
			WITH input AS (
				SELECT r.*, ST_Transform(ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), 25832) AS centre
				FROM json_to_recordset(${JSON.stringify(places)}::json) AS r(
					name text, description text, code smallint, lon float8, lat float8, hw float8, hh float8,
					mentions integer)
			), shaped AS (
				SELECT i.*, CASE WHEN i.hw IS NULL THEN i.centre
					ELSE ST_Expand(i.centre, i.hw, i.hh) END AS g
				FROM input i
			), placed AS (
				-- Kept where it is when its point on surface lies in its municipality; otherwise moved
				-- by the step that takes that point to the nearest point 100 m inside the municipality.
				SELECT s.*, m.code AS municipality,
					CASE WHEN ST_Intersects(m.geom, ST_PointOnSurface(s.g)) THEN s.g
						ELSE ST_Translate(s.g,
							ST_X(target.p) - ST_X(ST_PointOnSurface(s.g)), ST_Y(target.p) - ST_Y(ST_PointOnSurface(s.g)))
						END AS geom
				FROM shaped s
				JOIN municipalities m ON m.code = s.code
				CROSS JOIN LATERAL (
					SELECT CASE WHEN ST_IsEmpty(inner_area.g) THEN ST_PointOnSurface(m.geom)
						ELSE ST_ClosestPoint(inner_area.g, ST_PointOnSurface(s.g)) END AS p
					FROM (SELECT ST_Buffer(m.geom, -100) AS g) inner_area
				) target
			), stored AS (
				INSERT INTO survey_places (name, description, survey, source, period_from, period_to, geom,
					municipality_code, mentions, is_synthetic)
				SELECT name, description, ${latest.survey}, ${DEMO_SURVEY_SOURCE}, ${latest.from}::date, ${latest.to}::date,
					geom, municipality, mentions, true
				FROM placed
				RETURNING 1
			)
			SELECT count(*)::int AS n FROM stored
		`.execute(trx);
		return { results: m.rows[0].n + d.rows[0].n + a.rows[0].n, places: p.rows[0].n };
	});
}
