// Which rule set is in force on a day: among the rule sets whose latest published version covers
// the day (validFrom <= day <= validTo, or open-ended), the one with the latest validFrom. Drafts
// never count. Published versions are immutable, so their parsed documents are kept in memory by
// version id; only the small lookup of which version applies runs on every call.
import { sql } from 'kysely';
import type { Db } from '../db/connect';
import type { LocalizedText, RuleSetDocument } from '../../rules/schema';
import type { RuleSetVersionStatus } from '../db/schema';
import { storedDocument } from './queries';

export interface RuleSetVersionRef {
	versionId: number;
	ruleSetId: number;
	/** The rule set's id (slug), as in the document. */
	slug: string;
	version: number;
	status: RuleSetVersionStatus;
	title: LocalizedText;
	document: RuleSetDocument;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parsed published documents by version id and publication time (ids are reused only when the
 * database is emptied, and then the time differs); a published version never changes.
 */
const publishedDocuments = new Map<string, RuleSetDocument>();
const MAX_CACHED = 200;

interface VersionRow {
	id: number;
	rule_set_id: number;
	slug: string;
	version: number;
	status: RuleSetVersionStatus;
	published_at: Date | null;
}

async function withDocument(db: Db, row: VersionRow): Promise<RuleSetVersionRef> {
	const key = row.published_at ? `${row.id}@${row.published_at.getTime()}` : null;
	let document = key ? publishedDocuments.get(key) : undefined;
	if (!document) {
		const stored = await db
			.selectFrom('rule_set_versions')
			.select('document')
			.where('id', '=', row.id)
			.executeTakeFirstOrThrow();
		document = storedDocument(row.id, stored.document);
		if (key) {
			if (publishedDocuments.size >= MAX_CACHED) publishedDocuments.clear();
			publishedDocuments.set(key, document);
		}
	}
	return {
		versionId: row.id,
		ruleSetId: row.rule_set_id,
		slug: row.slug,
		version: row.version,
		status: row.status,
		title: document.title,
		document
	};
}

/** The published version in force on `date` (YYYY-MM-DD), or null when no rule set covers the day. */
export async function ruleSetInForce(db: Db, date: string): Promise<RuleSetVersionRef | null> {
	if (!ISO_DAY.test(date)) throw new Error(`ruleSetInForce: not a date: ${date}`);
	const { rows } = await sql<VersionRow>`
		SELECT v.id, s.id AS rule_set_id, s.slug, v.version, v.status, v.published_at
		FROM rule_sets s
		JOIN LATERAL (
			SELECT id, version, status, published_at, document->>'validFrom' AS valid_from, document->>'validTo' AS valid_to
			FROM rule_set_versions
			WHERE rule_set_id = s.id AND status = 'published'
			ORDER BY version DESC LIMIT 1
		) v ON true
		WHERE v.valid_from::date <= ${date}::date AND (v.valid_to IS NULL OR v.valid_to::date >= ${date}::date)
		ORDER BY v.valid_from::date DESC, v.id DESC
		LIMIT 1
	`.execute(db);
	return rows[0] ? withDocument(db, rows[0]) : null;
}

/** Any stored version (a draft too) by id, or null. */
export async function ruleSetVersion(db: Db, versionId: number): Promise<RuleSetVersionRef | null> {
	if (!Number.isSafeInteger(versionId) || versionId < 1) return null;
	const row = await db
		.selectFrom('rule_set_versions as v')
		.innerJoin('rule_sets as s', 's.id', 'v.rule_set_id')
		.select(['v.id', 's.id as rule_set_id', 's.slug', 'v.version', 'v.status', 'v.published_at'])
		.where('v.id', '=', versionId)
		.executeTakeFirst();
	return row ? withDocument(db, row) : null;
}
