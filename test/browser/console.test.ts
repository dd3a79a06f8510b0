import fs from 'node:fs';
import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';

/**
 * The console in a real browser: a person signs in through the development IdP's login page,
 * searches, opens a record and its link chart, and sees only what policy lets them see.
 */
describe('the console in Chromium', () => {
  const browser = consoleHarness();
  const { newPage, signIn, shot, go, cspViolations } = browser;

  it('a police analyst signs in, finds Ionuț Popescu as typed, opens his record and his network on a link chart', async () => {
    const { page } = await newPage();
    await page.goto(browser.hub.publicUrl);
    await page.getByLabel('Agency').waitFor();
    await shot(page, 'sign-in');
    await signIn(page, 'west-midlands-police', 'Contributor');
    await expect(page.getByTestId('agency').textContent()).resolves.toContain('West Midlands Police');
    await page.getByTestId('role').getByText('Contributor', { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Without diacritics, as a person types it.
    await page.getByLabel(/Name, phone/).fill('Ionut Popescu');
    await page.getByRole('button', { name: 'Search' }).click();
    const hit = page.getByTestId('people').getByRole('link', { name: 'Ionuț Popescu' }).first();
    await hit.waitFor();
    await shot(page, 'search');
    expect(await seriousViolations(page)).toEqual([]);
    await hit.click();

    // Personal data: the purpose first, then the record with its TLP banner and grading.
    await page.getByTestId('purpose-form').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Purpose').fill('Investigation WMP-2026-1187');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('person').waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Ionuț Popescu');
    await expect(page.getByTestId('tlp').textContent()).resolves.toMatch(/^TLP:(CLEAR|GREEN|AMBER|AMBER\+STRICT|RED)$/);
    await page.getByTestId('grading').waitFor();
    await shot(page, 'person');
    expect(await seriousViolations(page)).toEqual([]);
    await expect(page.getByTestId('person').locator('[data-field="dateOfBirth"] dd').textContent()).resolves.toBe('1996-06-21');

    // The case, with its events on a timeline.
    await page.getByRole('link', { name: 'Open the case' }).click();
    await page.getByTestId('case').waitFor();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('WMP-2026-1187');
    await expect(page.getByTestId('timeline').innerText()).resolves.toContain('2025-06-02');
    await shot(page, 'case');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Ionuț Popescu' }).click();
    await page.getByTestId('person').waitFor();

    await page.getByRole('link', { name: 'Open the link chart' }).click();
    await page.getByTestId('node-table').locator('tbody tr').first().waitFor();
    const before = await page.getByTestId('node-table').locator('tbody tr').count();
    await expect(page.getByTestId('node-table').innerText()).resolves.toMatch(/Ionuț Popescu\tPERSON/);
    // Each drawn node says how many of its neighbours are not drawn yet.
    await expect(page.getByTestId('node-table').innerText()).resolves.toMatch(/\d+ more/);
    const expandable = page.getByTestId('node-table').getByRole('button', { name: 'Expand' }).first();
    await expandable.click();
    await page.getByTestId('node-table').locator('tbody tr').nth(before).waitFor();
    const expanded = await page.getByTestId('node-table').locator('tbody tr').count();
    // Undo takes the last expansion back; expanding again draws the same nodes.
    await page.getByRole('button', { name: 'Undo last expansion' }).click();
    await page.getByTestId('node-table').locator('tbody tr').nth(before).waitFor({ state: 'detached' });
    await page.getByTestId('node-table').getByRole('button', { name: 'Expand' }).first().click();
    await page
      .getByTestId('node-table')
      .locator('tbody tr')
      .nth(expanded - 1)
      .waitFor();
    await shot(page, 'network');
    expect(await seriousViolations(page)).toEqual([]);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export PNG' }).click();
    expect((await download).suggestedFilename()).toMatch(/\.png$/);
    const csvDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV (i2)' }).click();
    const csv = fs.readFileSync((await (await csvDownload).path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('"From ID","From label","From type","Link type","To ID","To label","To type"');
    expect(csv).toContain('"Ionuț Popescu","PERSON"');

    // Signing out ends the session at the provider.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${browser.hub.publicUrl}/`);
    await page.getByLabel('Agency').waitFor();
    expect(cspViolations).toEqual([]);
  });

  it('a bank officer sees an account it may not read as "withheld", and never a victim\'s name', async () => {
    const victims = ['Elena Marinescu', 'Ioana Dumitrache', 'Maria Stoica'];
    // The account a GREEN statement shares with banks (services/entities demo data), found as the bank can find it.
    const listed = await browser.hub.gql<{ entities: { nodes: Array<{ id: string; kind: string; maskedValue: string }> } }>(
      'albion-bank',
      '{ entities(first: 200) { nodes { id kind maskedValue } } }',
    );
    const account = listed.data!.entities.nodes.find((e) => e.kind === 'BANK_ACCOUNT' && e.maskedValue.endsWith('7890'))!;
    expect(account).toBeDefined();

    const { page } = await newPage();
    await signIn(page, 'albion-bank', 'Contributor');
    await expect(page.getByTestId('agency').textContent()).resolves.toContain('Albion Bank');
    for (const name of victims) {
      await page.getByLabel(/Name, phone/).fill(name);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText('No result that reaches you.').waitFor();
      expect(await page.locator('body').innerText()).not.toContain(name);
    }
    // Opening the account's network from a link the officer was given (in the app: the token is in memory only).
    await go(page, `/network/${account.id}`);
    await page.getByLabel('Purpose').fill('Suspicious activity review 2026-04');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('node-table').locator('tbody tr').first().waitFor();
    const table = await page.getByTestId('node-table').innerText();
    expect(table).toContain('••••7890 (withheld)');
    for (const name of victims) expect(await page.locator('body').innerText()).not.toContain(name);
    await shot(page, 'bank-network');
    expect(await seriousViolations(page)).toEqual([]);

    // A police record that does not reach the bank: simply not found, as for one that does not exist.
    const police = await browser.hub.gql<{ searchPersons: Array<{ person: { id: string } }> }>(
      'west-midlands-police',
      '{ searchPersons(name: "Maria Stoica") { person { id } } }',
      undefined,
      { purpose: 'Test set-up: finding a victim' },
    );
    const victimId = police.data!.searchPersons[0]!.person.id;
    await go(page, `/person/${victimId}`);
    await page.getByTestId('not-found').waitFor();
    for (const name of victims) expect(await page.locator('body').innerText()).not.toContain(name);
    expect(cspViolations).toEqual([]);
  });

  it('when the API answers PURPOSE_REQUIRED, the console asks for the purpose and sends the request again with it', async () => {
    const { page } = await newPage();
    await signIn(page, 'west-midlands-police', 'Viewer');
    const purposes: Array<string | undefined> = [];
    let refused = false;
    await page.route('**/graphql', async (route) => {
      const body = route.request().postDataJSON() as { operationName?: string; query: string };
      if (!/query Person\b/.test(body.query)) return route.continue();
      purposes.push(route.request().headers()['x-tessera-purpose']);
      if (refused) return route.continue();
      // The first answer is the API's refusal at a personal field, as it gives it when no purpose is stated.
      refused = true;
      await route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          data: { person: null },
          errors: [{ message: 'State the purpose of this consultation', path: ['person', 'fullName'], extensions: { code: 'PURPOSE_REQUIRED' } }],
        }),
      });
    });
    await page.getByLabel(/Name, phone/).fill('Ionuț Popescu');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByTestId('people').getByRole('link', { name: 'Ionuț Popescu' }).first().click();
    await page.getByLabel('Purpose').fill('first purpose');
    await page.getByRole('button', { name: 'Continue' }).click();
    // Asked again, then the record.
    await page.getByTestId('purpose-form').waitFor();
    await page.getByLabel('Purpose').fill('Investigation WMP-2026-1187');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('person').waitFor();
    expect(purposes).toEqual(['first purpose', 'Investigation WMP-2026-1187']);
    await expect(page.getByTestId('person').textContent()).resolves.toContain('Purpose: Investigation WMP-2026-1187');
  });

  it('the console speaks Romanian, with ș and ț written with the comma below', async () => {
    const { page } = await newPage();
    await page.goto(browser.hub.publicUrl);
    await page.getByLabel('Language').selectOption('ro');
    await page.getByRole('heading', { name: 'Autentificare în Tessera' }).waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toContain('Alegeți agenția');
    // Cedilla forms (ş U+015F, ţ U+0163) are wrong in Romanian.
    expect(text).not.toMatch(/[\u015e\u015f\u0162\u0163]/);
    expect(await page.evaluate('document.documentElement.lang')).toBe('ro');
  });
});
