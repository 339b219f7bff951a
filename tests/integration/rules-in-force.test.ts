// Which rule set is in force on a day: the shipped sets meet on 30 June / 1 July 2025; drafts never
// count; a newer published version of a set decides its validity; no set: null.
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { seedShippedRuleSetsIfEmpty } from '../../src/lib/server/rules/seed';
import {
	createDraft,
	createPublishedRuleSet,
	publishDraft,
	updateDraft
} from '../../src/lib/server/rules/service';
import { ruleSetInForce, ruleSetVersion } from '../../src/lib/server/rules/in-force';
import { testDb } from './db';
import { ruleSetWith } from './rule-fixtures';

const geodata = join(import.meta.dirname, '..', '..', 'geodata');
const ministry = { userId: null, label: 'ministry@test', clientAddress: null };

async function slugOn(date: string): Promise<string | null> {
	return (await ruleSetInForce(testDb(), date))?.slug ?? null;
}

describe('ruleSetInForce', () => {
	it('is null before any rule set is stored', async () => {
		expect(await ruleSetInForce(testDb(), '2026-01-01')).toBeNull();
	});

	it('switches from the 2020 to the 2025 rule set between 30 June and 1 July 2025', async () => {
		await seedShippedRuleSetsIfEmpty(testDb(), geodata);
		expect(await slugOn('2020-06-30')).toBeNull();
		expect(await slugOn('2020-07-01')).toBe('tv-overvaagning-2020-07');
		expect(await slugOn('2025-06-30')).toBe('tv-overvaagning-2020-07');
		expect(await slugOn('2025-07-01')).toBe('tv-overvaagning-2025-07');
		expect(await slugOn('2099-12-31')).toBe('tv-overvaagning-2025-07');

		const inForce = (await ruleSetInForce(testDb(), '2025-06-30'))!;
		expect(inForce).toMatchObject({
			slug: 'tv-overvaagning-2020-07',
			version: 1,
			status: 'published',
			title: { da: 'Tv-overvågningsloven 1. juli 2020 – 30. juni 2025' }
		});
		expect(inForce.document.validTo).toBe('2025-06-30');
		const p2a = inForce.document.rules.find((r) => r.id === 'p2a-near-housing-area')!;
		expect(p2a.kind === 'withinLayer' && p2a.params.layer).toBe('housing_area_permit');
		const next = (await ruleSetInForce(testDb(), '2025-07-01'))!;
		const p2a2025 = next.document.rules.find((r) => r.id === 'p2a-near-housing-area')!;
		expect(p2a2025.kind === 'withinLayer' && p2a2025.params.layer).toBe('housing_area');
	});

	it('uses the latest published version of each set; a draft never counts', async () => {
		await seedShippedRuleSetsIfEmpty(testDb(), geodata);
		const v1 = (await ruleSetInForce(testDb(), '2026-03-01'))!;
		const draft = await createDraft(testDb(), ministry, v1.versionId);
		// The draft would end the 2025 set in 2025: not in force until published.
		await updateDraft(testDb(), ministry, draft.id, { ...v1.document, validTo: '2025-12-31' });
		expect((await ruleSetInForce(testDb(), '2026-03-01'))!.versionId).toBe(v1.versionId);
		await publishDraft(testDb(), ministry, draft.id);
		expect(await ruleSetInForce(testDb(), '2026-03-01')).toBeNull();
		expect(await ruleSetInForce(testDb(), '2025-12-31')).toMatchObject({ versionId: draft.id, version: 2 });
		// Versions stay readable by id, the draft's document as stored.
		expect((await ruleSetVersion(testDb(), v1.versionId))!.document.validTo ?? null).toBeNull();
		expect((await ruleSetVersion(testDb(), draft.id))!.document.validTo).toBe('2025-12-31');
		expect(await ruleSetVersion(testDb(), 999_999)).toBeNull();
	});

	it('picks the set that began last when two overlap', async () => {
		await seedShippedRuleSetsIfEmpty(testDb(), geodata);
		await createPublishedRuleSet(testDb(), ministry, {
			...ruleSetWith('lokal-2026', { kind: 'minSpacing', params: { distanceM: 10 } }),
			validFrom: '2026-01-01',
			validTo: '2026-06-30'
		});
		expect(await slugOn('2025-12-31')).toBe('tv-overvaagning-2025-07');
		expect(await slugOn('2026-01-01')).toBe('lokal-2026');
		expect(await slugOn('2026-06-30')).toBe('lokal-2026');
		expect(await slugOn('2026-07-01')).toBe('tv-overvaagning-2025-07');
	});

	it('reads a document again when the database was emptied and its version id reused', async () => {
		await seedShippedRuleSetsIfEmpty(testDb(), geodata);
		const before = (await ruleSetInForce(testDb(), '2025-01-01'))!;
		await testDb()
			.transaction()
			.execute(async (trx) => {
				await sql`SET LOCAL session_replication_role = replica`.execute(trx);
				await sql`TRUNCATE rule_sets, rule_set_versions RESTART IDENTITY CASCADE`.execute(trx);
			});
		await createPublishedRuleSet(
			testDb(),
			ministry,
			ruleSetWith('other-set', { kind: 'minSpacing', params: { distanceM: 10 } })
		);
		const after = (await ruleSetInForce(testDb(), '2026-03-01'))!;
		expect(after.versionId).toBe(1);
		expect(before.versionId).toBe(1);
		expect(after.slug).toBe('other-set');
		expect(after.document.id).toBe('other-set');
	});

	it('refuses a day that is not YYYY-MM-DD', async () => {
		await expect(ruleSetInForce(testDb(), '1.7.2025')).rejects.toThrow(/not a date/);
	});
});
