import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { translate } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { getRuleSet, listVersions } from '$lib/server/rules/service';

const pageSchema = z.coerce.number().int().min(1).max(1_000_000).catch(1);

export async function load(event) {
	guard(event, 'rulesets.view', { type: 'public' });
	const db = getDb();
	const set = await getRuleSet(db, event.params.slug);
	if (!set) error(404, translate(event.locals.lang, 'error.notFound'));
	const page = pageSchema.parse(event.url.searchParams.get('side') ?? 1);
	return { set, versions: await listVersions(db, set.id, page) };
}
