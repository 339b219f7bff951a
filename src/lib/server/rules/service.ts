// Changes to rule sets, each one transaction with its audit record: a draft made from a published
// version, edited (validated first; nothing is written when anything is wrong), published (after
// which the database refuses to change it) or deleted. A rule set has at most one draft.
import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/connect';
import type { Database } from '../db/schema';
import { recordAudit, type AuditActor } from '../audit/service';
import { translate, type Lang, type MessageKey } from '../../i18n';
import { describeChanges, diffRuleSets } from '../../rules/diff';
import { validateRuleSet, type RuleSetDocument, type RuleSetError } from '../../rules/schema';
import { storedDocument } from './queries';

export {
	getRuleSet,
	getVersion,
	getVersionByNumber,
	listReferenceLayers,
	listRuleSets,
	listVersions,
	ruleNames,
	versionChoices
} from './queries';

/** A document that does not pass the schema or names unknown layers or categories: 400, every error by path. */
export class RuleSetValidationError extends Error {
	readonly status = 400;
	constructor(readonly errors: RuleSetError[]) {
		super(`The rule set is not valid: ${errors.length} errors`);
		this.name = 'RuleSetValidationError';
	}
}

/** A change that does not fit the version's state (404 unknown, 409 published or taken), worded by an i18n key. */
export class RuleSetChangeError extends Error {
	constructor(
		readonly key: MessageKey,
		readonly status: 404 | 409,
		readonly vars: Record<string, string | number> = {}
	) {
		super(translate('en', key, vars));
		this.name = 'RuleSetChangeError';
	}

	localized(lang: Lang): string {
		return translate(lang, this.key, this.vars);
	}
}

function inTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
	return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}

/**
 * What the schema cannot know: the document must keep its rule set's id, and the incident
 * categories and reference layers it names must exist.
 */
export async function checkReferences(
	db: Db | Transaction<Database>,
	doc: RuleSetDocument,
	slug: string,
	lang: Lang = 'en'
): Promise<RuleSetError[]> {
	const errors: RuleSetError[] = [];
	if (doc.id !== slug)
		errors.push({ path: 'id', message: translate(lang, 'rules.error.idChanged', { id: slug }) });
	const [layers, categories] = await Promise.all([
		db.selectFrom('reference_layers').select('kind').orderBy('kind').execute(),
		db.selectFrom('incident_categories').select('code').orderBy('sort_order').execute()
	]);
	const layerSet = new Set(layers.map((l) => l.kind));
	const categorySet = new Set(categories.map((c) => c.code));
	const unknownCategory = (path: string, codes: string[] | undefined) =>
		(codes ?? []).forEach((code, i) => {
			if (!categorySet.has(code))
				errors.push({
					path: `${path}[${i}]`,
					message: translate(lang, 'rules.error.unknownCategory', {
						value: code,
						values: categories.map((c) => c.code).join(', ')
					})
				});
		});
	doc.rules.forEach((rule, i) => {
		const at = `rules[${i}].params`;
		if (rule.kind === 'withinLayer' && !layerSet.has(rule.params.layer))
			errors.push({
				path: `${at}.layer`,
				message: translate(lang, 'rules.error.unknownLayer', {
					value: rule.params.layer,
					values: layers.map((l) => l.kind).join(', ')
				})
			});
		if (rule.kind === 'minIncidents') unknownCategory(`${at}.categories`, rule.params.categories);
		if (rule.kind === 'hotspotOrUnsafety')
			unknownCategory(`${at}.hotspot.categories`, rule.params.hotspot?.categories);
	});
	return errors;
}

/** Checks a document for a rule set: the schema, then its references. Throws RuleSetValidationError. */
export async function validateForRuleSet(
	db: Db | Transaction<Database>,
	json: unknown,
	slug: string,
	lang: Lang = 'en'
): Promise<RuleSetDocument> {
	const result = validateRuleSet(json, lang);
	if (!result.ok) throw new RuleSetValidationError(result.errors);
	const errors = await checkReferences(db, result.value, slug, lang);
	if (errors.length) throw new RuleSetValidationError(errors);
	return result.value;
}

