import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';
import { tempDir } from '../support/temp-dir';

/**
 * Intelligence products in the console: a hub analyst writes and publishes a report for banks; a bank
 * officer finds it in the feed, reads it with the route map and hotspots as banks see them ("fewer
 * than k"), downloads the PDF and says what came of it; an NGO's feed does not list it.
 */
describe('intelligence reports in Chromium', () => {
  const browser = consoleHarness();
  const { newPage, signIn, shot, go, cspViolations } = browser;
  const TITLE = 'Browser test: cash couriers on the Iași → Sheffield route';

  it('a hub analyst publishes for banks; a bank officer reads it with the bank view and downloads the PDF; an NGO never sees it', async () => {
    const analyst = (await newPage()).page;
    await signIn(analyst, 'tessera-hub', 'Contributor');
    await analyst.getByRole('link', { name: 'Reports', exact: true }).click();
    await analyst.getByTestId('products-feed').waitFor();
    await analyst.getByRole('link', { name: 'Write a report' }).click();
    await analyst.getByTestId('report-editor').waitFor();
    await analyst.getByLabel('Title').fill(TITLE);
    await analyst.getByLabel('Summary').fill('Couriers pay cash into accounts opened by recent arrivals from Iași.');
    await analyst.getByLabel('Key judgements, one per line').fill('The accounts are likely controlled by the recruiters.');
    await analyst.getByLabel('Assessment').fill('Screen the accounts and report matches.');
    await analyst.getByLabel('Banks').check();
    await analyst.getByLabel('Figures from').fill('2025-01-01');
    await analyst.getByLabel('Figures to').fill('2025-12-31');
    expect(await seriousViolations(analyst)).toEqual([]);
    await shot(analyst, 'products-editor');
    await analyst.getByRole('button', { name: 'Publish' }).click();
    await analyst.getByTestId('report').waitFor();
    await expect(analyst.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(TITLE);

    const bank = (await newPage()).page;
    await signIn(bank, 'albion-bank', 'Contributor');
    await bank.getByRole('link', { name: 'Reports', exact: true }).click();
    await bank.getByTestId('products-feed').getByRole('link', { name: TITLE }).click();
    await bank.getByTestId('report').waitFor();
    const visuals = bank.getByTestId('visuals-FINANCIAL_INSTITUTION');
    await expect(visuals.innerText()).resolves.toContain('Figures as recipients of type “Banks” see them');
    // The map is the bank view: its description and the hotspot table say "fewer than k", never a count.
    await expect(visuals.getByTestId('route-map').getAttribute('alt')).resolves.toMatch(/fewer than \d+ victims/);
    await expect(visuals.getByTestId('hotspots').innerText()).resolves.toMatch(/fewer than \d+/);
    const natural = await visuals.getByTestId('route-map').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    expect(natural).toBeGreaterThan(0);
    expect(await seriousViolations(bank)).toEqual([]);
    await shot(bank, 'products');

    // In Romanian, with ș and ț written with the comma below.
    await bank.getByLabel('Language').selectOption('ro');
    await expect(visuals.getByTestId('hotspots').innerText()).resolves.toMatch(/mai puțin de \d+/);
    await bank.getByRole('heading', { name: 'Zone fierbinți' }).waitFor();
    await bank.getByLabel('Limba').selectOption('en');

    const download = bank.waitForEvent('download');
    await bank.getByRole('button', { name: 'Download PDF' }).click();
    const file = path.join(tempDir('tessera-browser-pdf'), 'report.pdf');
    await (await download).saveAs(file);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain(TITLE);
    expect(text).toMatch(/fewer than \d+ victims/);

    await bank.getByLabel('Accounts closed').fill('2');
    await bank.getByRole('button', { name: 'Send feedback' }).click();
    await bank.getByRole('status').getByText('your feedback was recorded').waitFor();

    // The analyst writes a new version: the bank's feed lists the report under its new title; the history keeps both.
    const reportPath = new URL(bank.url()).pathname;
    await analyst.getByRole('link', { name: 'Write a new version' }).click();
    await analyst.getByRole('heading', { name: 'A new version of the report' }).waitFor();
    await expect(analyst.getByLabel('Title').inputValue()).resolves.toBe(TITLE);
    await analyst.getByLabel('Title').fill(`${TITLE} (v2)`);
    expect(await seriousViolations(analyst)).toEqual([]);
    await analyst.getByRole('button', { name: 'Publish the new version' }).click();
    await analyst.getByRole('heading', { level: 1, name: `${TITLE} (v2)` }).waitFor();
    await go(bank, '/products');
    await bank
      .getByTestId('products-feed')
      .getByRole('link', { name: `${TITLE} (v2)` })
      .click();
    await expect(bank.getByTestId('report').innerText()).resolves.toContain('Version 2');

    const ngo = (await newPage()).page;
    await signIn(ngo, 'safe-passage', 'Contributor');
    await ngo.getByRole('link', { name: 'Reports', exact: true }).click();
    await ngo.getByTestId('products-feed').waitFor();
    await expect(ngo.getByTestId('products-feed').innerText()).resolves.not.toContain(TITLE);
    // Its address, typed in, is "not found" for the NGO.
    await go(ngo, reportPath);
    await ngo.getByText('Not found', { exact: true }).waitFor();
    await expect(ngo.locator('main').innerText()).resolves.not.toContain(TITLE);

    // Withdrawn, it leaves the bank's feed.
    await analyst.getByLabel('Reason for withdrawal').fill('Superseded by the joint product');
    await analyst.getByRole('button', { name: 'Withdraw the report' }).click();
    await analyst.getByTestId('products-feed').waitFor();
    await go(bank, '/');
    await go(bank, '/products');
    await bank.getByTestId('products-feed').waitFor();
    await expect(bank.getByTestId('products-feed').innerText()).resolves.not.toContain(TITLE);
    expect(cspViolations).toEqual([]);
  });
});
