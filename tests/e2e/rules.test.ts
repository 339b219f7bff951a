// Rule sets end to end: a ministry reviewer makes a draft of the 2025 rule set, changes the § 2 a
// distance through the parameter form (a bad value is refused next to its field), sees the
// difference, and publishes it; a planner reads rule sets but cannot change them.
import { expect, request as playwrightRequest, test } from '@playwright/test';
import {
	USERS,
	ensureTestUsers,
	formHeaders,
	gotoHydrated,
	publishedRuleSetVersion,
	signInPage,
	signInRequest
} from './support';

const SLUG = 'tv-overvaagning-2025-07';
const DISTANCE = 'rules[0].params.distanceM';

test.beforeAll(async () => {
	await ensureTestUsers();
});

test('a ministry reviewer drafts, checks, compares and publishes a new § 2 a distance', async ({ page }) => {
	const published = await publishedRuleSetVersion(SLUG);
	await signInPage(page, USERS.ministry);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.ministry.name);

	await page.getByRole('link', { name: 'Regler', exact: true }).click();
	await expect(page.getByTestId('rule-sets')).toBeVisible();
	const row = page.getByTestId(`rule-set-${SLUG}`);
	await expect(row).toContainText('Tv-overvågningsloven fra 1. juli 2025');
	await row
		.getByRole('link', { name: `Version ${published}` })
		.first()
		.click();
	await expect(page).toHaveURL(`/regler/${SLUG}/${published}`);
	await expect(page.getByTestId('version-status')).toHaveText('Offentliggjort');
	await expect(page.getByTestId('rule-p2a-near-housing-area').getByTestId('requirement')).toContainText(
		'm fra laget »Boligområder«'
	);

	await page.locator('body[data-hydrated="true"]').waitFor();
	await page.getByRole('button', { name: 'Opret udkast fra denne version' }).click();
	await expect(page).toHaveURL(`/regler/${SLUG}/${published + 1}`);
	await expect(page.getByTestId('version-status')).toHaveText('Udkast');
	await page.locator('body[data-hydrated="true"]').waitFor();

	const distance = page.locator(`input[name="${DISTANCE}"]`);
	const before = Number(await distance.inputValue());
	const after = before === 500 ? 750 : before + 250;

	// A negative distance is refused next to the field, and nothing is saved.
	await distance.fill('-5');
	await page.getByRole('button', { name: 'Gem parametre' }).click();
	await expect(page.getByTestId(`error-${DISTANCE}`)).toHaveText('skal være mindst 0');
	await expect(page.getByTestId('errors-save')).toContainText(`${DISTANCE}: skal være mindst 0`);
	await page.reload();
	await expect(page.locator(`input[name="${DISTANCE}"]`)).toHaveValue(String(before));

	await page.locator('body[data-hydrated="true"]').waitFor();
	await page.locator(`input[name="${DISTANCE}"]`).fill(String(after));
	await page.getByRole('button', { name: 'Gem parametre' }).click();
	await expect(page.getByTestId('rules-done')).toHaveText('Udkastet er gemt.');
	const line = `§ 2 a nær boligområde: params.distanceM ${before} → ${after}`;
	await expect(page.getByTestId('version-changes')).toContainText(line);

	// The JSON editor names the path of what is wrong.
	await page.locator('summary', { hasText: 'Hele dokumentet som JSON' }).click();
	const json = JSON.parse(await page.locator('textarea[name="document"]').inputValue());
	json.rules[1].kind = 'nearSchool';
	await page.locator('textarea[name="document"]').fill(JSON.stringify(json));
	await page.getByRole('button', { name: 'Gem JSON' }).click();
	await expect(page.getByTestId('errors-saveJson')).toContainText(
		'rules[1].kind: skal være en af: "withinLayer"'
	);

	// The diff page shows the change between the published version and the draft.
	await page.goto(`/regler/${SLUG}/${published + 1}`);
	await page.getByRole('link', { name: 'Forskelle mellem to versioner' }).first().click();
	await expect(page.getByTestId('diff-lines')).toHaveText(line);

	// Publishing needs the confirmation.
	await gotoHydrated(page, `/regler/${SLUG}/${published + 1}`);
	await page.getByRole('button', { name: 'Offentliggør' }).click();
	await expect(page.getByTestId('errors-publish')).toHaveText('Bekræft, at du har gennemgået forskellene.');
	await page.getByLabel('Jeg har gennemgået forskellene').check();
	await page.getByRole('button', { name: 'Offentliggør' }).click();
	await expect(page.getByTestId('rules-done')).toHaveText(`Version ${published + 1} er offentliggjort.`);
	await expect(page.getByTestId('version-status')).toHaveText('Offentliggjort');
	await expect(page.getByTestId('draft-editor')).toHaveCount(0);
	await expect(page.getByTestId('rule-p2a-near-housing-area').getByTestId('requirement')).toContainText(
		`højst ${after.toLocaleString('da-DK')} m fra laget`
	);
	await expect(page.getByTestId('version-history')).toContainText('rulesets.publish');
});

test('a planner reads rule sets but cannot draft or change them (403)', async ({ page, baseURL }) => {
	const published = await publishedRuleSetVersion(SLUG);
	await signInPage(page, USERS.planner);
	await expect(page.getByTestId('current-user')).toHaveText(USERS.planner.name);
	await gotoHydrated(page, `/regler/${SLUG}/${published}`);
	await expect(page.getByTestId('rule-version')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Opret udkast fra denne version' })).toHaveCount(0);

	const api = await playwrightRequest.newContext({ baseURL });
	try {
		expect((await signInRequest(api, baseURL!, USERS.planner)).status()).toBe(303);
		for (const action of ['createDraft', 'save', 'publish', 'delete']) {
			const response = await api.post(`/regler/${SLUG}/${published}?/${action}`, {
				headers: formHeaders(baseURL!),
				form: { [DISTANCE]: '1000', confirm: 'yes' },
				maxRedirects: 0
			});
			expect(response.status(), action).toBe(403);
		}
		const layers = await api.get('/regler/lag');
		expect(layers.status()).toBe(200);
		expect(await layers.text()).not.toContain('Importér områder');
	} finally {
		await api.dispose();
	}
	// Nothing changed.
	expect(await publishedRuleSetVersion(SLUG)).toBe(published);
});
