// Synthetic demo incidents, so that a fresh demo database shows hotspots: clusters in the town
// centres, nightlife streets, stations and a few housing areas of the demo municipalities, over a
// background scatter in every municipality. Every row is marked is_synthetic and its source says
// so; none of it is real crime data.
//
// Deterministic: every random draw is a hash of the row's key (md5), never random(), so the same
// anchor month and the same boundaries give the same rows, in one set-based INSERT … SELECT.
//
// Period: the 24 whole months before the anchor's month. The anchor defaults to today's date in
// Denmark at seed time, so a database seeded in March 2027 holds March 2025 – February 2027; the
// hotspot page's default period (the last 12 months) then covers recent data. Seeding only happens
// on an empty table, so the data do not move afterwards.
import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/connect';
import type { Database } from '../db/schema';
import { danishToday } from '../../dates';

export const DEMO_INCIDENTS_SOURCE = 'Syntetiske demodata';
export const DEMO_INCIDENT_MONTHS = 24;

/** What kind of place a cluster is: decides its mix of categories. */
type PlaceKind = 'nightlife' | 'shopping' | 'drugs' | 'station' | 'residential' | 'background';

/**
 * A cluster: incidents spread evenly along the line from (lon1, lat1) to (lon2, lat2) (a point when
 * the second end is absent) and scattered around it with a Gaussian of `spread` metres (standard
 * deviation in each direction). `n` is its count over the 24 months; a point that falls outside
 * every municipality is folded back onto land (rarely dropped). The municipality is where the
 * spot lies with DAGI boundaries; the rows take theirs from the stored boundaries.
 */
type Spot = [
	name: string,
	municipality: number,
	kind: Exclude<PlaceKind, 'background'>,
	spread: number,
	n: number,
	lon1: number,
	lat1: number,
	lon2?: number,
	lat2?: number
];

