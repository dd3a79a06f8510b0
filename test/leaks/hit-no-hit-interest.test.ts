import { hitNoHitKey, identifierHash } from '../../services/entities/hit-no-hit.service';
import { maskIdentifier } from '../../services/kernel/identifier';
import { codes, startTestHub, type TestHub } from '../support/hub';
import { id, leakedSecrets, type Probe, probeTable } from './support';

// Starting a hub and its fixtures can take longer than Jest's default 5 s.
jest.setTimeout(120_000);

/**
 * Police asking hit/no-hit about an identifier is an investigation's trace: `hitNoHitInterest` tells
 * it to the identifier's police holders only (the HitNoHitAskers rule, policies/agency-types/common.ts
 * and law-enforcement.ts), never to a bank, an NGO or the hub's own analysts holding the same
 * identifier, whatever their role. Two phones are held by all four (the hub's advert, Safe Passage's
 * case, Albion Bank's report, the Met's case): POLICE_ONLY is asked about by police alone, MIXED by
 * police, a bank and an NGO. Tried through the list (an identifier listed), the nested `askedBy` and
 * the `queries` counts, and through the holders' audit trail; the Met, a police holder, is the control.
 * VIEWERs may not ask at all (FORBIDDEN).
 */
let hub: TestHub;

const MIXED = '+447700900733';
const POLICE_ONLY = '+447700900734';
const window = { from: '', to: '' };

async function must(persona: string, query: string, variables?: Record<string, unknown>): Promise<void> {
  const r = await hub.gql(persona, query, variables);
  if (r.errors) throw new Error(`${persona}: ${JSON.stringify(r.errors)}`);
}

const ADD_ENTITY = `mutation($caseId: ID!, $input: AddCaseEntityInput!) { addCaseEntity(caseId: $caseId, input: $input) { id } }`;
const HIT_NO_HIT = `query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { known } }`;
const phones = (...values: string[]) => ({ ids: values.map((value) => ({ kind: 'PHONE', value })) });