interface LockedVersion {
	id: number;
	rule_set_id: number;
	version: number;
	status: 'draft' | 'published';
	document: unknown;
	based_on_version_id: number | null;
	slug: string;
}

async function lockVersion(trx: Transaction<Database>, id: number): Promise<LockedVersion> {
	const row =
		Number.isSafeInteger(id) && id > 0
			? await trx
					.selectFrom('rule_set_versions as v')
					.innerJoin('rule_sets as s', 's.id', 'v.rule_set_id')
					.select([
						'v.id',
						'v.rule_set_id',
						'v.version',
						'v.status',
						'v.document',
						'v.based_on_version_id',
						's.slug'
					])
					.where('v.id', '=', id)
					.forUpdate('v')
					.executeTakeFirst()
			: undefined;
	if (!row) throw new RuleSetChangeError('rules.error.versionNotFound', 404);
	return row;
}

async function lockDraft(trx: Transaction<Database>, id: number): Promise<LockedVersion> {
	const row = await lockVersion(trx, id);
	if (row.status !== 'draft') throw new RuleSetChangeError('rules.error.notDraft', 409);
	return row;
}

/** A second draft of one set: 409, naming the existing draft. */
export class DraftExistsError extends RuleSetChangeError {
	constructor(readonly draft: { id: number; version: number }) {
		super('rules.error.draftExists', 409, { version: draft.version });
		this.name = 'DraftExistsError';
	}
}

/** Starts a draft (the next version number) as a copy of a published version of the same set. */
export async function createDraft(
	db: Db,
	actor: AuditActor,
	fromVersionId: number
): Promise<{ id: number; version: number }> {
	return inTransaction(db, async (trx) => {
		const from = await lockVersion(trx, fromVersionId);
		if (from.status !== 'published') throw new RuleSetChangeError('rules.error.notPublished', 409);
		// Serialises drafts of one set, so the version number and the one-draft rule cannot race.
		await trx.selectFrom('rule_sets').select('id').where('id', '=', from.rule_set_id).forUpdate().execute();
		const existing = await trx
			.selectFrom('rule_set_versions')
			.select(['id', 'version'])
			.where('rule_set_id', '=', from.rule_set_id)
			.where('status', '=', 'draft')
			.executeTakeFirst();
		if (existing) throw new DraftExistsError(existing);
		const inserted = await sql<{ id: number; version: number }>`
			INSERT INTO rule_set_versions (rule_set_id, version, status, document, based_on_version_id, created_by, created_by_label)
			SELECT ${from.rule_set_id}, max(version) + 1, 'draft', ${JSON.stringify(storedDocument(from.id, from.document))}::jsonb,
				${from.id}, ${actor.userId}, ${actor.label}
			FROM rule_set_versions WHERE rule_set_id = ${from.rule_set_id}
			RETURNING id, version
		`.execute(trx);
		const draft = inserted.rows[0];
		await recordAudit(trx, actor, {
			action: 'rulesets.createDraft',
			objectType: 'rule_set_version',
			objectId: String(draft.id),
			after: { ruleSet: from.slug, version: draft.version, basedOn: { id: from.id, version: from.version } }
		});
		return draft;
	});
}

/**
 * Replaces a draft's document. The document is validated (schema, the set's id, known layers and
 * categories) before anything is written; RuleSetValidationError lists every problem by path.
 */
export async function updateDraft(
	db: Db,
	actor: AuditActor,
	id: number,
	document: unknown,
	lang: Lang = 'en'
): Promise<{ id: number; version: number; changes: string[] }> {
	return inTransaction(db, async (trx) => {
		const draft = await lockDraft(trx, id);
		const next = await validateForRuleSet(trx, document, draft.slug, lang);
		const previous = storedDocument(draft.id, draft.document);
		const changes = describeChanges(diffRuleSets(previous, next), 'en');
		if (changes.length === 0) return { id: draft.id, version: draft.version, changes };
		await trx
			.updateTable('rule_set_versions')
			.set({ document: JSON.stringify(next), updated_at: sql`now()` })
			.where('id', '=', draft.id)
			.execute();
		await recordAudit(trx, actor, {
			action: 'rulesets.updateDraft',
			objectType: 'rule_set_version',
			objectId: String(draft.id),
			before: { document: previous },
			after: { document: next, changes }
		});
		return { id: draft.id, version: draft.version, changes };
	});
}

