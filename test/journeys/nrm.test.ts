import { cellKeyOf, cellKeySecret, perturbed, personRecord, recordKey } from '../../services/routes/disclosure';
import { codes, dataDir, type GraphQLResult, startTestHub, type TestHub } from '../support/hub';

/**
 * A victim's path through the referral mechanisms, and the statistics built from those paths.
 *
 * The Met opens its own GREEN case in 2024 (no demo referral is that old) with eleven victims and
 * records their UK NRM stages through the API, so the 2024-Q2 cells are exactly known:
 *   RO adults  8: referred Mon 2024-04-08; reasonable grounds on the 11th (3 working days, 5 of them
 *                 positive), on the 12th (1 negative, within target) and on the 22nd (2 positive,
 *                 10 working days: late); conclusive grounds (positive) 60, 91 and 538 days after
 *                 for three of the first five
 *   RO child   1: referred, no decision yet
 *   GB adults  2: referred, positive reasonable grounds the next day
 */

const SLOW = 120_000;
jest.setTimeout(SLOW);

const HANDLING = { marking: 'GREEN', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' };
const STAGE_FIELDS = 'id mechanism stage outcome occurredOn personId caseId';
const RECORD = `mutation($input: RecordReferralStageInput!) { recordReferralStage(input: $input) { ${STAGE_FIELDS} } }`;
const STATISTICS = `query($from: String!, $to: String!, $by: NrmStatisticsDimension!) {
  nrmStatistics(periodFrom: $from, periodTo: $to, by: $by) {
    periodFrom periodTo by targets { reasonableGroundsWorkingDays conclusiveMinimumDays conclusiveMedianDays2023 }
    rows { quarter group referrals reasonableGroundsDecisions reasonableGroundsPositive reasonableGroundsWithinTarget reasonableGroundsMedianWorkingDays
      conclusiveGroundsDecisions conclusiveGroundsPositive conclusiveGroundsMedianDays awaitingConclusive waitingBeyondReferenceMedian supportProvided countSuppressed }
  }
}`;

interface Row {
  quarter: string;
  group: string;
  referrals: number | null;
  reasonableGroundsDecisions: number | null;
  reasonableGroundsPositive: number | null;
  reasonableGroundsWithinTarget: number | null;
  reasonableGroundsMedianWorkingDays: number | null;
  conclusiveGroundsDecisions: number | null;
  conclusiveGroundsPositive: number | null;
  conclusiveGroundsMedianDays: number | null;
  awaitingConclusive: number | null;
  waitingBeyondReferenceMedian: number | null;
  supportProvided: number | null;
  countSuppressed: boolean;
}
interface Table {
  periodFrom: string;
  periodTo: string;
  rows: Row[];
}

let hub: TestHub;
let caseId: string;
const victims: Array<{ id: string; nationality: string; pseudonym: string }> = [];

async function must<T>(persona: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await hub.gql<T>(persona, query, variables);
  if (r.errors?.length || !r.data) throw new Error(`${persona}: ${JSON.stringify(r.errors)}`);
  return r.data;
}

const record = (persona: string, input: Record<string, unknown>) =>
  hub.gql<{ recordReferralStage: Record<string, string> }>(persona, RECORD, { input: { mechanism: 'UK_NRM', ...input } });

async function path(personId: string, stages: Array<[stage: string, on: string, outcome?: string]>): Promise<void> {
  for (const [stage, occurredOn, outcome] of stages) {
    await must('met-police', RECORD, { input: { personId, mechanism: 'UK_NRM', stage, occurredOn, ...(outcome ? { outcome } : {}) } });
  }
}

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  hub = await startTestHub('in-process');
  const persons = [
    ...Array.from({ length: 8 }, (_, i) => ({ role: 'VICTIM', pseudonym: `RO${i + 1}`, nationality: 'RO', dateOfBirth: `199${i}-05-01` })),
    { role: 'VICTIM', pseudonym: 'RO9', nationality: 'RO', dateOfBirth: '2008-01-01' },
    { role: 'VICTIM', pseudonym: 'GB1', nationality: 'GB', dateOfBirth: '1999-02-02' },
    { role: 'VICTIM', pseudonym: 'GB2', nationality: 'GB', dateOfBirth: '1998-03-03' },
    { role: 'SUSPECT', pseudonym: 'S1', nationality: 'RO' },
  ];
  const opened = await must<{ openCase: { id: string; persons: Array<{ id: string; pseudonym: string; nationality: string }> } }>(
    'met-police',
    `mutation($input: OpenCaseInput!) { openCase(input: $input) { id persons { id pseudonym nationality } } }`,
    { input: { handling: HANDLING, reference: 'MPS-2024-NRM-JOURNEY', exploitationTypes: ['SEXUAL'], persons } },
  );
  caseId = opened.openCase.id;
  const byLabel = new Map(opened.openCase.persons.map((p) => [p.pseudonym, p]));
  for (const p of persons.filter((x) => x.role === 'VICTIM')) victims.push({ ...byLabel.get(p.pseudonym)!, nationality: p.nationality });
  const v = (label: string) => byLabel.get(label)!.id;
  const ref: [string, string] = ['REFERRAL', '2024-04-08'];
  const rgOn11: [string, string, string] = ['REASONABLE_GROUNDS', '2024-04-11', 'POSITIVE'];
  await path(v('RO1'), [ref, rgOn11, ['CONCLUSIVE_GROUNDS', addDays('2024-04-11', 60), 'POSITIVE']]);
  await path(v('RO2'), [ref, rgOn11, ['CONCLUSIVE_GROUNDS', addDays('2024-04-11', 91), 'POSITIVE']]);
  await path(v('RO3'), [ref, rgOn11, ['CONCLUSIVE_GROUNDS', addDays('2024-04-11', 538), 'POSITIVE']]);
  await path(v('RO4'), [ref, rgOn11]);
  await path(v('RO5'), [ref, rgOn11]);
  await path(v('RO6'), [ref, ['REASONABLE_GROUNDS', '2024-04-12', 'NEGATIVE']]);
  await path(v('RO7'), [ref, ['REASONABLE_GROUNDS', '2024-04-22', 'POSITIVE']]);
  await path(v('RO8'), [ref, ['REASONABLE_GROUNDS', '2024-04-22', 'POSITIVE']]);
  await path(v('RO9'), [ref]);
  await path(v('GB1'), [ref, ['REASONABLE_GROUNDS', '2024-04-09', 'POSITIVE']]);
  await path(v('GB2'), [ref, ['REASONABLE_GROUNDS', '2024-04-09', 'POSITIVE']]);
}, SLOW);
afterAll(() => hub.stop());

