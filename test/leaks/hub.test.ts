import { startTestHub, type TestHub } from '../support/hub';
import * as Q from './queries';
import {
  FIXTURE,
  fixtureGreenReport,
  fixtureIasiVictimPhone,
  fixtureNoConsentNarrative,
  HUB_ADMIN,
  HUB_ANALYST,
  id,
  type Probe,
  probeTable,
  SECRET,
  sortTable,
} from './support';

// Starting a hub and its fixtures can take longer than Jest's default 5 s.
jest.setTimeout(120_000);

/**
 * HUB_ANALYST (tessera-hub): the whole network picture of what reaches it, but never a victim's
 * identity and narrative text only with the survivor's consent to the hub.
 * HUB_ADMIN (tessera-admin): registers agencies, issuers and users; reads no intelligence at all.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
  await fixtureNoConsentNarrative(hub);
  await fixtureIasiVictimPhone(hub);
  await fixtureGreenReport(hub);
});
afterAll(() => hub.stop());

const L = SECRET.lanterna;
const M = SECRET.midlands;
const I = SECRET.iasi;
const SP = SECRET.safePassage;
const ST = SECRET.strict;
const E = SECRET.entity;
const N = SECRET.narrative;
const ANALYST = [...HUB_ANALYST, 'tessera-hub:SUPERVISOR'];
const ADMIN = [...HUB_ADMIN, 'tessera-admin:SUPERVISOR'];
const vars = (key: string) => () => ({ id: id(key) });
const IDENTITY = (prefix: string) => ['fullName', 'dateOfBirth', 'contact', 'documents'].map((f) => `${prefix}.${f}`);

const analystProbes: Probe[] = [
  {
    via: 'case { persons } — victim of a GREEN police case',
    query: Q.CASE_PERSONS,
    variables: vars('case:iasi'),
    secrets: [I.v1Name, I.v1Dob],
    denied: ANALYST,
    expect: { forbidden: IDENTITY('case.persons.*[role=VICTIM]') },
    controls: ['politia-romana'],
  },
  {
    via: "case { persons } — the NGO's survivor",
    query: Q.CASE_PERSONS,
    variables: vars('case:safe-passage'),
    secrets: [SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: ANALYST,
    expect: { forbidden: IDENTITY('case.persons.*[role=VICTIM]') },
    controls: ['safe-passage'],
  },
  {
    via: 'person(id) — victims',
    query: `query($a: ID!, $b: ID!) { a: person(id: $a) { fullName dateOfBirth contact documents } b: person(id: $b) { fullName dateOfBirth contact documents } }`,
    variables: () => ({ a: id('person:iasi:V1'), b: id('person:safe-passage:V1') }),
    secrets: [I.v1Name, I.v1Dob, SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: ANALYST,
    expect: { forbidden: [...IDENTITY('a'), ...IDENTITY('b')] },
    controls: [
      { persona: 'politia-romana', sees: [I.v1Name, I.v1Dob] },
      { persona: 'safe-passage', sees: [SP.v1Name, SP.v1Dob, SP.v1Contact] },
    ],
  },
  {
    via: 'persons list',
    query: Q.PERSONS_LIST,
    secrets: [I.v1Name, I.v1Dob, SP.v1Name, SP.v1Dob, SP.v1Contact, L.v1Name, L.v2Name, M.v1Name, ST.s1Name, L.s2Name],
    denied: ANALYST,
    expect: { forbidden: IDENTITY('persons.nodes.*[role=VICTIM]') },
    controls: [
      { persona: 'politia-romana', sees: [I.v1Name, I.v1Dob, L.s2Name] },
      { persona: 'safe-passage', sees: [SP.v1Name, SP.v1Dob, SP.v1Contact] },
      { persona: 'met-police', sees: [L.v1Name, L.v2Name, ST.s1Name] },
      { persona: 'west-midlands-police', sees: [M.v1Name] },
    ],
  },
  {
    via: 'entity { links { fromPerson } } — a link whose end is a victim',
    query: `query($id: ID!) { entity(id: $id) { value links { kind fromPerson { role fullName dateOfBirth contact documents } } } }`,
    variables: vars('entity:iasi-victim-phone'),
    secrets: [I.v1Name, I.v1Dob],
    denied: [...ANALYST, 'met-police', 'west-midlands-police'],
    expect: { forbidden: IDENTITY('entity.links.*.fromPerson') },
    controls: ['politia-romana'],
  },
  {
    via: 'entity { links } — links the NGO did not contribute',
    query: `query($id: ID!) { entity(id: $id) { value links { kind fromPerson { fullName dateOfBirth } } observations { note } } }`,
    variables: vars('entity:iasi-victim-phone'),
    secrets: [I.v1Name, I.v1Dob, 'Fixture: handset V1 was given by the recruiter'],
    denied: ['lumina-ro', 'safe-passage'],
    expect: { empty: ['entity.links', 'entity.observations'] },
    controls: ['politia-romana'],
  },
  {
    via: 'narrative { case { persons } } (narratives → cases)',
    query: Q.NARRATIVE_CASE,
    variables: vars('narrative:safe-passage-en'),
    secrets: [SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: ANALYST,
    expect: { forbidden: IDENTITY('narrative.case.persons.*') },
    controls: ['safe-passage'],
  },
  {
    via: 'narrative(id) — survivor did not consent to the hub',
    query: Q.NARRATIVE,
    variables: vars('narrative:no-consent'),
    secrets: [FIXTURE.noConsentNarrative],
    denied: ANALYST,
    expect: { forbidden: ['narrative.text'] },
    controls: ['safe-passage'],
  },
  {
    via: 'narratives list and case { narratives } — survivor did not consent to the hub',
    query: `query($id: ID!) { narratives { nodes { text } } case(id: $id) { narratives { text } } }`,
    variables: vars('case:safe-passage'),
    secrets: [FIXTURE.noConsentNarrative],
    denied: ANALYST,
    expect: {},
    controls: ['safe-passage'],
  },
  {
    via: 'case(id) — AMBER and AMBER_STRICT cases not shared with the hub',
    query: `query($a: ID!, $b: ID!, $c: ID!) { a: case(id: $a) { summary persons { fullName } } b: case(id: $b) { summary persons { fullName } } c: case(id: $c) { summary handlingConditions } }`,
    variables: () => ({ a: id('case:lanterna'), b: id('case:midlands'), c: id('case:strict') }),
    secrets: [L.summary, L.s2Name, M.summary, M.s1Name, ST.summary, ST.conditions],
    denied: ANALYST,
    expect: { notFound: ['a', 'b', 'c'] },
    controls: [
      { persona: 'met-police', sees: [L.summary, L.s2Name, ST.summary, ST.conditions] },
      { persona: 'west-midlands-police', sees: [M.summary, M.s1Name] },
    ],
  },
  {
    via: "transactionReport(id) — a bank's AMBER report not shared with the hub",
    query: Q.REPORT,
    variables: vars('report:popescu-str'),
    secrets: [SECRET.report.reason, E.ibanGb],
    denied: ANALYST,
    expect: { notFound: ['transactionReport'] },
    controls: ['albion-bank', 'met-police'],
  },
  {
    via: 'entity(id) — identifiers seen only in AMBER / AMBER_STRICT cases',
    query: `query($a: ID!, $b: ID!) { a: entity(id: $a) { value } b: entity(id: $b) { value } }`,
    variables: () => ({ a: id('entity:advert'), b: id('entity:covert-phone') }),
    secrets: [E.advert, ST.covertPhone],
    denied: ANALYST,
    expect: { notFound: ['a', 'b'] },
    controls: ['met-police'],
  },
  {
    via: 'persons(filter: { fullNameContains }) — a victim',
    query: `{ persons(filter: { fullNameContains: "Andreea" }) { totalCount nodes { id } } }`,
    secrets: [id('person:iasi:V1')],
    denied: ANALYST,
    expect: { refusedOrEmpty: 'persons' },
    controls: ['politia-romana'],
  },
  {
    via: 'persons(filter: { dateOfBirth }) — a victim',
    query: `{ persons(filter: { dateOfBirth: "2003-07-27" }) { totalCount nodes { id } } }`,
    secrets: [id('person:safe-passage:V1')],
    denied: ANALYST,
    expect: { refusedOrEmpty: 'persons' },
    controls: ['safe-passage'],
  },
];

/** Every read path of every intelligence subject, as the administrators: nothing. */
const adminProbes: Probe[] = [
  {
    via: 'case(id), person(id), traffickingEvent(id) of a GREEN case',
    query: `query($c: ID!, $p: ID!, $e: ID!) { case(id: $c) { id status summary } person(id: $p) { id fullName } traffickingEvent(id: $e) { id description } }`,
    variables: () => ({ c: id('case:iasi'), p: id('person:iasi:S1'), e: id('event:iasi:1') }),
    secrets: [I.summary, I.s1Name, I.eventDescription],
    denied: ADMIN,
    expect: { notFound: ['case', 'person', 'traffickingEvent'] },
    controls: ['politia-romana'],
  },
  {
    via: 'entity(id), observation(id), link(id) of a GREEN case',
    query: `query($e: ID!, $o: ID!, $l: ID!) { entity(id: $e) { id value maskedValue } observation(id: $o) { id note } link(id: $l) { id fromPerson { fullName } } }`,
    variables: () => ({ e: id('entity:recruiter-email'), o: id('observation:iasi:recruiter-email'), l: id('link:iasi:s1-uses-email') }),
    secrets: [E.recruiterEmail, 'r•••@example.org', I.emailNote, I.s1Name],
    denied: ADMIN,
    expect: { notFound: ['entity', 'observation', 'link'] },
    controls: ['politia-romana'],
  },
  {
    via: 'narrative(id)',
    query: Q.NARRATIVE,
    variables: vars('narrative:safe-passage-en'),
    secrets: [N.en],
    denied: ADMIN,
    expect: { notFound: ['narrative'] },
    controls: ['safe-passage'],
  },
  {
    via: 'transactionReport(id) of a GREEN report, typology(id) of a CLEAR typology',
    query: `query($r: ID!, $t: ID!) { transactionReport(id: $r) { id reason } typology(id: $t) { id title } }`,
    variables: () => ({ r: id('report:green-fixture'), t: id('typology:travel-for-others') }),
    secrets: [FIXTURE.greenReport.reason, SECRET.typology.travelTitle],
    denied: ADMIN,
    expect: { notFound: ['transactionReport', 'typology'] },
    controls: ['albion-bank', 'met-police'],
  },
  {
    via: 'route(id) of a GREEN route',
    query: Q.ROUTE,
    variables: vars('route:constanta-london'),
    secrets: [id('route:constanta-london'), '"victimCount":7'],
    denied: ADMIN,
    expect: { notFound: ['route'] },
    controls: ['tessera-hub', 'met-police'],
  },
  {
    via: 'every intelligence list',
    query: `{
      cases { totalCount nodes { id summary } }
      persons { totalCount nodes { id fullName } }
      entities { totalCount nodes { id value } }
      narratives { totalCount nodes { id text } }
      transactionReports { totalCount nodes { id reason } }
      typologies { totalCount nodes { id title } }
      routes { totalCount nodes { id victimCount } }
    }`,
    secrets: [I.summary, SP.summary, I.s1Name, E.recruiterEmail, N.en, FIXTURE.greenReport.reason, SECRET.typology.travelTitle, id('route:constanta-london')],
    denied: ADMIN,
    expect: {
      equals: {
        'cases.totalCount': 0,
        'persons.totalCount': 0,
        'entities.totalCount': 0,
        'narratives.totalCount': 0,
        'transactionReports.totalCount': 0,
        'typologies.totalCount': 0,
        'routes.totalCount': 0,
      },
      empty: ['cases.nodes', 'persons.nodes', 'entities.nodes', 'narratives.nodes', 'transactionReports.nodes', 'typologies.nodes', 'routes.nodes'],
    },
    controls: [
      {
        persona: 'met-police',
        sees: [I.summary, SP.summary, I.s1Name, E.recruiterEmail, N.en, FIXTURE.greenReport.reason, SECRET.typology.travelTitle, id('route:constanta-london')],
      },
    ],
  },
  {
    via: 'hotspots',
    query: Q.HOTSPOTS,
    variables: () => ({ from: '2025-01-01', to: '2026-12-31' }),
    secrets: ['London', 'Sheffield'],
    denied: ADMIN,
    expect: { empty: ['hotspots'] },
    controls: ['tessera-hub'],
  },
  {
    via: 'case { narratives entities events persons } (every subgraph that extends Case)',
    query: `query($id: ID!) { case(id: $id) { narratives { text } entities { value } events { description } persons { pseudonym } } }`,
    variables: vars('case:safe-passage'),
    secrets: [N.en, E.recruiterEmail, 'Met the \"boyfriend\" online'],
    denied: ADMIN,
    expect: { notFound: ['case'] },
    controls: ['safe-passage'],
  },
];

probeTable('HUB_ANALYST: never a victim identity, text only with consent, nothing that does not reach the hub', () => hub, analystProbes);
sortTable('HUB_ANALYST: sorts on victims’ identity', () => hub, [
  { persona: 'tessera-hub', connection: 'persons', field: 'FULL_NAME', hidden: ['person:iasi:V1', 'person:safe-passage:V1'] },
  { persona: 'tessera-hub:VIEWER', connection: 'persons', field: 'DATE_OF_BIRTH', hidden: ['person:iasi:V1', 'person:safe-passage:V1'] },
]);
probeTable('HUB_ADMIN: no intelligence at all', () => hub, adminProbes);

describe('HUB_ANALYST: what the hub may read (the positive side of the rules above)', () => {
  test('suspects of what reaches it, and narratives consented to the hub', async () => {
    const r = await hub.gql<{ p: { fullName: string }; n: { text: string } }>(
      'tessera-hub:VIEWER',
      `query($p: ID!, $n: ID!) { p: person(id: $p) { fullName } n: narrative(id: $n) { text } }`,
      { p: id('person:iasi:S1'), n: id('narrative:safe-passage-ro') },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.p.fullName).toBe(I.s1Name);
    expect(r.data?.n.text).toContain(N.ro);
  });
});
