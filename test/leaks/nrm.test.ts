import { startTestHub, type TestHub } from '../support/hub';
import { FI, HUB_ADMIN, id, type Probe, probeTable } from './support';

// Starting a hub can take longer than Jest's default 5 s.
jest.setTimeout(120_000);

/**
 * Referral-mechanism stages are victim-related: police, NGOs and the hub's analysts read those that
 * reach them (as they read a case's NRM stage); banks, frontline services and the hub's
 * administrators read none, by any path: the stage itself, the list, a person's stages nested in a
 * case, a federation reference straight at the cases subgraph, a filter or a sort. An NGO reads no
 * stage of an AMBER case not shared with it. The statistics built from stages release small counts
 * to nobody without exact counts.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('http');
});
afterAll(() => hub.stop());

const FRONTLINE = ['spitalul-iasi', 'leicester-schools'];
const LUMINA = ['lumina-ro', 'lumina-ro:VIEWER'];
/** Lanterna (the Met's AMBER case, shared with the Romanian police): V1's conclusive decision and support. */
const LANTERNA = ['2026-02-20', '2026-02-27'];
/** Safe Passage's GREEN case: its survivor's conclusive decision and support. */
const SAFE_PASSAGE = ['2025-12-01', '2025-12-08'];
const STAGE = 'id mechanism stage outcome occurredOn personId caseId';

const stageProbes: Probe[] = [
  {
    via: 'referralStage(id) — AMBER case shared with the Romanian police',
    query: `query($id: ID!) { referralStage(id: $id) { ${STAGE} } }`,
    variables: () => ({ id: id('stage:lanterna:V1:CONCLUSIVE_GROUNDS') }),
    secrets: ['2026-02-20'],
    denied: [...FI, ...HUB_ADMIN, ...FRONTLINE, ...LUMINA, 'tessera-hub'],
    expect: { notFound: ['referralStage'] },
    controls: ['met-police', 'met-police:VIEWER', 'politia-romana'],
  },
  {
    via: 'referralStage(id) — GREEN case',
    query: `query($id: ID!) { referralStage(id: $id) { ${STAGE} } }`,
    variables: () => ({ id: id('stage:safe-passage:V1:CONCLUSIVE_GROUNDS') }),
    secrets: ['2025-12-01'],
    denied: [...FI, ...HUB_ADMIN, ...FRONTLINE],
    expect: { notFound: ['referralStage'] },
    controls: ['safe-passage', 'lumina-ro', 'met-police', 'tessera-hub'],
  },
  {
    via: 'referralStages list',
    query: `{ referralStages(first: 200) { totalCount nodes { ${STAGE} } } }`,
    secrets: [...LANTERNA, ...SAFE_PASSAGE],
    denied: [...FI, ...HUB_ADMIN, ...FRONTLINE],
    expect: { equals: { 'referralStages.totalCount': 0 }, empty: ['referralStages.nodes'] },
    controls: ['met-police'],
  },
  {
    via: 'referralStages list — an NGO, AMBER stages not shared with it',
    query: `{ referralStages(first: 200) { totalCount nodes { ${STAGE} } } }`,
    secrets: LANTERNA,
    denied: LUMINA,
    expect: {},
    controls: [{ persona: 'lumina-ro', sees: SAFE_PASSAGE }],
  },
  {
    via: 'case { persons { referralStages } } — GREEN case',
    query: `query($id: ID!) { case(id: $id) { id persons { id role referralStages { ${STAGE} } } } }`,
    variables: () => ({ id: id('case:safe-passage') }),
    secrets: SAFE_PASSAGE,
    denied: FI,
    expect: { empty: ['case.persons'] },
    controls: ['safe-passage', 'lumina-ro', 'tessera-hub', 'met-police'],
  },
  {
    via: 'case { persons { referralStages } } — as agencies that read no case',
    query: `query($id: ID!) { case(id: $id) { id persons { id role referralStages { ${STAGE} } } } }`,
    variables: () => ({ id: id('case:safe-passage') }),
    secrets: SAFE_PASSAGE,
    denied: [...HUB_ADMIN, ...FRONTLINE],
    expect: { notFound: ['case'] },
    controls: ['safe-passage'],
  },
  {
    via: 'case { persons { referralStages } } — AMBER case not shared',
    query: `query($id: ID!) { case(id: $id) { id persons { id role referralStages { ${STAGE} } } } }`,
    variables: () => ({ id: id('case:lanterna') }),
    secrets: LANTERNA,
    denied: [...LUMINA, 'tessera-hub', ...FI],
    expect: { notFound: ['case'] },
    controls: ['met-police', 'politia-romana'],
  },
  {
    via: 'referralStages(filter) on stage and person',
    query: `query($p: ID!) { referralStages(filter: { personId: $p, stage: CONCLUSIVE_GROUNDS, outcome: POSITIVE }) { totalCount nodes { ${STAGE} } } }`,
    variables: () => ({ p: id('person:safe-passage:V1') }),
    secrets: ['2025-12-01'],
    denied: [...FI, ...HUB_ADMIN, ...FRONTLINE],
    expect: { refusedOrEmpty: 'referralStages' },
    controls: ['safe-passage', 'tessera-hub'],
  },
  {
    via: 'referralStages(orderBy: OCCURRED_ON)',
    query: `{ referralStages(first: 200, orderBy: { field: OCCURRED_ON, direction: DESC }) { totalCount nodes { ${STAGE} } } }`,
    secrets: SAFE_PASSAGE,
    denied: [...FI, ...HUB_ADMIN, ...FRONTLINE],
    expect: { refusedOrEmpty: 'referralStages' },
    controls: ['met-police', 'safe-passage'],
  },
  {
    via: 'cases: _entities ReferralStage',
    subgraph: 'cases',
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ReferralStage { ${STAGE} } } }`,
    variables: () => ({ r: [{ __typename: 'ReferralStage', id: id('stage:safe-passage:V1:CONCLUSIVE_GROUNDS') }] }),
    secrets: ['2025-12-01'],
    denied: [...FI, ...HUB_ADMIN, ...FRONTLINE],
    expect: { notFound: ['_entities.0'] },
    controls: ['safe-passage', 'tessera-hub'],
  },
  {
    via: 'cases: _entities Person { referralStages }',
    subgraph: 'cases',
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id referralStages { ${STAGE} } } } }`,
    variables: () => ({ r: [{ __typename: 'Person', id: id('person:safe-passage:V1') }] }),
    secrets: SAFE_PASSAGE,
    denied: [...FI, ...HUB_ADMIN, ...FRONTLINE],
    expect: { notFound: ['_entities.0'] },
    controls: ['safe-passage', 'tessera-hub'],
  },
];

