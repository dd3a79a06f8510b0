import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildConsole } from '../../scripts/console-build';
import { type LaunchedBrowser, launchChromium, SCREENSHOTS } from './browser';
import { startTestHub, type TestHub } from './hub';

/**
 * One browser test file's hub (in-process, with the development IdP) and its people: each
 * `newPage()` is a fresh Chromium profile, `signIn` goes through the console's agency choice and the
 * IdP's login page, and every Content-Security-Policy violation a page reports is collected.
 * Call it at the top of a `describe`: it registers the hooks that start and stop both.
 * `accessTokenTtlSeconds` shortens the development IdP's access tokens (default an hour).
 */
export function consoleHarness(options: { accessTokenTtlSeconds?: number } = {}) {
  const state = { hub: undefined as TestHub | undefined, cspViolations: [] as string[] };
  const browsers: LaunchedBrowser[] = [];

  beforeAll(async () => {
    buildConsole();
    state.hub = await startTestHub('in-process', { devIdp: true, accessTokenTtlSeconds: options.accessTokenTtlSeconds });
  });
  afterAll(async () => {
    for (const b of browsers) await b.close();
    await state.hub?.stop();
  });

  return {
    get hub(): TestHub {
      if (!state.hub) throw new Error('the hub starts in beforeAll');
      return state.hub;
    },
    cspViolations: state.cspViolations,

    /** A fresh browser profile: one person. */
    async newPage(): Promise<{ page: Page }> {
      const b = await launchChromium();
      browsers.push(b);
      const page = b.context.pages()[0] ?? (await b.context.newPage());
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) state.cspViolations.push(m.text());
      });
      return { page };
    },

    /** Signs in as a demo user of `agency` (its slug) with `role` (Viewer, Contributor, Supervisor). */
    async signIn(page: Page, agency: string, role: string): Promise<void> {
      await page.goto(state.hub!.publicUrl);
      await page.getByLabel('Agency').selectOption(agency);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/idp\/.*\/interaction\//);
      await page.getByRole('radio', { name: new RegExp(`^${role}`, 'i') }).check();
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForSelector('[data-testid="agency"]');
    },

    /** Goes to a console path as the app does (the token is in memory only: a reload would sign in again). */
    async go(page: Page, to: string): Promise<void> {
      await page.evaluate(`history.pushState(null, '', ${JSON.stringify(to)}); dispatchEvent(new PopStateEvent('popstate'))`);
    },

    /** A full-page screenshot into docs/console/ (shown in the README). */
    shot: (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true }),
  };
}
