import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
	createSession,
	generateSessionToken,
	invalidateSession,
	invalidateUserSessions,
	sessionIdFromToken,
	validateSessionToken,
	SESSION_LIFETIME_MS
} from '../../src/lib/server/auth/session';
import { createUser } from '../../src/lib/server/users/service';
import { testDb } from './db';

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-12-01T10:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const actor = { userId: null, label: 'sessions-test', clientAddress: null };

let serial = 0;
async function newUser(overrides: { role?: 'ministry' | 'admin'; name?: string } = {}) {
	const email = `session.user.${++serial}@test.dk`;
	const id = await createUser(
		testDb(),
		actor,
		{
			email,
			name: overrides.name ?? `Session User ${serial}`,
			role: overrides.role ?? 'ministry',
			municipalityCode: null,
			policeDistrict: null
		},
		'a-long-enough-password'
	);
	return { id, email };
}

async function signIn(userId: string, now = T0) {
	const token = generateSessionToken();
	const session = await createSession(testDb(), token, userId, '192.0.2.7', now);
	return { token, session };
}

async function sessionRow(id: string) {
	return testDb().selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

async function sessionCount(userId?: string) {
	let query = testDb()
		.selectFrom('sessions')
		.select(sql<number>`count(*)`.as('n'));
	if (userId) query = query.where('user_id', '=', userId);
	return (await query.executeTakeFirstOrThrow()).n;
}

describe('session storage', () => {
	it('stores only the SHA-256 of the token, never the token itself', async () => {
		const user = await newUser();
		const { token, session } = await signIn(user.id);
		expect(session.id).toBe(sessionIdFromToken(token));
		expect(session.id).not.toBe(token);

		const rows = await sql<{ row: string }>`SELECT row_to_json(s)::text AS row FROM sessions s`.execute(
			testDb()
		);
		expect(rows.rows).toHaveLength(1);
		expect(rows.rows[0].row).toContain(session.id);
		expect(rows.rows[0].row).not.toContain(token);
		expect(await sessionRow(session.id)).toMatchObject({
			user_id: user.id,
			expires_at: new Date(T0.getTime() + SESSION_LIFETIME_MS),
			client_address: '192.0.2.7'
		});
	});

	it('validates a fresh token and returns its user', async () => {
		const user = await newUser({ role: 'admin', name: 'Ada Admin' });
		const { token, session } = await signIn(user.id);
		const result = await validateSessionToken(testDb(), token, at(1));
		expect(result.session).toEqual({ id: session.id, userId: user.id, expiresAt: at(30) });
		expect(result.user).toEqual({
			id: user.id,
			email: user.email,
			name: 'Ada Admin',
			role: 'admin',
			municipalityCode: null,
			policeDistrict: null,
			isDemo: false
		});
	});

	it('does not accept the stored hash as a token', async () => {
		const user = await newUser();
		const { session } = await signIn(user.id);
		expect(await validateSessionToken(testDb(), session.id, at(1))).toEqual({ session: null, user: null });
		expect(await sessionRow(session.id)).toBeDefined();
	});
});

describe('expiry and renewal', () => {
	it('ends the session at 30 days and deletes its row', async () => {
		const user = await newUser();
		const { token, session } = await signIn(user.id);
		const other = await signIn(user.id, at(20));

		const justBefore = new Date(at(30).getTime() - 1);
		expect((await validateSessionToken(testDb(), token, justBefore)).user?.id).toBe(user.id);
		// That validation renewed it; put the original expiry back to test the boundary itself.
		await testDb()
			.updateTable('sessions')
			.set({ expires_at: at(30) })
			.where('id', '=', session.id)
			.execute();

		expect(await validateSessionToken(testDb(), token, at(30))).toEqual({ session: null, user: null });
		expect(await sessionRow(session.id)).toBeUndefined();
		// Later attempts with the same token find nothing either.
		expect((await validateSessionToken(testDb(), token, at(1))).session).toBeNull();
		// Only the expired session went away.
		expect(await sessionRow(other.session.id)).toBeDefined();
	});

	it('extends a session used in its last 15 days to 30 days from now', async () => {
		const user = await newUser();
		const { token, session } = await signIn(user.id);
		const result = await validateSessionToken(testDb(), token, at(16));
		expect(result.session?.expiresAt).toEqual(at(46));
		expect((await sessionRow(session.id))?.expires_at).toEqual(at(46));
		// Renewed, it outlives its original 30 days.
		expect((await validateSessionToken(testDb(), token, at(40))).user?.id).toBe(user.id);
	});

	it('does not move the expiry of a session used in its first 15 days', async () => {
		const user = await newUser();
		const { token, session } = await signIn(user.id);
		const result = await validateSessionToken(testDb(), token, at(10));
		expect(result.session?.expiresAt).toEqual(at(30));
		expect((await sessionRow(session.id))?.expires_at).toEqual(at(30));
		// Not renewed, it still ends on day 30.
		expect((await validateSessionToken(testDb(), token, at(30))).session).toBeNull();
	});
});

describe('ending sessions', () => {
	it('invalidateSession ends one session and leaves the others', async () => {
		const user = await newUser();
		const a = await signIn(user.id);
		const b = await signIn(user.id);
		await invalidateSession(testDb(), a.session.id);
		expect(await validateSessionToken(testDb(), a.token, at(1))).toEqual({ session: null, user: null });
		expect(await sessionRow(a.session.id)).toBeUndefined();
		expect((await validateSessionToken(testDb(), b.token, at(1))).user?.id).toBe(user.id);
	});

	it("invalidateUserSessions ends all of one user's sessions and nobody else's", async () => {
		const user = await newUser();
		const bystander = await newUser();
		const mine = [await signIn(user.id), await signIn(user.id), await signIn(user.id)];
		const theirs = await signIn(bystander.id);

		expect(await invalidateUserSessions(testDb(), user.id)).toBe(3);
		for (const { token } of mine)
			expect((await validateSessionToken(testDb(), token, at(1))).session).toBeNull();
		expect(await sessionCount(user.id)).toBe(0);
		expect((await validateSessionToken(testDb(), theirs.token, at(1))).user?.id).toBe(bystander.id);
	});

	it("refuses and deletes a disabled user's session", async () => {
		const user = await newUser();
		const { token, session } = await signIn(user.id);
		// Straight in the table, so the session row survives the way it would after a partial failure.
		await testDb()
			.updateTable('users')
			.set({ disabled_at: at(0) })
			.where('id', '=', user.id)
			.execute();
		expect(await validateSessionToken(testDb(), token, at(1))).toEqual({ session: null, user: null });
		expect(await sessionRow(session.id)).toBeUndefined();
	});
});

describe('tampered tokens', () => {
	it('gives no session for altered, truncated, extended, upper-cased or empty tokens', async () => {
		const user = await newUser();
		const { token } = await signIn(user.id);
		const flip = (c: string) => (c === 'a' ? 'b' : 'a');
		const letter = token.search(/[a-z]/);
		const tampered = [
			flip(token[0]) + token.slice(1),
			token.slice(0, 16) + flip(token[16]) + token.slice(17),
			token.slice(0, -1) + flip(token.at(-1)!),
			token.slice(0, -1),
			token + 'a',
			token.toUpperCase(),
			token.slice(0, letter) + token[letter].toUpperCase() + token.slice(letter + 1),
			` ${token}`,
			`${token}\n`,
			''
		];
		for (const candidate of tampered) {
			expect(candidate).not.toBe(token);
			expect(await validateSessionToken(testDb(), candidate, at(1)), JSON.stringify(candidate)).toEqual({
				session: null,
				user: null
			});
		}
		// None of that harmed the genuine session.
		expect((await validateSessionToken(testDb(), token, at(1))).user?.id).toBe(user.id);
		expect(await sessionCount()).toBe(1);
	});
});
