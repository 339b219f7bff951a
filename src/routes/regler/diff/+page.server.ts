import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { translate } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { getVersion, versionChoices } from '$lib/server/rules/service';
import { DIFF_CHOICES } from '$lib/server/rules/queries';
import { describeChanges, diffRuleSets } from '$lib/rules/diff';

const idSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable().catch(null);

export async function load(event) {
	guard(event, 'rulesets.view', { type: 'public' });
	const db = getDb();
	const lang = event.locals.lang;
	const a = idSchema.parse(event.url.searchParams.get('a') || null);
	const b = idSchema.parse(event.url.searchParams.get('b') || null);
	const [choices, va, vb] = await Promise.all([
		versionChoices(
			db,
			[a, b].filter((x): x is number => x !== null)
		),
		a === null ? null : getVersion(db, a),
		b === null ? null : getVersion(db, b)
	]);
	if ((a !== null && !va) || (b !== null && !vb)) error(404, translate(lang, 'rules.error.versionNotFound'));
	const label = (v: NonNullable<typeof va>) => ({
		id: v.id,
		slug: v.ruleSet.slug,
		title: v.document.title[lang],
		version: v.version,
		status: v.status
	});
	return {
		choices,
		maxChoices: DIFF_CHOICES,
		a: va ? label(va) : null,
		b: vb ? label(vb) : null,
		lines: va && vb ? describeChanges(diffRuleSets(va.document, vb.document), lang) : null
	};
}
