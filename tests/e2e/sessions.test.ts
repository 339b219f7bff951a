// Sessions and the login throttle through the real endpoints. Every failed sign-in here counts
// against the one client address all e2e tests share (127.0.0.1, limit 20 per 15 minutes), so
// this file spends only 7 of them; the per-address limit itself is proven in the integration tier.
import { expect, test, type APIResponse, type Browser, type Page } from '@playwright/test';
import { createDb, type Db } from '../../src/lib/server/db/connect';
import { sessionIdFromToken } from '../../src/lib/server/auth/session';
import { createUser } from '../../src/lib/server/users/service';
import { translate } from '../../src/lib/i18n';
import { formHeaders, PASSWORD } from './support';

const DAY = 24 * 60 * 60 * 1000;
const INVALID = translate('da', 'login.invalid');
const THROTTLED = translate('da', 'login.throttled', { minutes: 15 });

let db: Db;
test.beforeAll(() => {
	db = createDb(process.env.E2E_DATABASE_URL!, 2);
});
test.afterAll(async () => {
	await db.destroy();
});

/** A fresh ministry user (national scope) with a unique e-mail. */
async function freshUser(label: string) {
	const email = `sessions.${label}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@e2e.test`;
	const id = await createUser(
		db,
		{ userId: null, label: 'e2e-sessions', clientAddress: null },
		{ email, name: `Sessions ${label}`, role: 'ministry', municipalityCode: null, policeDistrict: null },
		PASSWORD
	);
	return { id, email };
}

function setCookies(response: APIResponse, name = 'session'): string[] {
	return response
		.headersArray()
		.filter((h) => h.name.toLowerCase() === 'set-cookie' && h.value.startsWith(`${name}=`))
		.map((h) => h.value);
}

function sessionToken(response: APIResponse): string {
	const [cookie] = setCookies(response);
	expect(cookie, 'a session cookie is set').toBeDefined();
	return cookie.slice('session='.length).split(';')[0];
}

function expectCleared(response: APIResponse) {
	const cookies = setCookies(response);
	expect(cookies).toHaveLength(1);
	expect(cookies[0]).toMatch(/^session=;/);
	expect(cookies[0]).toMatch(/;\s*Max-Age=0(;|$)/i);
}

async function sessionsOf(userId: string) {
	return db.selectFrom('sessions').selectAll().where('user_id', '=', userId).execute();
}

async function signInForm(page: Page, email: string, password: string) {
	await page.goto('/login?next=/account');
	await page.getByLabel(/E-mail/).fill(email);
	await page.getByLabel(/Adgangskode|Password/).fill(password);
	await page.getByRole('button', { name: /Log ind|Sign in/ }).click();
}

async function signedInPage(browser: Browser, email: string) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await signInForm(page, email, PASSWORD);
	await expect(page).toHaveURL(/\/account$/);
	await expect(page.getByTestId('current-user')).toBeVisible();
	return { context, page };
}

test('signing in sets an HttpOnly, SameSite=Lax session cookie for 30 days whose value is not stored', async ({
	request,
	baseURL
}) => {
	const user = await freshUser('cookie');
	const response = await request.post('/login', {
		headers: formHeaders(baseURL!),
		form: { email: user.email, password: PASSWORD },
		maxRedirects: 0
	});
	expect(response.status()).toBe(303);
	expect(response.headers()['location']).toBe('/');

	const [cookie] = setCookies(response);
	const attributes = cookie.split(';').map((a) => a.trim().toLowerCase());
	expect(attributes).toContain('httponly');
	expect(attributes).toContain('samesite=lax');
	expect(attributes).toContain('path=/');
	// Served over http here; SvelteKit would otherwise mark it Secure.
	expect(attributes).not.toContain('secure');
	const expires = Date.parse(cookie.match(/;\s*Expires=([^;]+)/i)![1]);
	expect(Math.abs(expires - (Date.now() + 30 * DAY))).toBeLessThan(5 * 60_000);

	const token = sessionToken(response);
	expect(token).toMatch(/^[a-z2-7]{32}$/);
	const stored = await sessionsOf(user.id);
	expect(stored).toHaveLength(1);
	expect(stored[0].id).toBe(sessionIdFromToken(token));
	expect(JSON.stringify(await db.selectFrom('sessions').selectAll().execute())).not.toContain(token);

	const state = await request.storageState();
	expect(state.cookies.find((c) => c.name === 'session')).toMatchObject({
		value: token,
		httpOnly: true,
		secure: false,
		sameSite: 'Lax',
		path: '/'
	});

	const account = await request.get('/account', { maxRedirects: 0 });
	expect(account.status()).toBe(200);
	expect(await account.text()).toContain(user.email);
});

