// What the result page, the report, the CSV and the tiles share: the policy check and the stored
// analysis with its two versions.
import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { translate, type Lang } from '$lib/i18n';
import type { SessionUser } from '$lib/server/auth/session';
import { guard } from '$lib/server/auth/guard';
import { getDb } from '$lib/server/db';
import { getVersion } from '$lib/server/rules/queries';
import {
	DIRECTIONS,
	MUNICIPALITY_SORTS,
	getImpactAnalysis,
	type AnalysisSummary,
	type ChangeFilter
} from '$lib/server/rules/impact-queries';
import { describeChanges, diffRuleSets } from '$lib/rules/diff';
import type { RuleSetDocument } from '$lib/rules/schema';

export const COUNTRY = { type: 'country' } as const;

interface Event {
	params: { id: string };
	locals: { user: SessionUser | null; lang: Lang };
	url: URL;
}

/** The analysis id of the URL, or 404. */
export function analysisId(event: Event): number {
	if (!/^\d{1,15}$/.test(event.params.id)) error(404, translate(event.locals.lang, 'error.notFound'));
	return Number(event.params.id);
}

/** The stored analysis, after the policy check; 404 when there is none. */
export async function requireAnalysis(event: Event): Promise<AnalysisSummary> {
	guard(event, 'rules.impact', COUNTRY);
	const analysis = await getImpactAnalysis(getDb(), analysisId(event));
	if (!analysis) error(404, translate(event.locals.lang, 'error.notFound'));
	return analysis;
}

/** Rule id → title in the reader's language, for the failed rules of one version. */
function titles(doc: RuleSetDocument, lang: Lang): Record<string, string> {
	return Object.fromEntries(doc.rules.map((r) => [r.id, r.title[lang]]));
}

/** The analysis with what the pages show about its versions: rule titles and the readable diff. */
export async function loadAnalysis(event: Event) {
	const analysis = await requireAnalysis(event);
	const lang = event.locals.lang;
	const db = getDb();
	const [a, b] = await Promise.all([getVersion(db, analysis.a.id), getVersion(db, analysis.b.id)]);
	// Versions are deleted with their analyses (ON DELETE CASCADE), so both exist.
	const created = new Date(analysis.createdAt).getTime();
	const staleDraft = [analysis.a, analysis.b].find(
		(v) => v.status === 'draft' && new Date(v.updatedAt).getTime() > created
	);
	return {
		analysis,
		titles: { a: titles(a!.document, lang), b: titles(b!.document, lang) },
		diff: describeChanges(diffRuleSets(a!.document, b!.document), lang),
		staleDraft: staleDraft ? { version: staleDraft.version } : null
	};
}

// Filters of the changed cameras, from shareable URLs: a value that does not parse is ignored.
const filterSchema = z.object({
	kommune: z.coerce.number().int().min(100).max(999).optional().catch(undefined),
	retning: z.enum(DIRECTIONS).optional().catch(undefined),
	sorter: z.enum(MUNICIPALITY_SORTS).catch('refused'),
	side: z.coerce.number().int().min(1).max(1_000_000).catch(1)
});

export function changeQuery(url: URL) {
	const p = url.searchParams;
	const q = filterSchema.parse({
		kommune: p.get('kommune') || undefined,
		retning: p.get('retning') || undefined,
		sorter: p.get('sorter') ?? 'refused',
		side: p.get('side') ?? 1
	});
	const filter: ChangeFilter = { municipalityCode: q.kommune, direction: q.retning };
	return { filter, sort: q.sorter, page: q.side };
}
