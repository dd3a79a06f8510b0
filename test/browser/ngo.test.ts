import { seriousViolations } from '../support/browser';
import { consoleHarness } from '../support/console';

/**
 * An NGO caseworker's journey in a real browser, on the same public API as everyone: contribute a
 * survivor's narrative in Romanian with the consent answers, see what Tessera proposes from it marked
 * in the text, confirm one and reject one, then withdraw the consent and see it erased; the API is
 * asked directly that each step holds.
 */
describe('an NGO caseworker in Chromium', () => {
  const browser = consoleHarness();
  const { newPage, signIn, shot, cspViolations } = browser;

  const PLACE = 'Birmingham';
  const RO_TEXT = `M-am mutat la ${PLACE} în martie, cu el. Mă suna de pe 0744 555 123 și mi-a luat pașaportul. Zicea că îi datorez bani pentru drum.`;
  const PHONE = '+40744555123';

  interface ApiProposal {
    id: string;
    kind: string;
    value: string | null;
    indicator: string | null;
    excerptStart: number;
    excerptEnd: number;
    excerpt: string;
    status: string;
    entity: { id: string } | null;
  }
  interface ApiNarrative {
    id: string;
    text: string | null;
    indicators: string[];
    consentLawEnforcement: boolean;
    consentHub: boolean;
    withdrawnAt: string | null;
    proposals: ApiProposal[];
  }
  const FIELDS = `id text indicators consentLawEnforcement consentHub withdrawnAt
    proposals { id kind value indicator excerptStart excerptEnd excerpt status entity { id } }`;

  async function ofCase(caseId: string): Promise<ApiNarrative[]> {
    const r = await browser.hub.gql<{ narratives: { nodes: ApiNarrative[] } }>(
      'safe-passage',
      `query($c: ID!) { narratives(caseId: $c, first: 200) { nodes { ${FIELDS} } } }`,
      { c: caseId },
    );
    expect(r.errors).toBeUndefined();
    return r.data!.narratives.nodes;
  }
  async function narrative(id: string): Promise<ApiNarrative | null> {
    const r = await browser.hub.gql<{ narrative: ApiNarrative | null }>('safe-passage', `query($id: ID!) { narrative(id: $id) { ${FIELDS} } }`, { id });
    return r.data?.narrative ?? null;
  }

  it('contributes a Romanian narrative, decides its proposals and withdraws the consent, each step held by the API', async () => {
    const caseId = browser.hub.demo.ids['case:safe-passage']!;
    // Another NGO's narrative that reaches Safe Passage (GREEN): its text is that NGO's alone.
    const other = await browser.hub.gql<{ contributeNarrative: { id: string } }>(
      'lumina-ro',
      `mutation($input: ContributeNarrativeInput!) { contributeNarrative(input: $input) { id } }`,
      {
        input: {
          newCase: {
            handling: { marking: 'GREEN', sourceEvaluation: 'UNTESTED', intelligenceAssessment: 'C', handlingCode: 'P' },
            exploitationTypes: ['SEXUAL'],
          },
          language: 'RO',
          text: 'Relatarea Asociației Lumina, pe care alte ONG-uri nu o citesc.',
          consent: { lawEnforcement: false, hub: true, recordedBy: 'Lumina caseworker (test)' },
          handling: { marking: 'GREEN', sourceEvaluation: 'UNTESTED', intelligenceAssessment: 'C', handlingCode: 'P' },
          idempotencyKey: 'browser-ngo-lumina-1',
        },
      },
    );
    expect(other.errors).toBeUndefined();
    const otherId = other.data!.contributeNarrative.id;
    const before = (await ofCase(caseId)).length;

    const { page } = await newPage();
    await signIn(page, 'safe-passage', 'Contributor');
    await expect(page.getByTestId('agency').textContent()).resolves.toContain('Safe Passage');

    // The header leads an NGO to its narratives; their texts are personal data: the purpose first.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Narratives' }).click();
    await page.getByTestId('purpose-form').waitFor();
    await page.getByLabel('Purpose').fill('Casework SP-CW-2026-031');
    await page.getByRole('button', { name: 'Continue' }).click();
    const list = page.getByTestId('narrative-list');
    await list.waitFor();
    // Its own narratives with their text; another NGO's reaches it, its text "withheld".
    await expect(list.locator(`tr[data-id="${otherId}"] [data-field="text"]`).innerText()).resolves.toBe('withheld');
    await expect(list.innerText()).resolves.toContain('L-am cunoscut pe internet');
    expect(await page.locator('body').innerText()).not.toContain('Relatarea Asociației Lumina');
    expect(await seriousViolations(page)).toEqual([]);

    // The other NGO's narrative: its record, never its text, no proposals and no withdrawal.
    await list.locator(`tr[data-id="${otherId}"]`).getByRole('link').first().click();
    await page.getByTestId('narrative').waitFor();
    await expect(page.getByTestId('narrative-text').innerText()).resolves.toBe('withheld');
    await page.getByText('Only the agency that owns a narrative sees what Tessera proposes from it').waitFor();
    expect(await page.getByRole('link', { name: 'Withdraw consent…' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Narratives' }).click();

    // The form: a case the agency owns, the language, the text, each consent question answered in words.
    await page.getByRole('link', { name: 'Contribute a narrative' }).click();
    await page.getByTestId('narrative-form').waitFor();
    await page.getByLabel('Case', { exact: true }).selectOption({ label: 'SP-CW-2026-031 (TLP:GREEN)' });
    await page.getByLabel('Romanian').check();
    await page.getByLabel('Narrative', { exact: true }).fill(RO_TEXT);
    const le = page.getByTestId('consent-lawEnforcement');
    await expect(le.innerText()).resolves.toContain('never its text');
    await le.getByRole('radio', { name: /No: they see that the narrative exists/ }).check();
    await page
      .getByTestId('consent-hub')
      .getByRole('radio', { name: /Yes: the hub’s analysts may read the text/ })
      .check();
    await expect(page.getByTestId('consent-always').innerText()).resolves.toContain('whatever the answers above');
    expect(await page.getByLabel('Consent recorded by').inputValue()).not.toBe('');
    await shot(page, 'ngo-narrative');
    expect(await seriousViolations(page)).toEqual([]);

    // The first answer is lost after the hub recorded the narrative: sending again records nothing new.
    let lost = false;
    let keys: string[] = [];
    await page.route('**/graphql', async (route) => {
      const body = route.request().postDataJSON() as { query: string; variables: { input?: { idempotencyKey: string } } };
      if (!/mutation ContributeNarrative\b/.test(body.query)) return route.continue();
      keys.push(body.variables.input!.idempotencyKey);
      if (lost) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort('failed');
    });
    await page.getByRole('button', { name: 'Contribute the narrative' }).click();
    await page.getByText('Sending the form again is safe').waitFor();
    expect((await ofCase(caseId)).filter((n) => n.text === RO_TEXT)).toHaveLength(1);
    await page.getByRole('button', { name: 'Contribute the narrative' }).click();
    await page.getByTestId('narrative').waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    keys = [];
    await page.unroute('**/graphql');
    const mine = (await ofCase(caseId)).filter((n) => n.text === RO_TEXT);
    expect(mine).toHaveLength(1);
    expect((await ofCase(caseId)).length).toBe(before + 1);
    const created = mine[0]!;
    expect(created).toMatchObject({ consentLawEnforcement: false, consentHub: true });
    expect(page.url()).toContain(`/narratives/${created.id}`);

    // The proposals next to the text, each marked at the API's offsets.
    const proposals = page.getByTestId('proposals');
    await proposals.waitFor();
    expect(created.proposals.length).toBeGreaterThanOrEqual(3);
    for (const p of created.proposals) {
      expect(p.excerpt).toBe(RO_TEXT.slice(p.excerptStart, p.excerptEnd));
      const marked = await page.locator(`mark[data-proposal~="${p.id}"]`).evaluateAll((ms) => ms.map((m) => m.firstChild?.textContent ?? '').join(''));
      expect(marked).toBe(p.excerpt);
      await expect(proposals.locator(`li[data-proposal-id="${p.id}"]`).innerText()).resolves.toContain(`read from “${p.excerpt}”`);
    }
    const phone = created.proposals.find((p) => p.kind === 'IDENTIFIER' && p.value === PHONE)!;
    expect(phone.excerpt).toBe('0744 555 123');
    const debt = created.proposals.find((p) => p.indicator === 'DEBT_BONDAGE')!;
    expect(debt).toBeDefined();
    // The extractor proposes identifiers and indicators, no place: the place is never marked.
    const markedText = (await page.locator('[data-testid="narrative-text"] mark').allInnerTexts()).join(' ');
    expect(markedText).not.toContain(PLACE);
    await shot(page, 'ngo-proposals');
    expect(await seriousViolations(page)).toEqual([]);

    // Confirm the phone, reject one indicator.
    await proposals.locator(`li[data-proposal-id="${phone.id}"]`).getByRole('button', { name: 'Confirm' }).click();
    await proposals
      .locator(`li[data-proposal-id="${phone.id}"][data-status="CONFIRMED"]`)
      .getByText(/^confirmed on /)
      .waitFor();
    await proposals.locator(`li[data-proposal-id="${debt.id}"]`).getByRole('button', { name: 'Reject' }).click();
    await proposals
      .locator(`li[data-proposal-id="${debt.id}"][data-status="REJECTED"]`)
      .getByText(/^rejected on /)
      .waitFor();
    const decided = (await narrative(created.id))!;
    const phoneNow = decided.proposals.find((p) => p.id === phone.id)!;
    expect(phoneNow.status).toBe('CONFIRMED');
    expect(phoneNow.entity?.id).toBeTruthy();
    expect(decided.proposals.find((p) => p.id === debt.id)!.status).toBe('REJECTED');
    expect(decided.indicators).not.toContain('DEBT_BONDAGE');
    const entityId = phoneNow.entity!.id;
    const observed = await browser.hub.gql<{ entity: { observations: Array<{ sourceType: string; sourceId: string }> } | null }>(
      'safe-passage',
      'query($id: ID!) { entity(id: $id) { observations { sourceType sourceId } } }',
      { id: entityId },
    );
    expect(observed.data!.entity!.observations).toEqual(expect.arrayContaining([{ sourceType: 'NARRATIVE', sourceId: created.id }]));

    // The same page in Romanian, ș and ț with the comma below.
    await page.getByLabel('Language').selectOption('ro');
    await page.getByRole('heading', { name: 'Ce propune Tessera' }).waitFor();
    await expect(proposals.locator(`li[data-proposal-id="${phone.id}"]`).innerText()).resolves.toContain('confirmat la');
    expect(await page.locator('body').innerText()).not.toMatch(/[\u015e\u015f\u0162\u0163]/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Limba').selectOption('en');

    // Withdrawal: what goes, in words, before anything goes.
    await page.getByRole('link', { name: 'Withdraw consent…' }).click();
    await page.getByTestId('withdraw').waitFor();
    const erased = await page.getByTestId('erased').innerText();
    expect(erased).toContain(`The text of this narrative (${RO_TEXT.length} characters, in Romanian)`);
    expect(erased).toContain(RO_TEXT);
    expect(erased).toContain(`Its ${created.proposals.length} proposals, whatever their status`);
    expect(erased).toContain(`Phone ${PHONE} (confirmed)`);
    expect(erased).toContain('Indicator DEBT_BONDAGE (rejected)');
    await expect(page.getByTestId('erased-statements').innerText()).resolves.toContain(`For each identifier confirmed from it (Phone ${PHONE})`);
    await page.getByText('never what was erased').waitFor();
    await shot(page, 'ngo-withdraw');
    expect(await seriousViolations(page)).toEqual([]);
    // Nothing goes before the caseworker confirms.
    await page.getByRole('button', { name: 'Withdraw consent and erase' }).click();
    expect((await narrative(created.id))!.text).toBe(RO_TEXT);
    await page.getByLabel('Reason (optional)').fill('The survivor withdrew consent by phone');
    await page.getByLabel(/The survivor has withdrawn consent/).check();
    await page.getByRole('button', { name: 'Withdraw consent and erase' }).click();
    await page.getByTestId('withdrawn').waitFor();
    await expect(page.getByRole('status').innerText()).resolves.toContain(`its ${created.proposals.length} proposals were erased`);
    await expect(page.locator('[data-field="proposals"]').innerText()).resolves.toBe('0');
    expect(await seriousViolations(page)).toEqual([]);

    // Through the API: the text, its indicators, its proposals and the observations made from it are gone.
    const after = (await narrative(created.id))!;
    expect(after).toMatchObject({ text: null, indicators: [], proposals: [], consentLawEnforcement: false, consentHub: false });
    expect(after.withdrawnAt).toBeTruthy();
    const entity = await browser.hub.gql<{ entity: { observations: Array<{ sourceType: string; sourceId: string }> } | null }>(
      'safe-passage',
      'query($id: ID!) { entity(id: $id) { observations { sourceType sourceId } } }',
      { id: entityId },
    );
    // No other record named this number: the identifier went with the observations made from the narrative.
    expect(entity.data?.entity ?? null).toBeNull();
    expect((await ofCase(caseId)).some((n) => n.text === RO_TEXT)).toBe(false);

    // The narrative's page says what happened, with nothing of the text.
    await page.getByRole('link', { name: 'Narratives' }).last().click();
    await list.waitFor();
    await expect(list.locator(`tr[data-id="${created.id}"] [data-field="text"]`).innerText()).resolves.toBe('erased: consent withdrawn');
    expect(await page.locator('body').innerText()).not.toContain('0744 555 123');
    await list.locator(`tr[data-id="${created.id}"]`).getByRole('link').first().click();
    await expect(page.getByTestId('narrative-text').innerText()).resolves.toMatch(
      /^The text was erased when consent was withdrawn on .+; its indicators and proposals went with it\.$/,
    );
    expect(await page.getByTestId('proposals').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Withdraw consent…' }).count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain('0744 555 123');
    expect(cspViolations).toEqual([]);
  });

  it('in Romanian: the consent questions in words, and a decision another caseworker made first explained with its code', async () => {
    const demoId = browser.hub.demo.ids['narrative:safe-passage-ro']!;
    const { page } = await newPage();
    await signIn(page, 'safe-passage', 'Supervisor');
    await page.getByLabel('Language').selectOption('ro');
    await page.getByRole('navigation', { name: 'Pagini' }).getByRole('link', { name: 'Relatări' }).click();
    await page.getByLabel('Scopul').fill('Revizuirea cazului SP-CW-2026-031');
    await page.getByRole('button', { name: 'Continuați' }).click();
    await page.getByTestId('narrative-list').waitFor();
    await page.getByRole('link', { name: 'Adăugați o relatare' }).click();
    await page.getByTestId('narrative-form').waitFor();
    await expect(page.getByTestId('consent-lawEnforcement').innerText()).resolves.toContain(
      'Pot poliția și celelalte organe de aplicare a legii să citească textul?',
    );
    await expect(page.getByTestId('consent-hub').innerText()).resolves.toContain('niciodată textul');
    expect(await page.locator('body').innerText()).not.toMatch(/[\u015e\u015f\u0162\u0163]/);
    expect(await seriousViolations(page)).toEqual([]);

    // Another caseworker rejects a proposal of the demo narrative while this page shows it undecided.
    const shown = (await narrative(demoId))!;
    const target = shown.proposals.find((p) => p.status === 'PROPOSED')!;
    expect(target).toBeDefined();
    await page.getByRole('navigation', { name: 'Pagini' }).getByRole('link', { name: 'Relatări' }).click();
    await page.getByTestId('narrative-list').locator(`tr[data-id="${demoId}"]`).getByRole('link').first().click();
    const item = page.getByTestId('proposals').locator(`li[data-proposal-id="${target.id}"]`);
    await item.getByRole('button', { name: 'Confirmați' }).waitFor();
    const rejected = await browser.hub.gql('safe-passage', 'mutation($id: ID!) { decideProposal(id: $id, decision: REJECT) { status } }', { id: target.id });
    expect(rejected.errors).toBeUndefined();
    await item.getByRole('button', { name: 'Confirmați' }).click();
    const problem = item.getByRole('alert');
    await expect(problem.innerText()).resolves.toMatch(/Ceva nu a funcționat[\s\S]*This proposal was already rejected[\s\S]*CONFLICT/);
    // The page then shows the decision that holds.
    await page
      .getByTestId('proposals')
      .locator(`li[data-proposal-id="${target.id}"][data-status="REJECTED"]`)
      .getByText(/^respins la /)
      .waitFor();
    await expect(page.getByTestId('proposals').locator(`li[data-proposal-id="${target.id}"]`).getByRole('alert').innerText()).resolves.toContain('CONFLICT');
    expect((await narrative(demoId))!.proposals.find((p) => p.id === target.id)!.status).toBe('REJECTED');
    expect(cspViolations).toEqual([]);
  });

  it('contributes a narrative that opens a new case, owned by the agency, with at least one kind of exploitation', async () => {
    const text = 'Worked twelve hours a day on a farm near Boston; the gangmaster kept his passport. Contact: fermier.demo@example.org';
    const { page } = await newPage();
    await signIn(page, 'safe-passage', 'Contributor');
    await browser.go(page, '/narratives/new');
    await page.getByTestId('narrative-form').waitFor();
    await page.getByLabel('Case', { exact: true }).selectOption({ label: 'A new case, opened by your agency for this narrative' });
    await page.getByLabel('Narrative', { exact: true }).fill(text);
    await page.getByTestId('consent-lawEnforcement').getByRole('radio', { name: /^Yes/ }).check();
    await page.getByTestId('consent-hub').getByRole('radio', { name: /^No/ }).check();
    // No kind of exploitation ticked: the browser asks for one and nothing is sent.
    let sent = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/graphql') && /ContributeNarrative/.test(r.postData() ?? '')) sent++;
    });
    await page.getByRole('button', { name: 'Contribute the narrative' }).click();
    expect(await page.getByTestId('new-case').locator('input:invalid').count()).toBeGreaterThan(0);
    expect(sent).toBe(0);
    await page.getByTestId('new-case').getByLabel('Labour exploitation').check();
    await page.getByLabel('Summary of the case (optional)').fill('Farm work near Boston, passport kept by the gangmaster.');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Contribute the narrative' }).click();
    // No purpose was stated yet in this session: the narrative's page asks for it before showing the text.
    await page.getByTestId('purpose-form').waitFor();
    await page.getByLabel('Purpose').fill('Casework: new referral');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('narrative').waitFor();
    expect(sent).toBe(1);
    const id = page.url().split('/narratives/')[1]!;
    const r = await browser.hub.gql<{
      narrative: { text: string; ownerAgency: { id: string }; case: { ownerAgency: { id: string }; exploitationTypes: string[]; summary: string } };
    }>('safe-passage', 'query($id: ID!) { narrative(id: $id) { text ownerAgency { id } case { ownerAgency { id } exploitationTypes summary } } }', { id });
    expect(r.errors).toBeUndefined();
    expect(r.data!.narrative.text).toBe(text);
    expect(r.data!.narrative.case).toEqual({
      ownerAgency: r.data!.narrative.ownerAgency,
      exploitationTypes: ['LABOUR'],
      summary: 'Farm work near Boston, passport kept by the gangmaster.',
    });
    expect(cspViolations).toEqual([]);
  });

  it('a Viewer of the NGO reads its narratives and proposals, and is offered no contribution, decision or withdrawal', async () => {
    const demoId = browser.hub.demo.ids['narrative:safe-passage-ro']!;
    const { page } = await newPage();
    await signIn(page, 'safe-passage', 'Viewer');
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Narratives' }).click();
    await page.getByLabel('Purpose').fill('Casework SP-CW-2026-031');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('narrative-list').locator(`tr[data-id="${demoId}"]`).getByRole('link').first().click();
    await page.getByTestId('proposals').waitFor();
    await page.getByText('Viewers read; contributors and supervisors confirm').waitFor();
    expect(await page.getByRole('button', { name: 'Confirm' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Withdraw consent…' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await browser.go(page, '/narratives/new');
    await page.getByText('Viewers read narratives; contributors and supervisors contribute them.').waitFor();
    expect(await page.getByRole('button', { name: 'Contribute the narrative' }).count()).toBe(0);
    // What the console does not offer, the API refuses.
    const proposal = (await narrative(demoId))!.proposals.find((p) => p.status === 'PROPOSED')!;
    const refused = await browser.hub.gql('safe-passage:VIEWER', 'mutation($id: ID!) { decideProposal(id: $id, decision: CONFIRM) { status } }', {
      id: proposal.id,
    });
    expect(refused.errors?.length).toBeGreaterThan(0);
    expect((await narrative(demoId))!.proposals.find((p) => p.id === proposal.id)!.status).toBe('PROPOSED');
  });

  it('a police officer reads the narratives that reach the force, and is offered no contribution', async () => {
    const { page } = await newPage();
    await signIn(page, 'west-midlands-police', 'Contributor');
    await page.getByTestId('role').getByText('Contributor', { exact: true }).waitFor();
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Narratives' }).click();
    await page.getByLabel('Purpose').fill('Investigation WMP-2026-1187');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('narratives').waitFor();
    // The list is there (its heading), and the link to contribute is not: police do not create narratives.
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Contribute a narrative' }).count()).toBe(0);
    expect(cspViolations).toEqual([]);
  });
});
