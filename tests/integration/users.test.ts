import { sql } from 'kysely';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditActor } from '../../src/lib/server/audit/service';
import { verifyPassword } from '../../src/lib/server/auth/password';
import { createSession, generateSessionToken } from '../../src/lib/server/auth/session';
import { loadDemoBoundaries } from '../../src/lib/server/boundaries/demo';
import { InputError } from '../../src/lib/server/errors';
import {
	createUser,
	disableUser,
	enableUser,
	getUser,
	listUsers,
	setRole
} from '../../src/lib/server/users/service';
import {
	fieldErrors,
	inputErrorMessage,
	newUserSchema,
	passwordSchema,
	roleScopeSchema,
	type NewUser
} from '../../src/lib/server/users/validation';
import { testDb } from './db';

const admin: AuditActor = { userId: null, label: 'admin@test.dk', clientAddress: '192.0.2.7' };
const PASSWORD = 'integration-password-1';

function planner(overrides: Partial<NewUser> = {}): NewUser {
	return {
		email: 'planner@test.dk',
		name: 'Pia Planlægger',
		role: 'planner',
		municipalityCode: 101,
		policeDistrict: null,
		...overrides
	};
}

async function auditRows(objectId?: string) {
	let query = testDb().selectFrom('audit_log').selectAll().orderBy('id');
	if (objectId) query = query.where('object_id', '=', objectId);
	return query.execute();
}

async function counts() {
	const [users, audit] = await Promise.all([
		testDb()
			.selectFrom('users')
			.select(sql<number>`count(*)`.as('n'))
			.executeTakeFirstOrThrow(),
		testDb()
			.selectFrom('audit_log')
			.select(sql<number>`count(*)`.as('n'))
			.executeTakeFirstOrThrow()
	]);
	return { users: users.n, audit: audit.n };
}

/** The InputError a promise rejects with. */
async function inputError(promise: Promise<unknown>): Promise<InputError> {
	const err = await promise.then(
		() => null,
		(e: unknown) => e
	);
	expect(err).toBeInstanceOf(InputError);
	return err as InputError;
}

beforeEach(async () => {
	await loadDemoBoundaries(testDb());
});

describe('validation', () => {
	it('names every bad field of a new user at once', () => {
		const result = newUserSchema.safeParse({ email: 'not-an-address', name: '  ', role: 'planner' });
		expect(result.success).toBe(false);
		expect(fieldErrors(result.error!, 'en')).toEqual({
			email: 'email must be a valid e-mail address',
			name: 'name is required',
			municipalityCode: 'a planner needs a municipality'
		});
		// The same issues in Danish, for the admin pages.
		expect(fieldErrors(result.error!, 'da')).toEqual({
			email: 'Skriv en gyldig e-mailadresse.',
			name: 'Navnet skal udfyldes.',
			municipalityCode: 'En planlægger skal have en kommune.'
		});
	});

	it('normalises the e-mail and reads codes from form strings', () => {
		const result = newUserSchema.parse({
			email: '  Pia@Test.DK ',
			name: ' Pia ',
			role: 'planner',
			municipalityCode: '101',
			policeDistrict: ''
		});
		expect(result).toEqual({
			email: 'pia@test.dk',
			name: 'Pia',
			role: 'planner',
			municipalityCode: 101,
			policeDistrict: null
		});
	});

	it('asks each role for exactly its scope', () => {
		const errors = (input: object) => {
			const r = roleScopeSchema.safeParse(input);
			return r.success ? null : fieldErrors(r.error, 'en');
		};
		expect(errors({ role: 'planner' })).toEqual({ municipalityCode: 'a planner needs a municipality' });
		expect(errors({ role: 'police', municipalityCode: '101' })).toEqual({
			policeDistrict: 'a police reviewer needs a police district'
		});
		expect(errors({ role: 'chief' })).toHaveProperty('role');
		expect(errors({ role: 'planner', municipalityCode: 'abc' })).toEqual({
			municipalityCode: 'municipality must be a number'
		});
		expect(errors({ role: 'planner', municipalityCode: '1000' })).toEqual({
			municipalityCode: 'municipality must be between 100 and 999'
		});
		// A scope that does not belong to the role is dropped, not stored.
		expect(roleScopeSchema.parse({ role: 'police', municipalityCode: '101', policeDistrict: '11' })).toEqual({
			role: 'police',
			municipalityCode: null,
			policeDistrict: 11
		});
		expect(
			roleScopeSchema.parse({ role: 'ministry', municipalityCode: '101', policeDistrict: '11' })
		).toEqual({
			role: 'ministry',
			municipalityCode: null,
			policeDistrict: null
		});
	});

	it('wants passwords of at least 12 characters', () => {
		expect(passwordSchema.safeParse('short').success).toBe(false);
		expect(passwordSchema.safeParse('twelve-chars').success).toBe(true);
	});

	it('is backed by the database: a scope that does not match the role cannot be stored', async () => {
		const insert = (role: string, municipality: number | null, district: number | null) =>
			testDb()
				.insertInto('users')
				.values({
					email: `${role}@test.dk`,
					name: role,
					role: role as NewUser['role'],
					municipality_code: municipality,
					police_district: district,
					password_hash: 'x'
				})
				.execute();
		await expect(insert('planner', null, null)).rejects.toThrow(/users_scope_matches_role/);
		await expect(insert('police', 101, 11)).rejects.toThrow(/users_scope_matches_role/);
		await expect(insert('admin', 101, null)).rejects.toThrow(/users_scope_matches_role/);
	});
});

