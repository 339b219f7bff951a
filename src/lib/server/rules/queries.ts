// Reading rule sets, their versions and the reference layers. Lists are paged; documents are
// validated again on the way out, so a row edited by hand can never reach a page or the evaluator
// as something the schema does not describe.
import { sql } from 'kysely';
import type { Db } from '../db/connect';
import type { RuleSetVersionStatus } from '../db/schema';
import type { Lang } from '../../i18n';
import {
	formatRuleSetError,
	validateRuleSet,
	type LocalizedText,
	type RuleSetDocument
} from '../../rules/schema';

export const RULE_SETS_PAGE_SIZE = 20;
export const VERSIONS_PAGE_SIZE = 20;
/** How many versions the diff page offers to choose from (newest first); others go by id in the URL. */
export const DIFF_CHOICES = 100;

export interface RuleSetSummary {
	id: number;
	slug: string;
	title: LocalizedText;
	versionCount: number;
	latest: {
		id: number;
		version: number;
		publishedAt: Date;
		validFrom: string;
		validTo: string | null;
	} | null;
	draft: { id: number; version: number } | null;
}

export interface Page<T> {
	items: T[];
	total: number;
	page: number;
	pageSize: number;
}

/** Rule sets, newest validity first. */
export async function listRuleSets(db: Db, page = 1): Promise<Page<RuleSetSummary>> {
	const offset = (page - 1) * RULE_SETS_PAGE_SIZE;
	const [rows, total] = await Promise.all([
		sql<{
			id: number;
			slug: string;
			title_da: string;
			title_en: string;
			version_count: number;
			latest_id: number | null;
			latest_version: number | null;
			latest_published_at: Date | null;
			valid_from: string | null;
			valid_to: string | null;
			draft_id: number | null;
			draft_version: number | null;
		}>`
			SELECT s.id, s.slug, s.title_da, s.title_en,
				(SELECT count(*)::integer FROM rule_set_versions v WHERE v.rule_set_id = s.id) AS version_count,
				p.id AS latest_id, p.version AS latest_version, p.published_at AS latest_published_at,
				p.document->>'validFrom' AS valid_from, p.document->>'validTo' AS valid_to,
				d.id AS draft_id, d.version AS draft_version
			FROM rule_sets s
			LEFT JOIN LATERAL (
				SELECT id, version, published_at, document FROM rule_set_versions
				WHERE rule_set_id = s.id AND status = 'published' ORDER BY version DESC LIMIT 1
			) p ON true
			LEFT JOIN rule_set_versions d ON d.rule_set_id = s.id AND d.status = 'draft'
			ORDER BY p.document->>'validFrom' DESC NULLS LAST, s.slug
			LIMIT ${RULE_SETS_PAGE_SIZE} OFFSET ${offset}
		`.execute(db),
		db
			.selectFrom('rule_sets')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow()
	]);
	return {
		items: rows.rows.map((r) => ({
			id: r.id,
			slug: r.slug,
			title: { da: r.title_da, en: r.title_en },
			versionCount: r.version_count,
			latest:
				r.latest_id === null
					? null
					: {
							id: r.latest_id,
							version: r.latest_version!,
							publishedAt: r.latest_published_at!,
							validFrom: r.valid_from!,
							validTo: r.valid_to
						},
			draft: r.draft_id === null ? null : { id: r.draft_id, version: r.draft_version! }
		})),
		total: Number(total.n),
		page,
		pageSize: RULE_SETS_PAGE_SIZE
	};
}

export interface RuleSetHeader {
	id: number;
	slug: string;
	title: LocalizedText;
	draft: { id: number; version: number } | null;
}

export async function getRuleSet(db: Db, slug: string): Promise<RuleSetHeader | null> {
	const row = await db
		.selectFrom('rule_sets as s')
		.leftJoin('rule_set_versions as d', (j) =>
			j.onRef('d.rule_set_id', '=', 's.id').on('d.status', '=', 'draft')
		)
		.select(['s.id', 's.slug', 's.title_da', 's.title_en', 'd.id as draft_id', 'd.version as draft_version'])
		.where('s.slug', '=', slug)
		.executeTakeFirst();
	if (!row) return null;
	return {
		id: row.id,
		slug: row.slug,
		title: { da: row.title_da, en: row.title_en },
		draft: row.draft_id === null ? null : { id: row.draft_id, version: row.draft_version! }
	};
}

