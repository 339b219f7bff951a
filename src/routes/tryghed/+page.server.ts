import { z } from 'zod';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { can } from '$lib/server/auth/policy';
import {
	SURVEY_AREA_KINDS,
	listSurveyPlaces,
	listSurveyResults,
	surveyOptions
} from '$lib/server/surveys/queries';

// Filters come from shareable URLs: a value that does not parse is ignored rather than an error.
const querySchema = z.object({
	undersoegelse: z.string().trim().min(1).max(200).optional().catch(undefined),
	periode: z
		.string()
		.regex(/^\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}$/)
		.optional()
		.catch(undefined),
	type: z.enum(SURVEY_AREA_KINDS).optional().catch(undefined),
	side: z.coerce.number().int().min(1).max(1_000_000).catch(1),
	stedside: z.coerce.number().int().min(1).max(1_000_000).catch(1)
});

export async function load(event) {
	guard(event, 'surveys.view', { type: 'public' });
	const params = event.url.searchParams;
	const query = querySchema.parse({
		undersoegelse: params.get('undersoegelse') || undefined,
		periode: params.get('periode') || undefined,
		type: params.get('type') || undefined,
		side: params.get('side') ?? 1,
		stedside: params.get('stedside') ?? 1
	});
	const [periodFrom, periodTo] = query.periode?.split('..') ?? [];
	const filter = { survey: query.undersoegelse, periodFrom, periodTo };
	const db = getDb();
	const [results, places, options] = await Promise.all([
		listSurveyResults(db, { ...filter, kind: query.type, page: query.side }),
		listSurveyPlaces(db, { ...filter, page: query.stedside }),
		surveyOptions(db)
	]);
	return {
		filter: query,
		results,
		places,
		surveys: [...new Set(options.map((o) => o.survey))].sort((a, b) => a.localeCompare(b, 'da')),
		periods: [...new Map(options.map((o) => [`${o.periodFrom}..${o.periodTo}`, o])).values()].map((o) => ({
			value: `${o.periodFrom}..${o.periodTo}`,
			from: o.periodFrom,
			to: o.periodTo
		})),
		canImport: can(event.locals.user, 'surveys.import', { type: 'public' })
	};
}