describe('createUser', () => {
	it('stores the user with a password hash and records the creation without it', async () => {
		const id = await createUser(testDb(), admin, planner(), PASSWORD);
		const row = await testDb().selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
		expect(row).toMatchObject({ email: 'planner@test.dk', role: 'planner', municipality_code: 101 });
		expect(row.password_hash).toMatch(/^\$argon2id\$/);
		expect(await verifyPassword(row.password_hash, PASSWORD)).toBe(true);

		const audit = await auditRows();
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({
			actor_id: null,
			actor_label: 'admin@test.dk',
			action: 'user.create',
			object_type: 'user',
			object_id: id,
			municipality_code: 101,
			before: null,
			after: {
				email: 'planner@test.dk',
				name: 'Pia Planlægger',
				role: 'planner',
				municipalityCode: 101,
				policeDistrict: null,
				disabled: false
			},
			client_address: '192.0.2.7'
		});
		const recorded = JSON.stringify(audit);
		expect(recorded).not.toContain(row.password_hash);
		expect(recorded).not.toContain(PASSWORD);
		expect(recorded).not.toMatch(/password/i);
	});

	it('refuses an e-mail that is taken, with 409 on the email field', async () => {
		await createUser(testDb(), admin, planner(), PASSWORD);
		const again = newUserSchema.parse({ ...planner(), email: 'PLANNER@test.dk', municipalityCode: 851 });
		const err = await inputError(createUser(testDb(), admin, again, PASSWORD));
		expect(err).toMatchObject({ field: 'email', status: 409 });
		expect(await counts()).toEqual({ users: 1, audit: 1 });
	});

	it('refuses an unknown municipality or police district and writes nothing', async () => {
		const err = await inputError(createUser(testDb(), admin, planner({ municipalityCode: 999 }), PASSWORD));
		expect(err).toMatchObject({ field: 'municipalityCode', status: 400 });
		expect(err.message).toMatch(/999/);
		const police = planner({ role: 'police', municipalityCode: null, policeDistrict: 77 });
		expect(await inputError(createUser(testDb(), admin, police, PASSWORD))).toMatchObject({
			field: 'policeDistrict',
			status: 400
		});
		expect(await counts()).toEqual({ users: 0, audit: 0 });
	});
});

