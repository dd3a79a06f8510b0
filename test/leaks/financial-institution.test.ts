import { startTestHub, type TestHub } from '../support/hub';
import * as Q from './queries';
import {
  FI,
  FIXTURE,
  fixtureAmberTypology,
  fixtureGreenReport,
  fixtureMidlandsSuspectHoldsReportedAccount,
  id,
  type Probe,
  probeTable,
  SECRET,
} from './support';

// Starting a hub and its fixtures can take longer than Jest's default 5 s.
jest.setTimeout(120_000);

/**
 * FINANCIAL_INSTITUTION (albion-bank, which is in the Midlands partnership, and banca-carpati, which
 * is not): never victims, never narratives, never case summary/reference/NRM stage, never another
 * bank's reports, identifier values masked unless linked to its own report, a suspect's name and
 * role only when the suspect holds an account the bank reported.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
  await fixtureGreenReport(hub);
  await fixtureAmberTypology(hub);
  await fixtureMidlandsSuspectHoldsReportedAccount(hub);
});
afterAll(() => hub.stop());

const L = SECRET.lanterna;
const M = SECRET.midlands;
const I = SECRET.iasi;
const SP = SECRET.safePassage;
const ST = SECRET.strict;
const E = SECRET.entity;
const ALBION = ['albion-bank', 'albion-bank:VIEWER'];
const vars = (key: string) => () => ({ id: id(key) });

const caseProbes: Probe[] = [
  {
    via: 'case(id) — GREEN case detail',
    query: Q.CASE_DETAIL,
    variables: vars('case:iasi'),
    secrets: [I.summary, I.reference],
    denied: FI,
    expect: { forbidden: ['case.reference', 'case.summary', 'case.nrmStage'] },
    controls: ['politia-romana', 'met-police', 'lumina-ro', 'tessera-hub'],
  },
  {
    via: 'case(id) — NGO case detail with its NRM stage',
    query: Q.CASE_DETAIL,
    variables: vars('case:safe-passage'),
    secrets: [SP.summary, SP.reference, 'CONCLUSIVE_GROUNDS'],
    denied: FI,
    expect: { forbidden: ['case.reference', 'case.summary', 'case.nrmStage'] },
    controls: ['safe-passage', 'met-police'],
  },
  {
    via: 'case(id) — detail of the AMBER case shared with the partnership',
    query: Q.CASE_DETAIL,
    variables: vars('case:midlands'),
    secrets: [M.summary, M.reference, 'REASONABLE_GROUNDS'],
    denied: ALBION,
    expect: { forbidden: ['case.reference', 'case.summary', 'case.nrmStage'] },
    controls: ['west-midlands-police', 'safe-passage'],
  },
  {
    via: 'case(id) — AMBER case not shared with the bank',
    query: Q.CASE_DETAIL,
    variables: vars('case:midlands'),
    secrets: [M.summary, M.reference],
    denied: ['banca-carpati'],
    expect: { notFound: ['case'] },
    controls: ['west-midlands-police'],
  },
  {
    via: 'case(id) — AMBER and AMBER_STRICT cases of the Met',
    query: `query($a: ID!, $b: ID!) { a: case(id: $a) { id reference summary status } b: case(id: $b) { id reference summary handlingConditions status } }`,
    variables: () => ({ a: id('case:lanterna'), b: id('case:strict') }),
    secrets: [L.summary, L.reference, ST.summary, ST.reference, ST.conditions],
    denied: FI,
    expect: { notFound: ['a', 'b'] },
    controls: ['met-police'],
  },
  {
    via: 'cases list — summary, reference, NRM stage',
    query: Q.CASES_LIST,
    secrets: [I.summary, I.reference, SP.summary, SP.reference, M.summary, M.reference, L.summary, ST.summary, 'CONCLUSIVE_GROUNDS', 'REASONABLE_GROUNDS'],
    denied: FI,
    expect: { forbidden: ['cases.nodes.*.summary', 'cases.nodes.*.reference', 'cases.nodes.*.nrmStage'] },
    controls: [
      // The stage is the victims' furthest decision: the Met's cases are past conclusive grounds, the Midlands' at reasonable grounds.
      { persona: 'met-police', sees: [I.summary, I.reference, SP.summary, SP.reference, L.summary, ST.summary, 'CONCLUSIVE_GROUNDS'] },
      { persona: 'west-midlands-police', sees: [M.summary, M.reference, 'REASONABLE_GROUNDS'] },
    ],
  },
  {
    via: 'case { events { description } } and traffickingEvent(id)',
    query: `query($c: ID!, $e: ID!) { case(id: $c) { events { description location { name } } } traffickingEvent(id: $e) { description location { name } } }`,
    variables: () => ({ c: id('case:iasi'), e: id('event:iasi:1') }),
    secrets: [I.eventDescription, 'Exploited in rented flats'],
    denied: FI,
    expect: { forbidden: ['case.events.*.description', 'traffickingEvent.description'] },
    controls: ['politia-romana', 'tessera-hub'],
  },
  {
    via: 'traffickingEvent(id) { location } of an AMBER case not shared',
    query: Q.EVENT,
    variables: vars('event:lanterna:4'),
    secrets: [L.eventDescription, '2025-10-20'],
    denied: FI,
    expect: { notFound: ['traffickingEvent'] },
    controls: ['met-police'],
  },
];

const personProbes: Probe[] = [
  {
    via: 'case { persons } — victims and suspect of a GREEN police case',
    query: Q.CASE_PERSONS,
    variables: vars('case:iasi'),
    secrets: [I.v1Name, I.v1Dob, I.s1Name, I.s1Dob],
    denied: FI,
    expect: { empty: ['case.persons'] },
    controls: ['politia-romana'],
  },
  {
    via: "case { persons } — the NGO's survivor",
    query: Q.CASE_PERSONS,
    variables: vars('case:safe-passage'),
    secrets: [SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: FI,
    expect: { empty: ['case.persons'] },
    controls: ['safe-passage'],
  },
  {
    via: 'case { persons } — shared AMBER case: the victim is absent, the linked suspect has no date of birth',
    query: Q.CASE_PERSONS,
    variables: vars('case:midlands'),
    secrets: [M.v1Name, M.v1Dob, M.s1Dob],
    denied: ALBION,
    expect: { forbidden: ['case.persons.*.dateOfBirth', 'case.persons.*.contact', 'case.persons.*.documents', 'case.persons.*.pseudonym'] },
    controls: ['west-midlands-police'],
  },
  {
    via: 'case { persons } — AMBER case of the Met',
    query: Q.CASE_PERSONS,
    variables: vars('case:lanterna'),
    secrets: [L.v1Name, L.v1Dob, L.v1Contact, L.v1Documents, L.v2Name, L.s2Name],
    denied: FI,
    expect: { notFound: ['case'] },
    controls: ['met-police'],
  },
  ...(
    [
      ['iasi', 'politia-romana', [I.v1Name, I.v1Dob]],
      ['safe-passage', 'safe-passage', [SP.v1Name, SP.v1Dob, SP.v1Contact]],
      ['midlands', 'west-midlands-police', [M.v1Name, M.v1Dob]],
      ['lanterna', 'met-police', [L.v1Name, L.v1Dob, L.v1Contact, L.v1Documents]],
    ] as const
  ).map(([c, owner, secrets]): Probe => ({
    via: `person(id) — victim V1 of case ${c}`,
    query: Q.PERSON,
    variables: vars(`person:${c}:V1`),
    secrets: [...secrets],
    denied: FI,
    expect: { notFound: ['person'] },
    controls: [owner],
  })),
  {
    via: 'person(id) — a suspect not linked to any account the bank reported',
    query: Q.PERSON,
    variables: vars('person:iasi:S1'),
    secrets: [I.s1Name, I.s1Dob],
    denied: FI,
    expect: { notFound: ['person'] },
    controls: ['politia-romana', 'tessera-hub'],
  },
  {
    via: 'person(id) — the linked suspect: name and role only',
    query: Q.PERSON,
    variables: vars('person:midlands:S1'),
    secrets: [M.s1Dob],
    denied: ALBION,
    expect: {
      forbidden: ['person.dateOfBirth', 'person.contact', 'person.documents', 'person.pseudonym', 'person.nationality', 'person.ageBand', 'person.gender'],
    },
    controls: ['west-midlands-police'],
  },
  {
    via: 'persons list (Albion: only the linked suspect)',
    query: Q.PERSONS_LIST,
    secrets: [L.v1Name, L.v2Name, L.s2Name, M.v1Name, I.v1Name, I.s1Name, SP.v1Name, ST.s1Name, L.v1Dob, M.v1Dob, I.v1Dob, SP.v1Dob, M.s1Dob],
    denied: ALBION,
    expect: { equals: { 'persons.totalCount': 1 }, forbidden: ['persons.nodes.*.dateOfBirth'] },
    controls: [
      { persona: 'met-police', sees: [L.v1Name, L.v2Name, L.s2Name, ST.s1Name, L.v1Dob, I.s1Name] },
      { persona: 'politia-romana', sees: [I.v1Name, I.v1Dob] },
      { persona: 'west-midlands-police', sees: [M.v1Name, M.v1Dob, M.s1Dob] },
      { persona: 'safe-passage', sees: [SP.v1Name, SP.v1Dob] },
    ],
  },
  {
    via: 'persons list (Banca Carpați: nobody)',
    query: Q.PERSONS_LIST,
    secrets: [L.v1Name, M.v1Name, M.s1Name, I.v1Name, I.s1Name, SP.v1Name, ST.s1Name, I.v1Dob, SP.v1Dob],
    denied: ['banca-carpati'],
    expect: { equals: { 'persons.totalCount': 0 }, empty: ['persons.nodes'] },
    controls: [{ persona: 'politia-romana', sees: [I.v1Name, I.s1Name, I.v1Dob, L.s2Name] }],
  },
];

const narrativeProbes: Probe[] = [
  {
    via: 'narrative(id) — consented to law enforcement and hub',
    query: Q.NARRATIVE,
    variables: vars('narrative:safe-passage-en'),
    secrets: [SECRET.narrative.en],
    denied: FI,
    expect: { notFound: ['narrative'] },
    controls: ['safe-passage', 'met-police', 'tessera-hub'],
  },
  {
    via: 'narrative(id) — consented to the hub only',
    query: Q.NARRATIVE,
    variables: vars('narrative:safe-passage-ro'),
    secrets: [SECRET.narrative.ro],
    denied: FI,
    expect: { notFound: ['narrative'] },
    controls: ['safe-passage', 'tessera-hub'],
  },
  {
    via: 'narratives list',
    query: Q.NARRATIVES_LIST,
    secrets: [SECRET.narrative.en, SECRET.narrative.ro],
    denied: FI,
    expect: { equals: { 'narratives.totalCount': 0 }, empty: ['narratives.nodes'] },
    controls: ['safe-passage'],
  },
  {
    via: 'case { narratives { text } } (cases → narratives)',
    query: Q.CASE_NARRATIVES,
    variables: vars('case:safe-passage'),
    secrets: [SECRET.narrative.en, SECRET.narrative.ro],
    denied: FI,
    expect: { empty: ['case.narratives'] },
    controls: ['safe-passage'],
  },
  {
    via: 'narratives(caseId) filter',
    query: `query($id: ID!) { narratives(caseId: $id) { totalCount nodes { text } } }`,
    variables: vars('case:safe-passage'),
    secrets: [SECRET.narrative.en, SECRET.narrative.ro],
    denied: FI,
    expect: { refusedOrEmpty: 'narratives' },
    controls: ['safe-passage'],
  },
  {
    via: 'narrative { case { summary reference persons } } (narratives → cases)',
    query: Q.NARRATIVE_CASE,
    variables: vars('narrative:safe-passage-en'),
    secrets: [SP.summary, SP.reference, SP.v1Name],
    denied: FI,
    expect: { notFound: ['narrative'] },
    controls: ['safe-passage'],
  },
];

const reportProbes: Probe[] = [
  {
    via: "transactionReport(id) — another bank's AMBER report",
    query: Q.REPORT,
    variables: vars('report:popescu-str'),
    secrets: [SECRET.report.reason, E.ibanGb],
    denied: ['banca-carpati'],
    expect: { notFound: ['transactionReport'] },
    controls: ['albion-bank', 'albion-bank:VIEWER', 'met-police', 'politia-romana'],
  },
  {
    via: "transactionReport(id) — another bank's GREEN report",
    query: Q.REPORT,
    variables: vars('report:green-fixture'),
    secrets: [FIXTURE.greenReport.reason, FIXTURE.greenReport.party, FIXTURE.greenReport.iban],
    denied: ['banca-carpati'],
    expect: { notFound: ['transactionReport'] },
    controls: ['albion-bank', 'met-police', 'tessera-hub'],
  },
  {
    via: 'transactionReports list',
    query: Q.REPORTS_LIST,
    secrets: [SECRET.report.reason, FIXTURE.greenReport.reason, FIXTURE.greenReport.party, FIXTURE.greenReport.iban, E.ibanGb],
    denied: ['banca-carpati'],
    expect: { equals: { 'transactionReports.totalCount': 0 }, empty: ['transactionReports.nodes'] },
    controls: ['albion-bank', 'met-police'],
  },
  {
    via: 'transactionReports(filter: { indicator }) on reports it cannot read',
    query: `{ transactionReports(filter: { indicator: "SHARED_BENEFICIARIES_OR_CONTACTS" }) { totalCount nodes { reason } } }`,
    secrets: [FIXTURE.greenReport.reason],
    denied: ['banca-carpati'],
    expect: { refusedOrEmpty: 'transactionReports' },
    controls: ['met-police'],
  },
];

const entityProbes: Probe[] = [
  {
    via: 'entity(id) — a bank account in a GREEN police case',
    query: Q.ENTITY,
    variables: vars('entity:s1-iban-ro'),
    secrets: [E.ibanRo],
    denied: FI,
    expect: { forbidden: ['entity.value'] },
    controls: ['met-police', 'politia-romana', 'tessera-hub'],
  },
  {
    via: "entity(id) — the account of another bank's GREEN report",
    query: Q.ENTITY,
    variables: vars('entity:green-fixture-iban'),
    secrets: [FIXTURE.greenReport.iban],
    denied: ['banca-carpati'],
    expect: { forbidden: ['entity.value'] },
    controls: ['albion-bank', 'met-police'],
  },
  {
    via: 'entity(id) — a phone seen in the shared AMBER case',
    query: Q.ENTITY,
    variables: vars('entity:shared-phone'),
    secrets: [E.sharedPhone],
    denied: ALBION,
    expect: { forbidden: ['entity.value'] },
    controls: ['west-midlands-police', 'met-police'],
  },
  {
    via: 'entity(id) — identifiers no statement of which reaches the bank',
    query: `query($a: ID!, $b: ID!, $c: ID!) { a: entity(id: $a) { value maskedValue } b: entity(id: $b) { value maskedValue } c: entity(id: $c) { value maskedValue } }`,
    variables: () => ({ a: id('entity:shared-phone'), b: id('entity:covert-phone'), c: id('entity:advert') }),
    secrets: [E.sharedPhone, ST.covertPhone, E.advert, '+44•••312', '+44•••555'],
    denied: ['banca-carpati'],
    expect: { notFound: ['a', 'b', 'c'] },
    controls: ['met-police'],
  },
  {
    via: "entities list (Albion: only the values of its own reports, S1's Romanian phone among them)",
    query: Q.ENTITIES_LIST,
    secrets: [E.ibanRo, E.sharedPhone, E.recruiterEmail, E.recruiterProfile, E.car, E.advert, ST.covertPhone, M.premises],
    denied: ALBION,
    expect: {},
    controls: [
      { persona: 'met-police', sees: [E.ibanRo, E.sharedPhone, E.s1PhoneRo, E.recruiterEmail, E.recruiterProfile, E.advert, ST.covertPhone] },
      { persona: 'west-midlands-police', sees: [E.car, M.premises] },
    ],
  },
  {
    via: 'entities list (Banca Carpați: no value at all)',
    query: Q.ENTITIES_LIST,
    secrets: [
      E.ibanRo,
      E.ibanGb,
      FIXTURE.greenReport.iban,
      E.sharedPhone,
      E.s1PhoneRo,
      E.recruiterEmail,
      E.recruiterProfile,
      E.car,
      E.advert,
      ST.covertPhone,
      M.premises,
    ],
    denied: ['banca-carpati'],
    expect: { forbidden: ['entities.nodes.*.value'] },
    controls: [
      { persona: 'met-police', sees: [E.ibanRo, E.sharedPhone, E.s1PhoneRo, E.recruiterEmail, E.recruiterProfile, E.advert, ST.covertPhone] },
      { persona: 'west-midlands-police', sees: [E.car, M.premises] },
    ],
  },
  {
    via: 'entity { observations cases links } of a phone in two police cases',
    query: Q.ENTITY_RELATIONS,
    variables: vars('entity:s1-phone-ro'),
    secrets: [M.s1PhoneNote, M.summary, M.reference, M.s1Name, M.s1Dob, L.summary, "S1's Romanian mobile"],
    denied: ALBION,
    // Albion's own transaction report names the phone too: that observation (no note) is all it sees.
    expect: { empty: ['entity.cases', 'entity.links'], equals: { 'entity.observations.*.note': null } },
    controls: [
      { persona: 'west-midlands-police', sees: [M.s1PhoneNote, M.summary, M.reference, M.s1Name, M.s1Dob] },
      { persona: 'politia-romana', sees: [L.summary, "S1's Romanian mobile"] },
    ],
  },
  {
    via: 'entity { observations cases links } of an email in GREEN cases',
    query: Q.ENTITY_RELATIONS,
    variables: vars('entity:recruiter-email'),
    secrets: [I.emailNote, SP.emailNote, I.summary, SP.summary, I.s1Name, I.s1Dob, SP.v1Name],
    denied: FI,
    expect: { empty: ['entity.observations', 'entity.cases', 'entity.links'] },
    controls: [{ persona: 'politia-romana', sees: [I.emailNote, SP.emailNote, I.summary, SP.summary, I.s1Name, I.s1Dob] }],
  },
  {
    via: 'case { entities { value observations links } } of the shared AMBER case',
    query: Q.CASE_ENTITIES,
    variables: vars('case:midlands'),
    secrets: [M.phoneNote, M.s1PhoneNote, E.car, M.premises, E.sharedPhone, M.s1Name],
    denied: ALBION,
    expect: { empty: ['case.entities'] },
    controls: ['west-midlands-police'],
  },
  {
    via: 'case { entities { value observations links } } of a GREEN case',
    query: Q.CASE_ENTITIES,
    variables: vars('case:iasi'),
    secrets: [I.emailNote, E.recruiterEmail, E.ibanRo, I.s1Name],
    denied: FI,
    expect: { empty: ['case.entities'] },
    controls: ['politia-romana'],
  },
  {
    via: "observation(id) — another agency's statement",
    query: Q.OBSERVATION,
    variables: vars('observation:iasi:recruiter-email'),
    secrets: [I.emailNote, E.recruiterEmail],
    denied: FI,
    expect: { notFound: ['observation'] },
    controls: ['politia-romana', 'met-police'],
  },
  {
    via: 'observation(id) — statement in the shared AMBER case',
    query: Q.OBSERVATION,
    variables: vars('observation:midlands:shared-phone'),
    secrets: [M.phoneNote, E.sharedPhone],
    denied: FI,
    expect: { notFound: ['observation'] },
    controls: ['west-midlands-police'],
  },
  {
    via: 'link(id) { fromPerson { fullName } toEntity { value } }',
    query: Q.LINK,
    variables: vars('link:iasi:s1-uses-email'),
    secrets: [I.s1Name, I.s1Dob, E.recruiterEmail],
    denied: FI,
    expect: { notFound: ['link'] },
    controls: ['politia-romana', 'met-police'],
  },
  {
    via: 'link(id) in the shared AMBER case',
    query: Q.LINK,
    variables: vars('link:midlands:s1-owns-car'),
    secrets: [E.car, M.s1Dob],
    denied: FI,
    expect: { notFound: ['link'] },
    controls: ['west-midlands-police'],
  },
];

const typologyProbes: Probe[] = [
  {
    via: "typology(id) — another bank's AMBER typology",
    query: Q.TYPOLOGY,
    variables: vars('typology:funnel-couriers'),
    secrets: [SECRET.typology.funnelTitle, SECRET.typology.funnelPattern],
    denied: ALBION,
    expect: { notFound: ['typology'] },
    controls: ['banca-carpati'],
  },
  {
    via: 'typology(id) — AMBER typology shared with a group the bank is not in',
    query: Q.TYPOLOGY,
    variables: vars('typology:amber-fixture'),
    secrets: [FIXTURE.amberTypology.title, FIXTURE.amberTypology.pattern],
    denied: ['banca-carpati'],
    expect: { notFound: ['typology'] },
    controls: ['albion-bank', 'west-midlands-police'],
  },
  {
    via: 'typologies list',
    query: Q.TYPOLOGIES_LIST,
    secrets: [SECRET.typology.funnelTitle, SECRET.typology.funnelPattern],
    denied: ALBION,
    expect: {},
    controls: ['banca-carpati'],
  },
];

const filterProbes: Probe[] = [
  {
    via: 'persons(filter: { fullNameContains })',
    query: `{ persons(filter: { fullNameContains: "Andreea" }) { totalCount nodes { id } } }`,
    secrets: [id('person:iasi:V1')],
    denied: FI,
    expect: { refusedOrEmpty: 'persons' },
    controls: ['politia-romana'],
  },
  {
    via: 'persons(filter: { dateOfBirth })',
    query: `{ persons(filter: { dateOfBirth: "2006-02-14" }) { totalCount nodes { id } } }`,
    secrets: [id('person:iasi:V1')],
    denied: FI,
    expect: { refused: true },
    controls: ['politia-romana'],
  },
  ...(['DATE_OF_BIRTH', 'PSEUDONYM'] as const).map((field): Probe => ({
    via: `persons(orderBy: ${field})`,
    query: `{ persons(orderBy: { field: ${field} }) { totalCount nodes { id } } }`,
    secrets: [id('person:midlands:S1')],
    denied: ALBION,
    expect: { refused: true },
    controls: ['west-midlands-police'],
  })),
  {
    via: 'persons(filter: { role: VICTIM })',
    query: `{ persons(filter: { role: VICTIM }) { totalCount nodes { id } } }`,
    secrets: [id('person:iasi:V1'), id('person:safe-passage:V1')],
    denied: FI,
    expect: { refusedOrEmpty: 'persons' },
    controls: ['tessera-hub'],
  },
  {
    via: 'persons(filter: { caseId })',
    query: `query($id: ID!) { persons(filter: { caseId: $id }) { totalCount nodes { id } } }`,
    variables: vars('case:iasi'),
    secrets: [id('person:iasi:V1'), id('person:iasi:S1')],
    denied: FI,
    expect: { refusedOrEmpty: 'persons' },
    controls: ['politia-romana'],
  },
  {
    via: 'cases(filter: { summaryContains: "Constan" })',
    query: `{ cases(filter: { summaryContains: "Constan" }) { totalCount nodes { id } } }`,
    secrets: [id('case:lanterna')],
    denied: FI,
    expect: { refused: true },
    controls: ['met-police'],
  },
  {
    via: 'cases(filter: { summaryContains: "Iași" })',
    query: `{ cases(filter: { summaryContains: "Iași" }) { totalCount nodes { id } } }`,
    secrets: [id('case:iasi'), id('case:midlands')],
    denied: ALBION,
    expect: { refused: true },
    controls: ['west-midlands-police'],
  },
  {
    via: 'cases(filter: { reference })',
    query: `{ cases(filter: { reference: "DIICOT-IS-2026-77" }) { totalCount nodes { id } } }`,
    secrets: [id('case:iasi')],
    denied: FI,
    expect: { refused: true },
    controls: ['politia-romana'],
  },
  {
    via: 'cases(filter: { nrmStage })',
    query: `{ cases(filter: { nrmStage: CONCLUSIVE_GROUNDS }) { totalCount nodes { id } } }`,
    secrets: [id('case:safe-passage')],
    denied: FI,
    expect: { refused: true },
    controls: ['safe-passage', 'met-police'],
  },
  ...(['NRM_STAGE', 'REFERENCE'] as const).map((field): Probe => ({
    via: `cases(orderBy: ${field})`,
    query: `{ cases(orderBy: { field: ${field} }) { totalCount nodes { id } } }`,
    secrets: [id('case:iasi'), id('case:safe-passage')],
    denied: FI,
    expect: { refused: true },
    controls: ['met-police'],
  })),
  {
    via: 'entities(filter: { kind: BANK_ACCOUNT, value })',
    query: `query($v: String!) { entities(filter: { kind: BANK_ACCOUNT, value: $v }) { totalCount nodes { id maskedValue } } }`,
    variables: () => ({ v: E.ibanRo }),
    secrets: [id('entity:s1-iban-ro'), '••••7890'],
    denied: FI,
    expect: { refusedOrEmpty: 'entities' },
    controls: ['met-police'],
  },
  {
    via: 'entities(filter: { kind: PHONE, value })',
    query: `query($v: String!) { entities(filter: { kind: PHONE, value: $v }) { totalCount nodes { id maskedValue } } }`,
    variables: () => ({ v: E.sharedPhone }),
    secrets: [id('entity:shared-phone'), '+44•••312'],
    denied: FI,
    expect: { refusedOrEmpty: 'entities' },
    controls: ['west-midlands-police'],
  },
];

probeTable('FINANCIAL_INSTITUTION: cases and trafficking events', () => hub, caseProbes);
probeTable('FINANCIAL_INSTITUTION: persons', () => hub, personProbes);
probeTable('FINANCIAL_INSTITUTION: narratives', () => hub, narrativeProbes);
probeTable('FINANCIAL_INSTITUTION: transaction reports', () => hub, reportProbes);
probeTable('FINANCIAL_INSTITUTION: entities, observations, links', () => hub, entityProbes);
probeTable('FINANCIAL_INSTITUTION: typologies', () => hub, typologyProbes);
probeTable('FINANCIAL_INSTITUTION: filters and sorts on denied fields', () => hub, filterProbes);

describe('FINANCIAL_INSTITUTION: what the bank may read (the positive side of the rules above)', () => {
  test("a suspect's name, when the suspect holds an account the bank reported, through every path", async () => {
    for (const persona of ALBION) {
      const direct = await hub.gql<{ person: { fullName: string; role: string } }>(persona, Q.PERSON, { id: id('person:midlands:S1') });
      expect(direct.data?.person.fullName).toBe(M.s1Name);
      expect(direct.data?.person.role).toBe('SUSPECT');
      const nested = await hub.gql<{ case: { persons: Array<{ id: string; fullName: string }> } }>(persona, Q.CASE_PERSONS, { id: id('case:midlands') });
      expect(nested.data?.case.persons.map((p) => [p.id, p.fullName])).toEqual([[id('person:midlands:S1'), M.s1Name]]);
    }
  });

  test('the full value of an account in its own report, masked elsewhere', async () => {
    const r = await hub.gql<{ a: { value: string }; b: { value: null; maskedValue: string } }>(
      'albion-bank',
      `query($a: ID!, $b: ID!) { a: entity(id: $a) { value } b: entity(id: $b) { value maskedValue } }`,
      { a: id('entity:s1-iban-gb'), b: id('entity:s1-iban-ro') },
    );
    expect(r.data?.a.value).toBe(E.ibanGb);
    expect(r.data?.b.value).toBeNull();
    expect(r.data?.b.maskedValue).toBe(`••••${E.ibanRo.slice(-4)}`);
  });
});

describe('FINANCIAL_INSTITUTION: naming an account in a report reveals nothing about statements that do not reach the bank', () => {
  // Runs last in this file: Banca Carpați's report makes the account reach it through its own statement.
  const SECRETS = [
    'Account receiving the earnings', // the Met's AMBER statement about the account
    'Fixture: S1 pays the Leicester rent from this account', // the Midlands AMBER statement
    SECRET.report.reason, // Albion's AMBER report naming the same account
    L.s1Name,
    L.s1Dob,
    '2025-11-03',
  ];
  const ACCOUNT = `account { id value firstSeenAt observations { note sourceId } cases { id summary } links { kind fromPerson { fullName dateOfBirth } } }`;

  test('Banca Carpați reports the account that Albion reported and two forces linked to their suspect', async () => {
    const r = await hub.gql<{ submitTransactionReport: { parties: Array<{ account: { id: string; value: string } }> } }>(
      'banca-carpati',
      `mutation($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { id parties { name ${ACCOUNT} } } }`,
      {
        input: {
          handling: { marking: 'AMBER', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'C', handlingCode: 'P' },
          reportCode: 'STR',
          reason: 'Probe: incoming transfers from a UK account',
          parties: [{ name: 'Probe counterparty', significance: 'COUNTERPARTY', account: { kind: 'BANK_ACCOUNT', value: E.ibanGb } }],
          idempotencyKey: 'leak-probe-banca-iban-gb',
        },
      },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.submitTransactionReport.parties[0]!.account.id).toBe(id('entity:s1-iban-gb'));
    const leaked = [...SECRETS, id('case:lanterna'), id('case:midlands'), id('report:popescu-str')].filter((s) => JSON.stringify(r).includes(s));
    if (leaked.length)
      throw new Error(`LEAK: banca-carpati read ${JSON.stringify(leaked)} via submitTransactionReport { parties { account } }\n${JSON.stringify(r)}`);
  });

  test('nor afterwards, through the entity or the suspects who hold the account', async () => {
    const r = await hub.gql(
      'banca-carpati',
      `query($e: ID!, $a: ID!, $b: ID!) { entity(id: $e) { id value firstSeenAt observations { note sourceId } cases { id summary } links { kind } }
        a: person(id: $a) { fullName role } b: person(id: $b) { fullName role } }`,
      { e: id('entity:s1-iban-gb'), a: id('person:lanterna:S1'), b: id('person:midlands:S1') },
    );
    const leaked = [...SECRETS, id('case:lanterna'), id('case:midlands'), id('report:popescu-str')].filter((s) => JSON.stringify(r).includes(s));
    if (leaked.length)
      throw new Error(`LEAK: banca-carpati read ${JSON.stringify(leaked)} via entity / person after reporting the account\n${JSON.stringify(r)}`);
    expect((r.data as { a: unknown; b: unknown }).a).toBeNull();
    expect((r.data as { a: unknown; b: unknown }).b).toBeNull();
  });

  test('control: the Met reads its statement, the case and the suspect through the same entity query', async () => {
    const r = await hub.gql(
      'met-police',
      `query($e: ID!) { entity(id: $e) { id value firstSeenAt observations { note sourceId } cases { id summary } links { kind fromPerson { fullName } } } }`,
      {
        e: id('entity:s1-iban-gb'),
      },
    );
    for (const s of ['Account receiving the earnings', L.s1Name, id('case:lanterna'), id('report:popescu-str')]) expect(JSON.stringify(r)).toContain(s);
  });
});
