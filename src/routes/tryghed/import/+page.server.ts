import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { auditActor } from '$lib/server/audit/actor';
import { translate } from '$lib/i18n';
import { adapterBodyLimit, formatBytes } from '$lib/server/http/body-limit';
import { importSurveyData } from '$lib/server/surveys/import';
import { refusedImportView } from '$lib/server/import/report';

/** Survey files are a row per area or place: a few hundred kilobytes at most. */
const MAX_SURVEY_FILE_BYTES = 10 * 1024 * 1024;
/** Errors sent to the page; the rest are counted. */
const SHOWN_ERRORS = 200;

const formSchema = z.object({
	kind: z.enum(['results', 'places']),
	format: z.enum(['csv', 'geojson']).optional(),
	srs: z.enum(['EPSG:4326', 'EPSG:25832', 'EPSG:25833']).optional()
});

/** The largest file accepted, or less when adapter-node's BODY_SIZE_LIMIT (the whole request) is smaller. */
function fileLimit(): number {
	return Math.min(MAX_SURVEY_FILE_BYTES, adapterBodyLimit() - 16 * 1024);
}

export async function load(event) {
	guard(event, 'surveys.import', { type: 'public' });
	const limit = fileLimit();
	return { limitBytes: limit, limit: formatBytes(limit, event.locals.lang) };
}

export const actions = {
	default: async (event) => {
		guard(event, 'surveys.import', { type: 'public' });
		const lang = event.locals.lang;
		const form = await event.request.formData();
		const file = form.get('file');
		const parsed = formSchema.safeParse({
			kind: form.get('kind') ?? undefined,
			format: form.get('format') || undefined,
			srs: form.get('srs') || undefined
		});
		if (!parsed.success) return fail(400, { error: translate(lang, 'survey.import.error.kind') });
		if (!(file instanceof File) || file.size === 0)
			return fail(400, { error: translate(lang, 'survey.import.error.noFile') });
		if (file.size > fileLimit())
			return fail(413, {
				error: translate(lang, 'survey.import.error.tooLarge', { size: formatBytes(fileLimit(), lang) })
			});

		const { kind, format, srs } = parsed.data;
		const result = await importSurveyData(getDb(), kind, file.stream(), {
			name: file.name,
			format,
			srs,
			actor: auditActor(event),
			maxErrors: SHOWN_ERRORS
		});
		if (!result.ok) {
			return fail(400, {
				kind,
				report: refusedImportView(file.name, result, lang)
			});
		}
		return {
			kind,
			imported: {
				file: file.name,
				count: result.inserted + result.updated,
				inserted: result.inserted,
				updated: result.updated,
				surveys: result.surveys
			}
		};
	}
};