export const DEMO_SPOTS: Spot[] = [
	// København
	['Strøget', 101, 'shopping', 45, 2000, 12.5686, 55.6759, 12.5853, 55.6795],
	['Rådhuspladsen', 101, 'nightlife', 110, 1500, 12.567, 55.6755],
	['Pisserenden', 101, 'nightlife', 60, 1400, 12.569, 55.679, 12.5765, 55.679],
	['Nyhavn', 101, 'nightlife', 45, 1100, 12.5862, 55.68, 12.5925, 55.6797],
	['Istedgade', 101, 'drugs', 50, 1300, 12.563, 55.67, 12.553, 55.666],
	['Kødbyen', 101, 'nightlife', 90, 900, 12.5612, 55.6675],
	['Pusher Street', 101, 'drugs', 70, 900, 12.597, 55.6736],
	['København H', 101, 'station', 80, 900, 12.565, 55.6725],
	['Nørreport', 101, 'station', 60, 600, 12.5716, 55.6833],
	['Nørrebrogade', 101, 'shopping', 70, 700, 12.56, 55.6855, 12.545, 55.695],
	['Amagerbrogade', 101, 'shopping', 60, 500, 12.597, 55.665, 12.608, 55.654],
	['Fields', 101, 'shopping', 110, 500, 12.577, 55.6305],
	['Tingbjerg', 101, 'residential', 300, 500, 12.479, 55.718],
	['Mjølnerparken', 101, 'residential', 180, 400, 12.543, 55.698],
	['Valby', 101, 'residential', 650, 500, 12.515, 55.662],
	['Østerbro', 101, 'residential', 750, 500, 12.58, 55.705],
	// Frederiksberg
	['Falkoner Allé', 147, 'shopping', 60, 700, 12.531, 55.68, 12.533, 55.686],
	['Gammel Kongevej', 147, 'nightlife', 55, 450, 12.547, 55.6755, 12.538, 55.677],
	['Frederiksberg', 147, 'residential', 550, 350, 12.515, 55.683],
	// Aarhus
	['Strøget, Aarhus', 751, 'shopping', 50, 1300, 10.2045, 56.1505, 10.2105, 56.1565],
	['Åboulevarden', 751, 'nightlife', 45, 1300, 10.203, 56.156, 10.2115, 56.1575],
	['Jægergårdsgade', 751, 'nightlife', 40, 700, 10.2, 56.147, 10.208, 56.1475],
	['Latinerkvarteret', 751, 'nightlife', 60, 500, 10.2085, 56.159],
	['Aarhus H', 751, 'station', 70, 500, 10.2045, 56.1505],
	['Gellerup', 751, 'residential', 320, 700, 10.133, 56.156],
	['Bispehaven', 751, 'residential', 220, 300, 10.15, 56.167],
	['Risskov', 751, 'residential', 850, 350, 10.23, 56.19],
	// Odense
	['Vestergade', 461, 'nightlife', 50, 900, 10.379, 55.3955, 10.388, 55.396],
	['Kongensgade, Odense', 461, 'shopping', 45, 600, 10.3815, 55.394, 10.3835, 55.3985],
	['Odense Banegård', 461, 'station', 70, 450, 10.387, 55.402],
	['Rosengårdcentret', 461, 'shopping', 110, 450, 10.432, 55.381],
	['Vollsmose', 461, 'residential', 320, 600, 10.433, 55.411],
	// Aalborg
	['Jomfru Ane Gade', 851, 'nightlife', 35, 1400, 9.9195, 57.0493, 9.923, 57.0487],
	['Bispensgade', 851, 'shopping', 45, 600, 9.916, 57.046, 9.9215, 57.048],
	['Aalborg Banegård', 851, 'station', 70, 400, 9.918, 57.0425],
	['Aalborg Øst', 851, 'residential', 380, 450, 9.99, 57.03],
	['Vejgaard', 851, 'residential', 450, 300, 9.95, 57.04],
	// Esbjerg
	['Kongensgade, Esbjerg', 561, 'shopping', 50, 650, 8.449, 55.4665, 8.459, 55.468],
	['Skolegade', 561, 'nightlife', 45, 650, 8.451, 55.469, 8.456, 55.47],
	['Stengårdsvej', 561, 'residential', 320, 350, 8.49, 55.48],
	// Other towns
	['Brødregade', 730, 'nightlife', 70, 450, 10.038, 56.461],
	['Randers centrum', 730, 'shopping', 55, 300, 10.036, 56.46],
	['Jernbanegade, Kolding', 621, 'nightlife', 60, 400, 9.474, 55.492],
	['Vejle centrum', 630, 'shopping', 60, 350, 9.537, 55.709],
	['Vejle natteliv', 630, 'nightlife', 55, 300, 9.5335, 55.7095],
	['Søndergade, Horsens', 615, 'nightlife', 55, 350, 9.848, 55.86],
	['Algade, Roskilde', 265, 'shopping', 60, 350, 12.083, 55.642],
	['Stengade, Helsingør', 217, 'nightlife', 50, 300, 12.614, 56.0335],
	['Bryggergade, Herning', 657, 'nightlife', 55, 300, 8.976, 56.137],
	['Ishøj Strand', 183, 'residential', 280, 400, 12.355, 55.615],
	['Brøndby Strand', 153, 'residential', 320, 400, 12.42, 55.623],
	['Taastrupgård', 169, 'residential', 280, 300, 12.289, 55.658],
	['Ringparken', 330, 'residential', 230, 300, 11.339, 55.399],
	['Slagelse centrum', 330, 'shopping', 60, 250, 11.353, 55.403]
];

/** Background scatter, uniform over each municipality: a base count plus so many per km². */
const BACKGROUND_BASE = 60;
const BACKGROUND_PER_KM2 = 0.1;

/** Share of each category by kind of place (each row sums to 1). */
const CATEGORY_MIX: Record<PlaceKind, Record<string, number>> = {
	nightlife: {
		violence: 0.3,
		public_order: 0.24,
		drugs: 0.14,
		robbery: 0.07,
		vandalism: 0.1,
		theft: 0.1,
		other: 0.05
	},
	shopping: {
		theft: 0.55,
		robbery: 0.06,
		vandalism: 0.08,
		public_order: 0.08,
		violence: 0.08,
		drugs: 0.05,
		burglary: 0.05,
		other: 0.05
	},
	drugs: { drugs: 0.5, violence: 0.12, public_order: 0.12, robbery: 0.08, theft: 0.1, other: 0.08 },
	station: {
		theft: 0.35,
		violence: 0.15,
		public_order: 0.15,
		robbery: 0.1,
		drugs: 0.1,
		vandalism: 0.1,
		other: 0.05
	},
	residential: {
		burglary: 0.5,
		vandalism: 0.18,
		theft: 0.14,
		violence: 0.05,
		public_order: 0.05,
		other: 0.08
	},
	background: {
		theft: 0.25,
		burglary: 0.2,
		vandalism: 0.15,
		violence: 0.12,
		public_order: 0.08,
		drugs: 0.06,
		robbery: 0.04,
		other: 0.1
	}
};

