import { expect, test } from '@playwright/test';
import { USERS, ensureTestUsers, formHeaders, signInPage, type TestUser } from './support';

let ids: Record<TestUser['key'], string>;

test.beforeAll(async () => {
	ids = await ensureTestUsers();
});

test('an admin creates a planner, changes the role, disables the account and reads the history', async ({
	page,
	browser,
	baseURL
}) => {
	await signInPage(page, USERS.admin);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.admin.name);
	await page.getByRole('link', { name: 'Brugere' }).click();
	await expect(page.getByRole('heading', { name: 'Brugere' })).toBeVisible();
	await expect(page.getByTestId('user-table')).toContainText(USERS.planner.email);

	// Filters live in the URL.
	await page.getByLabel('Rolle').selectOption('police');
	await page.getByRole('button', { name: 'Filtrér' }).click();
	await expect(page).toHaveURL(/[?&]rolle=police\b/);
	await expect(page.getByTestId('user-table')).toContainText(USERS.police.email);
	await expect(page.getByTestId('user-table')).not.toContainText(USERS.planner.email);

	await page.getByRole('link', { name: 'Opret bruger' }).click();
	// Type only once the navigation has finished: its last render would reset the inputs.
	await expect(page).toHaveURL(/\/admin\/users\/new$/);
	const email = `ny.planlaegger.${Date.now()}@e2e.test`;
	await page.getByLabel('E-mail').fill('ikke-en-adresse');
	await page.getByLabel('Navn').fill('Ny Planlægger');
	await page.getByLabel('Rolle').selectOption('planner');
	await page.getByLabel('Kommune').selectOption('101');
	await page.getByRole('button', { name: 'Opret bruger' }).click();
	// In Danish, like the rest of the page.
	await expect(page.getByTestId('error-email')).toHaveText('Skriv en gyldig e-mailadresse.');
	await expect(page.getByLabel('E-mail')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByLabel('Navn')).toHaveValue('Ny Planlægger');
	await expect(page.getByLabel('Kommune')).toHaveValue('101');

	await page.getByLabel('E-mail').fill(email);
	await page.getByRole('button', { name: 'Opret bruger' }).click();
	await expect(page.getByTestId('user-created')).toContainText(email);
	const password = (await page.getByTestId('generated-password').innerText()).trim();
	expect(password).toMatch(/^[\w-]{24}$/);
	const userUrl = await page.getByRole('link', { name: 'Gå til brugeren' }).getAttribute('href');

	// Shown once: the page does not have it any more.
	await page.reload();
	await expect(page.getByRole('heading', { name: 'Opret bruger' })).toBeVisible();
	await expect(page.getByTestId('generated-password')).toHaveCount(0);

	// The new planner can sign in with it.
	const planner = await browser.newContext({ baseURL, locale: 'da-DK' });
	const plannerPage = await planner.newPage();
	await signInPage(plannerPage, { ...USERS.planner, email, name: 'Ny Planlægger' }, password);
	await expect(plannerPage.getByTestId('current-user')).toHaveText('Ny Planlægger');

	await page.goto(userUrl!);
	await expect(page.getByRole('heading', { name: 'Ny Planlægger' })).toBeVisible();
	await expect(page.getByTestId('user-role')).toHaveText('Planlægger');
	await expect(page.getByTestId('user-scope')).toHaveText('København (101)');

	// A planner without a municipality is refused next to the field.
	await page.getByLabel('Kommune').selectOption('');
	await page.getByRole('button', { name: 'Gem rolle' }).click();
	await expect(page.getByTestId('error-municipalityCode')).toBeVisible();
	await expect(page.getByTestId('user-role')).toHaveText('Planlægger');

	await page.getByLabel('Rolle').selectOption('police');
	await page.getByLabel('Politikreds').selectOption('11');
	await page.getByRole('button', { name: 'Gem rolle' }).click();
	await expect(page.getByRole('status')).toHaveText('Rollen er gemt.');
	await expect(page.getByTestId('user-role')).toHaveText('Politiets sagsbehandler');
	await expect(page.getByTestId('user-scope')).toHaveText('Københavns Politi (11)');
	await expect(page.getByTestId('error-municipalityCode')).toHaveCount(0);

	await page.getByRole('button', { name: 'Deaktivér brugeren' }).click();
	await expect(page.getByRole('status')).toHaveText('Brugeren er deaktiveret og logget ud overalt.');
	await expect(page.getByTestId('user-status')).toContainText('Deaktiveret');
	await expect(page.getByRole('button', { name: 'Genaktivér brugeren' })).toBeVisible();

	// Newest first; the refused change left no trace.
	const rows = page.getByTestId('audit-history').locator('tbody tr');
	await expect(rows).toHaveCount(3);
	await expect(rows.nth(0)).toContainText('user.disable');
	await expect(rows.nth(0)).toContainText(USERS.admin.email);
	await expect(rows.nth(0)).toContainText('disabled: false → true');
	await expect(rows.nth(1)).toContainText('user.setRole');
	await expect(rows.nth(1)).toContainText('role: "planner" → "police"');
	await expect(rows.nth(2)).toContainText('user.create');

	// Disabling ended the planner's session.
	await plannerPage.reload();
	await expect(plannerPage.getByRole('link', { name: 'Log ind' })).toBeVisible();
	await planner.close();

	await page.getByRole('link', { name: 'Alle brugere' }).click();
	await page.getByLabel('Søg i navn og e-mail').fill(email);
	await page.getByRole('button', { name: 'Filtrér' }).click();
	const row = page.getByTestId('user-table').locator('tbody tr');
	await expect(row).toHaveCount(1);
	await expect(row).toContainText('Deaktiveret');
	await expect(row).toContainText('Københavns Politi (11)');
});