describe('setRole', () => {
	it('changes role and scope and records before and after', async () => {
		const id = await createUser(testDb(), admin, planner(), PASSWORD);
		await setRole(testDb(), admin, id, { role: 'police', municipalityCode: null, policeDistrict: 11 });

		const user = await getUser(testDb(), id);
		expect(user).toMatchObject({
			role: 'police',
			municipalityCode: null,
			policeDistrict: 11,
			policeDistrictName: 'Københavns Politi'
		});
		const [, change] = await auditRows(id);
		expect(change).toMatchObject({
			action: 'user.setRole',
			actor_label: 'admin@test.dk',
			// Still found under the municipality the user belonged to.
			municipality_code: 101,
			before: { role: 'planner', municipalityCode: 101, policeDistrict: null },
			after: { role: 'police', municipalityCode: null, policeDistrict: 11 }
		});
	});

	it('refuses an unknown municipality and an unknown user without writing', async () => {
		const id = await createUser(testDb(), admin, planner(), PASSWORD);
		const err = await inputError(
			setRole(testDb(), admin, id, { role: 'planner', municipalityCode: 998, policeDistrict: null })
		);
		expect(err).toMatchObject({ field: 'municipalityCode', status: 400 });
		const missing = await inputError(
			setRole(testDb(), admin, '00000000-0000-4000-8000-000000000000', {
				role: 'ministry',
				municipalityCode: null,
				policeDistrict: null
			})
		);
		expect(missing).toMatchObject({ field: 'id', status: 404 });
		expect(inputErrorMessage(err, 'da')).toBe('Ingen kommune har koden 998.');
		expect(inputErrorMessage(err, 'en')).toBe(err.message);
		expect(await getUser(testDb(), id)).toMatchObject({ role: 'planner', municipalityCode: 101 });
		expect(await counts()).toEqual({ users: 1, audit: 1 });
	});
});

