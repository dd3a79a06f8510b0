import { codes, startTestHub, type TestHub } from '../support/hub';

/**
 * Prevention campaigns: the hub's analysts choose target areas from the places of recruitment in
 * their picture (with the counts behind them), run a campaign with a partner NGO, which receives
 * its target areas as a file without any case and records its reach per area and week; the hub
 * then compares indicators per area before and after the campaign's start.
 *
 * The campaign here runs from 10 days ago to 20 days ahead, so what the demo data and this file
 * create today falls in the "after" window, and nothing in the 31 days before it.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const K = 5;
const agency = (slug: string) => hub.demo.agencies[slug]!.id;
const place = (slug: string) => hub.demo.locations[slug]!;
const day = (plus: number) => new Date(Date.now() + plus * 86_400_000).toISOString().slice(0, 10);
const weekOf = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
};

const CANDIDATES = `query($from: String!, $to: String!) { campaignCandidateAreas(periodFrom: $from, periodTo: $to) {
  location { name countryCode } periodStart periodEnd caseCount victimCount countSuppressed publishedRoutes { destination { name } caseCount } } }`;
const CREATE = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) {
  id name goal languages channels startsOn endsOn platformName partnerAgency { slug } ownerAgency { slug } targetAreas { name } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateCampaignInput!) { updateCampaign(id: $id, input: $input) { id name endsOn targetAreas { name } updatedAt } }`;
const READ = `query($id: ID!) { campaign(id: $id) { id name partnerAgency { slug } targetAreas { name } } }`;
const LIST = `{ campaigns { totalCount nodes { id name } } }`;
const TARGETS = `query($id: ID!) { campaignTargetAreas(campaignId: $id) { location { name } periodStart periodEnd caseCount victimCount countSuppressed } }`;
const EXPORT = `query($id: ID!, $f: CampaignExportFormat!) { campaignTargetAreasExport(campaignId: $id, format: $f) { filename mediaType content } }`;
const REACH = `mutation($input: RecordCampaignReachInput!) { recordCampaignReach(input: $input) { id isoWeek peopleReached partnerCalls location { name } campaign { id } } }`;
const REACH_LIST = `query($id: ID!) { campaignReach(campaignId: $id) { id isoWeek peopleReached partnerCalls location { name } } }`;
const INDICATORS = `query($id: ID!) { campaignIndicators(campaignId: $id) {
  location { name } indicator beforeFrom beforeTo afterFrom afterTo before after countSuppressed } }`;

interface Indicator {
  location: { name: string };
  indicator: string;
  beforeFrom: string;
  beforeTo: string;
  afterFrom: string;
  afterTo: string;
  before: number | null;
  after: number | null;
}

const campaignInput = (over: Record<string, unknown> = {}) => ({
  name: 'Nu ești de vânzare',
  goal: 'Reach young women in Constanța and Iași before recruiters do',
  partnerAgencyId: agency('lumina-ro'),
  languages: ['ro', 'en'],
  channels: ['SOCIAL_MEDIA', 'SCHOOLS'],
  startsOn: day(-10),
  endsOn: day(20),
  targetLocationIds: [place('constanta'), place('iasi')],
  idempotencyKey: 'campaign-test-0001',
  ...over,
});

const indicator = (rows: Indicator[], area: string, kind: string) => rows.find((r) => r.location.name === area && r.indicator === kind)!;

describe('a prevention campaign', () => {
  let id: string;

  test('candidate areas are the places of recruitment with their counts: exact for the hub, disclosure-controlled for an NGO', async () => {
    const hubView = await hub.gql<{ campaignCandidateAreas: Array<Record<string, any>> }>('tessera-hub', CANDIDATES, { from: '2025-01-01', to: '2026-12-31' }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(hubView.errors).toBeUndefined();
    const areas = hubView.data!.campaignCandidateAreas;
    // The places of recruitment of the demo cases that reach the hub, and the origins of the routes it
    // published (Constanța, Iași, Brașov), ordered by country and name, never by count.
    expect(areas.map((a) => a.location.name)).toEqual(['Brașov', 'Constanța', 'Iași', 'Târgu Jiu']);
    const brasov = areas[0]!;
    expect(brasov).toMatchObject({ periodStart: '2025-01-01', periodEnd: '2026-12-31', countSuppressed: false, caseCount: 1, victimCount: 1 });
    expect(brasov.publishedRoutes).toEqual([{ destination: { name: 'Sheffield' }, caseCount: 1 }]);
    expect(areas[1]).toMatchObject({ caseCount: 0, publishedRoutes: [{ destination: { name: 'London' }, caseCount: 3 }] });

    // An NGO may not propose campaigns: it is refused, and gets no candidate.
    const ngo = await hub.gql('lumina-ro', CANDIDATES, { from: '2025-01-01', to: '2026-12-31' });
    expect(codes(ngo)).toEqual(['FORBIDDEN']);
  });

  test('is created by the hub with its partner NGO and target areas, once per idempotency key', async () => {
    const r = await hub.gql<{ createCampaign: Record<string, any> }>('tessera-hub', CREATE, { input: campaignInput() }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(r.errors).toBeUndefined();
    id = r.data!.createCampaign.id;
    expect(r.data!.createCampaign).toMatchObject({
      name: 'Nu ești de vânzare',
      languages: ['ro', 'en'],
      channels: ['SOCIAL_MEDIA', 'SCHOOLS'],
      partnerAgency: { slug: 'lumina-ro' },
      ownerAgency: { slug: 'tessera-hub' },
      platformName: null,
      targetAreas: [{ name: 'Constanța' }, { name: 'Iași' }],
    });
    const again = await hub.gql<{ createCampaign: { id: string } }>('tessera-hub', CREATE, { input: campaignInput() });
    expect(again.data!.createCampaign.id).toBe(id);
    const reused = await hub.gql('tessera-hub', CREATE, { input: campaignInput({ name: 'Another' }) });
    expect(codes(reused)).toEqual(['CONFLICT']);
    const stored = await hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM routes.campaigns WHERE idempotency_key = 'campaign-test-0001'`);
    expect(stored[0]!.n).toBe(1);
  });

  test('bad input is refused with the field named, and nothing is written', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ partnerAgencyId: agency('met-police') }, 'input.partnerAgencyId'],
      [{ partnerAgencyId: null }, 'input.partnerAgencyId'],
      [{ platformName: 'TikTok' }, 'input.partnerAgencyId'],
      [{ languages: ['Romanian'] }, 'input.languages[0]'],
      [{ endsOn: day(-20) }, 'input.endsOn'],
      [{ targetLocationIds: ['00000000-0000-4000-8000-000000000000'] }, 'input.targetLocationIds[0]'],
      [{ targetLocationIds: [] }, 'input.targetLocationIds'],
    ];
    for (const [i, [over, field]] of cases.entries()) {
      const r = await hub.gql('tessera-hub', CREATE, { input: campaignInput({ idempotencyKey: `bad-campaign-${i}`, ...over }) });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect([r.errors![0]!.extensions!.field, r.errors![0]!.message]).toEqual([field, expect.any(String)]);
    }
    const written = await hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM routes.campaigns WHERE idempotency_key LIKE 'bad-campaign-%'`);
    expect(written[0]!.n).toBe(0);
  });

  test('is changed by the hub (an unchanged value writes nothing), never by the partner', async () => {
    const r = await hub.gql<{ updateCampaign: Record<string, any> }>('tessera-hub', UPDATE, { id, input: { endsOn: day(21) } }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(r.errors).toBeUndefined();
    expect(r.data!.updateCampaign.endsOn).toBe(day(21));
    const audit = async () =>
      (await hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit.events WHERE subject_id = $1 AND action = 'ALTER'`, [id]))[0]!.n;
    const before = await audit();
    const same = await hub.gql<{ updateCampaign: Record<string, any> }>('tessera-hub', UPDATE, { id, input: { endsOn: day(21) } }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(same.data!.updateCampaign.updatedAt).toBe(r.data!.updateCampaign.updatedAt);
    expect(await audit()).toBe(before);
    await hub.gql('tessera-hub', UPDATE, { id, input: { endsOn: day(20) } });
    const byPartner = await hub.gql('lumina-ro', UPDATE, { id, input: { name: 'Renamed' } });
    expect(codes(byPartner)).toEqual(['FORBIDDEN']);
  });

  test('reaches its partner (campaign and target areas under disclosure control), and no other agency', async () => {
    const read = await hub.gql<{ campaign: Record<string, any> }>('lumina-ro', READ, { id }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(read.data!.campaign).toMatchObject({ id, partnerAgency: { slug: 'lumina-ro' } });
    const list = await hub.gql<{ campaigns: { nodes: Array<{ id: string }> } }>('lumina-ro:VIEWER', LIST);
    expect(list.data!.campaigns.nodes.map((c) => c.id)).toContain(id);

    const targets = await hub.gql<{ campaignTargetAreas: Array<Record<string, any>> }>('lumina-ro', TARGETS, { id }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(targets.errors).toBeUndefined();
    expect(targets.data!.campaignTargetAreas.map((a) => a.location.name)).toEqual(['Constanța', 'Iași']);
    for (const a of targets.data!.campaignTargetAreas) {
      // Whole quarters, and no count below k is released: the demo's few cases are withheld.
      expect(a.periodStart).toMatch(/-(01|04|07|10)-01$/);
      for (const c of [a.caseCount, a.victimCount]) expect(c === null || c === 0 || (c >= K && c % 3 === 0)).toBe(true);
    }
    const exact = await hub.gql<{ campaignTargetAreas: Array<Record<string, any>> }>('tessera-hub', TARGETS, { id }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(exact.data!.campaignTargetAreas[0]).toMatchObject({ location: { name: 'Constanța' }, periodStart: day(-375), periodEnd: day(-11) });

    for (const other of ['safe-passage', 'met-police', 'albion-bank', 'spitalul-iasi', 'tessera-admin']) {
      const r = await hub.gql(other, READ, { id });
      expect(codes(r)).toEqual(['NOT_FOUND']);
    }
  });

  test('its target areas go to the partner as CSV and GeoJSON: places and disclosed counts, never a case', async () => {
    const csv = await hub.gql<{ campaignTargetAreasExport: { filename: string; mediaType: string; content: string } }>('tessera-hub', EXPORT, { id, f: 'CSV' });
    expect(csv.errors).toBeUndefined();
    const file = csv.data!.campaignTargetAreasExport;
    expect(file).toMatchObject({ filename: 'nu-esti-de-vanzare-target-areas.csv', mediaType: 'text/csv' });
    const lines = file.content.trim().split('\r\n');
    expect(lines[0]).toBe('name,country_code,latitude,longitude,period_from,period_to,case_count,victim_count,count_suppressed');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['Constanța', 'Iași']);
    // Even asked by the hub, the file carries the counts a partner may see: the demo's few cases are withheld.
    for (const l of lines.slice(1)) {
      const [, , , , from, , cases] = l.split(',');
      expect(from).toMatch(/-(01|04|07|10)-01$/);
      expect(cases === '' || cases === '0' || (Number(cases) >= K && Number(cases) % 3 === 0)).toBe(true);
    }
    expect(file.content).not.toMatch(/loverboy|Flight|S1|victim_name|case_id/i);

    const geo = await hub.gql<{ campaignTargetAreasExport: { content: string; mediaType: string } }>('lumina-ro', EXPORT, { id, f: 'GEOJSON' });
    expect(geo.data!.campaignTargetAreasExport.mediaType).toBe('application/geo+json');
    const fc = JSON.parse(geo.data!.campaignTargetAreasExport.content) as {
      type: string;
      features: Array<{ geometry: { type: string; coordinates: number[] }; properties: Record<string, unknown> }>;
    };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.map((f) => f.properties.name)).toEqual(['Constanța', 'Iași']);
    expect(fc.features[0]!.geometry).toEqual({ type: 'Point', coordinates: [28.6383, 44.1733] });
    expect(Object.keys(fc.features[0]!.properties).sort()).toEqual([
      'caseCount',
      'countSuppressed',
      'countryCode',
      'name',
      'periodFrom',
      'periodTo',
      'victimCount',
    ]);
  });

  test('the partner records its reach per area and week: recording again replaces, the same figures change nothing', async () => {
    const week = weekOf(day(0));
    const input = { campaignId: id, locationId: place('constanta'), isoWeek: week, peopleReached: 1200, partnerCalls: 3 };
    const first = await hub.gql<{ recordCampaignReach: Record<string, any> }>('lumina-ro', REACH, { input }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(first.errors).toBeUndefined();
    expect(first.data!.recordCampaignReach).toMatchObject({
      isoWeek: week,
      peopleReached: 1200,
      partnerCalls: 3,
      location: { name: 'Constanța' },
      campaign: { id },
    });
    const again = await hub.gql<{ recordCampaignReach: { id: string } }>('lumina-ro', REACH, { input });
    expect(again.data!.recordCampaignReach.id).toBe(first.data!.recordCampaignReach.id);
    const corrected = await hub.gql<{ recordCampaignReach: Record<string, any> }>('lumina-ro', REACH, { input: { ...input, peopleReached: 1500 } }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(corrected.data!.recordCampaignReach).toMatchObject({ id: first.data!.recordCampaignReach.id, peopleReached: 1500 });
    // A baseline week before the campaign (calls the partner took then).
    const baseline = await hub.gql('lumina-ro', REACH, { input: { ...input, isoWeek: weekOf(day(-25)), peopleReached: 0, partnerCalls: 1 } });
    expect(baseline.errors).toBeUndefined();

    const rows = await hub.gql<{ campaignReach: Array<Record<string, unknown>> }>('tessera-hub', REACH_LIST, { id });
    expect(rows.data!.campaignReach).toHaveLength(2);
    expect(rows.data!.campaignReach.find((r) => r.isoWeek === week)).toMatchObject({ peopleReached: 1500, partnerCalls: 3 });

    const bad: Array<[Record<string, unknown>, string]> = [
      [{ locationId: place('london') }, 'input.locationId'],
      [{ isoWeek: '2026-W60' }, 'input.isoWeek'],
      [{ isoWeek: weekOf(day(-200)) }, 'input.isoWeek'],
      [{ peopleReached: -1 }, 'input.peopleReached'],
    ];
    for (const [over, field] of bad) {
      const r = await hub.gql('lumina-ro', REACH, { input: { ...input, ...over } });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field).toBe(field);
    }
    // Only the partner records: not the hub (for a partner agency), not its viewers, not another NGO.
    expect(codes(await hub.gql('tessera-hub', REACH, { input }))).toEqual(['FORBIDDEN']);
    expect(codes(await hub.gql('lumina-ro:VIEWER', REACH, { input }))).toEqual(['FORBIDDEN']);
    expect(codes(await hub.gql('safe-passage', REACH, { input }))).toEqual(['NOT_FOUND']);
  });

  test('the hub compares each target area before and after the start, over windows of equal length', async () => {
    const read = async () => (await hub.gql<{ campaignIndicators: Indicator[] }>('tessera-hub', INDICATORS, { id })).data!.campaignIndicators;
    const start = await read();
    expect(start).toHaveLength(8);
    const calls = indicator(start, 'Constanța', 'PARTNER_CALLS');
    expect(calls).toMatchObject({ beforeFrom: day(-41), beforeTo: day(-11), afterFrom: day(-10), afterTo: day(20) });
    // Exact for the hub: the calls recorded in the baseline week and this week.
    expect([calls.before, calls.after]).toEqual([1, 3]);
    // The demo's public report from Constanța (placed by its coordinates) and its case, received and opened today.
    expect(indicator(start, 'Constanța', 'PUBLIC_REPORTS').after).toBeGreaterThanOrEqual(1);
    expect(indicator(start, 'Constanța', 'PUBLIC_REPORTS').before).toBe(0);

    // The Met opens a GREEN case of a victim recruited in Iași: the hub counts it as a referral there.
    const opened = await hub.gql('met-police', `mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, {
      input: {
        handling: { marking: 'GREEN', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
        exploitationTypes: ['SEXUAL'],
        persons: [{ role: 'VICTIM', pseudonym: 'V1' }],
        events: [{ type: 'RECRUITMENT', occurredOn: day(-3), locationId: place('iasi') }],
      },
    });
    expect(opened.errors).toBeUndefined();

    // A hospital notifies a case in Iași county, typed without diacritics: the area's count moves by one.
    const notified = await hub.gql('spitalul-iasi', `mutation($input: NotifyCaseInput!) { notifyCase(input: $input) { id } }`, {
      input: {
        destinationAgencyId: agency('lumina-ro'),
        indicators: ['RESTRICTION_OF_MOVEMENT'],
        exploitationTypes: ['SEXUAL'],
        childInvolved: false,
        imminentRisk: false,
        summary: 'A young woman says a man she met online is arranging work abroad and keeps her passport.',
        place: 'Iasi county',
        idempotencyKey: 'campaign-test-notification',
      },
    });
    expect(notified.errors).toBeUndefined();
    const later = await read();
    expect(indicator(later, 'Iași', 'FRONTLINE_NOTIFICATIONS').after).toBe(indicator(start, 'Iași', 'FRONTLINE_NOTIFICATIONS').after! + 1);
    expect(indicator(later, 'Iași', 'REFERRALS').after).toBe(indicator(start, 'Iași', 'REFERRALS').after! + 1);
    expect(indicator(later, 'Iași', 'REFERRALS').before).toBe(0);

    // The partner reads its campaign but no indicator; to every other agency the campaign does not exist.
    expect((await hub.gql('lumina-ro', INDICATORS, { id })).data).toEqual({ campaignIndicators: [] });
    for (const persona of ['safe-passage', 'met-police', 'albion-bank', 'spitalul-iasi', 'tessera-admin']) {
      expect(codes(await hub.gql(persona, INDICATORS, { id }))).toEqual(['NOT_FOUND']);
    }
  });

  test('a platform without an account is named instead of an agency; the hub enters its reach', async () => {
    const created = await hub.gql<{ createCampaign: { id: string; platformName: string | null; partnerAgency: unknown } }>('tessera-hub', CREATE, {
      input: campaignInput({
        partnerAgencyId: null,
        platformName: 'A video platform',
        idempotencyKey: 'campaign-test-platform',
        targetLocationIds: [place('brasov')],
      }),
    });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createCampaign).toMatchObject({ platformName: 'A video platform', partnerAgency: null });
    const pid = created.data!.createCampaign.id as string;
    const r = await hub.gql('tessera-hub', REACH, {
      input: { campaignId: pid, locationId: place('brasov'), isoWeek: weekOf(day(0)), peopleReached: 90000, partnerCalls: 0 },
    });
    expect(r.errors).toBeUndefined();
    expect(codes(await hub.gql('lumina-ro', READ, { id: pid }))).toEqual(['NOT_FOUND']);
  });
});