const victim = (label: string) => victims.find((x) => x.pseudonym === label)!.id;

describe('recording a victim’s path', () => {
  test('the demo victim moves through the NRM in order, and police read it nested in the case', async () => {
    const r = await hub.gql<{ case: { persons: Array<{ pseudonym: string; role: string; referralStages: Array<Record<string, string | null>> }> } }>(
      'met-police',
      `query($id: ID!) { case(id: $id) { persons { pseudonym role referralStages { mechanism stage outcome occurredOn } } } }`,
      { id: hub.demo.ids['case:lanterna'] },
    );
    expect(r.errors).toBeUndefined();
    const v1 = r.data!.case.persons.find((p) => p.pseudonym === 'V1')!;
    expect(v1.referralStages).toEqual([
      { mechanism: 'UK_NRM', stage: 'REFERRAL', outcome: null, occurredOn: '2025-11-03' },
      { mechanism: 'UK_NRM', stage: 'REASONABLE_GROUNDS', outcome: 'POSITIVE', occurredOn: '2025-11-07' },
      { mechanism: 'UK_NRM', stage: 'CONCLUSIVE_GROUNDS', outcome: 'POSITIVE', occurredOn: '2026-02-20' },
      { mechanism: 'UK_NRM', stage: 'SUPPORT_PROVIDED', outcome: null, occurredOn: '2026-02-27' },
    ]);
    expect(r.data!.case.persons.find((p) => p.role === 'SUSPECT')!.referralStages).toEqual([]);
  });

  test("a case's NRM stage is its victims' furthest decision, moving as their stages are recorded; never set on the case", async () => {
    const CASE = `query($id: ID!) { case(id: $id) { nrmStage } }`;
    const stageOf = async (id: string) => (await must<{ case: { nrmStage: string } }>('met-police', CASE, { id })).case.nrmStage;
    // The demo's Lanterna case: V1 has her conclusive-grounds decision; this journey's case: three of its victims too.
    expect(await stageOf(hub.demo.ids['case:lanterna']!)).toBe('CONCLUSIVE_GROUNDS');
    expect(await stageOf(caseId)).toBe('CONCLUSIVE_GROUNDS');
    const opened = await must<{ openCase: { id: string; nrmStage: string; persons: Array<{ id: string }> } }>(
      'met-police',
      `mutation($input: OpenCaseInput!) { openCase(input: $input) { id nrmStage persons { id } } }`,
      {
        input: {
          handling: HANDLING,
          reference: 'MPS-2022-NRM-STAGE',
          exploitationTypes: ['LABOUR'],
          persons: [{ role: 'VICTIM', pseudonym: 'W1', nationality: 'RO' }],
        },
      },
    );
    const { id, persons } = opened.openCase;
    expect(opened.openCase.nrmStage).toBe('NONE');
    await path(persons[0]!.id, [['REFERRAL', '2022-01-10']]);
    expect(await stageOf(id)).toBe('NONE');
    await path(persons[0]!.id, [['REASONABLE_GROUNDS', '2022-01-14', 'POSITIVE']]);
    expect(await stageOf(id)).toBe('REASONABLE_GROUNDS');
    const filtered = await must<{ cases: { nodes: Array<{ id: string; nrmStage: string }> } }>(
      'met-police',
      `{ cases(first: 200, filter: { nrmStage: REASONABLE_GROUNDS }, orderBy: { field: NRM_STAGE, direction: DESC }) { nodes { id nrmStage } } }`,
      {},
    );
    expect(filtered.cases.nodes.map((c) => c.id)).toContain(id);
    expect(new Set(filtered.cases.nodes.map((c) => c.nrmStage))).toEqual(new Set(['REASONABLE_GROUNDS']));
    // The stage is recorded on the victim; setting it on the case is refused, and nothing changes.
    const set = await hub.gql('met-police', `mutation($id: ID!) { updateCase(id: $id, input: { nrmStage: CONCLUSIVE_GROUNDS }) { id } }`, { id });
    expect(codes(set)).toEqual(['BAD_USER_INPUT']);
    expect(await stageOf(id)).toBe('REASONABLE_GROUNDS');
  });

  test('a conclusive decision sooner than 30 days after reasonable grounds is refused, and nothing is written', async () => {
    const early = await record('met-police', { personId: victim('RO4'), stage: 'CONCLUSIVE_GROUNDS', outcome: 'POSITIVE', occurredOn: '2024-05-10' });
    expect(codes(early)).toEqual(['BAD_USER_INPUT']);
    expect(early.errors![0]!.extensions!.field).toBe('input.occurredOn');
    expect(early.errors![0]!.message).toMatch(/at least 30 days after the reasonable-grounds one \(2024-04-11\)/);
    const stages = await must<{ referralStages: { totalCount: number } }>(
      'met-police',
      `query($p: ID!) { referralStages(filter: { personId: $p }) { totalCount } }`,
      {
        p: victim('RO4'),
      },
    );
    expect(stages.referralStages.totalCount).toBe(2);
  });

  test('stages move one at a time: a skipped stage, a stage after a negative decision and a suspect are refused', async () => {
    const skipped = await record('met-police', { personId: victim('RO9'), stage: 'CONCLUSIVE_GROUNDS', outcome: 'POSITIVE', occurredOn: '2024-06-10' });
    expect(codes(skipped)).toEqual(['BAD_USER_INPUT']);
    expect(skipped.errors![0]!.message).toMatch(/next stage .* is REASONABLE_GROUNDS/);
    const afterNegative = await record('met-police', { personId: victim('RO6'), stage: 'CONCLUSIVE_GROUNDS', outcome: 'POSITIVE', occurredOn: '2024-06-10' });
    expect(afterNegative.errors![0]!.message).toMatch(/ended with a negative REASONABLE_GROUNDS decision/);
    const suspects = await must<{ persons: { nodes: Array<{ id: string }> } }>(
      'met-police',
      `query($c: ID!) { persons(filter: { caseId: $c, role: SUSPECT }) { nodes { id } } }`,
      {
        c: caseId,
      },
    );
    const suspect = await record('met-police', { personId: suspects.persons.nodes[0]!.id, stage: 'REFERRAL', occurredOn: '2024-04-08' });
    expect(codes(suspect)).toEqual(['BAD_USER_INPUT']);
  });

  test('the same stage sent twice is recorded once, with one audit trail entry; sent differently, CONFLICT', async () => {
    const input = { personId: victim('RO5'), stage: 'CONCLUSIVE_GROUNDS', outcome: 'NEGATIVE', occurredOn: '2024-07-01' };
    const first = await record('met-police', input);
    const again = await record('met-police', input);
    expect(first.errors).toBeUndefined();
    expect(again.data!.recordReferralStage.id).toBe(first.data!.recordReferralStage.id);
    const events = await hub.db.query<{ action: string; subject_type: string }>(
      `SELECT action, subject_type FROM audit.events WHERE (subject_type = 'ReferralStage' AND subject_id = $1) OR (subject_type = 'Person' AND subject_id = $2 AND action = 'ALTER') ORDER BY seq`,
      [first.data!.recordReferralStage.id, victim('RO5')],
    );
    expect(events.filter((e) => e.subject_type === 'ReferralStage')).toEqual([{ action: 'COLLECT', subject_type: 'ReferralStage' }]);
    expect(events.filter((e) => e.subject_type === 'Person').length).toBe(3); // referral, reasonable grounds, conclusive grounds
    const other = await record('met-police', { ...input, occurredOn: '2024-07-02' });
    expect(codes(other)).toEqual(['CONFLICT']);
  });

  test('only the owner records: another force is FORBIDDEN, a bank may not at all, an unreached case is NOT_FOUND', async () => {
    const input = { personId: victim('RO9'), stage: 'REASONABLE_GROUNDS', outcome: 'POSITIVE', occurredOn: '2024-04-10' };
    expect(codes(await record('west-midlands-police', input))).toEqual(['FORBIDDEN']);
    expect(codes(await record('albion-bank', input))).toEqual(['FORBIDDEN']);
    expect(codes(await record('met-police:VIEWER', input))).toEqual(['FORBIDDEN']);
    const lanternaV2 = hub.demo.ids['person:lanterna:V2'];
    expect(codes(await record('lumina-ro', { ...input, personId: lanternaV2 }))).toEqual(['NOT_FOUND']);
  });

  test("Romania's mechanism: the Romanian police read their victim's identification and assistance", async () => {
    const r = await must<{ referralStages: { nodes: Array<{ stage: string; outcome: string | null }> } }>(
      'politia-romana',
      `query($p: ID!) { referralStages(filter: { personId: $p, mechanism: RO_MNIR }, orderBy: { field: STAGE, direction: ASC }) { nodes { stage outcome } } }`,
      { p: hub.demo.ids['person:iasi:V1'] },
    );
    expect(r.referralStages.nodes).toEqual([
      { stage: 'SIGNALLING', outcome: null },
      { stage: 'IDENTIFICATION', outcome: 'POSITIVE' },
      { stage: 'REFERRAL_TO_ASSISTANCE', outcome: null },
      { stage: 'ASSISTANCE', outcome: null },
    ]);
  });
});

