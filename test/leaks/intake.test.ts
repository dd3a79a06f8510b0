import { publicActor } from '../../policies/actor';
import { loadGatewayKeys, signActorToken } from '../../services/kernel/actor-token';
import { DEMO_PUBLIC_REPORTS } from '../../services/intake/demo-data';
import { codes, dataDir, postGraphQL, startTestHub, type TestHub } from '../support/hub';
import { FI, HUB_ADMIN, HUB_ANALYST, id, LE, NGO, type Probe, probeTable, FRONTLINE } from './support';

jest.setTimeout(120_000);

/**
 * Public reports reach the hub's analysts only; a notification reaches its notifier and its
 * destination only. Every other agency type (and the anonymous public itself) is denied through
 * every path: by id, in lists, nested, and as a federation reference resolved at the subgraph.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('http');
});
afterAll(() => hub.stop());

const iasi = DEMO_PUBLIC_REPORTS.find((r) => r.key === 'iasi-job-offer')!;
const REPORT_SECRETS = [iasi.contact!, iasi.story.slice(0, 40), 'Men at the car wash worked from 7am'];
const NOTIFICATION_SECRETS = ['An older man who said he was her boyfriend'];
const NOT_HUB = [...LE, ...FI, ...NGO, ...FRONTLINE, ...HUB_ADMIN];

const entities = (selection: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`;
const refs =
  (typename: string, ...keys: string[]) =>
  () => ({ r: keys.map((k) => ({ __typename: typename, id: id(k) })) });

const publicReportProbes: Probe[] = [
  {
    via: 'publicReport(id)',
    query: 'query($id: ID!) { publicReport(id: $id) { id story contact place additions { text } } }',
    variables: () => ({ id: id('publicReport:iasi-job-offer') }),
    secrets: REPORT_SECRETS.slice(0, 2),
    denied: NOT_HUB,
    expect: { notFound: ['publicReport'] },
    controls: HUB_ANALYST,
  },
  {
    via: 'publicReports (list, nested photos and additions)',
    query: '{ publicReports(first: 100) { totalCount nodes { story contact additions { text } photos { content } } } }',
    secrets: REPORT_SECRETS,
    denied: NOT_HUB,
    expect: { equals: { 'publicReports.totalCount': 0 } },
    controls: HUB_ANALYST,
  },
  {
    via: 'intake: _entities PublicReport',
    subgraph: 'intake',
    query: entities('... on PublicReport { id story contact }'),
    variables: refs('PublicReport', 'publicReport:iasi-job-offer', 'publicReport:car-wash-bedford'),
    secrets: REPORT_SECRETS,
    denied: NOT_HUB,
    expect: { notFound: ['_entities.0', '_entities.1'] },
    controls: ['tessera-hub'],
  },
];

const notificationProbes: Probe[] = [
  {
    via: 'notification(id)',
    query: 'query($id: ID!) { notification(id: $id) { id summary indicators status outcome } }',
    variables: () => ({ id: id('notification:iasi-hospital') }),
    secrets: NOTIFICATION_SECRETS,
    denied: [...LE, ...FI, 'safe-passage', 'leicester-schools', ...HUB_ANALYST, ...HUB_ADMIN],
    expect: { notFound: ['notification'] },
    controls: ['spitalul-iasi', 'spitalul-iasi:VIEWER', 'lumina-ro', 'lumina-ro:VIEWER'],
  },
  {
    via: 'notifications (list)',
    query: '{ notifications(first: 100) { totalCount nodes { summary } } }',
    secrets: NOTIFICATION_SECRETS,
    denied: [...LE, ...FI, 'safe-passage', 'leicester-schools', ...HUB_ANALYST, ...HUB_ADMIN],
    expect: { equals: { 'notifications.totalCount': 0 } },
    controls: ['spitalul-iasi', 'lumina-ro'],
  },
  {
    via: 'notifications(direction: RECEIVED) asked by the notifier',
    query: '{ notifications(direction: RECEIVED) { totalCount nodes { summary } } }',
    secrets: NOTIFICATION_SECRETS,
    denied: ['spitalul-iasi', 'met-police'],
    expect: { equals: { 'notifications.totalCount': 0 } },
    controls: ['lumina-ro'],
  },
  {
    via: 'intake: _entities Notification',
    subgraph: 'intake',
    query: entities('... on Notification { id summary outcome }'),
    variables: refs('Notification', 'notification:iasi-hospital'),
    secrets: NOTIFICATION_SECRETS,
    denied: [...LE, ...FI, 'safe-passage', 'leicester-schools', ...HUB_ANALYST, ...HUB_ADMIN],
    expect: { notFound: ['_entities.0'] },
    controls: ['spitalul-iasi', 'lumina-ro'],
  },
];

probeTable('public reports: the hub analysts only', () => hub, publicReportProbes);
probeTable('notifications: the notifier and the destination only', () => hub, notificationProbes);

describe('the anonymous public', () => {
  const asPublicActor = async (subgraph: string, query: string, variables?: Record<string, unknown>) => {
    const token = await signActorToken(await loadGatewayKeys(dataDir()), publicActor(), subgraph, 'leak-public', { query, variables });
    return postGraphQL(hub.subgraphUrls[subgraph]!, { authorization: `Bearer ${token}` }, query, variables);
  };

  test('reads back no report, not even by id or reference, with a valid public token at the intake subgraph', async () => {
    const byId = await asPublicActor('intake', 'query($id: ID!) { publicReport(id: $id) { story contact } }', { id: id('publicReport:iasi-job-offer') });
    expect(codes(byId)).toEqual(['NOT_FOUND']);
    const list = await asPublicActor('intake', '{ publicReports { totalCount nodes { story } } notifications { totalCount } }');
    expect(list.data).toEqual({ publicReports: { totalCount: 0, nodes: [] }, notifications: { totalCount: 0 } });
    const ref = await asPublicActor('intake', entities('... on PublicReport { story contact }'), refs('PublicReport', 'publicReport:iasi-job-offer')());
    expect(JSON.stringify(ref)).not.toContain(iasi.contact!);
    expect(codes(ref)).toEqual(['NOT_FOUND']);
  });

  test.each(['cases', 'entities', 'agencies', 'audit', 'narratives', 'routes', 'typologies', 'products'])(
    'a public actor token is refused by the %s subgraph',
    async (subgraph) => {
      const r = await asPublicActor(subgraph, '{ __typename }');
      expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    },
  );
});
