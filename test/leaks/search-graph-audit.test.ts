import { startTestHub, type TestHub } from '../support/hub';
import { FI, fixtureIasiVictimPhone, HUB_ADMIN, id, type Probe, probeTable, SECRET, setId } from './support';

// Starting a hub and its fixtures can take longer than Jest's default 5 s.
jest.setTimeout(120_000);

/**
 * The derived read paths: fuzzy search, link charts (network, shortestPath, sharedEntities),
 * correlation alerts, route aggregates and the audit trail. Each is built from statements; none may
 * show a statement, a record id or a value the caller could not read through the plain queries.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
  await fixtureIasiVictimPhone(hub);
  // Statements that make other agencies' statements about the same identifiers "new on my case".
  const observe = async (persona: string, caseKey: string, kind: string, value: string) => {
    const r = await hub.gql<{ addCaseEntity: { id: string } }>(
      persona,
      `mutation($caseId: ID!, $input: AddCaseEntityInput!) { addCaseEntity(caseId: $caseId, input: $input) { id } }`,
      { caseId: id(caseKey), input: { kind, value, note: 'Fixture: seen again' } },
    );
    if (r.errors) throw new Error(JSON.stringify(r));
    return r.data!.addCaseEntity.id;
  };
  setId('observation:iasi:shared-phone', await observe('politia-romana', 'case:iasi', 'PHONE', SECRET.entity.sharedPhone));
  setId('observation:iasi:s1-phone-ro', await observe('politia-romana', 'case:iasi', 'PHONE', SECRET.entity.s1PhoneRo));
  await observe('safe-passage', 'case:safe-passage', 'PHONE', SECRET.entity.s1PhoneRo);
  // Reads that the audit trail records.
  await hub.gql('west-midlands-police', `query($id: ID!) { case(id: $id) { summary persons { fullName } } }`, { id: id('case:midlands') });
  await hub.gql('met-police', `query($id: ID!) { case(id: $id) { summary persons { fullName } } }`, { id: id('case:strict') });
});
afterAll(() => hub.stop());

const L = SECRET.lanterna;
const M = SECRET.midlands;
const I = SECRET.iasi;
const SP = SECRET.safePassage;
const ST = SECRET.strict;
const E = SECRET.entity;
const WMP = ['west-midlands-police', 'west-midlands-police:VIEWER'];
const POLITIA = ['politia-romana', 'politia-romana:VIEWER'];
const HUB = ['tessera-hub', 'tessera-hub:VIEWER'];

const searchProbes: Probe[] = [
  ...(
    [
      [
        'Andreea Lungu',
        'person:iasi:V1',
        I.v1Name,
        ['met-police', ...WMP, 'albion-bank', 'safe-passage', 'lumina-ro', ...HUB, ...HUB_ADMIN],
        ['politia-romana'],
      ],
      ['Andrea Lungo', 'person:iasi:V1', I.v1Name, ['met-police', ...WMP, 'lumina-ro', ...HUB], ['politia-romana']],
      ['Elena Marinescu', 'person:lanterna:V1', L.v1Name, [...POLITIA, ...WMP, ...HUB, 'banca-carpati'], ['met-police']],
      ['Darren Whitfield', 'person:strict:S1', ST.s1Name, [...POLITIA, ...WMP, ...HUB, 'albion-bank', 'safe-passage'], ['met-police']],
      ['Bianca Neagu', 'person:safe-passage:V1', SP.v1Name, ['lumina-ro', 'met-police', ...HUB, 'albion-bank'], ['safe-passage']],
      ['Maria Stoica', 'person:midlands:V1', M.v1Name, ['met-police', ...POLITIA, 'safe-passage', 'albion-bank', ...HUB], ['west-midlands-police']],
    ] as const
  ).map(([name, key, secret, denied, controls]): Probe => ({
    via: `searchPersons(name: "${name}")`,
    query: `query($n: String!) { searchPersons(name: $n) { score person { id role fullName dateOfBirth } } }`,
    variables: () => ({ n: name }),
    secrets: [id(key), secret],
    denied: [...denied],
    expect: {},
    controls: [...controls],
  })),
  {
    via: 'searchOrganisations — an organisation seen only in the Midlands AMBER case',
    query: `query($n: String!) { searchOrganisations(name: $n) { score entity { id value maskedValue } } }`,
    variables: () => ({ n: 'Spalatoria Auto Sparkle' }),
    secrets: [id('entity:car-wash'), 'Spălătoria Auto Sparkle'],
    denied: ['met-police', ...POLITIA, 'banca-carpati', 'lumina-ro', ...HUB, ...HUB_ADMIN, 'albion-bank'],
    expect: {},
    controls: ['west-midlands-police', 'safe-passage'],
  },
];

const NETWORK = `query($s: [ID!]!) {
  network(seeds: $s, depth: 3, nodeLimit: 100) {
    nodes { id type label entity { value } person { fullName dateOfBirth } case { id summary } }
    edges { id source target kind observation { note } link { id } }
  }
}`;
const seeds =
  (...keys: string[]) =>
  () => ({ s: keys.map(id) });

const graphProbes: Probe[] = [
  {
    via: 'network — from a phone the Met, a covert source and the Midlands saw (West Midlands)',
    query: NETWORK,
    variables: seeds('entity:shared-phone'),
    secrets: [
      id('case:lanterna'),
      id('case:strict'),
      L.phoneNote,
      ST.phoneNote,
      id('entity:advert'),
      E.advert,
      id('entity:covert-phone'),
      ST.covertPhone,
      id('observation:lanterna:shared-phone'),
      id('observation:strict:shared-phone'),
    ],
    denied: WMP,
    expect: {},
    controls: ['met-police'],
  },
  {
    via: 'network — from a phone the Met, a covert source and the Midlands saw (Romanian police)',
    query: NETWORK,
    variables: seeds('entity:shared-phone'),
    secrets: [
      id('case:midlands'),
      id('case:strict'),
      M.phoneNote,
      ST.phoneNote,
      id('entity:car'),
      id('entity:covert-phone'),
      ST.covertPhone,
      id('observation:midlands:shared-phone'),
    ],
    denied: POLITIA,
    expect: {},
    controls: [
      { persona: 'west-midlands-police', sees: [id('case:midlands'), M.phoneNote, id('entity:car'), id('observation:midlands:shared-phone')] },
      { persona: 'met-police', sees: [id('case:strict'), ST.phoneNote, id('entity:covert-phone'), ST.covertPhone] },
    ],
  },
  {
    via: 'network — from a phone in the shared AMBER case (bank)',
    query: NETWORK,
    variables: seeds('entity:shared-phone'),
    secrets: [E.sharedPhone, id('case:midlands'), id('case:lanterna'), M.phoneNote, id('person:midlands:S1'), M.s1Name, id('entity:car'), E.car],
    denied: ['albion-bank', 'albion-bank:VIEWER'],
    expect: {},
    controls: [{ persona: 'west-midlands-police', sees: [E.sharedPhone, id('case:midlands'), M.phoneNote, id('entity:car'), E.car] }],
  },
  {
    via: 'network — from an email in GREEN cases (NGO that stated nothing)',
    query: NETWORK,
    variables: seeds('entity:recruiter-email'),
    secrets: [id('case:iasi'), id('case:safe-passage'), I.emailNote, SP.emailNote, id('person:iasi:S1'), I.s1Name],
    denied: ['lumina-ro', ...FI],
    expect: {},
    controls: ['politia-romana'],
  },
  {
    via: 'network — from a phone a victim uses',
    query: NETWORK,
    variables: seeds('entity:iasi-victim-phone'),
    secrets: [I.v1Name, I.v1Dob],
    denied: [...HUB, 'met-police', ...WMP],
    expect: {},
    controls: ['politia-romana'],
  },
  {
    via: 'network — seeded with an AMBER_STRICT case',
    query: NETWORK,
    variables: seeds('case:strict'),
    secrets: [id('entity:covert-phone'), id('entity:shared-phone'), ST.phoneNote, ST.covertPhoneNote, ST.summary, ST.covertPhone],
    denied: [...WMP, ...POLITIA, ...HUB, ...FI, 'safe-passage'],
    expect: {},
    controls: ['met-police'],
  },
  {
    via: "network — seeded with another force's victim",
    query: NETWORK,
    variables: seeds('person:lanterna:V1'),
    secrets: [id('person:lanterna:S1'), L.v1Name, L.s1Name, id('case:lanterna')],
    denied: [...WMP, ...HUB, 'safe-passage'],
    expect: {},
    controls: ['met-police'],
  },
  {
    via: 'shortestPath — through a link that does not reach the force',
    query: `query($f: ID!, $t: ID!) { shortestPath(from: $f, to: $t, maxDepth: 6) { nodes { id label } edges { id kind observation { note } link { id } } } }`,
    variables: () => ({ f: id('entity:shared-phone'), t: id('entity:advert') }),
    secrets: [id('link:lanterna:shared-phone-advertised'), id('entity:advert'), E.advert],
    denied: WMP,
    expect: {},
    controls: ['met-police'],
  },
  {
    via: 'shortestPath — from an AMBER case not shared to an identifier seen only there',
    query: `query($f: ID!, $t: ID!) { shortestPath(from: $f, to: $t, maxDepth: 6) { nodes { id label } edges { id kind observation { note } } } }`,
    variables: () => ({ f: id('case:lanterna'), t: id('entity:advert') }),
    secrets: [id('observation:lanterna:advert'), L.advertNote, E.advert],
    denied: [...WMP, ...HUB],
    expect: {},
    controls: ['politia-romana', 'met-police'],
  },
  {
    via: 'sharedEntities — between an AMBER case shared with the force and an AMBER_STRICT case',
    query: `query($a: ID!, $b: ID!) { sharedEntities(caseA: $a, caseB: $b) { id value maskedValue } }`,
    variables: () => ({ a: id('case:lanterna'), b: id('case:strict') }),
    secrets: [id('entity:shared-phone'), E.sharedPhone],
    denied: [...POLITIA, ...WMP],
    expect: {},
    controls: ['met-police'],
  },
  {
    via: 'sharedEntities — between two GREEN cases, by statements the caller cannot read',
    query: `query($a: ID!, $b: ID!) { sharedEntities(caseA: $a, caseB: $b) { id value maskedValue } }`,
    variables: () => ({ a: id('case:iasi'), b: id('case:safe-passage') }),
    secrets: [id('entity:recruiter-email')],
    denied: ['lumina-ro', 'safe-passage', ...FI, ...HUB_ADMIN],
    expect: {},
    controls: ['met-police', 'politia-romana', 'tessera-hub'],
  },
];

const CORRELATIONS = `{ correlations(first: 500) { id kind entity { id } case { id } observedAt source { id note } link { id } contributorAgency { id } } }`;

const correlationProbes: Probe[] = [
  {
    via: 'correlations (West Midlands) — Met and covert statements about its identifiers',
    query: CORRELATIONS,
    secrets: () => [
      id('observation:lanterna:shared-phone'),
      id('observation:lanterna:s1-phone-ro'),
      id('observation:strict:shared-phone'),
      L.phoneNote,
      ST.phoneNote,
      "S1's Romanian mobile",
      id('link:lanterna:s1-uses-phone-ro'),
    ],
    denied: WMP,
    expect: {},
    controls: [
      {
        persona: 'politia-romana',
        sees: () => [id('observation:lanterna:shared-phone'), id('observation:lanterna:s1-phone-ro'), L.phoneNote, "S1's Romanian mobile"],
      },
    ],
  },
  {
    via: 'correlations (Met) — Midlands statements about its identifiers',
    query: CORRELATIONS,
    secrets: () => [
      id('observation:midlands:shared-phone'),
      id('observation:midlands:s1-phone-ro'),
      M.phoneNote,
      M.s1PhoneNote,
      id('link:midlands:s1-uses-phone-ro'),
    ],
    denied: ['met-police', 'met-police:VIEWER'],
    expect: {},
    controls: [{ persona: 'met-police', sees: () => [id('observation:iasi:s1-iban-ro'), I.ibanNote, id('observation:iasi:shared-phone')] }],
  },
  {
    via: 'correlations (Romanian police) — Midlands and covert statements about its identifiers',
    query: CORRELATIONS,
    secrets: () => [
      id('observation:midlands:shared-phone'),
      id('observation:midlands:s1-phone-ro'),
      id('observation:strict:shared-phone'),
      M.phoneNote,
      M.s1PhoneNote,
      ST.phoneNote,
    ],
    denied: POLITIA,
    expect: {},
    controls: [{ persona: 'politia-romana', sees: () => [id('observation:lanterna:shared-phone'), L.phoneNote] }],
  },
  {
    via: 'correlations (NGO) — police statements it may not read',
    query: CORRELATIONS,
    secrets: () => [
      id('observation:lanterna:s1-phone-ro'),
      id('observation:midlands:s1-phone-ro'),
      id('observation:iasi:s1-phone-ro'),
      M.s1PhoneNote,
      "S1's Romanian mobile",
    ],
    denied: ['safe-passage', 'safe-passage:VIEWER'],
    expect: {},
    controls: [{ persona: 'politia-romana', sees: () => [id('observation:lanterna:s1-phone-ro'), "S1's Romanian mobile"] }],
  },
];

const ROUTE_AGGREGATES = `{ routeAggregates(periodFrom: "2025-01-01", periodTo: "2026-12-31") { nodes { victimCount caseCount countSuppressed origin { name } transit { name } destination { name } } } }`;
const SMALL = [1, 2, 3, 4].flatMap((n) => [`"victimCount":${n}`, `"caseCount":${n}`]);

const aggregateProbes: Probe[] = [
  {
    via: 'routeAggregates — counts below k',
    query: ROUTE_AGGREGATES,
    secrets: SMALL,
    denied: [...FI, 'safe-passage', 'lumina-ro'],
    expect: {},
    controls: [{ persona: 'tessera-hub', sees: ['"caseCount":1'] }],
  },
  {
    via: 'routeAggregates — routes of the Midlands AMBER case',
    query: ROUTE_AGGREGATES,
    secrets: ['Leicester', 'Bedford'],
    denied: ['met-police', ...POLITIA, 'banca-carpati', 'lumina-ro', ...HUB],
    expect: {},
    controls: ['west-midlands-police', 'safe-passage'],
  },
  {
    via: 'routeAggregates — routes of the AMBER Lanterna case',
    query: ROUTE_AGGREGATES,
    secrets: ['Constanța', 'Birmingham'],
    denied: [...WMP, 'albion-bank', 'banca-carpati', 'safe-passage', 'lumina-ro', ...HUB],
    expect: {},
    controls: ['met-police', 'politia-romana'],
  },
];

const auditProbes: Probe[] = [
  {
    via: "auditTrail — a force's reads of the persons of its own AMBER / AMBER_STRICT cases",
    query: `{ auditTrail(first: 200, filter: { subjectType: "Person" }) { totalCount nodes { action subjectType subjectId actorAgency { id } recordOwnerAgency { id } recipients { id } fields records { id fields } } } }`,
    secrets: [id('person:midlands:V1'), id('person:midlands:S1'), id('person:strict:S1')],
    denied: [...POLITIA, 'lumina-ro', 'tessera-hub', ...HUB_ADMIN],
    expect: {},
    controls: [
      { persona: 'tessera-hub:SUPERVISOR', sees: [id('person:midlands:V1'), id('person:strict:S1')] },
      { persona: 'west-midlands-police', sees: [id('person:midlands:V1'), id('person:midlands:S1')] },
      { persona: 'met-police', sees: [id('person:strict:S1')] },
    ],
  },
];

probeTable('fuzzy search', () => hub, searchProbes);
probeTable('link charts', () => hub, graphProbes);
probeTable('correlation alerts', () => hub, correlationProbes);
probeTable('route aggregates', () => hub, aggregateProbes);
probeTable('audit trail', () => hub, auditProbes);
