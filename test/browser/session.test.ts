import type { Page, Request } from 'playwright-core';
import { consoleHarness } from '../support/console';

/**
 * A console session that outlives its access token: the development IdP issues 5-second access
 * tokens with rotating refresh tokens here. The page keeps answering after the first token is past
 * its expiry (and the gateway's clock tolerance), the refresh token changes at each use, and no
 * token is ever in localStorage or sessionStorage; when the refresh is refused, the person goes
 * through the provider's sign-in again and comes back to the page they were on.
 */
describe('a console session past its access token’s lifetime in Chromium', () => {
  const TTL = 5;
  /** gateway/identity.ts accepts a token this long after its expiry (clock skew). */
  const CLOCK_TOLERANCE_MS = 30_000;
  const browser = consoleHarness({ accessTokenTtlSeconds: TTL });
  const { newPage, signIn, go, cspViolations } = browser;

  /**
   * What the page sent: the bearer tokens to the API, the refresh tokens to the provider; and when the
   * provider's token answers arrived (the console counts a token's lifetime from then).
   */
  function watch(page: Page) {
    const bearers: string[] = [];
    const refreshTokens: string[] = [];
    const tokensReceivedAt: number[] = [];
    page.on('response', (r) => {
      if (/^\/idp\/[^/]+\/token$/.test(new URL(r.url()).pathname) && r.status() === 200) tokensReceivedAt.push(Date.now());
    });
    page.on('request', (r: Request) => {
      const url = new URL(r.url());
      if (url.pathname === '/graphql') {
        const auth = r.headers().authorization;
        if (auth) bearers.push(auth.replace(/^Bearer /, ''));
      }
      if (/^\/idp\/[^/]+\/token$/.test(url.pathname)) {
        const form = new URLSearchParams(r.postData() ?? '');
        if (form.get('grant_type') === 'refresh_token') refreshTokens.push(form.get('refresh_token')!);
      }
    });
    return { bearers, refreshTokens, tokensReceivedAt };
  }
  const expiryMs = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1000;
  const storage = (page: Page) => page.evaluate<string>('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })');
  const demoTask = async (page: Page) => {
    await go(page, '/tasks');
    await page.getByRole('heading', { name: 'Referral tasks' }).waitFor();
    await page.locator(`[data-testid="task"][data-id="${browser.hub.demo.ids['notification:iasi-hospital']}"]`).waitFor();
  };

  it('keeps working past the first token’s expiry, with rotated refresh tokens kept out of web storage', async () => {
    const { page } = await newPage();
    const seen = watch(page);
    await signIn(page, 'lumina-ro', 'Contributor');
    await demoTask(page);
    const first = seen.bearers[0]!;

    // Wait until the first token is refused by the API itself.
    await page.waitForTimeout(Math.max(0, expiryMs(first) + CLOCK_TOLERANCE_MS + 1_000 - Date.now()));
    const stale = await browser.hub.gql({ authorization: `Bearer ${first}` }, '{ me { displayName } }');
    expect(stale.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    await go(page, '/notifications');
    await demoTask(page);
    await page.getByTestId('agency').getByText('Asociația Lumina (fictional NGO)').waitFor();
    const latest = seen.bearers[seen.bearers.length - 1]!;
    expect(latest).not.toBe(first);
    expect(expiryMs(latest)).toBeGreaterThan(Date.now() - CLOCK_TOLERANCE_MS);
    const me = await browser.hub.gql<{ me: { displayName: string } }>({ authorization: `Bearer ${latest}` }, '{ me { displayName } }');
    expect(me.errors).toBeUndefined();
    // Renewed several times, each refresh token used once (rotation).
    expect(seen.refreshTokens.length).toBeGreaterThan(1);
    expect(new Set(seen.refreshTokens).size).toBe(seen.refreshTokens.length);

    const stored = await storage(page);
    for (const token of [first, latest, ...seen.refreshTokens]) expect(stored).not.toContain(token);
    expect(cspViolations).toEqual([]);
  });

  it('on an UNAUTHENTICATED answer, refreshes and tries once more', async () => {
    const { page } = await newPage();
    const seen = watch(page);
    await signIn(page, 'lumina-ro', 'Contributor');
    await go(page, '/notifications');
    await page.getByRole('heading', { name: 'My notifications' }).waitFor();
    // The API refuses the next request's token, as it does a token revoked or expired early.
    let refusedToken: string | undefined;
    await page.route(/\/graphql$/, async (route) => {
      if (refusedToken) return route.continue();
      refusedToken = route
        .request()
        .headers()
        .authorization?.replace(/^Bearer /, '');
      return route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({ errors: [{ message: 'Not authenticated', extensions: { code: 'UNAUTHENTICATED' } }] }),
      });
    });
    const refreshesBefore = seen.refreshTokens.length;
    await demoTask(page);
    expect(refusedToken).toBeDefined();
    // Without the retry the page would show the refusal; it shows the tasks, asked again with a new token.
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(seen.refreshTokens.length).toBeGreaterThan(refreshesBefore);
    expect(seen.bearers[seen.bearers.length - 1]).not.toBe(refusedToken);
  });

  it('signs in again and returns to the same page when the provider refuses the refresh', async () => {
    const { page } = await newPage();
    const seen = watch(page);
    // The provider answers every refresh as a revoked grant would.
    let refused = 0;
    await page.route(/\/idp\/lumina-ro\/token$/, async (route) => {
      if (new URLSearchParams(route.request().postData() ?? '').get('grant_type') !== 'refresh_token') return route.continue();
      refused += 1;
      return route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'invalid_grant', error_description: 'grant revoked' }),
      });
    });
    const codes: string[] = [];
    page.on('request', (r) => {
      if (/\/idp\/lumina-ro\/token$/.test(r.url()) && new URLSearchParams(r.postData() ?? '').get('grant_type') === 'authorization_code') codes.push(r.url());
    });
    await signIn(page, 'lumina-ro', 'Contributor');
    await go(page, '/notifications');
    await page.getByRole('heading', { name: 'My notifications' }).waitFor();
    expect(codes).toHaveLength(1);

    // Past the token's expiry as the console counts it: its lifetime from when the answer arrived, which
    // is later than the token's `exp` (whole seconds from when the provider signed it).
    await page.waitForTimeout(Math.max(0, seen.tokensReceivedAt[0]! + TTL * 1000 + 500 - Date.now()));
    // The refresh is refused: the person is sent through sign-in again (a second code exchange)...
    const secondSignIn = page.waitForRequest(
      (r) => /\/idp\/lumina-ro\/token$/.test(r.url()) && new URLSearchParams(r.postData() ?? '').get('grant_type') === 'authorization_code',
      { timeout: 90_000 },
    );
    await go(page, '/tasks');
    await secondSignIn;
    // ...and comes back from the provider (its session still open: no question asked) on the page asked for.
    await page.waitForURL((url) => url.pathname === '/tasks', { timeout: 60_000 });
    await page.locator(`[data-testid="task"][data-id="${browser.hub.demo.ids['notification:iasi-hospital']}"]`).waitFor({ timeout: 60_000 });
    expect(codes).toHaveLength(2);
    expect(refused).toBeGreaterThan(0);
    expect(seen.bearers[seen.bearers.length - 1]).not.toBe(seen.bearers[0]);
    expect(await storage(page)).not.toContain(seen.bearers[seen.bearers.length - 1]!);
    expect(cspViolations).toEqual([]);
  });
});
