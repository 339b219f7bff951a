import { expect, test } from '@playwright/test';
import { OTHER_MUNICIPALITY, OWN_MUNICIPALITY, USERS, ensureTestUsers, signInPage } from './support';

test.beforeAll(async () => {
	await ensureTestUsers();
});

test('a planner signs in, sees their own municipality, is refused another one, and signs out', async ({
	page
}) => {
	await signInPage(page, USERS.planner);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.planner.name);

	await page.getByRole('link', { name: 'Min kommune' }).click();
	await expect(page).toHaveURL(new RegExp(`/kommune/${OWN_MUNICIPALITY}$`));
	await expect(page.getByRole('heading', { name: 'København Kommune' })).toBeVisible();
	await expect(page.getByTestId('workspace')).toContainText(USERS.planner.email);

	const response = await page.goto(`/kommune/${OTHER_MUNICIPALITY}`);
	expect(response?.status()).toBe(403);
	await expect(page.getByTestId('error-page')).toContainText('Du har ikke adgang til dette.');
	await expect(page.getByTestId('workspace')).toHaveCount(0);

	await page.getByRole('button', { name: 'Log ud' }).click();
	await expect(page).toHaveURL(/\/$/);
	await expect(page.getByRole('link', { name: 'Log ind' })).toBeVisible();
	const afterSignOut = await page.goto(`/kommune/${OWN_MUNICIPALITY}`);
	expect(afterSignOut?.url()).toContain('/login?next=');
});

test('error pages carry no stack trace or internals', async ({ page }) => {
	const response = await page.goto('/kommune/abc');
	expect(response?.status()).toBe(404);
	const text = await page.getByTestId('error-page').innerText();
	expect(text).not.toMatch(/at .*\.(js|ts):\d+|node_modules|Error:/);
});

test('responses carry security headers and a CSP that lets the map work', async ({ page, request }) => {
	const response = await request.get('/');
	const headers = response.headers();
	expect(headers['x-content-type-options']).toBe('nosniff');
	expect(headers['x-frame-options']).toBe('DENY');
	expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
	const csp = headers['content-security-policy'];
	expect(csp).toContain("default-src 'self'");
	expect(csp).toMatch(/worker-src 'self' blob:/);
	expect(csp).toContain("frame-ancestors 'none'");
	expect(csp).toMatch(/script-src 'self' 'nonce-/);

	const violations: string[] = [];
	page.on('console', (m) => {
		if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
	});
	await page.goto('/');
	await expect(page.getByTestId('map')).toHaveAttribute('data-loaded', 'true');
	expect(violations).toEqual([]);
});
