import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';

/**
 * A bank's officer screens privately in the console (Albion Bank, a Contributor): the page runs the
 * bank's client in the browser, so the hub answers known / not known — what the clear hit/no-hit
 * answers — without any request carrying an identifier; then the officer asks in clear about the
 * known one only, to learn whom to ask.
 */
describe("the bank officer's private screening in Chromium", () => {
  const browser = consoleHarness();
  const { newPage, signIn, shot, cspViolations } = browser;
  const hubKeyId = async () =>
    (await browser.hub.gql<{ privateScreeningKey: { keyId: string } }>('albion-bank', `{ privateScreeningKey { keyId } }`)).data!.privateScreeningKey.keyId;

  let page: Page;
  /** The bodies of every request the page sends to the hub's API. */
  const sent: string[] = [];
  beforeAll(async () => {
    ({ page } = await newPage());
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/graphql') sent.push(r.postData() ?? '');
    });
    await signIn(page, 'albion-bank', 'Contributor');
  });

  async function clean(on: Page = page): Promise<void> {
    expect(await seriousViolations(on)).toEqual([]);
    expect(cspViolations).toEqual([]);
  }

  const answerOf = (testId: string, value: string, on: Page = page) => on.getByTestId(testId).locator(`tr[data-value="${value}"]`).getByTestId('answer');

  it('screens a known and an unknown identifier in the browser, the hub sees neither, and asks in clear about the known one only', async () => {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Private screening' }).click();
    await page.getByRole('heading', { name: 'Private screening', level: 1 }).waitFor();
    await expect(page.getByTestId('in-browser').innerText()).resolves.toContain('never leave this browser in clear');
    await clean();

    // The controller's booking number on the adverts (the hit/no-hit journey's known one), a number nobody holds, an email nobody holds.
    await page.getByRole('textbox', { name: 'Identifiers' }).fill('PHONE,07700 900312\nPHONE,07700 900001\nEMAIL,Nobody.Holds.This@Example.net');
    await page.getByLabel('Your bank’s country for national phone numbers').fill('GB');
    const before = sent.length;
    await page.getByRole('button', { name: 'Screen privately' }).click();
    await page.getByTestId('private-results').waitFor();
    await expect(answerOf('private-results', '+447700900312').innerText()).resolves.toBe('known');
    await expect(answerOf('private-results', '+447700900001').innerText()).resolves.toBe('not known');
    await expect(answerOf('private-results', 'nobody.holds.this@example.net').innerText()).resolves.toBe('not known');
    await expect(page.getByTestId('private-summary').innerText()).resolves.toMatch(/^1 of 3 known to the hub/);

    // The hub was asked for its filter and evaluated blinded elements: no request named an identifier, in any form.
    const screening = sent.slice(before);
    expect(screening.some((b) => b.includes('privateScreeningFilter'))).toBe(true);
    expect(screening.some((b) => b.includes('evaluatePrivateScreening'))).toBe(true);
    for (const needle of ['07700 900312', '7700900312', '07700 900001', '7700900001', 'Nobody.Holds', 'nobody.holds'])
      for (const body of screening) expect(body).not.toContain(needle);
    await clean();
    await shot(page, 'private-screening');

    // In clear, about the known one only: the clear mode agrees, and names whom to ask.
    const beforeClear = sent.length;
    await page.getByRole('button', { name: 'Ask in clear who holds the known identifiers (1)' }).click();
    await page.getByTestId('hit-results').waitFor();
    await expect(answerOf('hit-results', '+447700900312').innerText()).resolves.toBe('known');
    await expect(page.getByTestId('hit-results').innerText()).resolves.toContain('West Midlands Police (demo)');
    const clear = sent.slice(beforeClear);
    expect(clear.some((b) => b.includes('+447700900312'))).toBe(true);
    for (const body of clear) for (const needle of ['7700900001', 'nobody.holds']) expect(body).not.toContain(needle);
    await clean();

    // The clear mode's answer for the others is the private one.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Hit/no-hit' }).click();
    await page.locator('#value-0').fill('07700 900001');
    await page.getByRole('button', { name: 'Add an identifier' }).click();
    await page.locator('#kind-1').selectOption('EMAIL');
    await page.locator('#value-1').fill('Nobody.Holds.This@Example.net');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByTestId('hit-results').waitFor();
    await expect(answerOf('hit-results', '+447700900001').innerText()).resolves.toBe('not known');
    await expect(answerOf('hit-results', 'nobody.holds.this@example.net').innerText()).resolves.toBe('not known');
  });

  it('sends a batch whose answer was lost again, under the same idempotency key: the right answers, the quota counted once', async () => {
    const albion = browser.hub.demo.agencies['albion-bank']!.id;
    const batches = async () =>
      (
        await browser.hub.db.query<{ n: number; elements: number }>(
          `SELECT count(*)::int AS n, coalesce(sum(element_count), 0)::int AS elements FROM entities.private_screening_batches WHERE owner_agency_id = $1`,
          [albion],
        )
      )[0]!;
    const before = await batches();
    // The hub answers the first evaluation, and the connection drops before the answer reaches the page.
    const keys: string[] = [];
    await page.route('**/graphql', async (route) => {
      const body = route.request().postData() ?? '';
      if (!body.includes('evaluatePrivateScreening')) return route.continue();
      keys.push((JSON.parse(body) as { variables: { input: { idempotencyKey: string } } }).variables.input.idempotencyKey);
      const answer = await route.fetch();
      return keys.length === 1 ? route.abort('connectionreset') : route.fulfill({ response: answer });
    });
    try {
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Private screening' }).click();
      await page.getByRole('textbox', { name: 'Identifiers' }).fill('PHONE,+44 7700 900312\nPHONE,+44 7700 900001');
      await page.getByRole('button', { name: 'Screen privately' }).click();
      await page.getByTestId('private-results').waitFor();
      await expect(answerOf('private-results', '+447700900312').innerText()).resolves.toBe('known');
      await expect(answerOf('private-results', '+447700900001').innerText()).resolves.toBe('not known');
    } finally {
      await page.unroute('**/graphql');
    }
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await batches()).toEqual({ n: before.n + 1, elements: before.elements + 2 });
  });

  it('pins the hub’s key on first use, and refuses a changed key until the officer accepts it', async () => {
    const { page: officer } = await newPage();
    const bodies: string[] = [];
    officer.on('request', (r) => {
      if (new URL(r.url()).pathname === '/graphql') bodies.push(r.postData() ?? '');
    });
    await signIn(officer, 'albion-bank', 'Contributor');
    await officer.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Private screening' }).click();
    await expect(officer.getByTestId('pinned-key').innerText()).resolves.toMatch(/^No key is pinned in this browser yet/);
    const identifiers = officer.getByRole('textbox', { name: 'Identifiers' });
    const screen = officer.getByRole('button', { name: 'Screen privately' });

    // First use: the key the hub presents is pinned, and named for the officer to compare.
    const first = await hubKeyId();
    await identifiers.fill('PHONE,+44 7700 900312');
    await screen.click();
    await officer.getByTestId('private-results').waitFor();
    await expect(officer.getByTestId('pinned-now').innerText()).resolves.toContain(`pinned the hub’s key ${first}`);
    await expect(officer.getByTestId('pinned-key').innerText()).resolves.toContain(`against the hub’s key ${first}`);

    process.env.TESSERA_PRIVATE_SCREENING_KEY = randomBytes(32).toString('base64url');
    try {
      const rotated = await hubKeyId();
      // The hub now presents another key: refused, both key ids shown, no batch sent, no answer shown.
      const before = bodies.length;
      await screen.click();
      const alert = officer.getByTestId('key-changed');
      await alert.waitFor();
      await expect(alert.innerText()).resolves.toContain(
        `This browser pinned the hub’s key ${first}; the hub now presents key ${rotated}. Nothing was screened.`,
      );
      await expect(officer.getByTestId('private-results').count()).resolves.toBe(0);
      expect(bodies.slice(before).some((b) => b.includes('evaluatePrivateScreening'))).toBe(false);
      await expect(officer.getByTestId('pinned-key').innerText()).resolves.toContain(first);
      await clean(officer);

      // Refused again, as long as the officer has not accepted it.
      await screen.click();
      await alert.waitFor();
      await expect(officer.getByTestId('private-results').count()).resolves.toBe(0);

      // Accepted: pinned in place of the old one, and the identifiers screened under it.
      await officer.getByRole('button', { name: `Accept the new key ${rotated} and screen again` }).click();
      await officer.getByTestId('private-results').waitFor();
      await expect(answerOf('private-results', '+447700900312', officer).innerText()).resolves.toBe('known');
      await expect(officer.getByTestId('private-summary').innerText()).resolves.toContain(`key ${rotated}`);
      await expect(officer.getByTestId('pinned-key').innerText()).resolves.toContain(`against the hub’s key ${rotated}`);
      await expect(officer.getByTestId('key-changed').count()).resolves.toBe(0);

      // The new pin holds for the next screening, on another visit to the page.
      await officer.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Hit/no-hit' }).click();
      await officer.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Private screening' }).click();
      await expect(officer.getByTestId('pinned-key').innerText()).resolves.toContain(rotated);
      await identifiers.fill('PHONE,+44 7700 900001');
      await screen.click();
      await officer.getByTestId('private-results').waitFor();
      await expect(officer.getByTestId('pinned-now').count()).resolves.toBe(0);
    } finally {
      delete process.env.TESSERA_PRIVATE_SCREENING_KEY;
    }
  });

  it('is offered to whoever may screen in clear: a police officer, who asks hit/no-hit one by one, has no link to it', async () => {
    const { page: police } = await newPage();
    await signIn(police, 'met-police', 'Contributor');
    const nav = police.getByRole('navigation', { name: 'Pages' });
    await nav.getByRole('link', { name: 'Hit/no-hit' }).waitFor();
    await expect(nav.getByRole('link', { name: 'Private screening' }).count()).resolves.toBe(0);
  });
});
