import type { Transaction } from 'kysely';
import type { Db } from '../db/connect';
import type { Database } from '../db/schema';

/** Who did something: a signed-in user, or a command-line operator. */
export interface AuditActor {
	userId: string | null;
	label: string;
	clientAddress: string | null;
}

export interface AuditEntry {
	action: string;
	objectType: string;
	objectId: string;
	/** Lets planners and police read the history of objects in their scope. */
	municipalityCode?: number | null;
	before?: unknown;
	after?: unknown;
}

/** Appends to the audit trail, inside the caller's transaction so the change and its record commit together. */
export async function recordAudit(
	trx: Transaction<Database> | Db,
	actor: AuditActor,
	entry: AuditEntry
): Promise<void> {
	await trx
		.insertInto('audit_log')
		.values({
			actor_id: actor.userId,
			actor_label: actor.label,
			action: entry.action,
			object_type: entry.objectType,
			object_id: entry.objectId,
			municipality_code: entry.municipalityCode ?? null,
			before: entry.before === undefined ? null : JSON.stringify(entry.before),
			after: entry.after === undefined ? null : JSON.stringify(entry.after),
			client_address: actor.clientAddress
		})
		.execute();
}

export interface AuditRecord {
	id: number;
	at: Date;
	actorLabel: string;
	action: string;
	objectType: string;
	objectId: string;
	before: unknown;
	after: unknown;
	clientAddress: string | null;
}

export const HISTORY_PAGE_SIZE = 20;

/** Whose history: one object's, or everything recorded under one municipality. */
export type HistoryFilter = { objectType: string; objectId: string } | { municipalityCode: number };

/** One page of history, newest first; `before` is the id to continue below (keyset paging). */
export async function auditHistory(
	db: Db,
	filter: HistoryFilter,
	before: number | null = null,
	limit = HISTORY_PAGE_SIZE
): Promise<{ records: AuditRecord[]; next: number | null }> {
	let query = db
		.selectFrom('audit_log')
		.select([
			'id',
			'at',
			'actor_label',
			'action',
			'object_type',
			'object_id',
			'before',
			'after',
			'client_address'
		]);
	query =
		'municipalityCode' in filter
			? query.where('municipality_code', '=', filter.municipalityCode)
			: query.where('object_type', '=', filter.objectType).where('object_id', '=', filter.objectId);
	if (before !== null) query = query.where('id', '<', before);
	const rows = await query
		.orderBy('id', 'desc')
		.limit(limit + 1)
		.execute();
	const page = rows.slice(0, limit);
	return {
		records: page.map((r) => ({
			id: r.id,
			at: r.at,
			actorLabel: r.actor_label,
			action: r.action,
			objectType: r.object_type,
			objectId: r.object_id,
			before: r.before,
			after: r.after,
			clientAddress: r.client_address
		})),
		next: rows.length > limit ? page[page.length - 1].id : null
	};
}