export interface VersionSummary {
	id: number;
	version: number;
	status: RuleSetVersionStatus;
	basedOn: { id: number; version: number } | null;
	createdAt: Date;
	createdByLabel: string;
	publishedAt: Date | null;
	publishedByLabel: string | null;
	ruleCount: number;
}

/** One rule set's versions, newest first. */
export async function listVersions(db: Db, ruleSetId: number, page = 1): Promise<Page<VersionSummary>> {
	const [rows, total] = await Promise.all([
		db
			.selectFrom('rule_set_versions as v')
			.leftJoin('rule_set_versions as b', 'b.id', 'v.based_on_version_id')
			.select([
				'v.id',
				'v.version',
				'v.status',
				'v.created_at',
				'v.created_by_label',
				'v.published_at',
				'v.published_by_label',
				'b.id as based_on_id',
				'b.version as based_on_version',
				sql<number>`jsonb_array_length(v.document->'rules')`.as('rule_count')
			])
			.where('v.rule_set_id', '=', ruleSetId)
			.orderBy('v.version', 'desc')
			.limit(VERSIONS_PAGE_SIZE)
			.offset((page - 1) * VERSIONS_PAGE_SIZE)
			.execute(),
		db
			.selectFrom('rule_set_versions')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('rule_set_id', '=', ruleSetId)
			.executeTakeFirstOrThrow()
	]);
	return {
		items: rows.map((r) => ({
			id: r.id,
			version: r.version,
			status: r.status,
			basedOn: r.based_on_id === null ? null : { id: r.based_on_id, version: r.based_on_version! },
			createdAt: r.created_at,
			createdByLabel: r.created_by_label,
			publishedAt: r.published_at,
			publishedByLabel: r.published_by_label,
			ruleCount: r.rule_count
		})),
		total: Number(total.n),
		page,
		pageSize: VERSIONS_PAGE_SIZE
	};
}

export interface VersionDetail extends Omit<VersionSummary, 'ruleCount'> {
	ruleSet: RuleSetHeader;
	updatedAt: Date;
	document: RuleSetDocument;
}

/** A stored document, checked against the schema; a row that fails was edited outside the app. */
export function storedDocument(id: number, document: unknown): RuleSetDocument {
	const result = validateRuleSet(document);
	if (!result.ok) {
		throw new Error(
			`Rule-set version ${id} holds an invalid document: ${result.errors.slice(0, 3).map(formatRuleSetError).join('; ')}`
		);
	}
	return result.value;
}

function versionQuery(db: Db) {
	return db
		.selectFrom('rule_set_versions as v')
		.innerJoin('rule_sets as s', 's.id', 'v.rule_set_id')
		.leftJoin('rule_set_versions as b', 'b.id', 'v.based_on_version_id')
		.leftJoin('rule_set_versions as d', (j) =>
			j.onRef('d.rule_set_id', '=', 's.id').on('d.status', '=', 'draft')
		)
		.select([
			'v.id',
			'v.version',
			'v.status',
			'v.document',
			'v.created_at',
			'v.created_by_label',
			'v.updated_at',
			'v.published_at',
			'v.published_by_label',
			'b.id as based_on_id',
			'b.version as based_on_version',
			's.id as set_id',
			's.slug',
			's.title_da',
			's.title_en',
			'd.id as draft_id',
			'd.version as draft_version'
		]);
}

type VersionRow = Awaited<ReturnType<ReturnType<typeof versionQuery>['executeTakeFirstOrThrow']>>;

function toDetail(r: VersionRow): VersionDetail {
	return {
		id: r.id,
		version: r.version,
		status: r.status,
		basedOn: r.based_on_id === null ? null : { id: r.based_on_id, version: r.based_on_version! },
		createdAt: r.created_at,
		createdByLabel: r.created_by_label,
		updatedAt: r.updated_at,
		publishedAt: r.published_at,
		publishedByLabel: r.published_by_label,
		ruleSet: {
			id: r.set_id,
			slug: r.slug,
			title: { da: r.title_da, en: r.title_en },
			draft: r.draft_id === null ? null : { id: r.draft_id, version: r.draft_version! }
		},
		document: storedDocument(r.id, r.document)
	};
}

