// The rule sets shipped in geodata/rulesets/ (real data, not demo): each file whose id is not yet a
// rule set is stored as that set's published version 1. A set that exists is left alone, even if
// its file changed since: published versions are immutable, so a correction is a new version made
// in the editor (or a new file with a new id).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../db/connect';
import type { AuditActor } from '../audit/service';
import { formatRuleSetError, validateRuleSetText } from '../../rules/schema';
import { createPublishedRuleSet } from './service';

export const SHIPPED_ACTOR: AuditActor = { userId: null, label: 'shipped', clientAddress: null };
const SCHEMA_FILE = 'ruleset.schema.json';

/** Loads the shipped rule sets that are not stored yet; returns the ids (slugs) loaded. */
export async function seedShippedRuleSetsIfEmpty(
	db: Db,
	geodataDir = join(process.cwd(), 'geodata')
): Promise<string[]> {
	const dir = join(geodataDir, 'rulesets');
	const files = (await readdir(dir)).filter((f) => f.endsWith('.json') && f !== SCHEMA_FILE).sort();
	const stored = new Set((await db.selectFrom('rule_sets').select('slug').execute()).map((r) => r.slug));
	const loaded: string[] = [];
	for (const file of files) {
		const result = validateRuleSetText(await readFile(join(dir, file), 'utf8'));
		if (!result.ok) {
			throw new Error(
				`geodata/rulesets/${file} is not a valid rule set: ${result.errors.map(formatRuleSetError).join('; ')}`
			);
		}
		if (stored.has(result.value.id)) continue;
		await db.transaction().execute(async (trx) => {
			// Two processes starting at once: the second waits here, then sees the set and skips it.
			await sql`SELECT pg_advisory_xact_lock(hashtext('tryghedskort.rule_sets.seed'))`.execute(trx);
			const exists = await trx
				.selectFrom('rule_sets')
				.select('id')
				.where('slug', '=', result.value.id)
				.executeTakeFirst();
			if (exists) return;
			await createPublishedRuleSet(trx, SHIPPED_ACTOR, result.value);
			loaded.push(result.value.id);
		});
	}
	return loaded;
}
