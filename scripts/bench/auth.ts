// The cost of signing in (argon2id) and of validating a session on every request.
import { ARGON2_PARAMS, hashPassword, verifyPassword } from '../../src/lib/server/auth/password';
import { authenticate } from '../../src/lib/server/auth/login';
import { createSession, generateSessionToken, validateSessionToken } from '../../src/lib/server/auth/session';
import type { Db } from '../../src/lib/server/db/connect';
import { createUser } from '../../src/lib/server/users/service';
import { summarize, timeMs, type Timing } from './stats';

export interface AuthBenchResult {
	argon2: typeof ARGON2_PARAMS;
	hash: Timing;
	verify: Timing;
	login: Timing;
	validateSession: Timing;
	tileAnonymous: Timing;
	tileWithSession: Timing;
}

async function repeat(n: number, fn: () => Promise<unknown>): Promise<number[]> {
	const samples: number[] = [];
	for (let i = 0; i < n; i++) samples.push(await timeMs(fn));
	return samples;
}

export async function benchAuth(db: Db, origin: string): Promise<AuthBenchResult> {
	const password = 'bench-password-0123456789';
	const actor = { userId: null, label: 'bench', clientAddress: null };
	const userId = await createUser(
		db,
		actor,
		{
			email: 'bench@bench.test',
			name: 'Bench',
			role: 'ministry',
			municipalityCode: null,
			policeDistrict: null
		},
		password
	);
	const stored = await hashPassword(password);
	const hash = await repeat(20, () => hashPassword(password));
	const verify = await repeat(50, () => verifyPassword(stored, password));
	const login = await repeat(30, async () => {
		const result = await authenticate(db, 'bench@bench.test', password, '127.0.0.1', false);
		if (!result.ok) throw new Error('bench sign-in failed');
	});

	const token = generateSessionToken();
	await createSession(db, token, userId, null);
	await validateSessionToken(db, token);
	const validateSession = await repeat(2000, () => validateSessionToken(db, token));

	// The same cheap request with and without a session: the difference is what a session costs per request.
	const tile = `${origin}/tiles/municipalities/12/2190/1281.mvt`;
	const get = (headers: Record<string, string>) => async () => (await fetch(tile, { headers })).arrayBuffer();
	await repeat(20, get({}));
	const tileAnonymous = await repeat(500, get({}));
	const tileWithSession = await repeat(500, get({ cookie: `session=${token}` }));

	return {
		argon2: ARGON2_PARAMS,
		hash: summarize(hash),
		verify: summarize(verify),
		login: summarize(login),
		validateSession: summarize(validateSession),
		tileAnonymous: summarize(tileAnonymous),
		tileWithSession: summarize(tileWithSession)
	};
}