export async function getVersion(db: Db, id: number): Promise<VersionDetail | null> {
	if (!Number.isSafeInteger(id) || id < 1) return null;
	const row = await versionQuery(db).where('v.id', '=', id).executeTakeFirst();
	return row ? toDetail(row) : null;
}

export async function getVersionByNumber(
	db: Db,
	slug: string,
	version: number
): Promise<VersionDetail | null> {
	if (!Number.isSafeInteger(version) || version < 1) return null;
	const row = await versionQuery(db)
		.where('s.slug', '=', slug)
		.where('v.version', '=', version)
		.executeTakeFirst();
	return row ? toDetail(row) : null;
}

export interface VersionChoice {
	id: number;
	slug: string;
	title: LocalizedText;
	version: number;
	status: RuleSetVersionStatus;
}

/** The newest versions of every set (at most DIFF_CHOICES), plus any ids asked for, for the diff page. */
export async function versionChoices(db: Db, include: number[] = []): Promise<VersionChoice[]> {
	const rows = await sql<{
		id: number;
		slug: string;
		title_da: string;
		title_en: string;
		version: number;
		status: RuleSetVersionStatus;
	}>`
		SELECT v.id, s.slug, s.title_da, s.title_en, v.version, v.status
		FROM rule_set_versions v JOIN rule_sets s ON s.id = v.rule_set_id
		WHERE v.id IN (SELECT id FROM rule_set_versions ORDER BY created_at DESC, id DESC LIMIT ${DIFF_CHOICES})
			OR v.id = ANY(${include.filter((n) => Number.isSafeInteger(n))}::bigint[])
		ORDER BY s.slug, v.version DESC
	`.execute(db);
	return rows.rows.map((r) => ({
		id: r.id,
		slug: r.slug,
		title: { da: r.title_da, en: r.title_en },
		version: r.version,
		status: r.status
	}));
}

export interface ReferenceLayerSummary {
	kind: string;
	name: LocalizedText;
	description: LocalizedText | null;
	features: number;
	synthetic: number;
	sources: string[];
}

/** The reference layers (a short vocabulary, like the incident categories) with their feature counts. */
export async function listReferenceLayers(db: Db): Promise<ReferenceLayerSummary[]> {
	const rows = await sql<{
		kind: string;
		name_da: string;
		name_en: string;
		description_da: string | null;
		description_en: string | null;
		features: number;
		synthetic: number;
		sources: string[] | null;
	}>`
		SELECT l.kind, l.name_da, l.name_en, l.description_da, l.description_en,
			coalesce(f.features, 0)::integer AS features, coalesce(f.synthetic, 0)::integer AS synthetic, f.sources
		FROM reference_layers l
		LEFT JOIN LATERAL (
			SELECT count(*) AS features, count(*) FILTER (WHERE is_synthetic) AS synthetic,
				(array_agg(DISTINCT source ORDER BY source))[1:10] AS sources
			FROM reference_features WHERE layer = l.kind
		) f ON true
		ORDER BY l.kind
		LIMIT 500
	`.execute(db);
	return rows.rows.map((r) => ({
		kind: r.kind,
		name: { da: r.name_da, en: r.name_en },
		description: r.description_da && r.description_en ? { da: r.description_da, en: r.description_en } : null,
		features: r.features,
		synthetic: r.synthetic,
		sources: r.sources ?? []
	}));
}

/** Layer and incident-category names in one language, for rules in words. */
export async function ruleNames(
	db: Db,
	lang: Lang
): Promise<{ layers: Record<string, string>; categories: Record<string, string> }> {
	const [layers, categories] = await Promise.all([
		db.selectFrom('reference_layers').select(['kind', 'name_da', 'name_en']).execute(),
		db.selectFrom('incident_categories').select(['code', 'name_da', 'name_en']).execute()
	]);
	return {
		layers: Object.fromEntries(layers.map((l) => [l.kind, lang === 'da' ? l.name_da : l.name_en])),
		categories: Object.fromEntries(categories.map((c) => [c.code, lang === 'da' ? c.name_da : c.name_en]))
	};
}