test('signing out ends the session, and a stolen copy of the cookie is anonymous afterwards', async ({
	request,
	playwright,
	baseURL
}) => {
	const user = await freshUser('logout');
	const login = await request.post('/login', {
		headers: formHeaders(baseURL!),
		form: { email: user.email, password: PASSWORD },
		maxRedirects: 0
	});
	const stolen = sessionToken(login);
	const thief = await playwright.request.newContext({ baseURL });
	try {
		const before = await thief.get('/account', { headers: { cookie: `session=${stolen}` }, maxRedirects: 0 });
		expect(before.status(), 'the copy works while the session lives').toBe(200);

		// Another site cannot sign the user out (SvelteKit's origin check).
		const forged = await request.post('/logout', {
			headers: { ...formHeaders(baseURL!), origin: 'http://evil.example' },
			maxRedirects: 0
		});
		expect(forged.status()).toBe(403);
		expect(await sessionsOf(user.id)).toHaveLength(1);

		const logout = await request.post('/logout', { headers: formHeaders(baseURL!), maxRedirects: 0 });
		expect(logout.status()).toBe(303);
		expectCleared(logout);
		expect(await sessionsOf(user.id)).toEqual([]);

		const own = await request.get('/account', { maxRedirects: 0 });
		expect(own.status()).toBe(303);
		expect(own.headers()['location']).toMatch(/^\/login\?next=%2Faccount/);

		const replay = await thief.get('/account', { headers: { cookie: `session=${stolen}` }, maxRedirects: 0 });
		expect(replay.status()).toBe(303);
		expect(replay.headers()['location']).toMatch(/^\/login\?next=%2Faccount/);
		expectCleared(replay);
	} finally {
		await thief.dispose();
	}
});

test('a tampered session cookie is anonymous and gets cleared', async ({ browser, request, baseURL }) => {
	const user = await freshUser('tamper');
	const login = await request.post('/login', {
		headers: formHeaders(baseURL!),
		form: { email: user.email, password: PASSWORD },
		maxRedirects: 0
	});
	const token = sessionToken(login);
	const tampered = (token[0] === 'a' ? 'b' : 'a') + token.slice(1);
	expect(tampered).not.toBe(token);

	const response = await request.get('/account', {
		headers: { cookie: `session=${tampered}` },
		maxRedirects: 0
	});
	expect(response.status()).toBe(303);
	expect(response.headers()['location']).toMatch(/^\/login/);
	expectCleared(response);

	const context = await browser.newContext();
	try {
		await context.addCookies([{ name: 'session', value: tampered, url: baseURL! }]);
		const page = await context.newPage();
		await page.goto('/account');
		await expect(page).toHaveURL(/\/login\?next=%2Faccount$/);
		await expect(page.getByTestId('current-user')).toHaveCount(0);
		expect((await context.cookies()).find((c) => c.name === 'session')).toBeUndefined();
	} finally {
		await context.close();
	}
	// The genuine session was not touched by any of this.
	expect(await sessionsOf(user.id)).toHaveLength(1);
});

test('signing out everywhere from one browser ends the session of another', async ({ browser }) => {
	const user = await freshUser('everywhere');
	const laptop = await signedInPage(browser, user.email);
	const phone = await signedInPage(browser, user.email);
	try {
		expect(await sessionsOf(user.id)).toHaveLength(2);

		await laptop.page.getByRole('button', { name: /Log ud på alle enheder|Sign out everywhere/ }).click();
		await expect(laptop.page).toHaveURL(/\/login$/);
		expect(await sessionsOf(user.id)).toEqual([]);

		await phone.page.reload();
		await expect(phone.page).toHaveURL(/\/login\?next=%2Faccount$/);
		await expect(phone.page.getByTestId('current-user')).toHaveCount(0);

		const audit = await db
			.selectFrom('audit_log')
			.select(['action', 'actor_id', 'actor_label'])
			.where('object_id', '=', user.id)
			.where('action', '=', 'user.signOutEverywhere')
			.execute();
		expect(audit).toEqual([{ action: 'user.signOutEverywhere', actor_id: user.id, actor_label: user.email }]);
	} finally {
		await laptop.context.close();
		await phone.context.close();
	}
});

test('a wrong password and an unknown e-mail get the same single generic message', async ({ page }) => {
	const user = await freshUser('generic');
	await signInForm(page, user.email, 'wrong-password-000');
	await expect(page.getByTestId('login-error')).toHaveText(INVALID);
	await expect(page).toHaveURL(/\/login/);

	await signInForm(page, `nobody.${Date.now()}@e2e.test`, PASSWORD);
	await expect(page.getByTestId('login-error')).toHaveText(INVALID);
	await expect(page.getByRole('alert')).toHaveCount(1);
	expect(await sessionsOf(user.id)).toEqual([]);
});

test('after 5 failures the 6th attempt is refused, even with the right password', async ({
	request,
	page,
	baseURL
}) => {
	const user = await freshUser('throttle');
	const attempt = (password: string) =>
		request.post('/login', {
			headers: formHeaders(baseURL!),
			form: { email: user.email, password },
			maxRedirects: 0
		});
	for (let i = 1; i <= 5; i++) {
		const failed = await attempt(`wrong-password-${i}`);
		expect(failed.status(), `attempt ${i}`).toBe(400);
		expect(await failed.text()).toContain(INVALID);
	}

	const refused = await attempt(PASSWORD);
	expect(refused.status()).toBe(429);
	const body = await refused.text();
	expect(body).toContain(THROTTLED);
	expect(body).not.toContain(INVALID);
	expect(setCookies(refused)).toEqual([]);
	expect(await sessionsOf(user.id)).toEqual([]);

	// The same refusal in the browser; a throttled attempt is not counted, so this costs nothing.
	await signInForm(page, user.email, PASSWORD);
	await expect(page.getByTestId('login-error')).toHaveText(THROTTLED);
	await expect(page).toHaveURL(/\/login/);
	expect(await sessionsOf(user.id)).toEqual([]);
});
