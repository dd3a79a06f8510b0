import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';

/**
 * A police analyst opens the leads the hub computed from the advert feed: the Romanian phone
 * advertised in Birmingham and then London, the network it joins, each with the indicators and
 * adverts it rests on; in Romanian too. A bank's officer gets no link to the page, and the page
 * shows it no lead.
 */
describe('advert leads in Chromium', () => {
  const browser = consoleHarness();
  const { newPage, signIn, shot, go, cspViolations } = browser;

  it('a police analyst reads each lead with its evidence, in English and Romanian', async () => {
    const { page } = await newPage();
    await signIn(page, 'met-police', 'Contributor');
    await page.getByTestId('role').getByText('Contributor', { exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Leads' }).click();
    await page.getByTestId('lead').first().waitFor();

    const leads = page.getByTestId('lead');
    await expect(leads.count()).resolves.toBe(2);
    const movement = leads.filter({ hasText: 'Movement' });
    await expect(movement.innerText()).resolves.toContain('One phone advertised in 2 cities: Birmingham (2026-01-10 to 2026-01-24), then London');
    await expect(movement.innerText()).resolves.toContain('+40722123456');
    await expect(movement.getByRole('listitem').allInnerTexts()).resolves.toEqual([
      'Birmingham: 2026-01-10 to 2026-01-24, 1 advert(s)',
      'London: 2026-02-03 to 2026-02-20, 1 advert(s)',
    ]);
    const network = leads.filter({ hasText: 'Network' });
    await expect(network.innerText()).resolves.toContain('Age suggesting a child, New in town, Third-party language');
    await expect(network.innerText()).resolves.toContain('c3a5f0e1d2b49687');
    // The adverts it rests on, with their texts.
    const rows = await network.locator('tbody tr').allInnerTexts();
    expect(rows).toHaveLength(3);
    expect(rows.join('\n')).toContain('She is 17 years, petite, new girl.');
    await expect(network.getByTestId('tlp').textContent()).resolves.toBe('TLP:AMBER');
    await shot(page, 'adverts-leads');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Language').selectOption('ro');
    await page.getByRole('heading', { name: 'Piste din fluxul de anunțuri' }).waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toContain('Vârstă care sugerează un copil');
    expect(text).toContain('Anunțurile pe care se sprijină');
    expect(text).not.toMatch(/[\u015e\u015f\u0162\u0163]/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Limba').selectOption('en');
    expect(cspViolations).toEqual([]);
  });

  it('a bank’s officer has no link to the leads, and the page shows none', async () => {
    const { page } = await newPage();
    await signIn(page, 'albion-bank', 'Contributor');
    await page.getByTestId('role').getByText('Contributor', { exact: true }).waitFor();
    await expect(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Leads' }).count()).resolves.toBe(0);
    await go(page, '/leads');
    await page.getByText('No lead reaches you.').waitFor();
    await expect(page.getByTestId('lead').count()).resolves.toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