test('an admin cannot disable their own account, nor act on a user who does not exist', async ({
	page,
	baseURL
}) => {
	await signInPage(page, USERS.admin);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.admin.name);
	await page.goto(`/admin/users/${ids.admin}`);
	await expect(page.getByRole('heading', { name: USERS.admin.name })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Deaktivér brugeren' })).toHaveCount(0);
	await expect(page.getByTestId('admin-user')).toContainText('Du kan ikke deaktivere din egen konto.');

	// Not even by posting the form directly.
	const response = await page.request.post(`/admin/users/${ids.admin}?/disable`, {
		headers: { ...formHeaders(baseURL!), accept: 'text/html' },
		form: {}
	});
	expect(response.status()).toBe(400);
	expect(await response.text()).toContain('Du kan ikke deaktivere din egen konto.');
	await page.reload();
	await expect(page.getByTestId('user-status')).toHaveText('Aktiv');

	// An id that names nobody is a 404, for the page and its actions alike.
	expect((await page.goto('/admin/users/not-a-user'))?.status()).toBe(404);
	const unknown = await page.request.post('/admin/users/00000000-0000-4000-8000-000000000000?/enable', {
		headers: { ...formHeaders(baseURL!), accept: 'text/html' },
		form: {}
	});
	expect(unknown.status()).toBe(404);
});

test('user administration is for admins only', async ({ page, baseURL }) => {
	const anonymous = await page.goto('/admin/users');
	expect(anonymous?.url()).toContain('/login?next=%2Fadmin%2Fusers');

	await signInPage(page, USERS.planner);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.planner.name);
	for (const path of ['/admin/users', '/admin/users/new', `/admin/users/${ids.planner}`]) {
		const response = await page.goto(path);
		expect(response?.status(), path).toBe(403);
		await expect(page.getByTestId('error-page')).toContainText('Du har ikke adgang til dette.');
	}
	await expect(page.getByRole('link', { name: 'Brugere' })).toHaveCount(0);

	const post = await page.request.post(`/admin/users/${ids.police}?/disable`, {
		headers: { ...formHeaders(baseURL!), accept: 'text/html' },
		form: {}
	});
	expect(post.status()).toBe(403);
});
