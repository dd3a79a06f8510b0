import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';
import { submit } from '../support/public';

/**
 * A hub analyst triages a Romanian report that a member of the public sent through the API: the
 * queue, the report with the extractor's proposals highlighted in its text, the known entity it
 * names, and a case opened from it after a confirmation, graded UNTESTED.
 */
describe('triage in the console', () => {
  const browser = consoleHarness();
  const { newPage, signIn, shot, cspViolations } = browser;

  const STORY =
    'Un bărbat din Pitești le promite fetelor un loc de muncă în Leicester și le dă numărul 0722 123 456. Sora mea a plecat și acum are o datorie pentru drum.';

  it('a hub analyst opens a case from a Romanian public report, graded untested', async () => {
    const sent = await submit(browser.hub, { story: STORY, place: 'Pitești', when: 'săptămâna trecută', language: 'ro', situationKind: 'SEXUAL' });
    expect(sent.errors).toBeUndefined();

    const { page } = await newPage();
    await signIn(page, 'tessera-hub', 'Contributor');
    await page.getByRole('link', { name: 'Triage' }).click();
    await page.getByTestId('triage-queue').waitFor();
    const entry = page.getByTestId('triage-queue').getByRole('link', { name: 'Pitești' });
    await entry.waitFor();
    // A known identifier puts it before the demo's plain reports.
    const row = page
      .getByTestId('triage-queue')
      .locator('li')
      .filter({ has: page.getByRole('link', { name: 'Pitești' }) });
    await expect(row.innerText()).resolves.toContain('Known identifier');
    expect(await seriousViolations(page)).toEqual([]);
    await entry.click();

    // The reporter's contact details are personal data: the purpose first.
    await page.getByLabel('Purpose').fill('Triage of public reports');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('triage-item').waitFor();
    const story = page.getByTestId('story');
    await expect(story.locator('mark[data-kind="identifier"]').first().textContent()).resolves.toContain('0722 123 456');
    expect(await story.locator('mark[data-kind="indicator"]').count()).toBeGreaterThan(0);
    await expect(page.getByTestId('identifiers').innerText()).resolves.toContain('+40722123456');
    await expect(page.getByTestId('touched').innerText()).resolves.toContain('+40722123456');
    await expect(page.getByTestId('indicators').innerText()).resolves.toContain('debt bondage');
    await expect(story.locator('mark[data-kind="place"]').first().textContent()).resolves.toBe('Leicester (Leicester)');
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'triage');

    // Open a case (the default decision): the exploitation type comes from what the reporter chose.
    await expect(page.getByLabel('sexual').isChecked()).resolves.toBe(true);
    await page.getByLabel(/Case summary/).fill('Recruiter in Pitești offering jobs in England (public report)');
    await page.getByRole('button', { name: 'Decide…' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.waitFor();
    await expect(confirm.innerText()).resolves.toContain('Open a case owned by your agency');
    expect(await seriousViolations(page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Confirm' }).click();

    const decided = page.getByTestId('decision');
    await decided.waitFor();
    await expect(decided.innerText()).resolves.toContain('Decided: Open a case');
    await expect(decided.getByTestId('grading').innerText()).resolves.toContain('2 — untested');
    await decided.getByRole('link', { name: 'Open the case' }).click();
    await page.getByTestId('case').waitFor();
    await expect(page.getByTestId('grading').innerText()).resolves.toContain('2 — untested');
    await expect(page.getByTestId('case').innerText()).resolves.toContain('Recruiter in Pitești offering jobs in England (public report)');

    // The case exists, owned by the hub and graded UNTESTED, as the API tells anyone it reaches.
    const caseId = new URL(page.url()).pathname.split('/').pop()!;
    const c = await browser.hub.gql<{ case: Record<string, unknown> }>(
      'tessera-hub',
      'query($id: ID!) { case(id: $id) { sourceEvaluation status exploitationTypes ownerAgency { slug } } }',
      { id: caseId },
    );
    expect(c.data!.case).toEqual({ sourceEvaluation: 'UNTESTED', status: 'OPEN', exploitationTypes: ['SEXUAL'], ownerAgency: { slug: 'tessera-hub' } });
    // And the report left the queue.
    const queue = await browser.hub.gql<{ triageQueue: { nodes: Array<{ report: { place: string } }> } }>(
      'tessera-hub',
      '{ triageQueue(first: 100) { nodes { report { place } } } }',
    );
    expect(queue.data!.triageQueue.nodes.map((n) => n.report.place)).not.toContain('Pitești');
    expect(cspViolations).toEqual([]);
  });

  it('markup in a report is shown as text, never run or rendered', async () => {
    const story = 'Seen at the market <img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script> call +40 722 123 456';
    expect((await submit(browser.hub, { story, place: '<i>Galați</i>', language: 'en' })).errors).toBeUndefined();
    const [row] = await browser.hub.db.query<{ id: string }>(`SELECT id FROM intake.public_reports WHERE story = $1`, [story]);
    const { page } = await newPage();
    await signIn(page, 'tessera-hub', 'Viewer');
    await page.getByRole('link', { name: 'Triage' }).click();
    await page.getByTestId('triage-queue').getByRole('link', { name: '<i>Galați</i>' }).click();
    await page.getByLabel('Purpose').fill('Triage of public reports');
    await page.getByRole('button', { name: 'Continue' }).click();
    const shown = page.getByTestId('story');
    await shown.waitFor();
    await expect(shown.innerText()).resolves.toContain('<img src=x onerror=');
    expect(await page.locator('[data-testid="story"] img, [data-testid="story"] script, i').count()).toBe(0);
    await expect(page.title()).resolves.not.toBe('pwned');
    expect(new URL(page.url()).pathname).toBe(`/triage/${row!.id}`);
    expect(cspViolations).toEqual([]);
  });

  it('the triage page in Romanian, and no Triage link for a police analyst', async () => {
    const { page } = await newPage();
    await signIn(page, 'tessera-hub', 'Viewer');
    await page.getByLabel('Language').selectOption('ro');
    await page.getByRole('link', { name: 'Triere' }).click();
    await page.getByRole('heading', { name: 'Trierea sesizărilor publicului' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    const police = (await newPage()).page;
    await signIn(police, 'met-police', 'Contributor');
    await police.getByRole('link', { name: 'Search' }).waitFor();
    expect(await police.getByRole('link', { name: 'Triage' }).count()).toBe(0);
  });
});