/**
 * When incidents of a category happen, in Danish local time: weights by weekday (Monday first)
 * and by clock hour (0–23). The weekday is that of the evening a night belongs to: an incident at
 * 01:00 on a Saturday counts as Friday night (the day runs from 06:00).
 */
const TIME_PROFILES: Record<string, { days: number[]; hours: number[] }> = {
	// Friday and Saturday nights, 22–04.
	violence: {
		days: [8, 8, 9, 12, 22, 27, 14],
		hours: [10, 10, 9, 7, 4, 1.5, 1, 1, 1, 1, 1.2, 1.5, 1.8, 2, 2, 2.2, 2.5, 3, 3.5, 4, 5, 6, 8, 9]
	},
	public_order: {
		days: [7, 7, 8, 12, 23, 28, 15],
		hours: [11, 11, 10, 8, 4, 1.5, 0.5, 0.5, 0.5, 0.5, 0.8, 1, 1.2, 1.5, 1.5, 1.8, 2, 2.5, 3, 4, 5, 6, 8, 10]
	},
	// Evenings and nights, a little more at weekends.
	drugs: {
		days: [12, 12, 13, 14, 17, 18, 14],
		hours: [6, 5, 4, 3, 2, 1, 0.5, 0.5, 1, 1.5, 2, 3, 4, 5, 5.5, 6, 6.5, 7, 7, 7, 7, 7, 7, 6.5]
	},
	robbery: {
		days: [12, 12, 13, 14, 17, 19, 13],
		hours: [8, 8, 7, 5, 3, 1, 0.5, 0.5, 1, 1, 1.5, 2, 2, 2.5, 2.5, 3, 3.5, 4, 5, 6, 6.5, 7, 7.5, 8]
	},
	vandalism: {
		days: [11, 11, 12, 13, 18, 21, 14],
		hours: [8, 7, 6, 4, 2, 1, 0.5, 0.5, 1, 1, 1, 1.5, 1.5, 2, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 8]
	},
	// Shop hours, Saturdays busiest, Sundays quiet.
	theft: {
		days: [15, 14, 14, 15, 17, 19, 6],
		hours: [1, 0.7, 0.5, 0.3, 0.2, 0.2, 0.5, 1, 2, 4, 6, 8, 9, 9, 9, 9, 9, 8.5, 7, 5, 3.5, 2.5, 2, 1.5]
	},
	// Working hours (homes empty) and early evening.
	burglary: {
		days: [15, 15, 15, 15, 15, 13, 12],
		hours: [1.5, 1, 1, 1, 0.5, 0.5, 1, 2, 4, 6, 7.5, 8, 8, 8, 8, 8, 7.5, 7, 6, 5, 4, 3, 2.5, 2]
	},
	other: {
		days: [14, 14, 14, 14, 15, 15, 14],
		hours: [2, 1.5, 1, 1, 1, 1, 1.5, 2.5, 4, 5, 5.5, 6, 6, 6, 6, 6, 6, 6, 5.5, 5, 4.5, 4, 3, 2.5]
	}
};

/**
 * A weighted choice as SQL can make it with width_bucket: the lower bounds of the normalised
 * cumulative weights (starting at 0) and the values they choose.
 */
function buckets<K>(entries: [K, number][]): { bounds: number[]; values: K[] } {
	const total = entries.reduce((s, [, w]) => s + w, 0);
	let acc = 0;
	const bounds = entries.map(([, w]) => {
		const lo = acc / total;
		acc += w;
		return lo;
	});
	return { bounds, values: entries.map(([k]) => k) };
}