/** Publishes a draft: from now on the database refuses to change or delete it. */
export async function publishDraft(
	db: Db,
	actor: AuditActor,
	id: number
): Promise<{ id: number; version: number; slug: string }> {
	return inTransaction(db, async (trx) => {
		const draft = await lockDraft(trx, id);
		// Layers or categories may have gone since the draft was saved.
		const doc = await validateForRuleSet(trx, draft.document, draft.slug);
		let changes: string[] = [];
		if (draft.based_on_version_id !== null) {
			const base = await trx
				.selectFrom('rule_set_versions')
				.select(['id', 'document'])
				.where('id', '=', draft.based_on_version_id)
				.executeTakeFirst();
			if (base) changes = describeChanges(diffRuleSets(storedDocument(base.id, base.document), doc), 'en');
		}
		await trx
			.updateTable('rule_set_versions')
			.set({
				status: 'published',
				published_at: sql`now()`,
				published_by: actor.userId,
				published_by_label: actor.label,
				updated_at: sql`now()`
			})
			.where('id', '=', draft.id)
			.execute();
		await trx
			.updateTable('rule_sets')
			.set({ title_da: doc.title.da, title_en: doc.title.en })
			.where('id', '=', draft.rule_set_id)
			.execute();
		await recordAudit(trx, actor, {
			action: 'rulesets.publish',
			objectType: 'rule_set_version',
			objectId: String(draft.id),
			after: { ruleSet: draft.slug, version: draft.version, changes }
		});
		return { id: draft.id, version: draft.version, slug: draft.slug };
	});
}

export async function deleteDraft(
	db: Db,
	actor: AuditActor,
	id: number
): Promise<{ slug: string; version: number }> {
	return inTransaction(db, async (trx) => {
		const draft = await lockDraft(trx, id);
		await trx.deleteFrom('rule_set_versions').where('id', '=', draft.id).execute();
		await recordAudit(trx, actor, {
			action: 'rulesets.deleteDraft',
			objectType: 'rule_set_version',
			objectId: String(draft.id),
			before: { ruleSet: draft.slug, version: draft.version, document: draft.document }
		});
		return { slug: draft.slug, version: draft.version };
	});
}

/**
 * Adds a new rule set whose first version is published at once (the shipped sets; an operator's
 * new file). Refused (409) when a set with the document's id exists.
 */
export async function createPublishedRuleSet(
	db: Db,
	actor: AuditActor,
	json: unknown
): Promise<{ ruleSetId: number; versionId: number }> {
	return inTransaction(db, async (trx) => {
		const parsed = validateRuleSet(json);
		if (!parsed.ok) throw new RuleSetValidationError(parsed.errors);
		const doc = await validateForRuleSet(trx, parsed.value, parsed.value.id);
		const set = await trx
			.insertInto('rule_sets')
			.values({ slug: doc.id, title_da: doc.title.da, title_en: doc.title.en })
			.onConflict((oc) => oc.column('slug').doNothing())
			.returning('id')
			.executeTakeFirst();
		if (!set) throw new RuleSetChangeError('rules.error.setExists', 409, { id: doc.id });
		const version = await trx
			.insertInto('rule_set_versions')
			.values({
				rule_set_id: set.id,
				version: 1,
				status: 'published',
				document: JSON.stringify(doc),
				created_by: actor.userId,
				created_by_label: actor.label,
				published_at: sql<Date>`now()`,
				published_by: actor.userId,
				published_by_label: actor.label
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await recordAudit(trx, actor, {
			action: 'rulesets.publish',
			objectType: 'rule_set_version',
			objectId: String(version.id),
			after: { ruleSet: doc.id, version: 1, rules: doc.rules.length }
		});
		return { ruleSetId: set.id, versionId: version.id };
	});
}
