// Shared helpers for end-to-end tests: users in known scopes, created once in the e2e database
// (the app has already seeded the demo boundaries before Playwright starts the tests).
import type { APIRequestContext, Page } from '@playwright/test';
import { createDb } from '../../src/lib/server/db/connect';
import { createUser } from '../../src/lib/server/users/service';
import type { Role } from '../../src/lib/server/db/schema';

export const PASSWORD = 'e2e-password-0123456789';

/** København (101) lies in Københavns Politi (11); Aalborg (851) in Nordjyllands Politi (1). */
export const OWN_MUNICIPALITY = 101;
export const OTHER_MUNICIPALITY = 851;

export interface TestUser {
	key: 'planner' | 'police' | 'ministry' | 'admin';
	email: string;
	name: string;
	role: Role;
	municipalityCode: number | null;
	policeDistrict: number | null;
}

export const USERS: Record<TestUser['key'], TestUser> = {
	planner: {
		key: 'planner',
		email: 'planner.101@e2e.test',
		name: 'E2E Planner 101',
		role: 'planner',
		municipalityCode: 101,
		policeDistrict: null
	},
	police: {
		key: 'police',
		email: 'police.11@e2e.test',
		name: 'E2E Police 11',
		role: 'police',
		municipalityCode: null,
		policeDistrict: 11
	},
	ministry: {
		key: 'ministry',
		email: 'ministry@e2e.test',
		name: 'E2E Ministry',
		role: 'ministry',
		municipalityCode: null,
		policeDistrict: null
	},
	admin: {
		key: 'admin',
		email: 'admin@e2e.test',
		name: 'E2E Admin',
		role: 'admin',
		municipalityCode: null,
		policeDistrict: null
	}
};

/** Creates the test users that do not exist yet; returns their ids by key. */
export async function ensureTestUsers(): Promise<Record<TestUser['key'], string>> {
	const db = createDb(process.env.E2E_DATABASE_URL!, 1);
	try {
		const ids = {} as Record<TestUser['key'], string>;
		for (const u of Object.values(USERS)) {
			const existing = await db
				.selectFrom('users')
				.select('id')
				.where('email', '=', u.email)
				.executeTakeFirst();
			ids[u.key] =
				existing?.id ??
				(await createUser(db, { userId: null, label: 'e2e-setup', clientAddress: null }, u, PASSWORD));
		}
		return ids;
	} finally {
		await db.destroy();
	}
}

/** Form posts need the app's Origin header, as a browser would send it (SvelteKit's CSRF check). */
export function formHeaders(baseURL: string) {
	return { origin: baseURL, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' };
}

/** Signs in through the real login form action; the request context keeps the session cookie. */
export async function signInRequest(
	request: APIRequestContext,
	baseURL: string,
	user: TestUser,
	password = PASSWORD
) {
	return request.post('/login', {
		headers: formHeaders(baseURL),
		form: { email: user.email, password },
		maxRedirects: 0
	});
}

export async function signInPage(page: Page, user: TestUser, password = PASSWORD) {
	await page.goto('/login');
	await page.getByLabel(/E-mail/).fill(user.email);
	await page.getByLabel(/Adgangskode|Password/).fill(password);
	await page.getByRole('button', { name: /Log ind|Sign in/ }).click();
}
