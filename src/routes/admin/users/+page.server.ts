import { z } from 'zod';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { listUsers } from '$lib/server/users/service';
import { ROLES } from '$lib/server/users/validation';
import { scopeOptions } from './forms.server';

// Filters come from shareable URLs: a value that does not parse is ignored rather than an error.
const querySchema = z.object({
	q: z.string().trim().max(200).catch(''),
	rolle: z.enum(ROLES).optional().catch(undefined),
	kommune: z.coerce.number().int().min(100).max(999).optional().catch(undefined),
	side: z.coerce.number().int().min(1).max(1_000_000).catch(1)
});

export async function load(event) {
	guard(event, 'users.list', { type: 'public' });
	const params = event.url.searchParams;
	const query = querySchema.parse({
		q: params.get('q') ?? '',
		rolle: params.get('rolle') || undefined,
		kommune: params.get('kommune') || undefined,
		side: params.get('side') ?? 1
	});
	const db = getDb();
	const [result, options] = await Promise.all([
		listUsers(db, {
			search: query.q || undefined,
			role: query.rolle,
			municipalityCode: query.kommune,
			page: query.side
		}),
		scopeOptions(db)
	]);
	return { filter: query, ...result, municipalities: options.municipalities };
}