/**
 * Operation Brook's two Albanian women and its one child are cells of 2 and 1 in 2025-Q3: the
 * police and the hub's analysts read them exactly; banks and NGOs never do.
 */
const NRM = `query($by: NrmStatisticsDimension!) { nrmStatistics(periodFrom: "2025-07-01", periodTo: "2025-09-30", by: $by) {
  rows { quarter group referrals reasonableGroundsDecisions conclusiveGroundsMedianDays countSuppressed } } }`;
const statisticsProbes: Probe[] = [
  {
    via: 'nrmStatistics by nationality: a cell of two',
    query: NRM,
    variables: () => ({ by: 'NATIONALITY' }),
    secrets: ['"group":"AL","referrals":2'],
    denied: [...FI, 'safe-passage', 'lumina-ro'],
    expect: { equals: { 'nrmStatistics.rows.*[group=AL].referrals': null, 'nrmStatistics.rows.*[group=AL].countSuppressed': true } },
    controls: ['met-police', 'tessera-hub'],
  },
  {
    via: 'nrmStatistics by age group: a child alone in her cell',
    query: NRM,
    variables: () => ({ by: 'AGE_GROUP' }),
    secrets: ['"group":"CHILD","referrals":1'],
    denied: [...FI, 'safe-passage', 'lumina-ro'],
    expect: { equals: { 'nrmStatistics.rows.*[group=CHILD].referrals': null, 'nrmStatistics.rows.*[group=CHILD].conclusiveGroundsMedianDays': null } },
    controls: ['met-police', 'tessera-hub'],
  },
  {
    via: "nrmStatistics of Romania's mechanism: one woman identified in 2025-Q2",
    query: `{ nrmStatistics(mechanism: RO_MNIR, periodFrom: "2025-04-01", periodTo: "2025-06-30", by: NATIONALITY) {
      rows { quarter group referrals identificationDecisions identificationMedianDays assistanceProvided countSuppressed } } }`,
    secrets: ['"group":"RO","referrals":1', '"identificationMedianDays":7'],
    denied: [...FI, 'safe-passage', 'lumina-ro'],
    expect: { equals: { 'nrmStatistics.rows.*[group=RO].referrals': null, 'nrmStatistics.rows.*[group=RO].identificationMedianDays': null } },
    controls: ['politia-romana', 'tessera-hub'],
  },
  {
    via: 'nrmStatistics as agency types that read no aggregate',
    query: NRM,
    variables: () => ({ by: 'NATIONALITY' }),
    secrets: ['"group":"RO"', '"group":"AL"'],
    denied: [...HUB_ADMIN, ...FRONTLINE],
    expect: { empty: ['nrmStatistics.rows'] },
    controls: ['met-police', 'albion-bank'],
  },
];

probeTable('referral stages', () => hub, stageProbes);
probeTable('NRM statistics', () => hub, statisticsProbes);
