// Reading survey results and unsafe places: paged lists for the survey page, and the surveyed
// unsafety at a point (through tk_survey_result_areas(), which gives every result its polygon).
import { sql } from 'kysely';
import type { Db } from '../db/connect';
import type { SurveyAreaKind } from '../db/schema';

export const SURVEY_PAGE_SIZE = 25;
export const SURVEY_AREA_KINDS = [
	'municipality',
	'police_district',
	'area'
] as const satisfies SurveyAreaKind[];

const isoDate = (column: string) => sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;

export interface SurveyResultItem {
	id: number;
	survey: string;
	source: string;
	periodFrom: string;
	periodTo: string;
	kind: SurveyAreaKind;
	/** The municipality's or police district's name, or the drawn area's. */
	areaName: string;
	municipalityCode: number | null;
	policeDistrict: number | null;
	unsafeShare: number;
	respondents: number;
	synthetic: boolean;
}

export interface SurveyResultFilter {
	survey?: string;
	periodFrom?: string;
	periodTo?: string;
	kind?: SurveyAreaKind;
	page?: number;
	pageSize?: number;
}

/** One page of results, newest period first, then by area name. */
export async function listSurveyResults(db: Db, filter: SurveyResultFilter = {}) {
	const pageSize = filter.pageSize ?? SURVEY_PAGE_SIZE;
	const page = Math.max(1, Math.floor(filter.page ?? 1));
	let query = db
		.selectFrom('survey_results as r')
		.leftJoin('municipalities as m', (j) =>
			j.onRef('m.code', '=', 'r.municipality_code').on('r.area_kind', '=', 'municipality')
		)
		.leftJoin('police_districts as d', 'd.number', 'r.police_district');
	if (filter.survey) query = query.where('r.survey', '=', filter.survey);
	if (filter.periodFrom) query = query.where('r.period_from', '=', sql<Date>`${filter.periodFrom}::date`);
	if (filter.periodTo) query = query.where('r.period_to', '=', sql<Date>`${filter.periodTo}::date`);
	if (filter.kind) query = query.where('r.area_kind', '=', filter.kind);
	const areaName = sql<string>`coalesce(r.area_name, m.name, d.name)`;
	const [rows, count] = await Promise.all([
		query
			.select([
				'r.id',
				'r.survey',
				'r.source',
				isoDate('r.period_from').as('periodFrom'),
				isoDate('r.period_to').as('periodTo'),
				'r.area_kind as kind',
				areaName.as('areaName'),
				'r.municipality_code as municipalityCode',
				'r.police_district as policeDistrict',
				'r.unsafe_share as unsafeShare',
				'r.respondents',
				'r.is_synthetic as synthetic'
			])
			.orderBy('r.period_to', 'desc')
			.orderBy('r.period_from', 'desc')
			.orderBy('r.survey')
			.orderBy(sql`CASE r.area_kind WHEN 'police_district' THEN 0 WHEN 'municipality' THEN 1 ELSE 2 END`)
			.orderBy(areaName)
			.orderBy('r.id')
			.limit(pageSize)
			.offset((page - 1) * pageSize)
			.execute(),
		query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
	]);
	return { results: rows as SurveyResultItem[], page, pageSize, total: count.total };
}

export interface SurveyOption {
	survey: string;
	periodFrom: string;
	periodTo: string;
	results: number;
}

/** The surveys and periods there are results for (for the list's filters), newest first. */
export async function surveyOptions(db: Db, limit = 200): Promise<SurveyOption[]> {
	return db
		.selectFrom('survey_results')
		.select([
			'survey',
			isoDate('period_from').as('periodFrom'),
			isoDate('period_to').as('periodTo'),
			(eb) => eb.fn.countAll<number>().as('results')
		])
		.groupBy(['survey', 'period_from', 'period_to'])
		.orderBy('period_to', 'desc')
		.orderBy('period_from', 'desc')
		.orderBy('survey')
		.limit(limit)
		.execute();
}

export interface SurveyPlaceItem {
	id: number;
	name: string;
	description: string | null;
	survey: string;
	source: string;
	periodFrom: string;
	periodTo: string;
	municipalityCode: number;
	municipalityName: string;
	mentions: number | null;
	synthetic: boolean;
}

/** One page of places named as unsafe, with the same survey and period filter. */
export async function listSurveyPlaces(db: Db, filter: Omit<SurveyResultFilter, 'kind'> = {}) {
	const pageSize = filter.pageSize ?? SURVEY_PAGE_SIZE;
	const page = Math.max(1, Math.floor(filter.page ?? 1));
	let query = db
		.selectFrom('survey_places as p')
		.innerJoin('municipalities as m', 'm.code', 'p.municipality_code');
	if (filter.survey) query = query.where('p.survey', '=', filter.survey);
	if (filter.periodFrom) query = query.where('p.period_from', '=', sql<Date>`${filter.periodFrom}::date`);
	if (filter.periodTo) query = query.where('p.period_to', '=', sql<Date>`${filter.periodTo}::date`);
	const [rows, count] = await Promise.all([
		query
			.select([
				'p.id',
				'p.name',
				'p.description',
				'p.survey',
				'p.source',
				isoDate('p.period_from').as('periodFrom'),
				isoDate('p.period_to').as('periodTo'),
				'p.municipality_code as municipalityCode',
				'm.name as municipalityName',
				'p.mentions',
				'p.is_synthetic as synthetic'
			])
			.orderBy('p.period_to', 'desc')
			.orderBy('m.name')
			.orderBy('p.name')
			.orderBy('p.id')
			.limit(pageSize)
			.offset((page - 1) * pageSize)
			.execute(),
		query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
	]);
	return { places: rows as SurveyPlaceItem[], page, pageSize, total: count.total };
}

export interface UnsafetyAt {
	id: number;
	kind: SurveyAreaKind;
	name: string;
	survey: string;
	source: string;
	periodFrom: string;
	periodTo: string;
	unsafeShare: number;
	respondents: number;
	synthetic: boolean;
}

/**
 * The latest survey result of every area that holds the point (EPSG:25832 metres): its
 * municipality, its police district and any drawn area around it, smallest area first.
 */
export async function unsafetyAt(db: Db, point: { x: number; y: number }): Promise<UnsafetyAt[]> {
	const { rows } = await sql<UnsafetyAt>`
		SELECT s.id, s.area_kind AS kind, s.name, s.survey, s.source,
			to_char(s.period_from, 'YYYY-MM-DD') AS "periodFrom", to_char(s.period_to, 'YYYY-MM-DD') AS "periodTo",
			s.unsafe_share AS "unsafeShare", s.respondents, s.is_synthetic AS synthetic
		FROM tk_survey_result_areas() s
		WHERE s.is_latest AND ST_Intersects(s.geom, ST_SetSRID(ST_MakePoint(${point.x}::float8, ${point.y}::float8), 25832))
		ORDER BY CASE s.area_kind WHEN 'area' THEN 0 WHEN 'municipality' THEN 1 ELSE 2 END, s.id
	`.execute(db);
	return rows;
}
