import { z } from 'zod';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { can } from '$lib/server/auth/policy';
import { listRuleSets } from '$lib/server/rules/service';

const pageSchema = z.coerce.number().int().min(1).max(1_000_000).catch(1);

export async function load(event) {
	guard(event, 'rulesets.view', { type: 'public' });
	const page = pageSchema.parse(event.url.searchParams.get('side') ?? 1);
	const result = await listRuleSets(getDb(), page);
	return {
		...result,
		may: {
			edit: can(event.locals.user, 'rulesets.edit', { type: 'public' }),
			impact: can(event.locals.user, 'rules.impact', { type: 'country' })
		}
	};
}