beforeAll(async () => {
  hub = await startTestHub('in-process');
  // The holders: the hub (an advert naming both phones), Safe Passage and the Met (case entities), Albion Bank (a report).
  await must('tessera-hub', `mutation($input: ImportAdvertsInput!) { importAdverts(input: $input) { advertCount } }`, {
    input: {
      format: 'NDJSON',
      country: 'GB',
      content: JSON.stringify({
        site: 'interest-leak.example',
        advertId: 'IL-1',
        firstSeen: '2026-03-01',
        phones: [MIXED, POLICE_ONLY],
        collector: 'Leak test',
      }),
      handling: { marking: 'GREEN', sourceEvaluation: 'UNTESTED', intelligenceAssessment: 'C', handlingCode: 'P' },
    },
  });
  for (const [persona, caseKey] of [
    ['safe-passage', 'case:safe-passage'],
    ['met-police', 'case:lanterna'],
  ] as const) {
    for (const value of [MIXED, POLICE_ONLY]) {
      await must(persona, ADD_ENTITY, { caseId: id(caseKey), input: { kind: 'PHONE', value, note: 'Interest leak test' } });
    }
  }
  await must('albion-bank', `mutation($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { id } }`, {
    input: {
      idempotencyKey: 'interest-leak-phones',
      handling: { marking: 'GREEN', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
      reportCode: 'SAR',
      reason: 'Interest leak test: top-ups to two mobile wallets from many cards.',
      indicators: ['CASH_OUTSIDE_HOURS'],
      amount: 100,
      currency: 'GBP',
      parties: [
        { name: 'Wallet one', significance: 'SUBJECT', account: { kind: 'PHONE', value: MIXED } },
        { name: 'Wallet two', significance: 'SUBJECT', account: { kind: 'PHONE', value: POLICE_ONLY } },
      ],
    },
  });
  // The askers, none of them a holder: MIXED by three police requests, a bank's and an NGO's; POLICE_ONLY by four police requests.
  window.from = new Date(Date.now() - 1000).toISOString();
  for (const persona of ['west-midlands-police', 'west-midlands-police:SUPERVISOR', 'politia-romana'])
    await must(persona, HIT_NO_HIT, phones(MIXED, POLICE_ONLY));
  await must('politia-romana:SUPERVISOR', HIT_NO_HIT, phones(POLICE_ONLY));
  for (const persona of ['banca-carpati', 'lumina-ro']) await must(persona, HIT_NO_HIT, phones(MIXED));
  window.to = new Date(Date.now() + 60_000).toISOString();
});
afterAll(() => hub.stop());

/** Every non-police holder of the two phones, every role that may ask. */
const HOLDERS = ['albion-bank', 'albion-bank:SUPERVISOR', 'safe-passage', 'safe-passage:SUPERVISOR', 'tessera-hub', 'tessera-hub:SUPERVISOR'];
const POLICE_HOLDERS = ['met-police', 'met-police:SUPERVISOR'];
const INTEREST = (fields: string) => `query($from: String!, $to: String!) { hitNoHitInterest(from: $from, to: $to) { ${fields} } }`;
const period = () => ({ ...window });

const probes: Probe[] = [
  {
    via: 'hitNoHitInterest: an identifier asked about by police alone is not listed',
    query: INTEREST('kind value'),
    variables: period,
    secrets: [POLICE_ONLY],
    denied: HOLDERS,
    expect: { equals: { 'hitNoHitInterest.*.value': MIXED } },
    controls: POLICE_HOLDERS,
  },
  {
    via: 'hitNoHitInterest.askedBy: police among the agency types that asked',
    query: INTEREST('value askedBy { agencyType queries }'),
    variables: period,
    // Police asked three times about MIXED and four about POLICE_ONLY; a bank and an NGO once each.
    secrets: ['LAW_ENFORCEMENT', '"queries":3', '"queries":4'],
    denied: HOLDERS,
    expect: {
      equals: {
        'hitNoHitInterest.*.askedBy': [
          { agencyType: 'FINANCIAL_INSTITUTION', queries: 1 },
          { agencyType: 'NGO', queries: 1 },
        ],
      },
    },
    controls: POLICE_HOLDERS,
  },
  {
    via: 'hitNoHitInterest.queries: a total that counts police requests',
    query: INTEREST('value queries'),
    variables: period,
    // MIXED: 5 with police's 3, POLICE_ONLY: 4.
    secrets: ['"queries":5', '"queries":4'],
    denied: HOLDERS,
    expect: { equals: { 'hitNoHitInterest.*.queries': 2 } },
    controls: POLICE_HOLDERS,
  },
  {
    via: 'auditTrail: the hit/no-hit requests police made about the holder’s identifiers',
    query: `{ auditTrail(filter: { subjectType: "HitNoHit" }, first: 100) { totalCount nodes { actorUserId actorAgency { slug } purpose subjectType fields } } }`,
    // An event of a police request names its agency and its agency type (the identifiers' hashes stay in the trail: below).
    secrets: ['agencyType:LAW_ENFORCEMENT', 'west-midlands-police'],
    // A supervisor reads the events of its own agency's users (policies/agency-types/common.ts, auditTrailRules); the hub's
    // supervisors read the whole trail (hub-analyst.ts), these events with it, so they are not among the denied here.
    denied: ['albion-bank:SUPERVISOR', 'safe-passage:SUPERVISOR', 'met-police:SUPERVISOR'],
    expect: {},
    controls: ['west-midlands-police:SUPERVISOR'],
  },
];

probeTable('hit/no-hit interest: police asking is told to police holders only', () => hub, probes);

test('the identifiers’ keyed hashes stay in the trail: never shown through the API, to the asker, its supervisor or the hub’s', async () => {
  const hash = identifierHash(hitNoHitKey(), 'PHONE', POLICE_ONLY);
  // The trail holds it (what the hub's audit:hit-no-hit-askers finds an asker by)...
  const [held] = await hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit.events WHERE subject_type = 'HitNoHit' AND fields @> ARRAY[$1]`, [
    hash,
  ]);
  expect(held!.n).toBeGreaterThan(0);
  // ... and nobody reads it: with the hash of any value they ask about, they could find who else asked.
  for (const persona of ['west-midlands-police', 'west-midlands-police:SUPERVISOR', 'tessera-hub:SUPERVISOR']) {
    const r = await hub.gql<{ auditTrail: { nodes: Array<{ fields: string[] }> } }>(
      persona,
      `{ auditTrail(filter: { subjectType: "HitNoHit" }, first: 100) { nodes { fields records { fields } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const askedByPolice = r.data!.auditTrail.nodes.filter((e) => e.fields.includes('agencyType:LAW_ENFORCEMENT'));
    expect(askedByPolice.length).toBeGreaterThan(0);
    for (const e of askedByPolice) expect(e.fields).toEqual(expect.arrayContaining([expect.stringMatching(/^identifiers:\d+$/), 'outcome:ANSWERED']));
    expect(JSON.stringify(r.data)).not.toMatch(/hmac:/);
  }
});

test('the Met, a police holder, reads the police interest exactly: the rule above is what withholds it', async () => {
  const r = await hub.gql<{ hitNoHitInterest: unknown[] }>('met-police', INTEREST('value queries askedBy { agencyType queries }'), period());
  expect(r.errors).toBeUndefined();
  expect(r.data!.hitNoHitInterest).toEqual([
    {
      value: MIXED,
      queries: 5,
      askedBy: [
        { agencyType: 'LAW_ENFORCEMENT', queries: 3 },
        { agencyType: 'FINANCIAL_INSTITUTION', queries: 1 },
        { agencyType: 'NGO', queries: 1 },
      ],
    },
    { value: POLICE_ONLY, queries: 4, askedBy: [{ agencyType: 'LAW_ENFORCEMENT', queries: 4 }] },
  ]);
});

test.each(['albion-bank:VIEWER', 'safe-passage:VIEWER', 'tessera-hub:VIEWER'])(
  '%s may not ask at all (FORBIDDEN), and reads nothing of it',
  async (persona) => {
    const r = await hub.gql(persona, INTEREST('value queries askedBy { agencyType queries }'), period());
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(leakedSecrets(r, [MIXED, POLICE_ONLY, 'LAW_ENFORCEMENT'])).toEqual([]);
  },
);

test('a holder reads each identifier as its Entity rules show it: to an NGO, a bank account it holds is masked', async () => {
  const IBAN = 'GB33BUKB20201555555555';
  await must('safe-passage', ADD_ENTITY, { caseId: id('case:safe-passage'), input: { kind: 'BANK_ACCOUNT', value: IBAN, note: 'Interest masking test' } });
  const from = new Date(Date.now() - 1000).toISOString();
  await must('albion-bank', HIT_NO_HIT, { ids: [{ kind: 'BANK_ACCOUNT', value: IBAN }] });
  const to = new Date(Date.now() + 60_000).toISOString();
  // The entity itself: the NGO reads its value redacted (policies/agency-types/ngo.ts).
  const entity = await hub.gql<{ entities: { nodes: Array<{ maskedValue: string }> } }>(
    'safe-passage:SUPERVISOR',
    `{ entities(first: 5, filter: { kind: BANK_ACCOUNT, value: "${IBAN}" }) { nodes { maskedValue } } }`,
  );
  const masked = entity.data?.entities.nodes[0]?.maskedValue ?? maskIdentifier('BANK_ACCOUNT', IBAN);
  for (const persona of ['safe-passage', 'safe-passage:SUPERVISOR']) {
    const r = await hub.gql<{ hitNoHitInterest: Array<{ kind: string }> }>(persona, INTEREST('kind value queries'), { from, to });
    expect(r.errors).toBeUndefined();
    expect(r.data!.hitNoHitInterest.filter((i) => i.kind === 'BANK_ACCOUNT')).toEqual([{ kind: 'BANK_ACCOUNT', value: masked, queries: 1 }]);
    expect(JSON.stringify(r.data)).not.toContain(IBAN.slice(4));
  }
});

test('interest counts from when the agency began to hold an identifier: holding a value later does not reveal who asked before', async () => {
  const LATE = '+447700900736';
  const from = new Date(Date.now() - 1000).toISOString();
  // Asked about while nobody holds it...
  for (const persona of ['banca-carpati', 'lumina-ro']) await must(persona, HIT_NO_HIT, phones(LATE));
  // ... then Albion Bank reports it, marked so that nobody else sees it.
  await must('albion-bank', `mutation($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { id } }`, {
    input: {
      idempotencyKey: 'interest-late-holder',
      handling: { marking: 'AMBER_STRICT', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
      reportCode: 'SAR',
      reason: 'Interest test: a wallet reported after others asked about it.',
      indicators: ['CASH_OUTSIDE_HOURS'],
      amount: 100,
      currency: 'GBP',
      parties: [{ name: 'Wallet three', significance: 'SUBJECT', account: { kind: 'PHONE', value: LATE } }],
    },
  });
  const late = async () => {
    const r = await hub.gql<{ hitNoHitInterest: Array<{ value: string; queries: number }> }>('albion-bank', INTEREST('value queries'), {
      from,
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(r.errors).toBeUndefined();
    return r.data!.hitNoHitInterest.filter((i) => i.value === LATE);
  };
  expect(await late()).toEqual([]);
  // Asked about once it holds it: told.
  await must('lumina-ro', HIT_NO_HIT, phones(LATE));
  expect(await late()).toEqual([{ value: LATE, queries: 1 }]);
});
