import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { verifierKey } from '../../services/audit/signed-note';
import { loadConfig } from '../../services/kernel/config';
import { SUBGRAPHS } from '../../services/registry';
import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';

/**
 * A police supervisor's console: the audit trail with the chain's signed checkpoint verified in the
 * browser, the access requests a bank made through the API (granted until a day, refused, revoked),
 * the retention review queue (kept with a reason, erased after a confirmation); a viewer gets none of
 * these links, and the pages show the API's refusal in words.
 */
describe("a supervisor's pages in the console", () => {
  // This file's hub serves (and its audit subgraph signs into) a checkpoint store of its own.
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-console-checkpoints-'));
  const previousStore = process.env.TESSERA_AUDIT_CHECKPOINT_DIR;
  process.env.TESSERA_AUDIT_CHECKPOINT_DIR = store;
  afterAll(() => {
    if (previousStore === undefined) delete process.env.TESSERA_AUDIT_CHECKPOINT_DIR;
    else process.env.TESSERA_AUDIT_CHECKPOINT_DIR = previousStore;
    fs.rmSync(store, { recursive: true, force: true });
  });

  const browser = consoleHarness();
  const { newPage, signIn, shot, go, cspViolations } = browser;
  const hub = () => browser.hub;
  const id = (key: string) => hub().demo.ids[key]!;
  const agencyId = (slug: string) => hub().demo.agencies[slug]!.id;
  const WMP = 'west-midlands-police';

  /** What the API answers, failing the test on any error. */
  async function api<T>(persona: string, query: string, variables?: Record<string, unknown>, purpose?: string): Promise<T> {
    const r = await hub().gql<T>(persona, query, variables, purpose ? { purpose } : undefined);
    expect(r.errors).toBeUndefined();
    return r.data!;
  }

  /** The audit subgraph's background signer checkpoints the chain as it is now (it signs once more when stopped). */
  async function signCheckpoint(): Promise<void> {
    const audit = SUBGRAPHS.find((d) => d.name === 'audit')!;
    await audit.startBackground!(hub().appDb, loadConfig()).stop();
  }

  async function expectAccessible(page: Page): Promise<void> {
    expect(await seriousViolations(page)).toEqual([]);
  }

  const headerLinks = async (page: Page) => page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allInnerTexts();

  it('a police supervisor filters the audit trail and sees the chain verified in the browser; a tampered checkpoint is not', async () => {
    // Events of the supervisor's agency: a consultation of the persons of its case, then a checkpoint over them.
    await api(
      `${WMP}:CONTRIBUTOR`,
      `query($id: ID!) { case(id: $id) { reference persons { fullName } } }`,
      { id: id('case:midlands') },
      'Case review WMP-2026-1187',
    );
    await signCheckpoint();
    const latest = (await api<{ latestAuditCheckpoint: { treeSize: string } }>(`${WMP}:SUPERVISOR`, '{ latestAuditCheckpoint { treeSize } }'))
      .latestAuditCheckpoint;

    const { page } = await newPage();
    await signIn(page, WMP, 'Supervisor');
    await page.getByTestId('role').getByText('Supervisor', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Access requests' }).waitFor();
    expect(await headerLinks(page)).toEqual([
      'Search',
      'Reports',
      'Hit/no-hit',
      'Map',
      'Referral tasks',
      'Leads',
      'Narratives',
      'Audit trail',
      'Access requests',
      'Retention review',
      'Sharing groups',
      'Statistics',
      'New on my cases',
    ]);

    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page
      .getByTestId('chain-verdict')
      .getByText(/^Verified in this browser/)
      .waitFor();
    await expect(page.getByTestId('tree-size').textContent()).resolves.toBe(latest.treeSize);
    await page.getByTestId('audit-events').waitFor();

    // Consultations of persons' identities only: the contributor's, with the purpose they stated.
    await page.getByLabel('Action').selectOption('CONSULT');
    await page.getByLabel('Record type').fill('Person');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForURL(/\/audit\?action=CONSULT&subjectType=Person$/);
    await page.getByTestId('audit-events').getByText('Case review WMP-2026-1187').first().waitFor();
    const rows = page.getByTestId('audit-events').locator('tbody tr');
    for (const row of await rows.all()) {
      const cells = await row.locator('td').allInnerTexts();
      expect(cells[1]).toBe('Consulted');
      expect(cells[2]).toMatch(/^Person\s/);
    }
    // The contributor's reading of the case's persons is one consultation listing each person with the fields released.
    const listed = page.getByTestId('audit-events').locator('tbody tr', { hasText: 'Case review WMP-2026-1187' }).first().getByTestId('audit-records');
    await listed.locator('summary').click();
    await listed.getByRole('link', { name: id('person:midlands:V1').slice(0, 8) }).waitFor();
    await expect(listed.locator('li').first().textContent()).resolves.toMatch(/fullName/);
    await page
      .getByTestId('chain-verdict')
      .getByText(/^Verified in this browser/)
      .waitFor();
    await shot(page, 'supervisor-audit');
    await expectAccessible(page);

    // Checked against the key the agency keeps: the published one verifies, another key does not.
    await page.getByText('What the browser verifies, and what it cannot').click();
    const published = await page.getByTestId('verifier-key').innerText();
    const other = verifierKey('tessera.hub/audit', generateKeyPairSync('ed25519').publicKey);
    await page.getByLabel('Verifier key your agency keeps (optional)').fill(other);
    await page.getByLabel('Verifier key your agency keeps (optional)').press('Tab');
    await page
      .getByTestId('chain-verdict')
      .getByText(/^Not verified: a checkpoint carries no signature of tessera\.hub\/audit \(key ID [0-9a-f]{8}\)$/)
      .waitFor();
    await page.getByLabel('Verifier key your agency keeps (optional)').fill(published);
    await page.getByLabel('Verifier key your agency keeps (optional)').press('Tab');
    await page
      .getByTestId('chain-verdict')
      .getByText(/^Verified in this browser/)
      .waitFor();
    await expectAccessible(page);

    // A period with no event: none shown.
    await page.getByLabel('From').fill('2020-01-01');
    await page.getByLabel('Up to and including').fill('2020-01-31');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByText('No event matches these filters.').waitFor();

    // The same page with a checkpoint whose signed text was changed on the way: not verified.
    await page.route('**/graphql', async (route) => {
      const body = route.request().postDataJSON() as { query: string };
      if (!/query AuditCheckpoints\b/.test(body.query)) return route.continue();
      const answer = (await (await route.fetch()).json()) as { data: { latestAuditCheckpoint: { note: string; treeSize: string } } };
      const c = answer.data.latestAuditCheckpoint;
      const bigger = String(Number(c.treeSize) + 10);
      c.note = c.note.replace(`\n${c.treeSize}\n`, `\n${bigger}\n`);
      c.treeSize = bigger;
      await route.fulfill({ contentType: 'application/json', body: JSON.stringify(answer) });
    });
    await go(page, '/');
    await go(page, '/audit');
    await page.getByTestId('chain-verdict').getByText('Not verified: the signature of tessera.hub/audit does not verify').waitFor();
    await page.unroute('**/graphql');
    expect(cspViolations).toEqual([]);
  });

  it('the supervisor grants a bank’s access request until a day, refuses another and revokes a grant; the API shows each decision', async () => {
    const REQUEST = `mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }`;
    const ask = (kind: string, value: string, purpose: string) =>
      api<{ requestAccess: { id: string } }>('albion-bank', REQUEST, { input: { toAgencyId: agencyId(WMP), identifier: { kind, value }, purpose } });
    await ask('PHONE', '07700 900312', 'Payments to adverts using this booking number: SAR 2026-118');
    await ask('VEHICLE', 'LX25 QQQ', 'Car finance application naming this vehicle: SAR 2026-121');

    const { page } = await newPage();
    await signIn(page, WMP, 'Supervisor');
    await page.getByRole('link', { name: 'Access requests' }).click();
    const phone = page.getByTestId('request').filter({ hasText: '+447700900312' });
    const vehicle = page.getByTestId('request').filter({ hasText: 'LX25QQQ' });
    await phone.waitFor();
    const bank = (await api<{ agency: { name: string } }>('albion-bank', `query($id: ID!) { agency(id: $id) { name } }`, { id: agencyId('albion-bank') }))
      .agency.name;
    await expect(phone.locator('h2').innerText()).resolves.toBe(`From ${bank} Pending`);
    await expect(phone.innerText()).resolves.toContain('Payments to adverts using this booking number: SAR 2026-118');

    // Of the force's records that mention the number, those the bank may read are offered: the case it was observed on.
    const kase = `Case ${id('case:midlands').slice(0, 8)}`;
    await expect(phone.getByRole('group', { name: 'Your records that mention the identifier' }).getByRole('checkbox').count()).resolves.toBe(1);
    await phone.getByLabel(new RegExp(`${kase} · record the observation was made on`)).check();
    // Past the longest grant the API allows: its refusal in words, with the code, and nothing granted.
    await phone.getByLabel('Access ends after').fill(new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10));
    await phone.getByRole('button', { name: 'Grant access' }).click();
    await page.getByRole('dialog', { name: 'Grant access?' }).getByRole('button', { name: 'Grant access' }).click();
    const problem = phone.getByRole('alert');
    await problem.getByText('expiresAt: must be at most 180 days ahead').waitFor();
    await expect(problem.locator('code').innerText()).resolves.toBe('BAD_USER_INPUT');
    expect((await api<{ accessGrants: unknown[] }>('albion-bank', '{ accessGrants(direction: RECEIVED) { id } }')).accessGrants).toEqual([]);

    const until = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    await phone.getByLabel('Access ends after').fill(until);
    await problem.waitFor({ state: 'detached' });
    await shot(page, 'supervisor-requests');
    await expectAccessible(page);
    await phone.getByRole('button', { name: 'Grant access' }).click();
    const dialog = page.getByRole('dialog', { name: 'Grant access?' });
    await dialog.getByText(`${bank} will read this record, as its agency type may, until the end of ${until}:`).waitFor();
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Grant access' }).click();
    await page.getByTestId('notice').getByText(`Access granted to ${bank} for 1 record until ${until}.`).waitFor();

    const RECEIVED = `{ accessGrants(direction: RECEIVED) { id subjectType recordId expiresAt active revokedAt grantorAgency { slug } } }`;
    type Grants = { accessGrants: Array<{ id: string; subjectType: string; recordId: string; expiresAt: string; active: boolean; revokedAt: string | null }> };
    const granted = (await api<Grants>('albion-bank', RECEIVED)).accessGrants;
    expect(granted.map((g) => `${g.subjectType}:${g.recordId}:${g.expiresAt}:${g.active}`)).toEqual([
      `Case:${id('case:midlands')}:${until}T23:59:59.000Z:true`,
    ]);

    // The other is refused, saying why; a refusal is confirmed first, and can be called off.
    await vehicle.getByLabel('Reason (the requester reads it)').fill('The vehicle belongs to a live covert operation; ask again in June.');
    await vehicle.getByRole('button', { name: 'Refuse' }).click();
    await page.getByRole('dialog', { name: 'Refuse the request?' }).getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await vehicle.getByRole('button', { name: 'Refuse' }).click();
    await page.getByRole('dialog', { name: 'Refuse the request?' }).getByRole('button', { name: 'Refuse' }).click();
    await page.getByTestId('notice').getByText(`The request of ${bank} is refused.`).waitFor();
    const outgoing = await api<{ accessRequests: { nodes: Array<{ identifier: { value: string }; status: string; refusalReason: string | null }> } }>(
      'albion-bank',
      `{ accessRequests(direction: OUTGOING) { nodes { identifier { value } status refusalReason } } }`,
    );
    expect(outgoing.accessRequests.nodes).toEqual(
      expect.arrayContaining([
        { identifier: { value: 'LX25QQQ' }, status: 'REFUSED', refusalReason: 'The vehicle belongs to a live covert operation; ask again in June.' },
        { identifier: { value: '+447700900312' }, status: 'GRANTED', refusalReason: null },
      ]),
    );
    await vehicle.locator('h2').getByText('Refused').waitFor();

    // The grant is revoked: from the bank's next query on, it lets nothing through.
    await page
      .getByTestId('grants-given')
      .getByRole('button', { name: `Revoke the grant of ${kase}` })
      .click();
    await page.getByRole('dialog', { name: 'Revoke the grant?' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByTestId('notice').getByText(`The grant of ${kase} to ${bank} is revoked.`).waitFor();
    await page
      .getByTestId('grants-given')
      .locator('tr', { hasText: kase })
      .getByText(/^Revoked on /)
      .waitFor();
    const after = (await api<Grants>('albion-bank', RECEIVED)).accessGrants;
    expect(after).toEqual([expect.objectContaining({ recordId: id('case:midlands'), active: false, revokedAt: expect.any(String) })]);

    // Only pending requests: none left.
    await page.getByLabel('Status').selectOption('PENDING');
    await page.getByText('No access request here.').waitFor();
    await expectAccessible(page);
    expect(cspViolations).toEqual([]);
  });

  it('the supervisor works the retention queue: keeps the case with a reason, erases a record after confirming', async () => {
    // A case opened for a test purchase, now due; and the force's main case, due long ago.
    const opened = await api<{ openCase: { id: string } }>(`${WMP}:CONTRIBUTOR`, `mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, {
      input: {
        handling: { marking: 'GREEN', sourceEvaluation: 'UNTESTED', intelligenceAssessment: 'C', handlingCode: 'P' },
        reference: 'WMP-2019-0042',
        summary: 'Test purchase at a car wash; nothing found',
        exploitationTypes: ['LABOUR'],
      },
    });
    const stale = opened.openCase.id;
    await hub().db.query(`UPDATE cases.cases SET review_due = '2020-01-01' WHERE id = $1`, [id('case:midlands')]);
    await hub().db.query(`UPDATE cases.cases SET review_due = '2021-03-01' WHERE id = $1`, [stale]);
    const staleName = `Case ${stale.slice(0, 8)}`;
    const mainName = `Case ${id('case:midlands').slice(0, 8)}`;

    const { page } = await newPage();
    await signIn(page, WMP, 'Supervisor');
    await page.getByRole('link', { name: 'Retention review' }).click();
    const due = page.getByTestId('due');
    await due.waitFor();
    expect((await due.locator('tbody tr').allInnerTexts()).map((r) => r.split('\t').slice(0, 4).join(' | '))).toEqual([
      `${mainName} | TLP:AMBER | 2020-01-01 | Investigation (6 years)`,
      `${staleName} | TLP:GREEN | 2021-03-01 | Investigation (6 years)`,
    ]);

    // Keeping needs a reason: the button waits for one.
    await page.getByRole('button', { name: `Review ${mainName}` }).click();
    const decision = page.getByTestId('decision');
    await expect(decision.getByRole('button', { name: 'Keep' }).isDisabled()).resolves.toBe(true);
    await decision.getByLabel('Reason (required to keep)').fill('Trial set for 2027; the evidence must be kept until the appeal period ends.');
    await shot(page, 'supervisor-retention');
    await expectAccessible(page);
    await decision.getByRole('button', { name: 'Keep' }).click();
    const next = (await hub().db.query<{ d: string }>(`SELECT (current_date + interval '6 years')::date::text AS d`))[0]!.d;
    await page.getByTestId('notice').getByText(`${mainName} is kept; next review on ${next}.`).waitFor();

    // Erasing is confirmed first.
    await page.getByRole('button', { name: `Review ${staleName}` }).click();
    await decision.getByLabel(/^Erase:/).check();
    await decision.getByRole('button', { name: 'Erase' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase the record?' });
    await dialog.getByText(/An erasure cannot be undone/).waitFor();
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Erase' }).click();
    await page.getByTestId('notice').getByText(`${staleName} is erased (1 record).`).waitFor();
    await page.getByTestId('queue-empty').waitFor();

    // The API: the case is gone, the queue is empty, both decisions are recorded.
    const gone = await hub().gql<{ case: unknown }>(`${WMP}:SUPERVISOR`, `query($id: ID!) { case(id: $id) { id } }`, { id: stale });
    expect(gone.data?.case ?? null).toBeNull();
    const reviews = await api<{
      retentionReviews: { nodes: Array<{ recordId: string; decision: string; reason: string | null; nextReviewDue: string | null }> };
      recordsDueForReview: { totalCount: number };
    }>(`${WMP}:SUPERVISOR`, `{ retentionReviews { nodes { recordId decision reason nextReviewDue } } recordsDueForReview { totalCount } }`);
    expect(reviews.recordsDueForReview.totalCount).toBe(0);
    expect(reviews.retentionReviews.nodes).toEqual(
      expect.arrayContaining([
        {
          recordId: id('case:midlands'),
          decision: 'KEEP',
          reason: 'Trial set for 2027; the evidence must be kept until the appeal period ends.',
          nextReviewDue: next,
        },
        { recordId: stale, decision: 'ERASE', reason: null, nextReviewDue: null },
      ]),
    );
    await expect(page.getByTestId('reviews').innerText()).resolves.toContain('Trial set for 2027');
    await expectAccessible(page);
    expect(cspViolations).toEqual([]);
  });

  it('a police supervisor reads the sharing groups of its force; the hub’s administration adds and removes a member after confirming', async () => {
    const { page } = await newPage();
    await signIn(page, WMP, 'Supervisor');
    await page.getByRole('link', { name: 'Sharing groups' }).click();
    const group = page.getByRole('article', { name: /^Midlands partnership/ });
    await group.waitFor();
    const members = await group.getByRole('listitem').allInnerTexts();
    expect(members.some((m) => m.startsWith('West Midlands Police'))).toBe(true);
    // Managing groups is the administration's: no form here.
    expect(await page.getByRole('button', { name: /^(Add|Remove)/ }).count()).toBe(0);
    await expectAccessible(page);

    const admin = (await newPage()).page;
    await signIn(admin, 'tessera-admin', 'Supervisor');
    await admin.getByRole('link', { name: 'Sharing groups' }).click();
    const managed = admin.getByRole('article', { name: /^Midlands partnership/ });
    const metName = 'Metropolitan Police Service (demo)';
    await managed.getByLabel('Add a member').selectOption({ label: metName });
    await managed.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.getByText(`${metName} is a member of Midlands partnership.`).waitFor();
    const inGroup = async () =>
      (
        await api<{ sharingGroups: Array<{ slug: string; members: Array<{ name: string }> }> }>(
          'tessera-admin:SUPERVISOR',
          '{ sharingGroups { slug members { name } } }',
        )
      ).sharingGroups
        .find((g) => g.slug === 'midlands-partnership')!
        .members.map((m) => m.name);
    expect(await inGroup()).toContain(metName);
    await expectAccessible(admin);

    await managed.getByRole('button', { name: `Remove ${metName}` }).click();
    const dialog = admin.getByRole('dialog', { name: 'Remove the member?' });
    await dialog.getByText(`${metName} stops reading the AMBER records shared with Midlands partnership within seconds.`).waitFor();
    await expectAccessible(admin);
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await admin.getByText(`${metName} is no longer a member of Midlands partnership.`).waitFor();
    expect(await inGroup()).not.toContain(metName);
    expect(cspViolations).toEqual([]);
  });

  it('a viewer gets none of these links, and the pages show the API’s refusal in words', async () => {
    const { page } = await newPage();
    await signIn(page, WMP, 'Viewer');
    await page.getByTestId('role').getByText('Viewer', { exact: true }).waitFor();
    expect(await headerLinks(page)).toEqual(['Search', 'Reports', 'Hit/no-hit', 'Map', 'Leads', 'Narratives', 'Statistics']);

    await go(page, '/requests');
    const refusal = page.getByRole('alert');
    await refusal.getByText('FORBIDDEN', { exact: true }).waitFor();
    await expect(refusal.innerText()).resolves.toMatch(/Something went wrong/);
    await expectAccessible(page);

    await go(page, '/retention');
    await page.getByRole('alert').getByText('Only contributors and supervisors of an intelligence-holding agency see retention reviews').waitFor();
    await page.getByRole('alert').getByText('FORBIDDEN', { exact: true }).waitFor();
    await expectAccessible(page);

    // The trail shows a viewer only the events they caused; the checkpoints are every member's.
    await go(page, '/audit');
    await page
      .getByTestId('chain-verdict')
      .getByText(/^(Verified in this browser|No checkpoint)/)
      .waitFor();
    await expectAccessible(page);

    // In Romanian, with ș and ț written with the comma below.
    await page.getByLabel('Language').selectOption('ro');
    await page.getByRole('heading', { name: 'Jurnalul de audit' }).waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toContain('Verificarea lanțului');
    expect(text).not.toMatch(/[\u015e\u015f\u0162\u0163]/);
    expect(cspViolations).toEqual([]);
  });
});