describe('the last active admin', () => {
	const national = { role: 'ministry', municipalityCode: null, policeDistrict: null } as const;
	const adminUser = (email: string) =>
		createUser(testDb(), admin, { ...planner({ email }), ...national, role: 'admin' }, PASSWORD);

	it("cannot be demoted or disabled, with a 409 in the reader's language and nothing written", async () => {
		const only = await adminUser('only-admin@test.dk');
		// A disabled admin does not count.
		const dormant = await adminUser('dormant-admin@test.dk');
		await disableUser(testDb(), admin, dormant);
		const before = await counts();

		const demoted = await inputError(setRole(testDb(), admin, only, national));
		expect(demoted).toMatchObject({ field: 'role', status: 409 });
		expect(demoted.message).toBe('the last active admin cannot be demoted or disabled');
		expect(inputErrorMessage(demoted, 'da')).toBe(
			'Den sidste aktive administrator kan hverken fratages rollen eller deaktiveres.'
		);
		expect(await inputError(disableUser(testDb(), admin, only))).toMatchObject({
			field: 'form',
			status: 409
		});
		expect(await getUser(testDb(), only)).toMatchObject({ role: 'admin', disabledAt: null });
		expect(await counts()).toEqual(before);

		// Keeping the role, or changing a non-admin, is not affected.
		await setRole(testDb(), admin, only, { ...national, role: 'admin' });
		const other = await createUser(testDb(), admin, planner(), PASSWORD);
		await disableUser(testDb(), admin, other);

		// With a second active admin either can go.
		await enableUser(testDb(), admin, dormant);
		await setRole(testDb(), admin, only, national);
		expect(await inputError(disableUser(testDb(), admin, dormant))).toMatchObject({ status: 409 });
	});

	it('survives two admins demoting each other at the same time', async () => {
		const a = await adminUser('a-admin@test.dk');
		const b = await adminUser('b-admin@test.dk');
		const results = await Promise.allSettled([
			setRole(testDb(), admin, a, national),
			disableUser(testDb(), admin, b)
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		expect(refused.reason).toMatchObject({ status: 409 });
		const active = await testDb()
			.selectFrom('users')
			.select('id')
			.where('role', '=', 'admin')
			.where('disabled_at', 'is', null)
			.execute();
		expect(active).toHaveLength(1);
	});
});

describe('disableUser and enableUser', () => {
	it('disables, ends every session and records it; enabling records too', async () => {
		const id = await createUser(testDb(), admin, planner(), PASSWORD);
		const other = await createUser(testDb(), admin, planner({ email: 'other@test.dk' }), PASSWORD);
		for (const user of [id, id, other]) await createSession(testDb(), generateSessionToken(), user, null);

		await disableUser(testDb(), admin, id);
		const sessions = await testDb().selectFrom('sessions').select('user_id').execute();
		expect(sessions).toEqual([{ user_id: other }]);
		expect((await getUser(testDb(), id))!.disabledAt).toBeInstanceOf(Date);

		await enableUser(testDb(), admin, id);
		expect((await getUser(testDb(), id))!.disabledAt).toBeNull();
		const [, disabled, enabled] = await auditRows(id);
		expect(disabled).toMatchObject({
			action: 'user.disable',
			before: { disabled: false },
			after: { disabled: true }
		});
		expect(enabled).toMatchObject({
			action: 'user.enable',
			before: { disabled: true },
			after: { disabled: false }
		});
	});

	it('deletes the sessions in the same transaction as the change and its audit row', async () => {
		const db = testDb();
		const id = await createUser(db, admin, planner(), PASSWORD);
		await createSession(db, generateSessionToken(), id, null);

		// Hold a lock on the session so that disableUser stops at its session delete; until then
		// nothing of the change may be visible to others.
		let release!: () => void;
		const released = new Promise<void>((resolve) => (release = resolve));
		let holding!: () => void;
		const held = new Promise<void>((resolve) => (holding = resolve));
		const locker = db.transaction().execute(async (trx) => {
			await trx.selectFrom('sessions').select('id').where('user_id', '=', id).forUpdate().execute();
			holding();
			await released;
		});
		await held;
		const disabling = disableUser(db, admin, id);
		try {
			await vi.waitFor(
				async () => {
					const waiting = await sql<{ n: number }>`
						SELECT count(*) AS n FROM pg_stat_activity
						WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE 'delete from "sessions"%'
					`.execute(db);
					expect(waiting.rows[0].n).toBe(1);
				},
				{ timeout: 10_000, interval: 50 }
			);
			expect((await getUser(db, id))!.disabledAt).toBeNull();
			expect(await auditRows(id)).toHaveLength(1);
		} finally {
			release();
			await locker;
			await disabling;
		}
		expect((await getUser(db, id))!.disabledAt).toBeInstanceOf(Date);
		expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
		expect((await auditRows(id)).map((r) => r.action)).toEqual(['user.create', 'user.disable']);
	});
});

describe('listUsers', () => {
	it('pages by e-mail, 25 a page, and filters by text, role and municipality', async () => {
		const db = testDb();
		for (let i = 0; i < 27; i++) {
			const n = String(i).padStart(2, '0');
			await createUser(db, admin, planner({ email: `p${n}@test.dk`, name: `Planner ${n}` }), PASSWORD);
		}
		await createUser(
			db,
			admin,
			planner({ email: 'aalborg@test.dk', name: 'Anna 100% Aalborg', municipalityCode: 851 }),
			PASSWORD
		);
		await createUser(
			db,
			admin,
			planner({
				email: 'politi@test.dk',
				name: 'Poul',
				role: 'police',
				municipalityCode: null,
				policeDistrict: 1
			}),
			PASSWORD
		);

		const first = await listUsers(db);
		expect(first).toMatchObject({ page: 1, pageSize: 25, total: 29 });
		expect(first.users).toHaveLength(25);
		expect(first.users[0]).toMatchObject({ email: 'aalborg@test.dk', municipalityName: 'Aalborg' });
		const second = await listUsers(db, { page: 2 });
		expect(second.users.map((u) => u.email)).toEqual([
			'p24@test.dk',
			'p25@test.dk',
			'p26@test.dk',
			'politi@test.dk'
		]);
		expect(second.total).toBe(29);

		expect((await listUsers(db, { role: 'police' })).users.map((u) => u.email)).toEqual(['politi@test.dk']);
		const aalborg = await listUsers(db, { municipalityCode: 851 });
		expect(aalborg).toMatchObject({ total: 1, users: [{ email: 'aalborg@test.dk' }] });
		expect((await listUsers(db, { municipalityCode: 101 })).total).toBe(27);
		expect((await listUsers(db, { search: 'PLANNER 1' })).users.map((u) => u.email)).toEqual(
			Array.from({ length: 10 }, (_, i) => `p1${i}@test.dk`)
		);
		// Wildcards in the search text are literal.
		expect((await listUsers(db, { search: '%' })).users.map((u) => u.email)).toEqual(['aalborg@test.dk']);
		expect((await listUsers(db, { search: 'p_0' })).total).toBe(0);
		expect(await listUsers(db, { role: 'admin' })).toMatchObject({ users: [], total: 0 });
	});

	it('finds nobody for an id that is not a uuid', async () => {
		expect(await getUser(testDb(), 'not-a-uuid')).toBeNull();
	});
});
