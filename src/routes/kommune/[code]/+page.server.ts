import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { translate } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { can } from '$lib/server/auth/policy';
import { auditHistory } from '$lib/server/audit/service';
import { getMunicipality } from '$lib/server/municipalities/queries';
import { municipalityMembers, municipalityResource } from '$lib/server/municipalities/workspace';

const codeSchema = z.coerce.number().int().min(100).max(999);
const cursorSchema = z.coerce.number().int().positive().nullable().catch(null);

export async function load(event) {
	const code = codeSchema.safeParse(event.params.code);
	if (!code.success) error(404, translate(event.locals.lang, 'error.notFound'));
	const db = getDb();
	const resource = await municipalityResource(db, code.data);
	if (!resource) error(404, translate(event.locals.lang, 'error.notFound'));
	guard(event, 'municipality.workspace', resource);

	const showHistory = can(event.locals.user, 'municipality.history', resource);
	const before = cursorSchema.parse(event.url.searchParams.get('before'));
	const [municipality, members, history] = await Promise.all([
		getMunicipality(db, code.data),
		municipalityMembers(db, code.data),
		showHistory ? auditHistory(db, { municipalityCode: code.data }, before) : null
	]);
	return { municipality: municipality!, members, history };
}