describe('statistics', () => {
  const Q2_2024 = { from: '2024-04-15', to: '2024-05-20' };
  const statistics = (persona: string, by: string, period = Q2_2024) =>
    hub.gql<{ nrmStatistics: Table }>(persona, STATISTICS, { ...period, by }) as Promise<GraphQLResult<{ nrmStatistics: Table }>>;
  const row = (t: Table, group: string) => t.rows.find((r) => r.quarter === '2024-Q2' && r.group === group)!;

  test('police read exact counts and medians, against the UK targets, for whole quarters', async () => {
    const r = await statistics('met-police', 'NATIONALITY');
    expect(r.errors).toBeUndefined();
    const t = r.data!.nrmStatistics;
    expect([t.periodFrom, t.periodTo]).toEqual(['2024-04-01', '2024-06-30']);
    expect(row(t, 'RO')).toEqual({
      quarter: '2024-Q2',
      group: 'RO',
      referrals: 9,
      reasonableGroundsDecisions: 8,
      reasonableGroundsPositive: 7,
      reasonableGroundsWithinTarget: 6,
      reasonableGroundsMedianWorkingDays: 3,
      conclusiveGroundsDecisions: 4,
      conclusiveGroundsPositive: 3,
      conclusiveGroundsMedianDays: 86, // 60, 81 (the negative one recorded above), 91 and 538 days
      awaitingConclusive: 3,
      waitingBeyondReferenceMedian: 4,
      supportProvided: 0,
      countSuppressed: false,
    });
    expect(row(t, 'GB')).toMatchObject({ referrals: 2, reasonableGroundsWithinTarget: 2, reasonableGroundsMedianWorkingDays: 1 });
    expect(row(t, 'GB').conclusiveGroundsMedianDays).toBeNull();
  });

  test('by age group the child is counted on her own; by referring agency type the Met is LAW_ENFORCEMENT', async () => {
    const ages = (await statistics('tessera-hub', 'AGE_GROUP')).data!.nrmStatistics;
    expect([row(ages, 'ADULT').referrals, row(ages, 'CHILD').referrals]).toEqual([10, 1]);
    const referrers = (await statistics('tessera-hub', 'REFERRING_AGENCY_TYPE')).data!.nrmStatistics;
    expect(referrers.rows.map((x) => [x.group, x.referrals])).toEqual([['LAW_ENFORCEMENT', 11]]);
    const types = (await statistics('tessera-hub', 'EXPLOITATION_TYPE')).data!.nrmStatistics;
    expect(types.rows.map((x) => [x.group, x.referrals])).toEqual([['SEXUAL', 11]]);
  });

  test('a bank reads each count perturbed by the same cell-key method as hotspots, and small cells withheld', async () => {
    const secret = cellKeySecret(dataDir());
    const released = (labels: string[]) => perturbed(labels.length, cellKeyOf(labels.map((l) => recordKey(secret, personRecord(victim(l))))), 5);
    const t = (await statistics('albion-bank', 'NATIONALITY')).data!.nrmStatistics;
    const ro = row(t, 'RO');
    const RO = ['RO1', 'RO2', 'RO3', 'RO4', 'RO5', 'RO6', 'RO7', 'RO8', 'RO9'];
    expect(ro.referrals).toBe(released(RO));
    expect(Math.abs(ro.referrals! - 9)).toBeLessThanOrEqual(3);
    expect(ro.reasonableGroundsDecisions).toBe(released(RO.slice(0, 8)));
    // The median of the reasonable-grounds waits rests on a released count of eight decisions.
    expect(ro.reasonableGroundsMedianWorkingDays).toBe(3);
    expect(row(t, 'GB')).toMatchObject({ referrals: null, countSuppressed: true, reasonableGroundsMedianWorkingDays: null });
    // The same question answers the same.
    expect((await statistics('albion-bank', 'NATIONALITY')).data!.nrmStatistics).toEqual(t);
  });

  test('the demo data releases a few cells to banks: Operation Brook’s Romanian women in 2025-Q3', async () => {
    const t = (await statistics('albion-bank', 'NATIONALITY', { from: '2025-07-01', to: '2025-09-30' })).data!.nrmStatistics;
    const ro = t.rows.find((x) => x.quarter === '2025-Q3' && x.group === 'RO')!;
    expect(ro.referrals).toBeGreaterThanOrEqual(9);
    expect(ro.reasonableGroundsDecisions).toBeGreaterThanOrEqual(9);
    // Safe Passage's one survivor given support that quarter is a cell of one: withheld.
    expect(ro.supportProvided).toBeNull();
    expect(ro.countSuppressed).toBe(true);
  });

  test("Romania's mechanism: identification and assistance by quarter of signalling, small cells withheld for banks", async () => {
    const RO = `query($by: NrmStatisticsDimension!) {
      nrmStatistics(mechanism: RO_MNIR, periodFrom: "2025-04-01", periodTo: "2025-06-30", by: $by) {
        mechanism rows { mechanism quarter group referrals identificationDecisions identificationPositive identificationMedianDays referredToAssistance assistanceProvided
          reasonableGroundsDecisions countSuppressed }
      }
    }`;
    const police = await must<{ nrmStatistics: { mechanism: string; rows: Array<Record<string, unknown>> } }>('politia-romana', RO, { by: 'NATIONALITY' });
    expect(police.nrmStatistics.mechanism).toBe('RO_MNIR');
    expect(police.nrmStatistics.rows).toEqual([
      {
        mechanism: 'RO_MNIR',
        quarter: '2025-Q2',
        group: 'RO',
        referrals: 1,
        identificationDecisions: 1,
        identificationPositive: 1,
        identificationMedianDays: 7, // signalled on 2025-05-02, identified on 2025-05-09
        referredToAssistance: 1,
        assistanceProvided: 1,
        reasonableGroundsDecisions: null,
        countSuppressed: false,
      },
    ]);
    const bank = await must<{ nrmStatistics: { rows: Array<Record<string, unknown>> } }>('albion-bank', RO, { by: 'NATIONALITY' });
    expect(bank.nrmStatistics.rows).toEqual([
      expect.objectContaining({ group: 'RO', referrals: null, identificationDecisions: null, identificationMedianDays: null, countSuppressed: true }),
    ]);
  });

  test('charts of the same table, as SVG and as PNG; a period of more than 40 quarters is refused', async () => {
    const CHART = `query($format: ChartFormat!, $measure: NrmChartMeasure!) { nrmStatisticsChart(periodFrom: "2024-04-01", periodTo: "2024-06-30", by: NATIONALITY, measure: $measure, format: $format, language: RO) { contentType base64 description } }`;
    const measure = 'CONCLUSIVE_GROUNDS_MEDIAN';
    const svg = await must<{ nrmStatisticsChart: { contentType: string; base64: string; description: string } }>('met-police', CHART, {
      format: 'SVG',
      measure,
    });
    expect(svg.nrmStatisticsChart.contentType).toBe('image/svg+xml');
    const text = Buffer.from(svg.nrmStatisticsChart.base64, 'base64').toString('utf8');
    expect(text).toContain('<svg');
    expect(text).toContain('2024-Q2 RO: 86');
    expect(text).not.toContain('2024-Q2 GB'); // no conclusive decision: no bar, not a withheld one
    expect(text).toContain('mediana din 2023: 526 zile');
    expect(svg.nrmStatisticsChart.description).toMatch(/^Mediana zilelor/);
    const png = await must<{ nrmStatisticsChart: { contentType: string; base64: string } }>('met-police', CHART, { format: 'PNG', measure });
    expect(png.nrmStatisticsChart.contentType).toBe('image/png');
    expect(Buffer.from(png.nrmStatisticsChart.base64, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');

    const bank = await must<{ nrmStatisticsChart: { base64: string } }>('albion-bank', CHART, { format: 'SVG', measure: 'REASONABLE_GROUNDS_MEDIAN' });
    expect(Buffer.from(bank.nrmStatisticsChart.base64, 'base64').toString('utf8')).toContain('2024-Q2 GB: nepublicat');

    const long = await statistics('met-police', 'NATIONALITY', { from: '2010-01-01', to: '2020-01-01' });
    expect(codes(long)).toEqual(['BAD_USER_INPUT']);
  });
});
