import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';

/**
 * The referral mechanisms in the console: the Met records the next stage of a victim's NRM path on
 * the case page (and is told plainly when the date cannot be right); a bank reads the published
 * statistics, with small counts withheld, as a table and as charts, in English and Romanian.
 */
describe('referral mechanisms in Chromium', () => {
  const browser = consoleHarness();
  const { newPage, signIn, shot, go, cspViolations } = browser;

  it("a Met investigator follows a victim's NRM path on the case and records the conclusive decision", async () => {
    const { page } = await newPage();
    await signIn(page, 'met-police', 'Contributor');
    await go(page, `/case/${browser.hub.demo.ids['case:lanterna']}`);
    await page.getByLabel('Purpose').fill('Operation Lanterna: NRM follow-up');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('referral-paths').waitFor();
    const v1 = page.getByTestId('referral-V1');
    await expect(v1.innerText()).resolves.toMatch(/2025-11-07 · UK National Referral Mechanism · Reasonable-grounds decision \(positive\)/);
    await expect(v1.innerText()).resolves.toContain('2026-02-27 · UK National Referral Mechanism · Support provided');

    // V2 waits for her conclusive decision: the form offers it as the next stage.
    const form = page.getByTestId('record-stage');
    await form.getByLabel('Victim').selectOption({ label: 'V2' });
    await expect(form.getByLabel('Stage').inputValue()).resolves.toBe('CONCLUSIVE_GROUNDS');
    await form.getByLabel('Date').fill('2026-02-10');
    await form.getByRole('button', { name: 'Record' }).click();
    await expect(page.getByTestId('record-stage-problem').innerText()).resolves.toMatch(
      /at least 30 days after the reasonable-grounds one \(2026-01-29\).*BAD_USER_INPUT/,
    );
    expect(await seriousViolations(page)).toEqual([]);

    await form.getByLabel('Date').fill('2026-03-02');
    await form.getByRole('button', { name: 'Record' }).click();
    await page.getByTestId('referral-V2').getByText('2026-03-02 · UK National Referral Mechanism · Conclusive-grounds decision (positive)').waitFor();
    // The form starts again from V2's path: its next stage is now support.
    await page.getByTestId('record-stage').getByLabel('Victim').selectOption({ label: 'V2' });
    await expect(page.getByTestId('record-stage').getByLabel('Stage').inputValue()).resolves.toBe('SUPPORT_PROVIDED');
    await shot(page, 'nrm-case');
    expect(await seriousViolations(page)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('a Met viewer follows the same paths and is offered no form to record a stage (the API refuses it too)', async () => {
    const { page } = await newPage();
    await signIn(page, 'met-police', 'Viewer');
    await go(page, `/case/${browser.hub.demo.ids['case:lanterna']}`);
    await page.getByLabel('Purpose').fill('Operation Lanterna: NRM follow-up');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('referral-V1').getByText('UK National Referral Mechanism · Support provided', { exact: false }).waitFor();
    expect(await page.getByTestId('record-stage').count()).toBe(0);
    // What the console does not offer, the API refuses.
    const refused = await browser.hub.gql('met-police:VIEWER', 'mutation($input: RecordReferralStageInput!) { recordReferralStage(input: $input) { id } }', {
      input: { personId: browser.hub.demo.ids['person:lanterna:V2'], mechanism: 'UK_NRM', stage: 'SUPPORT_PROVIDED', occurredOn: '2026-03-03' },
    });
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await seriousViolations(page)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it('a bank reads the statistics with small cells withheld, as a table and charts, in English and Romanian', async () => {
    const { page } = await newPage();
    await signIn(page, 'albion-bank', 'Contributor');
    await page.getByRole('link', { name: 'Statistics' }).click();
    await page.getByTestId('statistics-table').waitFor();
    await expect(page.getByTestId('statistics-period').innerText()).resolves.toContain('Counts perturbed by up to 3');
    const table = await page.getByTestId('statistics-table').innerText();
    // Operation Brook's Romanian women are released; its two Albanian women are not.
    expect(table).toMatch(/2025-Q3\tRO\t\d+/);
    expect(table).toMatch(/2025-Q3\tAL\twithheld/);
    for (const measure of ['REFERRALS', 'REASONABLE_GROUNDS_MEDIAN', 'CONCLUSIVE_GROUNDS_MEDIAN']) {
      const img = page.getByTestId(`chart-${measure}`).locator('img');
      await expect(img.getAttribute('src')).resolves.toMatch(/^data:image\/svg\+xml;base64,/);
      await expect(
        img.evaluate(
          (i) => (i as unknown as { complete: boolean; naturalWidth: number }).complete && (i as unknown as { naturalWidth: number }).naturalWidth > 0,
        ),
      ).resolves.toBe(true);
    }
    await shot(page, 'nrm-statistics');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Grouped by').selectOption('AGE_GROUP');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByTestId('statistics-table').getByText('CHILD').waitFor();
    await expect(page.getByTestId('statistics-table').innerText()).resolves.toMatch(/2025-Q3\tCHILD\twithheld/);

    // Romania's mechanism: the one woman identified and assisted there in 2025-Q2 is a cell of one.
    await page.getByLabel('Mechanism').selectOption('RO_MNIR');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByTestId('statistics-table').getByRole('columnheader', { name: 'Assistance provided' }).waitFor();
    await expect(page.getByTestId('statistics-table').innerText()).resolves.toMatch(/2025-Q2\tADULT\twithheld/);
    await page.getByTestId('chart-IDENTIFICATION_MEDIAN').locator('img').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Language').selectOption('ro');
    await page.getByRole('heading', { name: 'Statistici privind mecanismele de referire' }).waitFor();
    await page.getByTestId('chart-REFERRALS').getByText('Referiri pe trimestru').waitFor();
    await page.getByTestId('chart-IDENTIFICATION_MEDIAN').getByText('Mediana zilelor de la semnalare la identificare').waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toContain('Numere perturbate cu cel mult 3');
    expect(text).not.toMatch(/[\u015e\u015f\u0162\u0163]/);
    expect(await seriousViolations(page)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
