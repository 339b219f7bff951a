import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { auditHistory, recordAudit, type AuditEntry } from '../../src/lib/server/audit/service';
import { testDb } from './db';

const cli = { userId: null, label: 'cli:operator', clientAddress: null };

function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
	return {
		action: 'camera.update',
		objectType: 'camera',
		objectId: 'cam-1',
		municipalityCode: 101,
		...overrides
	};
}

async function auditRows() {
	return testDb().selectFrom('audit_log').selectAll().orderBy('id').execute();
}

describe('recordAudit', () => {
	it('commits with the transaction it is part of', async () => {
		await testDb()
			.transaction()
			.execute(async (trx) => {
				await recordAudit(
					trx,
					{ userId: null, label: 'a@test.dk', clientAddress: '192.0.2.5' },
					entry({
						before: { status: 'planned' },
						after: { status: 'approved', note: 'ok' }
					})
				);
			});
		const rows = await auditRows();
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			actor_id: null,
			actor_label: 'a@test.dk',
			action: 'camera.update',
			object_type: 'camera',
			object_id: 'cam-1',
			municipality_code: 101,
			before: { status: 'planned' },
			after: { status: 'approved', note: 'ok' },
			client_address: '192.0.2.5'
		});
	});

	it('leaves no row when the transaction rolls back', async () => {
		const failure = new Error('the change itself failed');
		await expect(
			testDb()
				.transaction()
				.execute(async (trx) => {
					await recordAudit(trx, cli, entry());
					expect(await trx.selectFrom('audit_log').select('id').execute()).toHaveLength(1);
					throw failure;
				})
		).rejects.toBe(failure);
		expect(await auditRows()).toEqual([]);
	});
});

describe('the audit log is append-only', () => {
	async function oneRow() {
		await recordAudit(testDb(), cli, entry({ after: { status: 'approved' } }));
		const [row] = await auditRows();
		return row;
	}

	it('refuses UPDATE', async () => {
		const row = await oneRow();
		await expect(
			testDb()
				.updateTable('audit_log')
				.set({ actor_label: 'someone else' })
				.where('id', '=', row.id)
				.execute()
		).rejects.toThrow(/append-only: UPDATE is not allowed/);
		await expect(sql`UPDATE audit_log SET after = NULL`.execute(testDb())).rejects.toThrow(/append-only/);
		expect(await auditRows()).toEqual([row]);
	});

	it('refuses DELETE', async () => {
		const row = await oneRow();
		await expect(testDb().deleteFrom('audit_log').where('id', '=', row.id).execute()).rejects.toThrow(
			/append-only: DELETE is not allowed/
		);
		await expect(sql`DELETE FROM audit_log`.execute(testDb())).rejects.toThrow(/append-only/);
		expect(await auditRows()).toEqual([row]);
	});

	it('refuses TRUNCATE, also when it would cascade from users', async () => {
		const row = await oneRow();
		await expect(sql`TRUNCATE audit_log`.execute(testDb())).rejects.toThrow(
			/append-only: TRUNCATE is not allowed/
		);
		await expect(sql`TRUNCATE users CASCADE`.execute(testDb())).rejects.toThrow(/append-only/);
		expect(await auditRows()).toEqual([row]);
	});

	it('refuses the change inside a transaction too, with a permission error code', async () => {
		const row = await oneRow();
		const attempt = testDb()
			.transaction()
			.execute(async (trx) => {
				await trx.updateTable('audit_log').set({ action: 'rewritten' }).execute();
			});
		await expect(attempt).rejects.toMatchObject({
			code: '42501',
			message: expect.stringMatching(/append-only/)
		});
		expect(await auditRows()).toEqual([row]);
	});
});

