import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { translate } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { auditActor } from '$lib/server/audit/actor';
import { getVersion, versionChoices } from '$lib/server/rules/service';
import { DIFF_CHOICES } from '$lib/server/rules/queries';
import { runImpactAnalysis } from '$lib/server/rules/impact';
import { listImpactAnalyses } from '$lib/server/rules/impact-queries';

const COUNTRY = { type: 'country' } as const;
const pageSchema = z.coerce.number().int().min(1).max(1_000_000).catch(1);
/** A version id as the form sends it; the preselection from a link (?a=, ?b=) is ignored when bad. */
const versionId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const preselect = versionId.nullable().catch(null);

export async function load(event) {
	guard(event, 'rules.impact', COUNTRY);
	const params = event.url.searchParams;
	const a = preselect.parse(params.get('a') || null);
	const b = preselect.parse(params.get('b') || null);
	const db = getDb();
	const [choices, analyses] = await Promise.all([
		versionChoices(
			db,
			[a, b].filter((x): x is number => x !== null)
		),
		listImpactAnalyses(db, pageSchema.parse(params.get('side') ?? 1))
	]);
	return { choices, maxChoices: DIFF_CHOICES, preselected: { a, b }, analyses };
}

export const actions = {
	default: async (event) => {
		guard(event, 'rules.impact', COUNTRY);
		const lang = event.locals.lang;
		const form = await event.request.formData();
		const values = { a: String(form.get('a') ?? ''), b: String(form.get('b') ?? '') };
		const errors: Partial<Record<'a' | 'b', string>> = {};
		const ids: Partial<Record<'a' | 'b', number>> = {};
		for (const field of ['a', 'b'] as const) {
			const parsed = versionId.safeParse(values[field].trim() || undefined);
			if (parsed.success) ids[field] = parsed.data;
			else errors[field] = translate(lang, 'impact.error.version');
		}
		if (ids.a !== undefined && ids.a === ids.b) errors.b = translate(lang, 'impact.error.same');
		if (Object.keys(errors).length) return fail(400, { values, errors });

		const db = getDb();
		const [a, b] = await Promise.all([getVersion(db, ids.a!), getVersion(db, ids.b!)]);
		if (!a) errors.a = translate(lang, 'impact.error.unknownVersion', { id: ids.a! });
		if (!b) errors.b = translate(lang, 'impact.error.unknownVersion', { id: ids.b! });
		if (!a || !b) return fail(400, { values, errors });

		const summary = await runImpactAnalysis(
			db,
			auditActor(event),
			{ id: a.id, document: a.document },
			{ id: b.id, document: b.document }
		);
		redirect(303, `/regler/konsekvens/${summary.id}`);
	}
};
