import type { Page } from 'playwright-core';
import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';

/**
 * A frontline professional's notification and its referral, in a real browser on the public API:
 * the Iași hospital's social worker notifies a child case to the Romanian NGO Asociația Lumina (sent
 * again after a lost answer, recorded once), the NGO finds it among its referral tasks due in one
 * day and moves it on with an outcome, and the hospital reads that status and outcome. A bank has no
 * such links: its tasks page is empty (reads are filtered), and the API's refusal of a notification
 * it sends anyway shows in words.
 */
describe('a frontline notification and its referral task in Chromium', () => {
  const browser = consoleHarness();
  const { newPage, signIn, shot, go, cspViolations } = browser;

  const SUMMARY = 'A 15-year-old girl brought to the emergency room by a man who answered every question for her; she had no documents.';
  const OUTCOME = 'Met the girl with a social worker; referred to the NRM as a first responder.';
  const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

  interface ApiNotification {
    id: string;
    summary: string;
    status: string;
    outcome: string | null;
    dueOn: string;
    childInvolved: boolean;
    indicators: string[];
    exploitationTypes: string[];
  }
  async function sent(): Promise<ApiNotification[]> {
    const r = await browser.hub.gql<{ notifications: { nodes: ApiNotification[] } }>(
      'spitalul-iasi',
      '{ notifications(direction: SENT, first: 200) { nodes { id summary status outcome dueOn childInvolved indicators exploitationTypes } } }',
    );
    expect(r.errors).toBeUndefined();
    return r.data!.notifications.nodes;
  }
  const nav = (page: Page) => page.getByRole('navigation', { name: 'Pages' });
  const headerLinks = (page: Page) => nav(page).getByRole('link').allInnerTexts();

  it('the hospital notifies a child case to Lumina, Lumina refers it to the NRM, the hospital reads the outcome', async () => {
    // A task of another frontline service already past its due date: Lumina sees it marked overdue.
    const late = await browser.hub.gql<{ notifyCase: { id: string } }>(
      'leicester-schools',
      'mutation($input: NotifyCaseInput!) { notifyCase(input: $input) { id } }',
      {
        input: {
          destinationAgencyId: browser.hub.demo.agencies['lumina-ro']!.id,
          indicators: ['DEBT_BONDAGE'],
          summary: 'A pupil’s family says they owe the man who brought them from Romania.',
          idempotencyKey: 'browser-frontline-late',
        },
      },
    );
    expect(late.errors).toBeUndefined();
    await browser.hub.db.query(`UPDATE intake.notifications SET due_on = (now() AT TIME ZONE 'UTC')::date - 2 WHERE id = $1`, [late.data!.notifyCase.id]);
    const before = (await sent()).length;

    const { page } = await newPage();
    await signIn(page, 'spitalul-iasi', 'Contributor');
    await page.getByTestId('role').getByText('Contributor', { exact: true }).waitFor();
    await nav(page).getByRole('link', { name: 'Notify a case' }).waitFor();
    expect(await headerLinks(page)).toEqual(['Search', 'Reports', 'Notify a case', 'My notifications']);

    await nav(page).getByRole('link', { name: 'Notify a case' }).click();
    await page.getByRole('heading', { name: 'Notify a suspected case' }).waitFor();
    // The signs, by the taxonomy's groups, with readable names.
    for (const group of ['Forced labour (ILO indicators)', 'Sexual exploitation', 'Child exploitation']) {
      await page.getByRole('group', { name: group }).waitFor();
    }
    await page.getByRole('group', { name: 'Forced labour (ILO indicators)' }).getByLabel('Identity documents kept by someone else').check();
    await page.getByLabel('Always accompanied; someone else speaks for them').check();
    await page.getByLabel('Unaccompanied, or with an adult who is not a parent or carer').check();
    await page.getByLabel('Sexual', { exact: true }).check();
    await page.getByLabel('A child (under 18) is involved').check();
    // Only the directory's NGOs and police are offered.
    const offered = await page.getByLabel('Refer to').locator('option').allInnerTexts();
    expect(offered.some((o) => o.startsWith('Asociația Lumina'))).toBe(true);
    expect(offered.some((o) => o.startsWith('Poliția Română'))).toBe(true);
    expect(offered.some((o) => /Bank|Banca|Spitalul|Tessera/.test(o))).toBe(false);
    await page.getByLabel('Refer to').selectOption({ label: 'Asociația Lumina (fictional NGO) (RO)' });
    await page.getByLabel('What you saw, without names').fill(SUMMARY);
    await page.getByLabel('Where (optional)').fill('Iași, emergency room');
    await page.getByLabel('When (optional)').fill('last night');
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'frontline-notify');
    // The first answer is lost on the way back (the API recorded the notification): sent again, the
    // same draft's key makes it the same notification.
    let lost = false;
    await page.route(/\/graphql$/, async (route) => {
      if (lost || !(route.request().postData() ?? '').includes('NotifyCase')) return route.continue();
      lost = true;
      await route.fetch();
      return route.abort('failed');
    });
    await page.getByRole('button', { name: 'Send the notification' }).click();
    await page.getByRole('alert').getByText('Something went wrong').waitFor();
    expect((await sent()).filter((n) => n.summary === SUMMARY)).toHaveLength(1);
    await page.unroute(/\/graphql$/);
    await page.getByRole('button', { name: 'Send the notification' }).click();
    await page.getByTestId('notified').getByText(`Notified to Asociația Lumina (fictional NGO). The task is due by ${tomorrow()}.`).waitFor();

    const mine = (await sent()).filter((n) => n.summary === SUMMARY);
    expect(mine).toHaveLength(1);
    expect((await sent()).length).toBe(before + 1);
    expect(mine[0]).toMatchObject({
      status: 'NOTIFIED',
      childInvolved: true,
      exploitationTypes: ['SEXUAL'],
      dueOn: tomorrow(),
      indicators: ['RETENTION_OF_DOCUMENTS', 'SEX_ACCOMPANIED_BY_CONTROLLER', 'CHILD_UNACCOMPANIED'],
    });
    const id = mine[0]!.id;

    // Lumina's caseworker: the task, due in one day; the late one is marked overdue.
    const { page: ngo } = await newPage();
    await signIn(ngo, 'lumina-ro', 'Contributor');
    await ngo.getByTestId('role').getByText('Contributor', { exact: true }).waitFor();
    await nav(ngo).getByRole('link', { name: 'Referral tasks' }).click();
    await ngo.getByRole('heading', { name: 'Referral tasks' }).waitFor();
    const task = ngo.locator(`[data-testid="task"][data-id="${id}"]`);
    await task.waitFor();
    await expect(task.locator('[data-field="dueOn"]').innerText()).resolves.toBe(tomorrow());
    await expect(task.locator('[data-field="status"]').innerText()).resolves.toBe('Notified');
    await expect(task.innerText()).resolves.toContain(SUMMARY);
    await expect(task.innerText()).resolves.toContain('Identity documents kept by someone else');
    await expect(task.locator('[data-field="exploitationTypes"]').innerText()).resolves.toBe('Sexual');
    const overdue = ngo.locator(`[data-testid="task"][data-id="${late.data!.notifyCase.id}"]`);
    await overdue.getByText('Overdue', { exact: true }).waitFor();
    await expect(task.getByText('Overdue', { exact: true }).count()).resolves.toBe(0);
    // Sorted by due date: the overdue task comes first.
    const order = await ngo.locator('[data-testid="task"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(order.indexOf(late.data!.notifyCase.id)).toBeLessThan(order.indexOf(id));
    expect(await seriousViolations(ngo)).toEqual([]);
    await shot(ngo, 'frontline-tasks');

    // Steps may be skipped: straight from NOTIFIED to REFERRED_TO_NRM.
    await task.getByLabel('New status').selectOption({ label: 'Referred to the NRM' });
    await task.getByLabel('Outcome (the notifier reads it)').fill(OUTCOME);
    await task.getByRole('button', { name: 'Save' }).click();
    await ngo.getByTestId('notice').getByText('The task is now Referred to the NRM.').waitFor();
    await ngo.locator(`[data-testid="task"][data-id="${id}"] [data-field="status"]`).getByText('Referred to the NRM', { exact: true }).waitFor();
    // Never backwards: the earlier steps are no longer offered.
    const steps = await ngo.locator(`[data-testid="task"][data-id="${id}"]`).getByLabel('New status').locator('option').allInnerTexts();
    expect(steps).toEqual(['Referred to the NRM', 'Closed']);
    expect((await sent()).find((n) => n.id === id)).toMatchObject({ status: 'REFERRED_TO_NRM', outcome: OUTCOME });

    // The hospital reads the status and the outcome as Lumina set them.
    await nav(page).getByRole('link', { name: 'My notifications' }).click();
    const row = page.locator(`[data-testid="notification-list"] tr[data-id="${id}"]`);
    await row.locator('[data-field="status"]').getByText('Referred to the NRM', { exact: true }).waitFor();
    await expect(row.locator('[data-field="outcome"]').innerText()).resolves.toBe(OUTCOME);
    expect(await seriousViolations(page)).toEqual([]);

    // In Romanian, with ș and ț.
    await page.getByLabel('Language').selectOption('ro');
    await page.getByRole('heading', { name: 'Semnalările mele' }).waitFor();
    await row.locator('[data-field="status"]').getByText('Referit către NRM', { exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Pagini' }).getByRole('link', { name: 'Semnalați un caz' }).click();
    await page.getByRole('group', { name: 'Muncă forțată (indicatorii OIM)' }).waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toContain('Actele de identitate reținute de altcineva');
    expect(text).not.toMatch(/[\u015e\u015f\u0162\u0163]/);
    await page.getByLabel('Limba').selectOption('en');
    expect(cspViolations).toEqual([]);
  });

  it('a bank has no such links: its tasks page is empty, and the API’s refusal of a notification shows in words', async () => {
    const { page } = await newPage();
    await signIn(page, 'albion-bank', 'Contributor');
    await page.getByTestId('role').getByText('Contributor', { exact: true }).waitFor();
    await nav(page).getByRole('link', { name: 'Search' }).waitFor();
    const links = await headerLinks(page);
    expect(links).not.toContain('Referral tasks');
    expect(links).not.toContain('Notify a case');
    expect(links).not.toContain('My notifications');

    // Reads are filtered, never refused: no referral reaches a bank.
    await go(page, '/tasks');
    await page.getByText('No case has been referred to your agency.').waitFor();
    expect(await page.locator('[data-testid="task"]').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    // Notifying is the frontline services' alone: the API refuses it, and the page says so.
    const count = (await sent()).length;
    await go(page, '/notify');
    await page.getByLabel('Debt bondage').check();
    await page.getByLabel('Refer to').selectOption({ label: 'Asociația Lumina (fictional NGO) (RO)' });
    await page.getByLabel('What you saw, without names').fill('A customer seemed to be accompanied by someone who held his card.');
    await page.getByRole('button', { name: 'Send the notification' }).click();
    const refusal = page.getByRole('alert');
    await refusal.getByText('FORBIDDEN', { exact: true }).waitFor();
    await expect(refusal.innerText()).resolves.toMatch(/Something went wrong[\s\S]*may not create Notification/);
    expect((await sent()).length).toBe(count);
    expect(await seriousViolations(page)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
