import type { Page } from 'playwright-core';
import { DEMO_CAMPAIGN } from '../../services/routes/demo-data';
import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';

/**
 * Prevention campaigns in a real browser: the hub's analyst creates a campaign from the candidate
 * areas shown with their counts and reads the before/after table; the partner NGO opens its demo
 * campaign in Constanța, sees its target areas (counts as the API releases them to it) and records
 * a week's reach. The API is asked that each step holds.
 */
describe('prevention campaigns in Chromium', () => {
  const browser = consoleHarness();
  const { newPage, signIn, shot, cspViolations } = browser;

  const rows = (page: Page, testid: string) =>
    page
      .getByTestId(testid)
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));

  it("the hub's analyst creates a campaign from the candidate areas and reads its before/after table", async () => {
    const { page } = await newPage();
    await signIn(page, 'tessera-hub', 'Contributor');
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByTestId('campaign-list').waitFor();
    expect((await rows(page, 'campaign-list')).map((r) => r[0])).toContain(DEMO_CAMPAIGN.name);

    // The candidate areas with the counts behind them, as the API gives them to the analyst.
    await page.getByLabel('From', { exact: true }).fill('2025-01-01');
    await page.getByLabel('To', { exact: true }).fill('2026-12-31');
    await page.getByRole('button', { name: 'Show candidate areas' }).click();
    await page.getByText('cases counted 2025-01-01 – 2026-12-31').waitFor();
    const api = await browser.hub.gql<{
      campaignCandidateAreas: Array<{ location: { name: string; countryCode: string }; caseCount: number; victimCount: number }>;
    }>('tessera-hub', '{ campaignCandidateAreas(periodFrom: "2025-01-01", periodTo: "2026-12-31") { location { name countryCode } caseCount victimCount } }');
    const candidates = await rows(page, 'candidates');
    expect(candidates.map((r) => [r[0], r[1], r[2]])).toEqual(
      api.data!.campaignCandidateAreas.map((a) => [`${a.location.name} (${a.location.countryCode})`, String(a.caseCount), String(a.victimCount)]),
    );
    expect(candidates.find((r) => r[0] === 'Constanța (RO)')![3]).toContain('→ London (3)');

    await page.getByRole('checkbox', { name: 'Iași (RO)' }).check();
    await page.getByLabel('Name').fill('Nu ești de vânzare — Iași');
    await page.getByLabel('Goal').fill('Reach young women in Iași with the signs of a false job offer abroad');
    await page.getByLabel('Partner').selectOption({ label: 'Asociația Lumina (fictional NGO)' });
    await page.getByRole('checkbox', { name: 'Social media' }).check();
    await page.getByRole('checkbox', { name: 'Schools' }).check();
    await page.getByLabel('Starts on').fill('2026-09-01');
    await page.getByLabel('Ends on').fill('2026-11-30');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create the campaign' }).click();

    await page.getByRole('heading', { name: 'Nu ești de vânzare — Iași' }).waitFor();
    const created = await browser.hub.gql<{
      campaigns: {
        nodes: Array<{ name: string; channels: string[]; startsOn: string; partnerAgency: { slug: string }; targetAreas: Array<{ name: string }> }>;
      };
    }>('tessera-hub', '{ campaigns { nodes { name channels startsOn partnerAgency { slug } targetAreas { name } } } }');
    expect(created.data!.campaigns.nodes.find((c) => c.name === 'Nu ești de vânzare — Iași')).toEqual({
      name: 'Nu ești de vânzare — Iași',
      channels: ['SOCIAL_MEDIA', 'SCHOOLS'],
      startsOn: '2026-09-01',
      partnerAgency: { slug: 'lumina-ro' },
      targetAreas: [{ name: 'Iași' }],
    });
    expect((await rows(page, 'target-areas')).map((r) => r[0])).toEqual(['Iași (RO)']);
    await expect(page.getByTestId('indicators').locator('caption').innerText()).resolves.toBe(
      'Before (2026-06-02 – 2026-08-31) and after (2026-09-01 – 2026-11-30) the start, per area',
    );
    expect((await rows(page, 'indicators')).map((r) => r[1])).toEqual([
      'Reports from the public',
      'Frontline notifications',
      'Referrals (cases opened with a victim)',
      'Calls to the partner',
    ]);

    // The demo campaign: the calls the partner recorded before and after its start, exact for the hub.
    await page.getByRole('link', { name: 'All campaigns' }).click();
    await page.getByRole('link', { name: DEMO_CAMPAIGN.name }).click();
    await page.getByTestId('indicators').waitFor();
    const calls = (await rows(page, 'indicators')).find((r) => r[1] === 'Calls to the partner')!;
    expect(calls).toEqual(['Constanța', 'Calls to the partner', '3', '22']);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'campaigns');
    expect(cspViolations).toEqual([]);
  });

  it('the partner NGO sees its campaign’s target areas without exact counts and records a week’s reach', async () => {
    const { page } = await newPage();
    await signIn(page, 'lumina-ro', 'Contributor');
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: DEMO_CAMPAIGN.name }).click();
    await page.getByTestId('target-areas').waitFor();
    const areas = await rows(page, 'target-areas');
    // Whole quarters, and the demo's few cases are withheld from the partner.
    expect(areas).toEqual([['Constanța (RO)', '2025-01-01 – 2026-03-31', '0', '0']]);
    expect(await page.getByTestId('indicators').count()).toBe(0);
    await expect(page.getByRole('button', { name: 'Download GeoJSON' }).isVisible()).resolves.toBe(true);

    await page.getByLabel('ISO week').fill('2026-W13');
    await page.getByLabel('People reached').fill('4700');
    await page.getByLabel('Calls').fill('8');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await page.getByTestId('reach-recorded').getByText('Recorded: 4700 people reached in 2026-W13.').waitFor();
    await page.getByTestId('reach').getByText('2026-W13').waitFor();
    const api = await browser.hub.gql<{ campaignReach: Array<{ isoWeek: string; peopleReached: number; partnerCalls: number }> }>(
      'tessera-hub',
      'query($id: ID!) { campaignReach(campaignId: $id) { isoWeek peopleReached partnerCalls } }',
      { id: browser.hub.demo.ids['campaign:constanta'] },
    );
    expect(api.data!.campaignReach.find((r) => r.isoWeek === '2026-W13')).toEqual({ isoWeek: '2026-W13', peopleReached: 4700, partnerCalls: 8 });

    // A week outside the campaign is refused in words, with the field marked.
    await page.getByLabel('ISO week').fill('2024-W01');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await page.getByRole('alert').getByText('BAD_USER_INPUT').waitFor();
    await expect(page.getByLabel('ISO week').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await seriousViolations(page)).toEqual([]);

    // In Romanian, with ș and ț written with the comma below.
    await page.getByLabel('Language').selectOption('ro');
    await page.getByText('Acoperirea înregistrată de partener, pe săptămâni și zone').waitFor();
    await page.getByRole('button', { name: 'Înregistrați', exact: true }).waitFor();
    expect(await page.locator('main').innerText()).not.toMatch(/[\u015e\u015f\u0162\u0163]/);
    expect(cspViolations).toEqual([]);
  });

  it('viewers of the hub and of the partner read the campaign and are offered neither a new campaign nor a reach form', async () => {
    for (const [agency, intro] of [
      ['tessera-hub', 'Campaigns reach people where victims are recruited.'],
      ['lumina-ro', 'The campaigns your organisation runs with the hub'],
    ] as const) {
      const { page } = await newPage();
      await signIn(page, agency, 'Viewer');
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Campaigns' }).click();
      await page.getByTestId('campaign-list').waitFor();
      await page.getByText(intro, { exact: false }).waitFor();
      expect(await page.getByRole('button', { name: 'Show candidate areas' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Create the campaign' }).count()).toBe(0);
      await page.getByRole('link', { name: DEMO_CAMPAIGN.name }).click();
      await page.getByTestId('target-areas').waitFor();
      await page.getByTestId('reach').waitFor();
      expect(await page.getByLabel('ISO week').count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
    }
    expect(cspViolations).toEqual([]);
  });
});
