import { DEMO_CAMPAIGN } from '../../services/routes/demo-data';
import { startTestHub, type TestHub } from '../support/hub';
import { FI, HUB_ADMIN, HUB_ANALYST, id, LE, type Probe, probeTable, FRONTLINE } from './support';

jest.setTimeout(120_000);

/**
 * A campaign reaches the hub agency that runs it and its partner NGO only; indicators reach the
 * hub only. Every other agency type (police, banks, another NGO, frontline services, the hub's
 * administration) is denied through every path: by id, in the list, nested under reach, through
 * the target areas and their export, and as a federation reference resolved at the subgraph.
 * Campaign queries take no filter or sort argument, so there is none to probe.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('http');
});
afterAll(() => hub.stop());

const OTHER_NGO = ['safe-passage', 'safe-passage:VIEWER'];
const PARTNER = ['lumina-ro', 'lumina-ro:VIEWER'];
const NOT_PARTIES = [...LE, ...FI, ...OTHER_NGO, ...FRONTLINE, ...HUB_ADMIN];
const GOAL = DEMO_CAMPAIGN.goal;
const campaignId = () => ({ id: id('campaign:constanta') });

const probes: Probe[] = [
  {
    via: 'campaign(id)',
    query: 'query($id: ID!) { campaign(id: $id) { id name goal languages channels startsOn targetAreas { name } } }',
    variables: campaignId,
    secrets: [GOAL, DEMO_CAMPAIGN.name],
    denied: NOT_PARTIES,
    expect: { notFound: ['campaign'] },
    controls: [...HUB_ANALYST, ...PARTNER],
  },
  {
    via: 'campaigns (list)',
    query: '{ campaigns(first: 100) { totalCount nodes { name goal } } }',
    secrets: [GOAL],
    denied: NOT_PARTIES,
    expect: { equals: { 'campaigns.totalCount': 0 } },
    controls: [...HUB_ANALYST, ...PARTNER],
  },
  {
    via: 'campaignReach (nested campaign)',
    query: 'query($id: ID!) { campaignReach(campaignId: $id) { isoWeek peopleReached campaign { goal } } }',
    variables: campaignId,
    secrets: [GOAL, '2026-W11'],
    denied: NOT_PARTIES,
    expect: { notFound: ['campaignReach'] },
    controls: [...HUB_ANALYST, ...PARTNER],
  },
  {
    via: 'campaignTargetAreas',
    query: 'query($id: ID!) { campaignTargetAreas(campaignId: $id) { location { name } caseCount countSuppressed } }',
    variables: campaignId,
    secrets: ['countSuppressed'],
    denied: NOT_PARTIES,
    expect: { notFound: ['campaignTargetAreas'] },
    controls: [...HUB_ANALYST, ...PARTNER],
  },
  {
    via: 'campaignTargetAreasExport',
    query: 'query($id: ID!) { campaignTargetAreasExport(campaignId: $id, format: CSV) { filename content } }',
    variables: campaignId,
    secrets: ['target-areas.csv', 'count_suppressed'],
    denied: NOT_PARTIES,
    expect: { notFound: ['campaignTargetAreasExport'] },
    controls: [...HUB_ANALYST, ...PARTNER],
  },
  {
    via: 'campaignIndicators (not parties)',
    query: 'query($id: ID!) { campaignIndicators(campaignId: $id) { indicator before after } }',
    variables: campaignId,
    secrets: ['PARTNER_CALLS', 'FRONTLINE_NOTIFICATIONS'],
    denied: NOT_PARTIES,
    expect: { notFound: ['campaignIndicators'] },
    controls: HUB_ANALYST,
  },
  {
    via: 'campaignIndicators (the partner)',
    query: 'query($id: ID!) { campaignIndicators(campaignId: $id) { indicator before after } }',
    variables: campaignId,
    secrets: ['PARTNER_CALLS', 'FRONTLINE_NOTIFICATIONS'],
    denied: PARTNER,
    expect: { empty: ['campaignIndicators'] },
    controls: HUB_ANALYST,
  },
  {
    via: 'routes: _entities Campaign',
    subgraph: 'routes',
    query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Campaign { id name goal } } }',
    variables: () => ({ r: [{ __typename: 'Campaign', id: id('campaign:constanta') }] }),
    secrets: [GOAL],
    denied: NOT_PARTIES,
    expect: { notFound: ['_entities.0'] },
    controls: ['tessera-hub', 'lumina-ro'],
  },
];

probeTable('campaigns: the hub that runs them and the partner only', () => hub, probes);
