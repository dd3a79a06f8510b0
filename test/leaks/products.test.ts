import { DEMO_REPORTS } from '../../services/products/demo-data';
import { startTestHub, type TestHub } from '../support/hub';
import { FI, HUB_ADMIN, HUB_ANALYST, id, LE, NGO, type Probe, probeTable, setId } from './support';

jest.setTimeout(180_000);

/**
 * An intelligence report reaches exactly its audience (and the hub's analysts): every agency type
 * outside it is denied by id, in its feed (the list, and nested versions and visuals), through the
 * feed's filters, and as a federation reference resolved at the products subgraph. Within the
 * audience, the audience and the network seeds stay with the hub, and a reader gets its own type's
 * rendering of the visuals only.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('http');
  // A report for police and banks together: one rendering each; a withdrawn report for banks.
  const publish = async (key: string, audience: Record<string, unknown>, title: string) => {
    const r = await hub.gql<{ publishIntelligenceReport: { id: string } }>(
      'tessera-hub',
      `mutation($input: PublishReportInput!) { publishIntelligenceReport(input: $input) { id } }`,
      {
        input: {
          marking: 'GREEN',
          audience,
          content: {
            title,
            summary: `${title}: summary`,
            body: `${title}: body`,
            // The Met's AMBER_STRICT case among the links: its id must reach nobody else through the product.
            linkedCaseIds: [id('case:iasi'), id('case:strict')],
            networkSeedIds: [id('case:iasi')],
            periodStart: '2025-01-01',
            periodEnd: '2025-12-31',
          },
          idempotencyKey: `leak-${key}`,
        },
      },
    );
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    setId(`report:${key}`, r.data!.publishIntelligenceReport.id);
  };
  await publish('joint', { agencyTypes: ['LAW_ENFORCEMENT', 'FINANCIAL_INSTITUTION'] }, WITHDRAWN_TITLE.replace('Withdrawn', 'Joint'));
  await publish('withdrawn', { agencyTypes: ['FINANCIAL_INSTITUTION'] }, WITHDRAWN_TITLE);
  await hub.gql('tessera-hub', `mutation($id: ID!) { withdrawIntelligenceReport(id: $id, reason: "${WITHDRAWAL_REASON}") { id } }`, {
    id: id('report:withdrawn'),
  });
});
afterAll(() => hub.stop());

const WITHDRAWN_TITLE = 'Withdrawn product: a leak-test report for banks';
const WITHDRAWAL_REASON = 'Leak test: the source was discredited';
const FRONTLINE = ['spitalul-iasi', 'spitalul-iasi:VIEWER', 'leicester-schools'];
const title = (key: string) => DEMO_REPORTS.find((r) => r.key === key)!.content.title;
const summary = (key: string) => DEMO_REPORTS.find((r) => r.key === key)!.content.summary.slice(0, 60);
const secrets = (key: string) => [title(key), summary(key)];

const READ = 'query($id: ID!) { intelligenceReport(id: $id) { id marking latest { title summary body visuals { routeMapSvg } } versions { title } } }';
const FEED = '{ intelligenceFeed(first: 100) { totalCount nodes { latest { title summary visuals { agencyType routeMapSvg } } versions { title } } } }';
const entities = '... on IntelligenceReport { id marking latest { title summary } }';
const REF = `query($r: [_Any!]!) { _entities(representations: $r) { ${entities} } }`;

/** Who is outside each demo report's audience, and how many reports their feed holds (their own audience's one). */
const OUTSIDE: Record<string, { denied: string[]; controls: string[] }> = {
  police: { denied: [...FI, ...NGO, ...FRONTLINE, ...HUB_ADMIN], controls: [...LE, ...HUB_ANALYST] },
  banks: { denied: [...LE, ...NGO, ...FRONTLINE, ...HUB_ADMIN], controls: [...FI, ...HUB_ANALYST] },
  ngos: { denied: [...LE, ...FI, ...FRONTLINE, ...HUB_ADMIN], controls: [...NGO, ...HUB_ANALYST] },
};

const perReport: Probe[] = Object.entries(OUTSIDE).flatMap(([key, { denied, controls }]) => [
  {
    via: `intelligenceReport(id): the report for ${key}`,
    query: READ,
    variables: () => ({ id: id(`report:${key}`) }),
    secrets: secrets(key),
    denied,
    expect: { notFound: ['intelligenceReport'] },
    controls,
  },
  {
    via: `intelligenceFeed (list, nested versions and visuals): the report for ${key}`,
    query: FEED,
    secrets: secrets(key),
    denied,
    expect: {},
    controls,
  },
  {
    via: `intelligenceFeed(since): the report for ${key}`,
    query: '{ intelligenceFeed(since: "2000-01-01T00:00:00Z") { nodes { latest { title summary } } } }',
    secrets: secrets(key),
    denied,
    expect: {},
    controls,
  },
  {
    via: `intelligenceFeed(order: CREATED_AT) (sort): the report for ${key}`,
    query: '{ intelligenceFeed(order: { field: CREATED_AT, direction: ASC }) { nodes { latest { title summary } } } }',
    secrets: secrets(key),
    denied,
    expect: {},
    controls,
  },
  {
    via: `products: _entities IntelligenceReport, the report for ${key}`,
    subgraph: 'products',
    query: REF,
    variables: () => ({ r: [{ __typename: 'IntelligenceReport', id: id(`report:${key}`) }] }),
    secrets: secrets(key),
    denied,
    expect: { notFound: ['_entities.0'] },
    controls: ['tessera-hub', controls[0]!],
  },
]);

