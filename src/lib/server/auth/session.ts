// Sessions as the Lucia guide describes them: a random token in the cookie, only its SHA-256
// in the database, 30 days of sliding expiry renewed during the last 15.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Cookies } from '@sveltejs/kit';
import type { Db } from '../db/connect';
import type { Role } from '../db/schema';

export const SESSION_COOKIE = 'session';
const DAY_MS = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY_MS;
export const SESSION_RENEW_WITHIN_MS = 15 * DAY_MS;

export interface SessionUser {
	id: string;
	email: string;
	name: string;
	role: Role;
	municipalityCode: number | null;
	policeDistrict: number | null;
	isDemo: boolean;
}

export interface Session {
	id: string;
	userId: string;
	expiresAt: Date;
}

/** 20 random bytes (160 bits), base32. */
export function generateSessionToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdFromToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(
	db: Db,
	token: string,
	userId: string,
	clientAddress: string | null,
	now = new Date()
): Promise<Session> {
	const session = {
		id: sessionIdFromToken(token),
		user_id: userId,
		expires_at: new Date(now.getTime() + SESSION_LIFETIME_MS),
		client_address: clientAddress
	};
	await db.insertInto('sessions').values(session).execute();
	return { id: session.id, userId, expiresAt: session.expires_at };
}

export type SessionValidation = { session: Session; user: SessionUser } | { session: null; user: null };

/** Looks the token up; deletes it when expired, extends it when it is in its last 15 days. */
export async function validateSessionToken(
	db: Db,
	token: string,
	now = new Date()
): Promise<SessionValidation> {
	if (!/^[a-z2-7]{32}$/.test(token)) return { session: null, user: null };
	const id = sessionIdFromToken(token);
	const row = await db
		.selectFrom('sessions as s')
		.innerJoin('users as u', 'u.id', 's.user_id')
		.select([
			's.id',
			's.user_id',
			's.expires_at',
			'u.email',
			'u.name',
			'u.role',
			'u.municipality_code',
			'u.police_district',
			'u.disabled_at',
			'u.is_demo'
		])
		.where('s.id', '=', id)
		.executeTakeFirst();
	if (!row) return { session: null, user: null };
	if (now >= row.expires_at || row.disabled_at !== null) {
		await db.deleteFrom('sessions').where('id', '=', id).execute();
		return { session: null, user: null };
	}
	let expiresAt = row.expires_at;
	if (now.getTime() >= expiresAt.getTime() - SESSION_RENEW_WITHIN_MS) {
		expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
		await db.updateTable('sessions').set({ expires_at: expiresAt }).where('id', '=', id).execute();
	}
	return {
		session: { id, userId: row.user_id, expiresAt },
		user: {
			id: row.user_id,
			email: row.email,
			name: row.name,
			role: row.role,
			municipalityCode: row.municipality_code,
			policeDistrict: row.police_district,
			isDemo: row.is_demo
		}
	};
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
	await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function invalidateUserSessions(db: Db, userId: string): Promise<number> {
	const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
	return Number(result.numDeletedRows);
}

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date, secure: boolean) {
	cookies.set(SESSION_COOKIE, token, {
		httpOnly: true,
		sameSite: 'lax',
		secure,
		path: '/',
		expires: expiresAt
	});
}

export function deleteSessionCookie(cookies: Cookies, secure: boolean) {
	cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 0 });
}
