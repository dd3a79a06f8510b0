import type { Page } from 'playwright-core';
import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';

/**
 * A bank's financial-intelligence officer in the console (Albion Bank, a Contributor): hit/no-hit on
 * identifiers typed as they come and on a file, an access request to a holder, a batch of transaction
 * reports from CSV, and a typology that must carry no identifier. The bank never sees a victim.
 */
describe("the bank officer's journey in Chromium", () => {
  const browser = consoleHarness();
  const { newPage, signIn, shot, cspViolations } = browser;
  const VICTIMS = ['Elena Marinescu', 'Ioana Dumitrache', 'Maria Stoica'];

  let page: Page;
  beforeAll(async () => {
    ({ page } = await newPage());
    await signIn(page, 'albion-bank', 'Contributor');
  });

  /** What every page of the journey must be: no serious accessibility violation, no victim's name, no CSP violation. */
  async function clean(): Promise<void> {
    expect(await seriousViolations(page)).toEqual([]);
    const body = await page.locator('body').innerText();
    for (const name of VICTIMS) expect(body).not.toContain(name);
    expect(cspViolations).toEqual([]);
  }

  const answerOf = (value: string) => page.getByTestId('hit-results').locator(`tr[data-value="${value}"]`);

  it('hit/no-hit: a UK mobile typed nationally is known, with whom to ask; an access request reaches the holder; an unknown one is "not known"', async () => {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Hit/no-hit' }).click();
    await page.getByRole('heading', { name: 'Hit/no-hit', level: 1 }).waitFor();
    await clean();

    // The controller's booking number on the adverts (services/entities demo data), as the officer reads it off a customer file.
    await page.locator('#value-0').fill('07700 900312');
    await page.getByRole('button', { name: 'Add an identifier' }).click();
    await page.locator('#value-1').fill('07700 900001');
    await page.getByRole('button', { name: 'Check' }).click();
    const known = answerOf('+447700900312');
    await known.waitFor();
    await expect(known.getByTestId('answer').innerText()).resolves.toBe('known');
    // Two police forces hold it (AMBER statements not shared with banks), and take access requests.
    await expect(known.locator('td').nth(3).innerText()).resolves.toBe('2');
    await expect(known.innerText()).resolves.toContain('West Midlands Police (demo)');
    await expect(answerOf('+447700900001').getByTestId('answer').innerText()).resolves.toBe('not known');
    await expect(answerOf('+447700900001').locator('td').nth(3).innerText()).resolves.toBe('0');

    await known.getByRole('button', { name: 'Request access from West Midlands Police (demo)' }).click();
    await page.getByTestId('request-form').waitFor();
    await clean();
    await page.getByLabel('Purpose').fill('Customer due diligence: account receiving advert payments');
    await page.getByRole('button', { name: 'Send the request' }).click();
    const sent = page.getByTestId('request-sent');
    await sent.waitFor();
    await expect(sent.innerText()).resolves.toContain('Request sent to West Midlands Police (demo) about +447700900312.');
    await expect(sent.innerText()).resolves.toContain('Status: pending');
    const requestId = await page.getByTestId('request-id').innerText();
    await shot(page, 'bank-hit-no-hit');
    await clean();

    // The request is the bank's own, through the API, as the console showed it.
    const outgoing = await browser.hub.gql<{
      accessRequests: {
        nodes: Array<{ id: string; targetAgency: { slug: string }; identifier: { kind: string; value: string }; purpose: string; status: string }>;
      };
    }>('albion-bank', '{ accessRequests(direction: OUTGOING) { nodes { id targetAgency { slug } identifier { kind value } purpose status } } }');
    expect(outgoing.data!.accessRequests.nodes.find((r) => r.id === requestId)).toEqual({
      id: requestId,
      targetAgency: { slug: 'west-midlands-police' },
      identifier: { kind: 'PHONE', value: '+447700900312' },
      purpose: 'Customer due diligence: account receiving advert payments',
      status: 'PENDING',
    });
  });

  it('hit/no-hit on a file: a few identifiers are answered at once; a customer book is screened as a job with a progress bar', async () => {
    await page.getByLabel('Or a CSV file of identifiers').setInputFiles({
      name: 'few.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('PHONE,07700 900312\nBANK_ACCOUNT,GB68 ALBN 6016 1331 9268 19\nEMAIL,nobody.knows@example.net\n'),
    });
    await answerOf('GB68ALBN60161331926819').waitFor();
    await expect(answerOf('GB68ALBN60161331926819').getByTestId('answer').innerText()).resolves.toBe('known');
    await expect(answerOf('nobody.knows@example.net').getByTestId('answer').innerText()).resolves.toBe('not known');

    // More than one hitNoHit request holds: 1,200 identifiers, the known phone among them.
    const book = ['PHONE,+44 7700 900312', ...Array.from({ length: 1199 }, (_, i) => `EMAIL,customer${i}@example.net`)].join('\n');
    await page.getByLabel('Or a CSV file of identifiers').setInputFiles({ name: 'book.csv', mimeType: 'text/csv', buffer: Buffer.from(book) });
    const screened = page.getByTestId('screened');
    await screened.waitFor();
    await expect(screened.innerText()).resolves.toMatch(/: 1200 identifiers screened, 1 known\./);
    await expect(page.getByTestId('hit-results').locator('tbody tr').count()).resolves.toBe(1);
    await expect(answerOf('+447700900312').getByTestId('answer').innerText()).resolves.toBe('known');
    await clean();
  });

  it('a CSV batch with one bad row is refused whole, with the error on that row and field; corrected, it is created once', async () => {
    const count = async () =>
      (await browser.hub.gql<{ transactionReports: { totalCount: number } }>('albion-bank', '{ transactionReports { totalCount } }')).data!.transactionReports
        .totalCount;
    const before = await count();
    const header =
      'report_ref,report_code,reason,indicators,amount,currency,date_from,date_to,party_name,party_significance,party_account,party_phone,party_email';
    const file = (dateTo: string) =>
      [
        header,
        'ALBN-CONSOLE-1,STR,Cash deposits at distant branches withdrawn the same day,FUNNEL_ACCOUNT,4800,GBP,2026-03-02,2026-03-09,Customer A (demo),SUBJECT,GB82WEST12345698765432,,',
        `ALBN-CONSOLE-2,SAR,Regular small payments to an advert site abroad,FIXED_PAYMENTS_TO_ADVERT_SITES,,,2026-03-01,${dateTo},Customer B (demo),SUBJECT,,,`,
        'ALBN-CONSOLE-2,,,,,,,,Advert site (demo),COUNTERPARTY,,,',
      ].join('\n');

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Transaction reports' }).click();
    await page.getByRole('heading', { name: 'Transaction-report batches' }).waitFor();
    await clean();
    await page.getByLabel('CSV file').setInputFiles({ name: 'reports.csv', mimeType: 'text/csv', buffer: Buffer.from(file('2026-02-30')) });
    // The preview, before anything is sent.
    await page.getByRole('heading', { name: 'Preview: 3 records, 2 reports' }).waitFor();
    await expect(page.getByTestId('preview').locator('tbody tr').count()).resolves.toBe(3);
    await page.getByRole('button', { name: 'Send 2 reports' }).click();

    // The API's error, on the record (line 3) and column (date_to) it names; the rest unmarked.
    const cell = page.getByTestId('preview').locator('tr[data-line="3"] td[data-column="date_to"]');
    await cell.locator('.field-error').waitFor();
    await expect(cell.getAttribute('class')).resolves.toBe('invalid');
    await expect(cell.innerText()).resolves.toContain('must be a date as YYYY-MM-DD');
    await expect(page.getByTestId('preview').locator('td.invalid').count()).resolves.toBe(1);
    await expect(page.getByTestId('row-errors').innerText()).resolves.toContain('Line 3, date_to (report 2, dateTo)');
    await expect(page.getByRole('alert').filter({ hasText: 'BAD_USER_INPUT' }).innerText()).resolves.toContain('nothing was written');
    await shot(page, 'bank-reports');
    await clean();
    expect(await count()).toBe(before);

    // Corrected: both reports, once; the same file again creates nothing.
    await page.getByLabel('CSV file').setInputFiles({ name: 'reports.csv', mimeType: 'text/csv', buffer: Buffer.from(file('2026-03-31')) });
    await page.getByRole('button', { name: 'Send 2 reports' }).click();
    await page.getByTestId('submission').getByText('Submitted: 2 reports created.').waitFor();
    await expect(page.getByTestId('submission').innerText()).resolves.toContain('ALBN-CONSOLE-2');
    expect(await count()).toBe(before + 2);
    await clean();
    await page.getByLabel('CSV file').setInputFiles({ name: 'reports-again.csv', mimeType: 'text/csv', buffer: Buffer.from(file('2026-03-31')) });
    await page.getByRole('button', { name: 'Send 2 reports' }).click();
    await page
      .getByTestId('submission')
      .getByText(/^Already submitted on .*: nothing new was created\.$/)
      .waitFor();
    expect(await count()).toBe(before + 2);
  });

  it('the typology editor warns before submit when the text holds a phone number, and shows the API’s refusal in words', async () => {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Typology' }).click();
    await page.getByLabel('Title').waitFor();
    await clean();
    await page.getByLabel('Title').fill('Advert payments funnelled through student accounts');
    const text = 'Several student accounts receive small transfers and pay an escort site; one customer gave 07700 900123 as contact.';
    await page.getByLabel('Pattern', { exact: true }).fill(text);
    const warning = page.getByTestId('pattern-warning');
    await warning.getByText(/This holds a phone number at characters \d+–\d+/).waitFor();
    await shot(page, 'bank-typology');
    await clean();

    // Sent anyway: the API refuses, in its words and code, at the field it names.
    await page.getByRole('button', { name: 'Submit the typology' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'BAD_USER_INPUT' });
    await refusal.waitFor();
    await expect(refusal.innerText()).resolves.toContain('input.pattern: must not carry identifiers');
    await expect(page.getByLabel('Pattern', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await clean();

    await page.getByLabel('Pattern', { exact: true }).fill(text.replace('; one customer gave 07700 900123 as contact', ''));
    await expect(warning.innerText()).resolves.toBe('');
    await page.getByRole('checkbox', { name: /FIXED_PAYMENTS_TO_ADVERT_SITES/ }).check();
    await page.getByLabel('Countries').fill('GB, RO');
    await page.getByRole('button', { name: 'Submit the typology' }).click();
    await page.getByTestId('typology-submitted').getByText('Typology submitted: “Advert payments funnelled through student accounts”.').waitFor();
    const mine = await browser.hub.gql<{ typologies: { nodes: Array<{ title: string; indicators: string[]; geography: string[] }> } }>(
      'albion-bank',
      '{ typologies { nodes { title indicators geography } } }',
    );
    expect(mine.data!.typologies.nodes).toContainEqual({
      title: 'Advert payments funnelled through student accounts',
      indicators: ['FIXED_PAYMENTS_TO_ADVERT_SITES'],
      geography: ['GB', 'RO'],
    });
    await clean();
  });

  it('the pages speak Romanian, and only banks get the report and typology links', async () => {
    await page.getByLabel('Language').selectOption('ro');
    const nav = page.getByRole('navigation', { name: 'Pagini' });
    await nav.getByRole('link', { name: 'Rapoarte de tranzacții' }).click();
    await page.getByRole('heading', { name: 'Loturi de rapoarte de tranzacții' }).waitFor();
    await nav.getByRole('link', { name: 'Tipologie' }).click();
    await page.getByRole('heading', { name: 'Trimiteți o tipologie' }).waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toContain('Indicatori financiari');
    expect(text).not.toMatch(/[\u015e\u015f\u0162\u0163]/);
    await page.getByLabel('Limba').selectOption('en');

    const { page: police } = await newPage();
    await signIn(police, 'west-midlands-police', 'Contributor');
    await police.getByTestId('role').getByText('Contributor', { exact: true }).waitFor();
    const links = await police.getByRole('navigation', { name: 'Pages' }).getByRole('link').allInnerTexts();
    // Police may ask hit/no-hit too (their permissions say so); reports and typologies are the banks'.
    expect(links).toEqual(['Search', 'Reports', 'Hit/no-hit', 'Map', 'Referral tasks', 'Leads', 'Narratives', 'Statistics', 'New on my cases']);
    expect(cspViolations).toEqual([]);
  });
});