const withinAudience: Probe[] = [
  {
    via: 'the audience and the withdrawal fields of a report addressed to you',
    query: 'query($id: ID!) { intelligenceReport(id: $id) { id audienceAgencyTypes audienceAgencies { id } audienceGroupIds withdrawalReason } }',
    variables: () => ({ id: id('report:joint') }),
    secrets: ['LAW_ENFORCEMENT'],
    denied: [...FI, 'met-police'],
    expect: {
      forbidden: [
        'intelligenceReport.audienceAgencyTypes',
        'intelligenceReport.audienceAgencies',
        'intelligenceReport.audienceGroupIds',
        'intelligenceReport.withdrawalReason',
      ],
    },
    controls: HUB_ANALYST,
  },
  {
    via: 'the network seeds of a version addressed to you',
    query: 'query($id: ID!) { intelligenceReport(id: $id) { latest { networkSeedIds } } }',
    variables: () => ({ id: id('report:joint') }),
    secrets: () => [id('case:iasi')],
    denied: [...FI, ...LE],
    expect: { forbidden: ['intelligenceReport.latest.networkSeedIds'] },
    controls: HUB_ANALYST,
  },
  {
    via: 'the linked cases of a version: a case that does not reach you is not listed, not even its id',
    query: 'query($id: ID!) { intelligenceReport(id: $id) { latest { linkedCases { id } } } }',
    variables: () => ({ id: id('report:joint') }),
    secrets: () => [id('case:strict')],
    denied: [...FI, 'west-midlands-police', 'politia-romana', ...HUB_ANALYST],
    expect: { equals: { 'intelligenceReport.latest.linkedCases.*.id': id('case:iasi') } },
    controls: ['met-police', 'met-police:VIEWER'],
  },
  {
    via: "another audience type's rendering of the visuals (a report for police and banks, read by a bank)",
    query: 'query($id: ID!) { intelligenceReport(id: $id) { latest { visuals { agencyType routeMapSvg } } } }',
    variables: () => ({ id: id('report:joint') }),
    secrets: ['LAW_ENFORCEMENT'],
    denied: FI,
    expect: { equals: { 'intelligenceReport.latest.visuals.*.agencyType': 'FINANCIAL_INSTITUTION' } },
    controls: ['met-police', ...HUB_ANALYST],
  },
  {
    via: 'intelligenceFeed(audienceAgencyType: NGO): filtering on who else a report went to',
    query: '{ intelligenceFeed(audienceAgencyType: NGO) { totalCount nodes { latest { title summary } } } }',
    secrets: secrets('ngos'),
    denied: [...FI, ...LE, ...NGO, ...FRONTLINE, ...HUB_ADMIN],
    expect: { refusedOrEmpty: 'intelligenceFeed' },
    controls: HUB_ANALYST,
  },
  {
    via: 'a withdrawn report, by id',
    query: READ,
    variables: () => ({ id: id('report:withdrawn') }),
    secrets: [WITHDRAWN_TITLE],
    denied: [...FI, ...LE, ...NGO, ...FRONTLINE, ...HUB_ADMIN],
    expect: { notFound: ['intelligenceReport'] },
    controls: HUB_ANALYST,
  },
  {
    via: 'intelligenceFeed(withdrawn: true) (filter)',
    query: '{ intelligenceFeed(withdrawn: true) { totalCount nodes { latest { title } } } }',
    secrets: [WITHDRAWN_TITLE],
    denied: [...FI, ...LE, ...NGO, ...FRONTLINE, ...HUB_ADMIN],
    expect: { equals: { 'intelligenceFeed.totalCount': 0 } },
    controls: HUB_ANALYST,
  },
  {
    via: 'products: _entities IntelligenceReport, a withdrawn report',
    subgraph: 'products',
    query: REF,
    variables: () => ({ r: [{ __typename: 'IntelligenceReport', id: id('report:withdrawn') }] }),
    secrets: [WITHDRAWN_TITLE],
    denied: FI,
    expect: { notFound: ['_entities.0'] },
    controls: ['tessera-hub'],
  },
  {
    via: "another agency's feedback",
    query: '{ reportFeedback { note accountsClosed } }',
    secrets: ['Two accounts matched the funnel pattern'],
    denied: ['banca-carpati', ...LE, ...NGO, ...HUB_ANALYST, ...HUB_ADMIN],
    expect: { empty: ['reportFeedback'] },
    controls: ['albion-bank', 'albion-bank:VIEWER'],
  },
];

probeTable('intelligence reports: their audience only', () => hub, perReport);
probeTable('intelligence reports: what stays with the hub, and each type its own rendering', () => hub, withinAudience);
