import { error } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { getVersionByNumber } from '$lib/server/rules/service';

/** One version as a rule-set file, ready to validate in an editor next to ruleset.schema.json. */
export async function GET(event) {
	guard(event, 'rulesets.view', { type: 'public' });
	const number = /^\d{1,9}$/.test(event.params.version) ? Number(event.params.version) : NaN;
	const v = await getVersionByNumber(getDb(), event.params.slug, number);
	if (!v) error(404, translate(event.locals.lang, 'error.notFound'));
	const body = JSON.stringify({ $schema: './ruleset.schema.json', ...v.document }, null, '\t') + '\n';
	return new Response(body, {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="${v.ruleSet.slug}-v${v.version}.json"`,
			'cache-control': 'private, no-cache'
		}
	});
}
