import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { publicActor } from '../../policies/actor';
import { loadGatewayKeys, signActorToken } from '../../services/kernel/actor-token';
import { DEMO_PUBLIC_REPORTS } from '../../services/intake/demo-data';
import { codes, dataDir, postGraphQL, startTestHub, type TestHub } from '../support/hub';
import { FI, HUB_ADMIN, HUB_ANALYST, id, LE, leakedSecrets, NGO, type Probe, probeTable } from './support';

jest.setTimeout(120_000);

/**
 * The triage queue, its items (the report's text and contact, the extractor's proposals, related
 * reports, touched entities) and its decisions are the hub analysts' alone. Every other agency type
 * (police, bank, NGO, frontline, the hub's administrators) and the anonymous public are denied by
 * every path: the list, one item, nested reports (the item's and its related ones), a federation
 * reference resolved at the intake subgraph, and the decision itself. The queue takes no filter or
 * sort: the last test fails when one is added without its own probe here.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('http');
});
afterAll(() => hub.stop());

const FRONTLINE = ['spitalul-iasi', 'spitalul-iasi:VIEWER', 'leicester-schools'];
const NOT_HUB = [...LE, ...FI, ...NGO, ...FRONTLINE, ...HUB_ADMIN];
const report = (key: string) => DEMO_PUBLIC_REPORTS.find((r) => r.key === key)!;
const brasov = report('brasov-recruiter-phone');
const iasi = report('iasi-job-offer');
const sheffield = report('sheffield-nail-bar');
const QUEUE_SECRETS = [brasov.story.slice(0, 40), iasi.contact!, '+40722123456'];

const entities = (selection: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`;

const probes: Probe[] = [
  {
    via: 'triageQueue (list; nested report, proposals, related reports)',
    query: `{ triageQueue(first: 100) { totalCount nodes { id urgency report { story contact } identifiers { value } indicators { code }
      touchedEntities { id } related { reasons report { story contact } } decision { decision } } } }`,
    secrets: QUEUE_SECRETS,
    denied: NOT_HUB,
    expect: { equals: { 'triageQueue.totalCount': 0 } },
    controls: HUB_ANALYST,
  },
  {
    via: 'triageItem(id) of a decided report, with its decision',
    query: `query($id: ID!) { triageItem(id: $id) { id report { story contact } decision { decision reason sourceEvaluation corroboration } } }`,
    variables: () => ({ id: id('publicReport:sheffield-nail-bar') }),
    secrets: [sheffield.story.slice(0, 40)],
    denied: NOT_HUB,
    expect: { notFound: ['triageItem'] },
    controls: HUB_ANALYST,
  },
  {
    via: 'triageItem(id) with the contact nested in it',
    query: `query($id: ID!) { triageItem(id: $id) { report { contact additions { text } } identifiers { value } } }`,
    variables: () => ({ id: id('publicReport:iasi-job-offer') }),
    secrets: [iasi.contact!],
    denied: NOT_HUB,
    expect: { notFound: ['triageItem'] },
    controls: HUB_ANALYST,
  },
  {
    via: 'intake: _entities TriageItem',
    subgraph: 'intake',
    query: entities('... on TriageItem { id report { story contact } identifiers { value } decision { decision } }'),
    variables: () => ({
      r: ['publicReport:brasov-recruiter-phone', 'publicReport:iasi-job-offer'].map((k) => ({ __typename: 'TriageItem', id: id(k) })),
    }),
    secrets: QUEUE_SECRETS,
    denied: NOT_HUB,
    expect: { notFound: ['_entities.0', '_entities.1'] },
    controls: ['tessera-hub'],
  },
];

probeTable('triage: the hub analysts only', () => hub, probes);

const DECIDE = `mutation($input: DecideTriageInput!) { decideTriage(input: $input) { id report { story contact } decision { decision } } }`;
const decideInput = () => ({
  reportId: id('publicReport:brasov-recruiter-phone'),
  decision: 'OPEN_CASE',
  intelligenceAssessment: 'C',
  newCase: { exploitationTypes: ['SEXUAL'], summary: 'Leak test: must never be opened' },
});

describe('deciding', () => {
  test.each([...NOT_HUB, 'tessera-hub:VIEWER'])('%s may not decide (FORBIDDEN), learns nothing of the report, and nothing is written', async (persona) => {
    const r = await hub.gql(persona, DECIDE, { input: decideInput() });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(leakedSecrets(r, QUEUE_SECRETS)).toEqual([]);
    const rows = await hub.db.query<{ status: string; decisions: number; cases: number }>(
      `SELECT r.status, (SELECT count(*)::int FROM intake.triage_decisions d WHERE d.report_id = r.id) AS decisions,
         (SELECT count(*)::int FROM cases.cases WHERE summary = 'Leak test: must never be opened') AS cases
       FROM intake.public_reports r WHERE r.id = $1`,
      [id('publicReport:brasov-recruiter-phone')],
    );
    expect(rows).toEqual([{ status: 'RECEIVED', decisions: 0, cases: 0 }]);
  });

  test('a hub analyst of another agency reads no decision of this one (row-level security on the decisions)', async () => {
    const count = async (agencyId: string) => {
      const session = hub.appDb.sessionFor({
        userId: '00000000-0000-4000-8000-0000000000bb',
        agencyId,
        agencyType: 'HUB_ANALYST',
        role: 'SUPERVISOR',
        groupIds: [],
      });
      try {
        return (await session.query<{ n: number }>('SELECT count(*)::int AS n FROM intake.triage_decisions'))[0]!.n;
      } finally {
        await session.finish(false);
      }
    };
    expect(await count('00000000-0000-4000-8000-0000000000aa')).toBe(0);
    expect(await count(hub.demo.agencies['tessera-hub']!.id)).toBeGreaterThan(0);
  });
});

describe('the anonymous public, with a valid public actor token at the intake subgraph', () => {
  const asPublicActor = async (query: string, variables?: Record<string, unknown>) => {
    const token = await signActorToken(await loadGatewayKeys(dataDir()), publicActor(), 'intake', 'leak-public-triage', { query, variables });
    return postGraphQL(hub.subgraphUrls.intake!, { authorization: `Bearer ${token}` }, query, variables);
  };

  test('reads an empty queue, no item, and decides nothing', async () => {
    const queue = await asPublicActor('{ triageQueue { totalCount nodes { report { story contact } } } }');
    expect(queue.data).toEqual({ triageQueue: { totalCount: 0, nodes: [] } });
    const item = await asPublicActor('query($id: ID!) { triageItem(id: $id) { report { story contact } } }', { id: id('publicReport:iasi-job-offer') });
    expect(codes(item)).toEqual(['NOT_FOUND']);
    const decide = await asPublicActor(DECIDE, { input: decideInput() });
    expect(codes(decide)).toEqual(['FORBIDDEN']);
    for (const r of [queue, item, decide]) expect(leakedSecrets(r, QUEUE_SECRETS)).toEqual([]);
  });

  test('without a token, the gateway refuses the triage fields outright', async () => {
    const r = await postGraphQL(hub.url, {}, '{ triageQueue { totalCount } }');
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
  });
});

test('the queue takes no filter and no sort (a new one needs its probe above)', () => {
  const doc = parse(fs.readFileSync(path.join(__dirname, '../../schema/supergraph.graphql'), 'utf8'));
  const args: Record<string, string[]> = {};
  for (const d of doc.definitions) {
    if ((d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === 'Query') {
      for (const f of d.fields ?? []) if (f.name.value.startsWith('triage')) args[f.name.value] = (f.arguments ?? []).map((a) => a.name.value);
    }
  }
  expect(args).toEqual({ triageQueue: ['first', 'after'], triageItem: ['id'] });
});
