import { DEMO_CAMPAIGN } from '../../services/routes/demo-data';
import { startTestHub, type TestHub } from '../support/hub';
import { agencyId, demo, FI, HUB_ADMIN, HUB_ANALYST, id, LE, type Probe, probeTable, FRONTLINE } from './support';

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

/**
 * The target areas file leaves the hub for the partner: it counts the cases the partner reaches,
 * whoever exports it. A case shared with the hub alone moves the hub's counts and never the file;
 * a case shared with the partner moves both the partner's own reading and the file, alike.
 */
describe('the target areas file counts what its recipient reaches', () => {
  const AREAS = `query($id: ID!) { campaignTargetAreas(campaignId: $id) { location { name } caseCount victimCount countSuppressed } }`;
  const EXPORT = `query($id: ID!) { campaignTargetAreasExport(campaignId: $id, format: CSV) { content } }`;
  const day = (plus: number) => new Date(Date.now() + plus * 86_400_000).toISOString().slice(0, 10);
  const place = (slug: string) => demo().locations[slug]!;
  type Area = { name: string; caseCount: number | null; victimCount: number | null; countSuppressed: boolean };

  const create = async (key: string, partner: { partnerAgencyId?: string; platformName?: string }) => {
    const r = await hub.gql<{ createCampaign: { id: string } }>(
      'tessera-hub',
      `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`,
      {
        input: {
          name: `File test ${key}`,
          goal: 'Reach people in Timișoara',
          languages: ['ro'],
          channels: ['SOCIAL_MEDIA'],
          startsOn: day(0),
          endsOn: day(30),
          targetLocationIds: [place('timisoara')],
          idempotencyKey: `campaign-file-${key}`,
          ...partner,
        },
      },
    );
    expect(r.errors).toBeUndefined();
    return r.data!.createCampaign.id;
  };
  const read = async (persona: string, campaign: string): Promise<Area[]> => {
    const r = await hub.gql<{ campaignTargetAreas: Array<Omit<Area, 'name'> & { location: { name: string } }> }>(persona, AREAS, { id: campaign });
    expect(r.errors).toBeUndefined();
    return r.data!.campaignTargetAreas.map(({ location, ...a }) => ({ name: location.name, ...a }));
  };
  const file = async (persona: string, campaign: string): Promise<Area[]> => {
    const r = await hub.gql<{ campaignTargetAreasExport: { content: string } }>(persona, EXPORT, { id: campaign });
    expect(r.errors).toBeUndefined();
    const [header, ...lines] = r.data!.campaignTargetAreasExport.content.trim().split('\r\n');
    const at = (name: string) => header!.split(',').indexOf(name);
    return lines.map((l) => {
      const f = l.split(',');
      const n = (v: string) => (v === '' ? null : Number(v));
      return {
        name: f[at('name')]!,
        caseCount: n(f[at('case_count')]!),
        victimCount: n(f[at('victim_count')]!),
        countSuppressed: f[at('count_suppressed')] === 'true',
      };
    });
  };
  const recruitedInTimisoara = async (sharedWith: string) => {
    const r = await hub.gql('met-police', `mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, {
      input: {
        handling: {
          marking: 'AMBER',
          sourceEvaluation: 'RELIABLE',
          intelligenceAssessment: 'B',
          handlingCode: 'P',
          sharedWithAgencyIds: [agencyId(sharedWith)],
        },
        exploitationTypes: ['SEXUAL'],
        persons: [{ role: 'VICTIM', pseudonym: 'V1' }],
        events: [{ type: 'RECRUITMENT', occurredOn: day(-5), locationId: place('timisoara') }],
      },
    });
    expect(r.errors).toBeUndefined();
  };

  test('with a partner agency, and with a platform without an account', async () => {
    const withPartner = await create('partner', { partnerAgencyId: agencyId('lumina-ro') });
    const withPlatform = await create('platform', { platformName: 'A video platform' });
    const none: Area = { name: 'Timișoara', caseCount: 0, victimCount: 0, countSuppressed: false };
    expect(await read('lumina-ro', withPartner)).toEqual([none]);

    // Shared with the hub alone: the hub counts it (exactly), the partner does not, nor does either file.
    await recruitedInTimisoara('tessera-hub');
    expect(await read('tessera-hub', withPartner)).toEqual([{ name: 'Timișoara', caseCount: 1, victimCount: 1, countSuppressed: false }]);
    expect(await read('lumina-ro', withPartner)).toEqual([none]);
    for (const persona of ['tessera-hub', 'lumina-ro']) expect(await file(persona, withPartner)).toEqual([none]);
    expect(await file('tessera-hub', withPlatform)).toEqual([none]);

    // Shared with the partner too: its reading moves (withheld below k), and the file with it; a
    // platform, which reaches neither case, still counts none.
    await recruitedInTimisoara('lumina-ro');
    const partnerSees = await read('lumina-ro', withPartner);
    expect(partnerSees).toEqual([{ name: 'Timișoara', caseCount: null, victimCount: null, countSuppressed: true }]);
    for (const persona of ['tessera-hub', 'lumina-ro']) expect(await file(persona, withPartner)).toEqual(partnerSees);
    expect(await file('tessera-hub', withPlatform)).toEqual([none]);
  });
});
