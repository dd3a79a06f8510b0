import type { Page } from 'playwright-core';
import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';

/**
 * A police analyst works the link chart: expands a node by link kind and collapses it again, sees a
 * node's many neighbours of one kind as one aggregate node and pages them in, asks for the shortest
 * path between two nodes chosen in the node table, and opens the chart from the "new on my cases"
 * correlations inbox.
 */
describe('the link chart and the correlations inbox, for a West Midlands police analyst', () => {
  const browser = consoleHarness();
  const { newPage, signIn, shot, go, cspViolations } = browser;

  const table = (page: Page) => page.getByTestId('node-table');
  const row = (page: Page, label: string | RegExp) =>
    table(page)
      .locator('tbody tr')
      .filter({ has: page.getByRole('rowheader', { name: label }) });

  it('expands by link kind, collapses, groups many neighbours of one kind, and highlights the shortest path the API finds', async () => {
    const police = await browser.hub.gql<{ searchPersons: Array<{ person: { id: string } }> }>(
      'west-midlands-police',
      '{ searchPersons(name: "Ionuț Popescu") { person { id } } }',
      undefined,
      { purpose: 'Test set-up: finding the suspect' },
    );
    const ionut = police.data!.searchPersons[0]!.person.id;

    const { page } = await newPage();
    const asked: Array<{ from: string; to: string }> = [];
    page.on('request', (r) => {
      if (!r.url().endsWith('/graphql') || r.method() !== 'POST') return;
      const body = r.postDataJSON() as { query: string; variables: { from: string; to: string } };
      if (/shortestPath\(/.test(body.query)) asked.push(body.variables);
    });
    await signIn(page, 'west-midlands-police', 'Contributor');
    await go(page, `/network/${ionut}`);
    await page.getByLabel('Purpose').fill('Investigation WMP-2026-1187');
    await page.getByRole('button', { name: 'Continue' }).click();
    await row(page, '+40722123456').waitFor();
    // The suspect and what he uses, owns and controls; the phone has two cases behind it, and the two
    // adult-services advert pages (Birmingham, London) it was advertised at.
    for (const label of ['Ionuț Popescu', 'LX25QQQ', 'Spălătoria Auto Sparkle (demo) Ltd']) await row(page, label).waitFor();
    await expect(row(page, '+40722123456').innerText()).resolves.toContain('4 more');
    const before = await table(page).locator('tbody tr').count();

    // Collapsing the seed takes back what it drew; expanding it by one link kind draws that kind only.
    await row(page, 'Ionuț Popescu').getByRole('button', { name: 'Collapse' }).click();
    await row(page, '+40722123456').waitFor({ state: 'detached' });
    await expect(table(page).locator('tbody tr').count()).resolves.toBe(1);
    await row(page, 'Ionuț Popescu').getByRole('button', { name: 'Select' }).click();
    const kinds = page.getByTestId('selection');
    for (const kind of ['+ CONTROLS (1)', '+ OWNS_VEHICLE (1)']) await kinds.getByRole('button', { name: kind }).waitFor();
    await kinds.getByRole('button', { name: '+ USES_PHONE (1)' }).click();
    await row(page, '+40722123456').waitFor();
    await expect(table(page).locator('tbody tr').count()).resolves.toBe(2);
    await expect(table(page).innerText()).resolves.not.toContain('LX25QQQ');
    await kinds.getByRole('button', { name: 'Expand', exact: true }).click();
    await row(page, 'LX25QQQ').waitFor();
    await expect(table(page).locator('tbody tr').count()).resolves.toBe(before);

    // Expand by kind: the phone selected from the table, then only its OBSERVED_IN links.
    await row(page, '+40722123456').getByRole('button', { name: 'Select' }).click();
    await expect(page.getByTestId('selected').innerText()).resolves.toBe('Selected: +40722123456');
    await page.getByTestId('selection').getByRole('button', { name: '+ OBSERVED_IN (2)' }).click();
    await row(page, 'WMP-2026-1187').waitFor();
    await row(page, 'DIICOT-IS-2026-77').waitFor();
    await expect(table(page).locator('tbody tr').count()).resolves.toBe(before + 2);
    await expect(row(page, '+40722123456').innerText()).resolves.toContain('2 more');

    // Collapse takes back what the phone's expansion drew: nothing else holds the two cases.
    await row(page, '+40722123456').getByRole('button', { name: 'Collapse' }).click();
    await row(page, 'DIICOT-IS-2026-77').waitFor({ state: 'detached' });
    await expect(table(page).locator('tbody tr').count()).resolves.toBe(before);
    await expect(table(page).innerText()).resolves.not.toContain('WMP-2026-1187');
    await expect(row(page, '+40722123456').innerText()).resolves.toContain('4 more');

    // More than one neighbour of one kind: drawn as one aggregate node with its count, paged in one at a time.
    await page.getByLabel('Group neighbours of one kind above').fill('1');
    await row(page, '+40722123456').getByRole('button', { name: 'Expand' }).click();
    const aggregate = row(page, '+2 CASE');
    await aggregate.waitFor();
    await expect(aggregate.innerText()).resolves.toContain('Group of neighbours of +40722123456');
    await row(page, '+2 ONLINE_ADVERT').waitFor();
    await expect(table(page).innerText()).resolves.not.toContain('DIICOT-IS-2026-77');
    await aggregate.getByRole('button', { name: 'Show 1 more' }).click();
    await row(page, '+1 CASE').waitFor();
    await expect(table(page).locator('tbody tr').count()).resolves.toBe(before + 3);
    await row(page, '+1 CASE').getByRole('button', { name: 'Show 1 more' }).click();
    await row(page, 'DIICOT-IS-2026-77').waitFor();
    await row(page, 'WMP-2026-1187').waitFor();
    await expect(table(page).innerText()).resolves.not.toContain('+1 CASE');
    expect(await seriousViolations(page)).toEqual([]);

    // The shortest path between two nodes marked in the table, as the API finds it under policy.
    await row(page, 'Ionuț Popescu')
      .getByRole('checkbox', { name: /Path end/ })
      .check();
    await row(page, 'DIICOT-IS-2026-77')
      .getByRole('checkbox', { name: /Path end/ })
      .check();
    await page.getByRole('button', { name: 'Shortest path' }).click();
    await page.getByTestId('path-found').waitFor();
    await expect(page.getByTestId('path-found').innerText()).resolves.toBe('Shortest path: 2 links');
    // Within the page's depth (4 links), which it sends as a variable.
    expect(asked).toEqual([{ from: ionut, to: expect.any(String), maxDepth: 4 }]);
    expect(asked[0]!.to).toBe(await row(page, 'DIICOT-IS-2026-77').getAttribute('data-node'));
    // Ionuț, his phone, the Romanian case: the only way between them within the chart's data.
    await expect(row(page, 'Ionuț Popescu').getByTestId('path-marker').innerText()).resolves.toBe('step 1 of 3');
    await expect(row(page, '+40722123456').getByTestId('path-marker').innerText()).resolves.toBe('step 2 of 3');
    await expect(row(page, 'DIICOT-IS-2026-77').getByTestId('path-marker').innerText()).resolves.toBe('step 3 of 3');
    await expect(table(page).getByTestId('path-marker').count()).resolves.toBe(3);
    await expect(row(page, 'LX25QQQ').getAttribute('data-path')).resolves.toBeNull();
    await shot(page, 'network-path');
    expect(await seriousViolations(page)).toEqual([]);

    // Undo takes the last expansion (the second page of the aggregate) back.
    await page.getByRole('button', { name: 'Clear the path' }).click();
    await expect(table(page).getByTestId('path-marker').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Undo last expansion' }).click();
    await row(page, '+1 CASE').waitFor();
    expect(cspViolations).toEqual([]);
  });

  it("shows the API's truncation, and expands a hub with the API's widest caps into an aggregate", async () => {
    const police = await browser.hub.gql<{ searchPersons: Array<{ person: { id: string } }> }>(
      'west-midlands-police',
      '{ searchPersons(name: "Ionuț Popescu") { person { id } } }',
      undefined,
      { purpose: 'Test set-up: finding the suspect' },
    );
    const ionut = police.data!.searchPersons[0]!.person.id;
    const { page } = await newPage();
    await signIn(page, 'west-midlands-police', 'Viewer');
    // The demo has no node past the degree cap: the hub's own first answer, with the truncation a
    // bigger network would carry and the phone returned as a hub (as past 50 links). Later answers are the hub's own.
    const asked: Array<Record<string, unknown>> = [];
    await page.route('**/graphql', async (route) => {
      const body = route.request().postDataJSON() as { query: string; variables: Record<string, unknown> };
      if (!/query Network\b/.test(body.query)) return route.continue();
      asked.push(body.variables);
      if (asked.length > 1) return route.continue();
      type Answer = {
        data: { network: Record<string, unknown> & { nodes: Array<{ id: string; hub: boolean; hubCount: number | null; entity: { value: string } | null }> } };
      };
      const answer = (await (await route.fetch()).json()) as Answer;
      const network = answer.data.network;
      const phone = network.nodes.find((n) => n.entity?.value === '+40722123456')!;
      Object.assign(phone, { hub: true, hubCount: 6 });
      Object.assign(network, {
        truncated: true,
        reasons: ['DEGREE_CAP', 'NODE_LIMIT'],
        reason: 'node limit 300 reached; 1 hub not expanded',
        truncatedAt: [phone.id],
      });
      await route.fulfill({ contentType: 'application/json', body: JSON.stringify(answer) });
    });
    await go(page, `/network/${ionut}`);
    await page.getByLabel('Purpose').fill('Investigation WMP-2026-1187');
    await page.getByRole('button', { name: 'Continue' }).click();
    const warning = page.getByTestId('truncation');
    await warning.waitFor();
    const text = await warning.innerText();
    expect(text).toContain('The network was truncated: node limit 300 reached; 1 hub not expanded');
    expect(text).toContain('Nodes with more than 50 links were returned as hubs and not expanded.');
    expect(text).toContain('Each request stops at 300 nodes');
    expect(text).toContain('1 node was cut short.');
    expect(await seriousViolations(page)).toEqual([]);

    // The hub's count: of its 6 links, Ionuț drawn, the two cases and two advert pages known and not drawn, one more not fetched.
    await expect(row(page, '+40722123456').innerText()).resolves.toContain('5 more');
    await page.getByLabel('Group neighbours of one kind above').fill('1');
    await row(page, '+40722123456').getByRole('button', { name: 'Expand' }).click();
    await row(page, '+2 CASE').waitFor();
    const phoneId = await row(page, '+40722123456').getAttribute('data-node');
    expect(asked[1]).toEqual({ seeds: [phoneId], depth: 1, nodeLimit: 1000, degreeCap: 500 });
    // Paging in asks what the drawn members link to.
    await row(page, '+2 CASE').getByRole('button', { name: 'Show 1 more' }).click();
    await row(page, '+1 CASE').waitFor();
    expect(asked[2]).toEqual({ seeds: [expect.any(String)], depth: 1, nodeLimit: 300, degreeCap: 50 });
  });

  it('the correlations inbox lists what is new on the force’s case, and opens the identifier on the link chart', async () => {
    const { page } = await newPage();
    await signIn(page, 'west-midlands-police', 'Contributor');
    await page.getByRole('navigation').getByRole('link', { name: 'New on my cases' }).click();
    await page.getByLabel('Purpose').fill('Deconfliction WMP-2026-1187');
    await page.getByRole('button', { name: 'Continue' }).click();
    const inbox = page.getByTestId('inbox');
    await inbox.waitFor();
    // The Romanian police's GREEN statement about the phone observed in the force's case (the advert
    // feed's statements about the same phone are new on the case too).
    const entry = inbox.locator('tbody tr').filter({ hasText: '+40722123456' }).filter({ hasText: 'Observed 2025-03-20' });
    await expect(entry.count()).resolves.toBe(1);
    const text = await entry.innerText();
    expect(text).toContain('WMP-2026-1187');
    expect(text).toContain('Observed 2025-03-20');
    expect(text).toContain('Poliția Română');
    await shot(page, 'correlations');
    expect(await seriousViolations(page)).toEqual([]);

    await entry.getByRole('link', { name: /Open on the link chart/ }).click();
    await page.getByRole('heading', { name: 'Link chart' }).waitFor();
    await row(page, '+40722123456').waitFor();
    await row(page, 'WMP-2026-1187').waitFor();
    await row(page, 'DIICOT-IS-2026-77').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
