import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { translate } from '$lib/i18n';
import { getDb } from '$lib/server/db';
import { guard } from '$lib/server/auth/guard';
import { can } from '$lib/server/auth/policy';
import { auditActor } from '$lib/server/audit/actor';
import { auditHistory } from '$lib/server/audit/service';
import {
	createDraft,
	deleteDraft,
	getVersion,
	getVersionByNumber,
	publishDraft,
	ruleNames,
	RuleSetChangeError,
	RuleSetValidationError,
	updateDraft
} from '$lib/server/rules/service';
import { describeChanges, diffRuleSets } from '$lib/rules/diff';
import { applyFormValues, editableFields } from '$lib/rules/edit';
import { validateRuleSetText, type RuleSetError } from '$lib/rules/schema';

const cursorSchema = z.coerce.number().int().positive().nullable().catch(null);
/** Large enough for any real rule set; a bigger paste is refused before it is parsed. */
const MAX_JSON_CHARS = 1_000_000;

type Event = RequestEvent<{ slug: string; version: string }>;

async function version(event: Event) {
	guard(event, 'rulesets.view', { type: 'public' });
	const number = /^\d{1,9}$/.test(event.params.version) ? Number(event.params.version) : NaN;
	const found = await getVersionByNumber(getDb(), event.params.slug, number);
	if (!found) error(404, translate(event.locals.lang, 'error.notFound'));
	return found;
}

/** A refused change as the page shows it: the errors by path, or a 404 for a version that vanished. */
function refused(err: unknown, event: Event, payload: Record<string, unknown>) {
	if (err instanceof RuleSetValidationError) return fail(400, { ...payload, errors: err.errors });
	if (err instanceof RuleSetChangeError) {
		if (err.status === 404) error(404, translate(event.locals.lang, 'error.notFound'));
		return fail(err.status, {
			...payload,
			errors: [{ path: '', message: err.localized(event.locals.lang) }]
		});
	}
	throw err;
}

export async function load(event) {
	const v = await version(event);
	const db = getDb();
	const lang = event.locals.lang;
	const before = cursorSchema.parse(event.url.searchParams.get('before'));
	const [names, base, history] = await Promise.all([
		ruleNames(db, lang),
		v.basedOn ? getVersion(db, v.basedOn.id) : null,
		auditHistory(db, { objectType: 'rule_set_version', objectId: String(v.id) }, before)
	]);
	const mayEdit = can(event.locals.user, 'rulesets.edit', { type: 'public' });
	return {
		version: v,
		names,
		changes: base ? describeChanges(diffRuleSets(base.document, v.document), lang) : null,
		fields: v.status === 'draft' ? editableFields(v.document) : [],
		json: v.status === 'draft' ? JSON.stringify(v.document, null, 2) : '',
		history: {
			next: history.next,
			records: history.records.map((r) => ({
				id: r.id,
				at: r.at,
				actorLabel: r.actorLabel,
				action: r.action,
				changes: ((r.after as { changes?: unknown } | null)?.changes as string[] | undefined) ?? []
			}))
		},
		may: {
			createDraft: mayEdit && v.status === 'published' && v.ruleSet.draft === null,
			edit: mayEdit && v.status === 'draft',
			impact: can(event.locals.user, 'rules.impact', { type: 'country' })
		}
	};
}

export const actions = {
	createDraft: async (event) => {
		const v = await version(event);
		guard(event, 'rulesets.edit', { type: 'public' });
		let draft: { version: number };
		try {
			draft = await createDraft(getDb(), auditActor(event), v.id);
		} catch (err) {
			return refused(err, event, { action: 'createDraft' as const });
		}
		redirect(303, `/regler/${v.ruleSet.slug}/${draft.version}`);
	},

	save: async (event) => {
		const v = await version(event);
		guard(event, 'rulesets.edit', { type: 'public' });
		const form = await event.request.formData();
		const values: Record<string, string> = {};
		const next = applyFormValues(v.document, (path) => {
			const submitted = form.getAll(path).filter((x): x is string => typeof x === 'string');
			values[path] = submitted.find((x) => x !== 'false') ?? submitted[0] ?? '';
			return submitted;
		});
		try {
			const result = await updateDraft(getDb(), auditActor(event), v.id, next, event.locals.lang);
			return {
				action: 'save' as const,
				done: translate(event.locals.lang, 'rules.done.saved'),
				changes: result.changes
			};
		} catch (err) {
			return refused(err, event, { action: 'save' as const, values });
		}
	},

	saveJson: async (event) => {
		const v = await version(event);
		guard(event, 'rulesets.edit', { type: 'public' });
		const text = String((await event.request.formData()).get('document') ?? '');
		const lang = event.locals.lang;
		if (text.length > MAX_JSON_CHARS) {
			const errors: RuleSetError[] = [
				{ path: '', message: translate(lang, 'rules.error.tooLong', { max: MAX_JSON_CHARS }) }
			];
			return fail(413, { action: 'saveJson' as const, errors, json: '' });
		}
		const parsed = validateRuleSetText(text, lang);
		if (!parsed.ok) return fail(400, { action: 'saveJson' as const, errors: parsed.errors, json: text });
		try {
			await updateDraft(getDb(), auditActor(event), v.id, parsed.value, lang);
			return { action: 'saveJson' as const, done: translate(lang, 'rules.done.saved') };
		} catch (err) {
			return refused(err, event, { action: 'saveJson' as const, json: text });
		}
	},

	publish: async (event) => {
		const v = await version(event);
		guard(event, 'rulesets.edit', { type: 'public' });
		const lang = event.locals.lang;
		if ((await event.request.formData()).get('confirm') !== 'yes')
			return fail(400, {
				action: 'publish' as const,
				errors: [{ path: 'confirm', message: translate(lang, 'rules.error.confirm') }]
			});
		try {
			const published = await publishDraft(getDb(), auditActor(event), v.id);
			return {
				action: 'publish' as const,
				done: translate(lang, 'rules.done.published', { version: published.version })
			};
		} catch (err) {
			return refused(err, event, { action: 'publish' as const });
		}
	},

	delete: async (event) => {
		const v = await version(event);
		guard(event, 'rulesets.edit', { type: 'public' });
		try {
			await deleteDraft(getDb(), auditActor(event), v.id);
		} catch (err) {
			return refused(err, event, { action: 'delete' as const });
		}
		redirect(303, `/regler/${v.ruleSet.slug}`);
	}
};
