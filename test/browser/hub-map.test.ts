import type { Page, Request } from 'playwright-core';
import { defineAbilityFor } from '../../policies/ability';
import { AGENCY_TYPES, type AgencyType } from '../../policies/actor';
import { canReadAny } from '../../policies/enforce';
import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';

/**
 * Routes and hotspots on the console's map: the hub's analyst sees exact counts; a bank sees a
 * count the API withheld as "fewer than k" (k as the API states it), never a number below k. The
 * map draws Europe from country outlines shipped with the console: no request leaves the hub.
 */
describe('the routes and hotspots map in Chromium', () => {
  const browser = consoleHarness();
  const { newPage, signIn, shot, cspViolations } = browser;
  const PERIOD = { from: '2025-01-01', to: '2026-12-31' };

  /** Every request the page makes, to check that none leaves the hub's origin. */
  function requests(page: Page): string[] {
    const urls: string[] = [];
    page.on('request', (r: Request) => urls.push(r.url()));
    return urls;
  }
  const offOrigin = (urls: string[]) => urls.filter((u) => !u.startsWith('data:') && new URL(u).origin !== new URL(browser.hub.publicUrl).origin);

  async function openMap(page: Page): Promise<void> {
    await page.getByRole('link', { name: 'Map' }).click();
    await page.getByLabel('From').fill(PERIOD.from);
    await page.getByLabel('To').fill(PERIOD.to);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator(`[data-testid="counted"][data-asked="${PERIOD.from}/${PERIOD.to}/"]`).waitFor();
    // The outlines are drawn once their chunk (this origin's) has loaded.
    await page.locator('[data-testid="map"] path[data-country="Romania"]').waitFor({ state: 'attached' });
  }

  /** The rows of a table as their cells' texts. */
  const rows = (page: Page, testid: string) =>
    page
      .getByTestId(testid)
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));

  it("the hub's analyst sees route flows and hotspots with exact counts on a map of Europe drawn offline", async () => {
    const { page } = await newPage();
    const urls = requests(page);
    await signIn(page, 'tessera-hub', 'Contributor');
    await openMap(page);

    // Romania and the United Kingdom are outlined, from the shipped Natural Earth data.
    const map = page.getByTestId('map');
    await expect(map.locator('path[data-country="Romania"]').getAttribute('d')).resolves.toMatch(/^M[\d.-]+,[\d.-]+/);
    await expect(map.locator('path[data-country="United Kingdom"]').getAttribute('d')).resolves.toMatch(/^M[\d.-]+,[\d.-]+/);
    await expect(map.getAttribute('aria-label')).resolves.toMatch(/^Map of Europe with \d+ route flows and \d+ hotspots$/);

    // The same numbers as the API gives the analyst, in the table a screen reader reads.
    const api = await browser.hub.gql<{
      routeAggregates: {
        disclosureThreshold: number | null;
        nodes: Array<{ origin: { name: string }; destination: { name: string }; caseCount: number; victimCount: number }>;
      };
      hotspots: Array<{ location: { name: string }; caseCount: number; victimCount: number }>;
    }>(
      'tessera-hub',
      `{ routeAggregates(periodFrom: "${PERIOD.from}", periodTo: "${PERIOD.to}") { disclosureThreshold nodes { origin { name } destination { name } caseCount victimCount } }
         hotspots(periodFrom: "${PERIOD.from}", periodTo: "${PERIOD.to}") { location { name } caseCount victimCount } }`,
    );
    expect(api.data!.routeAggregates.disclosureThreshold).toBeNull();
    expect(api.data!.routeAggregates.nodes.length).toBeGreaterThan(0);
    const flows = await rows(page, 'flows');
    expect(flows.map((r) => [r[0]!.replace(/ \(\w\w\)$/, ''), r[2]!.replace(/ \(\w\w\)$/, ''), r[5], r[6]])).toEqual(
      api.data!.routeAggregates.nodes.map((n) => [n.origin.name, n.destination.name, String(n.caseCount), String(n.victimCount)]),
    );
    const spots = await rows(page, 'hotspots');
    expect(spots.map((r) => [r[0]!.replace(/ \(\w\w\)$/, ''), r[2], r[3]])).toEqual(
      api.data!.hotspots.map((h) => [h.location.name, String(h.caseCount), String(h.victimCount)]),
    );
    // Exact counts: nothing withheld, the period as asked.
    await expect(page.getByTestId('counted').innerText()).resolves.toBe('Counted over 2025-01-01 – 2026-12-31. Exact counts.');
    expect(await page.locator('main').innerText()).not.toContain('fewer than');
    // Each flow is an arc on the map, labelled with its count; each hotspot a circle.
    expect(await map.locator('g.flow.live').count()).toBe(api.data!.routeAggregates.nodes.length);
    expect(await map.locator('g.hotspot circle').count()).toBe(api.data!.hotspots.length);
    // Published routes: the Constanța → London route the hub published (3 cases).
    const published = await rows(page, 'published');
    expect(published.find((r) => r[0]!.startsWith('Constanța') && r[2]!.startsWith('London'))?.[5]).toBe('3');

    await shot(page, 'hub-map');
    expect(await seriousViolations(page)).toEqual([]);

    // The exploitation type filter is the API's: the flows are those it gives for LABOUR.
    await page.getByLabel('Exploitation type').selectOption('LABOUR');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator(`[data-testid="counted"][data-asked="${PERIOD.from}/${PERIOD.to}/LABOUR"]`).waitFor();
    const labour = await browser.hub.gql<{ routeAggregates: { nodes: Array<{ origin: { name: string }; destination: { name: string } }> } }>(
      'tessera-hub',
      `{ routeAggregates(periodFrom: "${PERIOD.from}", periodTo: "${PERIOD.to}", exploitationType: LABOUR) { nodes { origin { name } destination { name } } } }`,
    );
    expect((await rows(page, 'flows')).map((r) => [r[0]!.replace(/ \(\w\w\)$/, ''), r[2]!.replace(/ \(\w\w\)$/, '')])).toEqual(
      labour.data!.routeAggregates.nodes.map((n) => [n.origin.name, n.destination.name]),
    );
    expect(offOrigin(urls)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it.each(['albion-bank', 'safe-passage'])(
    '%s (a bank, an NGO) sees the counts withheld from it as "fewer than k", on the map and in its table, and no count below k',
    async (agency) => {
      const { page } = await newPage();
      const urls = requests(page);
      await signIn(page, agency, 'Contributor');
      await openMap(page);
      const k = (
        await browser.hub.gql<{ routeAggregates: { disclosureThreshold: number } }>(
          agency,
          `{ routeAggregates(periodFrom: "${PERIOD.from}", periodTo: "${PERIOD.to}") { disclosureThreshold } }`,
        )
      ).data!.routeAggregates.disclosureThreshold;
      expect(k).toBe(5);
      await expect(page.getByTestId('counted').innerText()).resolves.toContain(`reads "fewer than ${k}"`);

      // The small published routes (Iași → Leicester: 2 cases; Brașov → Sheffield: 1 case) read "fewer than 5".
      const published = await rows(page, 'published');
      const iasi = published.find((r) => r[0]!.startsWith('Iași') && r[2]!.startsWith('Leicester'))!;
      expect(iasi.slice(5)).toEqual([`fewer than ${k}`, `fewer than ${k}`]);
      // No released count anywhere on the page is below k.
      for (const testid of ['flows', 'hotspots', 'published']) {
        const counts = (await rows(page, testid)).flatMap((r) => r.slice(testid === 'hotspots' ? 2 : 5));
        for (const c of counts) expect(c === `fewer than ${k}` || Number(c) >= k).toBe(true);
      }
      const suppressedCells = await page.getByText(`fewer than ${k}`, { exact: true }).count();
      expect(suppressedCells).toBeGreaterThanOrEqual(2);

      // On the map: the withheld flows are dashed, labelled "<5", titled "fewer than 5"; no number below k.
      const map = page.getByTestId('map');
      const leicester = map.locator('g.flow.published.suppressed', { has: page.locator('title', { hasText: 'Iași → Leicester' }) });
      await expect(leicester.locator('title').textContent()).resolves.toBe(`Iași → Leicester: fewer than ${k}`);
      await expect(leicester.locator('text.count').textContent()).resolves.toBe(`<${k}`);
      for (const label of await map.locator('text.count').allTextContents()) expect(label === `<${k}` || Number(label) >= k).toBe(true);

      if (agency === 'albion-bank') await shot(page, 'bank-map');
      expect(await seriousViolations(page)).toEqual([]);

      // A period that does not start a quarter is counted over whole quarters, and the page says so.
      await page.getByLabel('From').fill('2025-02-10');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.locator(`[data-testid="counted"][data-asked="2025-02-10/${PERIOD.to}/"]`).waitFor();
      await page.getByText('Counted over 2025-01-01 – 2026-12-31: the period you chose, widened to whole quarters.', { exact: false }).waitFor();
      expect(offOrigin(urls)).toEqual([]);
      expect(cspViolations).toEqual([]);
    },
  );

  it('the header offers the map to every agency type whose policy reads routes and hotspots, and to no other', async () => {
    // One demo agency of each type (npm run token -- --list).
    const agencies: Record<AgencyType, string> = {
      LAW_ENFORCEMENT: 'met-police',
      FINANCIAL_INSTITUTION: 'banca-carpati',
      NGO: 'lumina-ro',
      FRONTLINE: 'leicester-schools',
      HUB_ANALYST: 'tessera-hub',
      HUB_ADMIN: 'tessera-admin',
    };
    for (const type of AGENCY_TYPES) {
      const ability = defineAbilityFor({ userId: 'u', agencyId: 'a', agencyType: type, role: 'VIEWER', groupIds: [] });
      const reads = canReadAny(ability, 'Route') && canReadAny(ability, 'Hotspot');
      const { page } = await newPage();
      await signIn(page, agencies[type], 'Viewer');
      await page.getByTestId('role').getByText('Viewer', { exact: true }).waitFor();
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Search' }).waitFor();
      await expect(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Map' }).count()).resolves.toBe(reads ? 1 : 0);
      await page.context().close();
    }
  });
});