describe('auditHistory', () => {
	async function record(objectId: string, municipalityCode: number | null, n: number) {
		for (let i = 0; i < n; i++) {
			await recordAudit(testDb(), cli, entry({ objectId, municipalityCode, after: { n: i } }));
		}
	}

	async function allPages(filter: Parameters<typeof auditHistory>[1], limit: number) {
		const pages: number[][] = [];
		let cursor: number | null = null;
		do {
			const page: Awaited<ReturnType<typeof auditHistory>> = await auditHistory(
				testDb(),
				filter,
				cursor,
				limit
			);
			pages.push(page.records.map((r) => r.id));
			cursor = page.next;
		} while (cursor !== null && pages.length < 100);
		return pages;
	}

	it('pages newest first with a keyset cursor', async () => {
		await record('cam-1', 101, 25);
		const pages = await allPages({ objectType: 'camera', objectId: 'cam-1' }, 10);
		expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
		const ids = pages.flat();
		expect(ids).toEqual([...ids].sort((a, b) => b - a));
		expect(new Set(ids).size).toBe(25);

		const first = await auditHistory(testDb(), { objectType: 'camera', objectId: 'cam-1' }, null, 10);
		expect(first.next).toBe(first.records.at(-1)!.id);
		expect(first.records[0]).toMatchObject({
			actorLabel: 'cli:operator',
			action: 'camera.update',
			objectType: 'camera',
			objectId: 'cam-1',
			before: null,
			after: { n: 24 },
			clientAddress: null
		});
		expect(first.records[0].at).toBeInstanceOf(Date);
	});

	it('ends with next = null when the last page is exactly full', async () => {
		await record('cam-1', 101, 20);
		const pages = await allPages({ objectType: 'camera', objectId: 'cam-1' }, 10);
		expect(pages.map((p) => p.length)).toEqual([10, 10]);
		expect(await auditHistory(testDb(), { objectType: 'camera', objectId: 'nothing' })).toEqual({
			records: [],
			next: null
		});
	});

	it('is stable when new entries arrive between pages', async () => {
		await record('cam-1', 101, 15);
		const first = await auditHistory(testDb(), { objectType: 'camera', objectId: 'cam-1' }, null, 10);
		await record('cam-1', 101, 5);
		const second = await auditHistory(testDb(), { objectType: 'camera', objectId: 'cam-1' }, first.next, 10);
		expect(second.records).toHaveLength(5);
		expect(Math.max(...second.records.map((r) => r.id))).toBeLessThan(first.records.at(-1)!.id);
		expect(second.next).toBeNull();
	});

	it('filters by object, and by municipality', async () => {
		// Interleaved, so a missing filter would show up in every page.
		for (let i = 0; i < 6; i++) {
			await record('cam-1', 101, 1);
			await record('cam-2', 101, 1);
			await record('cam-3', 851, 1);
			await recordAudit(
				testDb(),
				cli,
				entry({ objectType: 'user', objectId: 'cam-1', municipalityCode: null })
			);
		}
		const cam1 = (await allPages({ objectType: 'camera', objectId: 'cam-1' }, 4)).flat();
		expect(cam1).toHaveLength(6);
		const cam1Rows = await auditHistory(testDb(), { objectType: 'camera', objectId: 'cam-1' }, null, 50);
		expect(cam1Rows.records.every((r) => r.objectType === 'camera' && r.objectId === 'cam-1')).toBe(true);

		const kbh = await auditHistory(testDb(), { municipalityCode: 101 }, null, 50);
		expect(kbh.records).toHaveLength(12);
		expect(new Set(kbh.records.map((r) => r.objectId))).toEqual(new Set(['cam-1', 'cam-2']));
		expect((await allPages({ municipalityCode: 101 }, 5)).flat()).toEqual(kbh.records.map((r) => r.id));

		const aalborg = await auditHistory(testDb(), { municipalityCode: 851 }, null, 50);
		expect(aalborg.records.map((r) => r.objectId)).toEqual(Array(6).fill('cam-3'));
		expect((await auditHistory(testDb(), { municipalityCode: 147 })).records).toEqual([]);
	});
});