function lookupTables() {
	const mix = Object.entries(CATEGORY_MIX).map(([kind, shares]) => ({
		kind,
		...buckets(Object.entries(shares))
	}));
	// Hours are counted from 06:00, so that a night (22–04) falls within one day's offsets 16–21.
	const time = Object.entries(TIME_PROFILES).map(([category, p]) => {
		const days = buckets(p.days.map((w, d) => [d, w] as [number, number]));
		const hours = buckets(p.hours.map((_, o) => [o, p.hours[(o + 6) % 24]] as [number, number]));
		return {
			category,
			day_bounds: days.bounds,
			days: days.values,
			hour_bounds: hours.bounds,
			hours: hours.values
		};
	});
	return { mix, time };
}

export interface DemoIncidentOptions {
	/** Any date in the month after the period (YYYY-MM-DD); today in Denmark when absent. */
	anchor?: string;
}

/** The first and last day of the demo period for an anchor date (YYYY-MM-DD). */
export function demoIncidentPeriod(anchor: string): { from: string; to: string } {
	const [y, m] = anchor.split('-').map(Number);
	const iso = (d: Date) => d.toISOString().slice(0, 10);
	return {
		from: iso(new Date(Date.UTC(y, m - 1 - DEMO_INCIDENT_MONTHS, 1))),
		to: iso(new Date(Date.UTC(y, m - 1, 0)))
	};
}

/**
 * Inserts the synthetic demo incidents when the table is empty (in one transaction, which joins
 * the caller's when `db` is one); returns how many it inserted, 0 when there were incidents already.
 * The transaction runs on with JIT off and 64 MB of work_mem (SET LOCAL).
 */
export async function seedDemoIncidentsIfEmpty(db: Db, options: DemoIncidentOptions = {}): Promise<number> {
	const seed = async (trx: Transaction<Database>) => {
		// Two processes starting at once must not both find the table empty.
		await sql`LOCK TABLE incidents IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
		const existing = await trx.selectFrom('incidents').select('id').limit(1).executeTakeFirst();
		if (existing) return 0;
		return insertDemoIncidents(trx, options.anchor ?? danishToday());
	};
	return db.isTransaction ? seed(db as Transaction<Database>) : db.transaction().execute(seed);
}

/** A uniform draw in (0, 1) from 6 hex digits (24 bits) of an md5 hash: up to 5 draws a hash. */
const draw = (hash: string, index: number) =>
	sql.raw(`((('x' || substr(${hash}, ${1 + 6 * index}, 6))::bit(24)::int + 0.5)::float8 / 16777216.0)`);

async function insertDemoIncidents(trx: Transaction<Database>, anchor: string): Promise<number> {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(anchor)) throw new Error(`anchor must be YYYY-MM-DD, not ${anchor}`);
	const { mix, time } = lookupTables();
	const spots = DEMO_SPOTS.map(([, , kind, spread, n, lon1, lat1, lon2, lat2], i) => ({
		id: i + 1,
		kind,
		spread,
		n,
		lon1,
		lat1,
		lon2: lon2 ?? lon1,
		lat2: lat2 ?? lat1
	}));
	// The planner's row estimates for the generated sets are far too high, which would switch on
	// JIT compilation (a second or more, for nothing); the final sort by key fits in 64 MB.
	await sql`SET LOCAL jit = off`.execute(trx);
	await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
	// Small pieces of the municipalities, so that each point-in-polygon test reads a few hundred
	// vertices rather than a whole municipality (official boundaries have thousands).
	await sql`
		CREATE TEMPORARY TABLE demo_incident_areas ON COMMIT DROP AS
		SELECT code, ST_Subdivide(geom, 128) AS geom FROM municipalities
	`.execute(trx);
	await sql`CREATE INDEX ON demo_incident_areas USING gist (geom)`.execute(trx);
	await sql`ANALYZE demo_incident_areas`.execute(trx);
	// Row keys: spot id × 10⁶ + k for clusters, (10⁴ + municipality code) × 10⁶ + k for the
	// background. Each draw is a slice of md5(key || purpose). The CTEs that draw are materialised
	// so that each hash is computed once.
	const result = await sql`
		WITH period AS (
			SELECT p.period_to, (p.period_to - make_interval(months => ${DEMO_INCIDENT_MONTHS}))::date AS period_from
			FROM (SELECT date_trunc('month', ${anchor}::date)::date AS period_to) p
		), mix AS (
			SELECT * FROM jsonb_to_recordset(${JSON.stringify(mix)}::jsonb)
				AS m(kind text, bounds float8[], "values" text[])
		), profile AS (
			SELECT * FROM jsonb_to_recordset(${JSON.stringify(time)}::jsonb)
				AS t(category text, day_bounds float8[], days int[], hour_bounds float8[], hours int[])
		), given AS (
			SELECT s.id, s.kind, s.spread, s.n,
				ST_Transform(ST_SetSRID(ST_MakePoint(s.lon1, s.lat1), 4326), 25832) AS a,
				ST_Transform(ST_SetSRID(ST_MakePoint(s.lon2, s.lat2), 4326), 25832) AS b
			FROM jsonb_to_recordset(${JSON.stringify(spots)}::jsonb)
				AS s(id int, kind text, lon1 float8, lat1 float8, lon2 float8, lat2 float8, spread float8, n int)
		), spots AS MATERIALIZED (
			-- A spot whose middle lies outside every municipality (central København off the demo
			-- boundaries' coarse coast) moves, whole, to the nearest place well inside one.
			SELECT g.id, g.kind, g.spread, g.n,
				ST_Translate(g.a, coalesce(ST_X(t.p) - ST_X(mid.p), 0), coalesce(ST_Y(t.p) - ST_Y(mid.p), 0)) AS a,
				ST_Translate(g.b, coalesce(ST_X(t.p) - ST_X(mid.p), 0), coalesce(ST_Y(t.p) - ST_Y(mid.p), 0)) AS b
			FROM given g
			CROSS JOIN LATERAL (SELECT ST_LineInterpolatePoint(ST_MakeLine(g.a, g.b), 0.5) AS p) mid
			LEFT JOIN LATERAL (
				SELECT CASE WHEN ST_IsEmpty(inner_area) THEN ST_PointOnSurface(m.geom)
					ELSE ST_ClosestPoint(inner_area, mid.p) END AS p
				FROM municipalities m
				CROSS JOIN LATERAL (SELECT ST_Buffer(m.geom, -(2 * g.spread + 50)) AS inner_area) b
				WHERE NOT EXISTS (SELECT 1 FROM municipalities i WHERE ST_Intersects(i.geom, mid.p))
				ORDER BY m.geom <-> mid.p LIMIT 1
			) t ON true
		), scattered AS MATERIALIZED (
			-- Along the line by u0, then a Gaussian offset (Box–Muller from u1, u2).
			SELECT s.id::bigint * 1000000 + g.k AS key, s.kind,
				ST_SetSRID(ST_MakePoint(
					ST_X(s.a) + u.u0 * (ST_X(s.b) - ST_X(s.a)) + s.spread * sqrt(-2 * ln(u.u1)) * cos(2 * pi() * u.u2),
					ST_Y(s.a) + u.u0 * (ST_Y(s.b) - ST_Y(s.a)) + s.spread * sqrt(-2 * ln(u.u1)) * sin(2 * pi() * u.u2)
				), 25832) AS geom
			FROM spots s
			CROSS JOIN LATERAL generate_series(1, s.n) AS g(k)
			CROSS JOIN LATERAL (SELECT md5((s.id::bigint * 1000000 + g.k)::text || ':place') AS h) hash
			CROSS JOIN LATERAL (
				SELECT ${draw('hash.h', 0)} AS u0, ${draw('hash.h', 1)} AS u1, ${draw('hash.h', 2)} AS u2
			) u
		), clustered AS MATERIALIZED (
			-- A point outside every municipality (in the sea off a coarse coast) is mirrored across
			-- the nearest boundary, at most 300 m inland; if that misses too, it is dropped.
			SELECT r.key, r.kind, coalesce(inside.code, folded.code) AS code,
				CASE WHEN inside.code IS NOT NULL THEN r.geom ELSE folded.geom END AS geom
			FROM scattered r
			LEFT JOIN LATERAL (
				SELECT m.code FROM demo_incident_areas m WHERE ST_Intersects(m.geom, r.geom) ORDER BY m.code LIMIT 1
			) inside ON true
			LEFT JOIN LATERAL (
				SELECT f.geom, m.code
				FROM (
					SELECT ST_SetSRID(ST_MakePoint(
						ST_X(c) + (ST_X(c) - ST_X(r.geom)) / d * least(d, 300),
						ST_Y(c) + (ST_Y(c) - ST_Y(r.geom)) / d * least(d, 300)
					), 25832) AS geom
					FROM (
						SELECT c, greatest(ST_Distance(c, r.geom), 1e-6) AS d
						FROM (
							SELECT ST_ClosestPoint(m.geom, r.geom) AS c FROM demo_incident_areas m
							WHERE inside.code IS NULL
							ORDER BY m.geom <-> r.geom, m.code, ST_XMin(m.geom), ST_YMin(m.geom) LIMIT 1
						) nearest
					) near
				) f
				CROSS JOIN LATERAL (
					SELECT m.code FROM demo_incident_areas m WHERE ST_Intersects(m.geom, f.geom) ORDER BY m.code LIMIT 1
				) m
			) folded ON true
			WHERE inside.code IS NOT NULL OR folded.code IS NOT NULL
		), background AS MATERIALIZED (
			-- Uniform over each municipality (so inside by construction), seeded by its code.
			SELECT (10000 + m.code)::bigint * 1000000 + d.path[1] AS key, 'background'::text AS kind, m.code, d.geom
			FROM municipalities m
			CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(
				m.geom, ${BACKGROUND_BASE} + round(ST_Area(m.geom) / 1e6 * ${BACKGROUND_PER_KM2})::int, m.code
			)) AS d
		), drawn AS MATERIALIZED (
			SELECT l.key, l.kind, l.code, l.geom, ${draw('hash.h', 0)} AS u_category, ${draw('hash.h', 1)} AS u_date,
				${draw('hash.h', 2)} AS u_day, ${draw('hash.h', 3)} AS u_hour, ${draw('hash.h', 4)} AS u_second
			FROM (SELECT * FROM clustered UNION ALL SELECT * FROM background) l
			CROSS JOIN LATERAL (SELECT md5(l.key::text || ':when') AS h) hash
		), categorised AS (
			SELECT d.*, m."values"[width_bucket(d.u_category, m.bounds)] AS category
			FROM drawn d JOIN mix m ON m.kind = d.kind
		), timed AS (
			-- A day of the period by u_date, moved within its week to the weekday the category
			-- favours, then an hour from 06:00 by the category's clock, and a second within the
			-- hour; a week back or on if that left the period.
			SELECT c.key, c.geom, c.code, c.category, at0, pd.period_from, pd.period_to
			FROM categorised c
			CROSS JOIN period pd
			JOIN profile t ON t.category = c.category
			CROSS JOIN LATERAL (
				SELECT (pd.period_from + floor(c.u_date * (pd.period_to - pd.period_from))::int) AS day0
			) d0
			CROSS JOIN LATERAL (
				SELECT (d0.day0 - (extract(isodow FROM d0.day0)::int - 1) + t.days[width_bucket(c.u_day, t.day_bounds)])::timestamp
					+ make_interval(hours => 6 + t.hours[width_bucket(c.u_hour, t.hour_bounds)])
					+ make_interval(secs => floor(c.u_second * 3600)) AS at0
			) a
		)
		INSERT INTO incidents (source_ref, source, category, occurred_at, geom, municipality_code, is_synthetic)
		SELECT 'demo-' || lpad((row_number() OVER (ORDER BY key))::text, 6, '0'), ${DEMO_INCIDENTS_SOURCE}, category,
			CASE
				WHEN at0 < period_from THEN at0 + interval '7 days'
				WHEN at0 >= period_to THEN at0 - interval '7 days'
				ELSE at0
			END AT TIME ZONE 'Europe/Copenhagen',
			geom, code, true
		FROM timed
		ORDER BY key
	`.execute(trx);
	return Number(result.numAffectedRows ?? 0);
}
