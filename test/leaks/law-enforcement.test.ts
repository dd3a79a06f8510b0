import { startTestHub, type TestHub } from '../support/hub';
import * as Q from './queries';
import { FIXTURE, fixtureNoConsentNarrative, id, LE, LEAK_PURPOSE, leakedSecrets, type Probe, probeTable, SECRET, sortTable } from './support';

// Starting a hub and its fixtures can take longer than Jest's default 5 s.
jest.setTimeout(120_000);

/**
 * LAW_ENFORCEMENT (met-police; west-midlands-police, owner of the Midlands AMBER case shared with the
 * partnership; politia-romana, with whom the Met shared Lanterna): never another agency's victim
 * identity (grants: see grants-and-red.test.ts), never narrative text without the survivor's consent
 * to law enforcement, never AMBER records not shared with it, never another agency's AMBER_STRICT.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
  await fixtureNoConsentNarrative(hub);
});
afterAll(() => hub.stop());

const L = SECRET.lanterna;
const M = SECRET.midlands;
const I = SECRET.iasi;
const SP = SECRET.safePassage;
const ST = SECRET.strict;
const E = SECRET.entity;
const N = SECRET.narrative;
const MET = ['met-police', 'met-police:VIEWER'];
const WMP = ['west-midlands-police', 'west-midlands-police:VIEWER'];
const POLITIA = ['politia-romana', 'politia-romana:SUPERVISOR'];
const vars = (key: string) => () => ({ id: id(key) });
const IDENTITY = (prefix: string) => ['fullName', 'dateOfBirth', 'contact', 'documents'].map((f) => `${prefix}.${f}`);

const victimProbes: Probe[] = [
  {
    via: "case { persons } — the Romanian police's victim",
    query: Q.CASE_PERSONS,
    variables: vars('case:iasi'),
    secrets: [I.v1Name, I.v1Dob],
    denied: [...MET, ...WMP],
    expect: { forbidden: IDENTITY('case.persons.*[role=VICTIM]') },
    controls: ['politia-romana'],
  },
  {
    via: "case { persons } — the NGO's survivor",
    query: Q.CASE_PERSONS,
    variables: vars('case:safe-passage'),
    secrets: [SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: [...MET, ...WMP, ...POLITIA],
    expect: { forbidden: IDENTITY('case.persons.*') },
    controls: ['safe-passage'],
  },
  {
    via: "case { persons } — the Met's victims in the case it shared with the Romanian police",
    query: Q.CASE_PERSONS,
    variables: vars('case:lanterna'),
    secrets: [L.v1Name, L.v1Dob, L.v1Contact, L.v1Documents, L.v2Name, L.v2Dob],
    denied: POLITIA,
    expect: { forbidden: IDENTITY('case.persons.*[role=VICTIM]') },
    controls: ['met-police', 'met-police:VIEWER'],
  },
  {
    via: "person(id) — another force's victim",
    query: `query($a: ID!, $b: ID!) { a: person(id: $a) { fullName dateOfBirth contact documents } b: person(id: $b) { fullName dateOfBirth contact documents } }`,
    variables: () => ({ a: id('person:lanterna:V1'), b: id('person:lanterna:V2') }),
    secrets: [L.v1Name, L.v1Dob, L.v1Contact, L.v1Documents, L.v2Name, L.v2Dob],
    denied: POLITIA,
    expect: { forbidden: [...IDENTITY('a'), ...IDENTITY('b')] },
    controls: ['met-police'],
  },
  {
    via: 'person(id) — victims of the Romanian police and of the NGO',
    query: `query($a: ID!, $b: ID!) { a: person(id: $a) { fullName dateOfBirth contact documents } b: person(id: $b) { fullName dateOfBirth contact documents } }`,
    variables: () => ({ a: id('person:iasi:V1'), b: id('person:safe-passage:V1') }),
    secrets: [I.v1Name, I.v1Dob, SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: [...MET, ...WMP],
    expect: { forbidden: [...IDENTITY('a'), ...IDENTITY('b')] },
    controls: [
      { persona: 'politia-romana', sees: [I.v1Name, I.v1Dob] },
      { persona: 'safe-passage', sees: [SP.v1Name, SP.v1Dob, SP.v1Contact] },
    ],
  },
  {
    via: 'persons list',
    query: Q.PERSONS_LIST,
    secrets: [I.v1Name, I.v1Dob, SP.v1Name, SP.v1Dob, SP.v1Contact, M.v1Name, M.v1Dob],
    denied: MET,
    expect: {},
    controls: [
      { persona: 'politia-romana', sees: [I.v1Name, I.v1Dob] },
      { persona: 'safe-passage', sees: [SP.v1Name, SP.v1Dob, SP.v1Contact] },
      { persona: 'west-midlands-police', sees: [M.v1Name, M.v1Dob] },
    ],
  },
  {
    via: 'persons list (Romanian police)',
    query: Q.PERSONS_LIST,
    secrets: [L.v1Name, L.v1Dob, L.v1Contact, L.v2Name, SP.v1Name, M.v1Name, ST.s1Name],
    denied: POLITIA,
    expect: {},
    controls: [
      { persona: 'met-police', sees: [L.v1Name, L.v1Dob, L.v1Contact, L.v2Name, ST.s1Name] },
      { persona: 'west-midlands-police', sees: [M.v1Name] },
    ],
  },
  {
    via: 'link(id) { toPerson } — a link from a suspect to a victim',
    query: Q.LINK,
    variables: vars('link:lanterna:s1-recruited-v1'),
    secrets: [L.v1Name, L.v1Dob],
    denied: POLITIA,
    expect: { forbidden: ['link.toPerson.fullName', 'link.toPerson.dateOfBirth'] },
    controls: ['met-police'],
  },
  {
    via: 'narrative { case { persons } } (narratives → cases)',
    query: Q.NARRATIVE_CASE,
    variables: vars('narrative:safe-passage-en'),
    secrets: [SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: LE,
    expect: { forbidden: IDENTITY('narrative.case.persons.*') },
    controls: ['safe-passage'],
  },
];

const reachProbes: Probe[] = [
  {
    via: 'case(id) — AMBER case not shared with this force',
    query: `query($id: ID!) { case(id: $id) { id reference summary persons { fullName } events { description } } }`,
    variables: vars('case:lanterna'),
    secrets: [L.summary, L.reference, L.v1Name, L.s2Name, L.eventDescription],
    denied: WMP,
    expect: { notFound: ['case'] },
    controls: ['met-police', { persona: 'politia-romana', sees: [L.summary, L.reference, L.s2Name, L.eventDescription] }],
  },
  {
    via: 'case(id) — the Midlands AMBER case, shared with a partnership this force is not in',
    query: `query($id: ID!) { case(id: $id) { id reference summary persons { fullName } events { description } } }`,
    variables: vars('case:midlands'),
    secrets: [M.summary, M.reference, M.v1Name, M.eventDescription],
    denied: [...MET, ...POLITIA],
    expect: { notFound: ['case'] },
    controls: ['west-midlands-police', { persona: 'safe-passage', sees: [M.summary, M.reference, M.eventDescription] }],
  },
  {
    via: "case(id) — another force's AMBER_STRICT case",
    query: `query($id: ID!) { case(id: $id) { id reference summary handlingConditions persons { fullName dateOfBirth } events { description } } }`,
    variables: vars('case:strict'),
    secrets: [ST.summary, ST.reference, ST.conditions, ST.s1Name, ST.s1Dob, 'Source meeting'],
    denied: [...WMP, ...POLITIA],
    expect: { notFound: ['case'] },
    controls: ['met-police', 'met-police:VIEWER'],
  },
  {
    via: 'cases list (Met)',
    query: Q.CASES_LIST,
    secrets: [M.summary, M.reference],
    denied: MET,
    expect: {},
    controls: ['west-midlands-police'],
  },
  {
    via: 'cases list (Romanian police)',
    query: Q.CASES_LIST,
    secrets: [ST.summary, ST.reference, ST.conditions, M.summary, M.reference],
    denied: POLITIA,
    expect: {},
    controls: [
      { persona: 'met-police', sees: [ST.summary, ST.reference, ST.conditions] },
      { persona: 'west-midlands-police', sees: [M.summary, M.reference] },
    ],
  },
  {
    via: 'cases list (West Midlands)',
    query: Q.CASES_LIST,
    secrets: [ST.summary, ST.reference, L.summary, L.reference],
    denied: WMP,
    expect: {},
    controls: ['met-police'],
  },
  {
    via: 'person(id) — suspects of AMBER and AMBER_STRICT cases not shared',
    query: `query($a: ID!, $b: ID!) { a: person(id: $a) { fullName dateOfBirth contact } b: person(id: $b) { fullName dateOfBirth } }`,
    variables: () => ({ a: id('person:lanterna:S2'), b: id('person:strict:S1') }),
    secrets: [L.s2Name, L.s2Dob, ST.s1Name, ST.s1Dob],
    denied: WMP,
    expect: { notFound: ['a', 'b'] },
    controls: ['met-police'],
  },
  {
    via: 'traffickingEvent(id) { description location } — AMBER / AMBER_STRICT events',
    query: `query($a: ID!, $b: ID!) { a: traffickingEvent(id: $a) { description location { name } } b: traffickingEvent(id: $b) { description location { name } } }`,
    variables: () => ({ a: id('event:lanterna:4'), b: id('event:strict:1') }),
    secrets: [L.eventDescription, 'Source meeting'],
    denied: WMP,
    expect: { notFound: ['a', 'b'] },
    controls: ['met-police'],
  },
  {
    via: 'traffickingEvent(id) — the Midlands AMBER event',
    query: Q.EVENT,
    variables: vars('event:midlands:3'),
    secrets: [M.eventDescription],
    denied: [...MET, ...POLITIA],
    expect: { notFound: ['traffickingEvent'] },
    controls: ['west-midlands-police'],
  },
  {
    via: "transactionReport(id) — a bank's AMBER report shared with two other agencies",
    query: Q.REPORT,
    variables: vars('report:popescu-str'),
    secrets: [SECRET.report.reason, E.ibanGb],
    denied: WMP,
    expect: { notFound: ['transactionReport'] },
    controls: ['met-police', 'politia-romana'],
  },
  {
    via: "typology(id) — a bank's unshared AMBER typology",
    query: Q.TYPOLOGY,
    variables: vars('typology:funnel-couriers'),
    secrets: [SECRET.typology.funnelTitle, SECRET.typology.funnelPattern],
    denied: LE,
    expect: { notFound: ['typology'] },
    controls: ['banca-carpati'],
  },
  {
    via: 'entity(id) — identifiers seen only in AMBER / AMBER_STRICT cases not shared',
    query: `query($a: ID!, $b: ID!) { a: entity(id: $a) { value maskedValue } b: entity(id: $b) { value maskedValue } }`,
    variables: () => ({ a: id('entity:advert'), b: id('entity:covert-phone') }),
    secrets: [E.advert, ST.covertPhone, '+44•••555'],
    denied: WMP,
    expect: { notFound: ['a', 'b'] },
    controls: ['met-police'],
  },
  {
    via: "entity(id) — the Met's covert handset",
    query: `query($id: ID!) { entity(id: $id) { value maskedValue firstSeenAt observations { note } } }`,
    variables: vars('entity:covert-phone'),
    secrets: [ST.covertPhone, '+44•••555', ST.covertPhoneNote],
    denied: POLITIA,
    expect: { notFound: ['entity'] },
    controls: ['met-police'],
  },
  {
    via: 'entity { observations cases links } — a phone the Met, the Midlands and a covert source all saw (West Midlands)',
    query: Q.ENTITY_RELATIONS,
    variables: vars('entity:shared-phone'),
    secrets: [L.phoneNote, ST.phoneNote, L.summary, L.reference, ST.summary, ST.reference, id('case:lanterna'), id('case:strict')],
    denied: WMP,
    expect: {},
    controls: ['met-police'],
  },
  {
    via: 'entity { observations cases links } — a phone the Met, the Midlands and a covert source all saw (Romanian police)',
    query: Q.ENTITY_RELATIONS,
    variables: vars('entity:shared-phone'),
    secrets: [M.phoneNote, ST.phoneNote, M.summary, ST.summary, id('case:midlands'), id('case:strict')],
    denied: POLITIA,
    expect: {},
    controls: [
      { persona: 'west-midlands-police', sees: [M.phoneNote, M.summary, id('case:midlands')] },
      { persona: 'met-police', sees: [ST.phoneNote, ST.summary, id('case:strict')] },
    ],
  },
  {
    via: 'entity { observations cases links } — a phone the Met, the Midlands and a covert source all saw (Met)',
    query: Q.ENTITY_RELATIONS,
    variables: vars('entity:shared-phone'),
    secrets: [M.phoneNote, M.summary, M.reference, id('case:midlands')],
    denied: MET,
    expect: {},
    controls: ['west-midlands-police'],
  },
  {
    via: "entity { observations cases links } — S1's Romanian phone (Met)",
    query: Q.ENTITY_RELATIONS,
    variables: vars('entity:s1-phone-ro'),
    secrets: [M.s1PhoneNote, M.summary, M.reference, id('case:midlands')],
    denied: [...MET, ...POLITIA],
    expect: {},
    controls: ['west-midlands-police'],
  },
  {
    via: "entity { observations cases links } — S1's Romanian phone (West Midlands)",
    query: Q.ENTITY_RELATIONS,
    variables: vars('entity:s1-phone-ro'),
    secrets: [L.summary, L.reference, "S1's Romanian mobile"],
    denied: WMP,
    expect: {},
    controls: ['met-police', 'politia-romana'],
  },
  {
    via: "observation(id) — another force's AMBER_STRICT statement",
    query: Q.OBSERVATION,
    variables: vars('observation:strict:shared-phone'),
    secrets: [ST.phoneNote],
    denied: [...WMP, ...POLITIA],
    expect: { notFound: ['observation'] },
    controls: ['met-police'],
  },
  {
    via: 'observation(id) — the Midlands AMBER statement',
    query: Q.OBSERVATION,
    variables: vars('observation:midlands:shared-phone'),
    secrets: [M.phoneNote],
    denied: [...MET, ...POLITIA],
    expect: { notFound: ['observation'] },
    controls: ['west-midlands-police'],
  },
  {
    via: 'link(id) — AMBER link not shared',
    query: Q.LINK,
    variables: vars('link:lanterna:s1-recruited-v1'),
    secrets: [L.v1Name, L.s1Dob],
    denied: WMP,
    expect: { notFound: ['link'] },
    controls: ['met-police'],
  },
];

const narrativeProbes: Probe[] = [
  {
    via: 'narrative(id) — survivor did not consent to law enforcement',
    query: Q.NARRATIVE,
    variables: vars('narrative:safe-passage-ro'),
    secrets: [N.ro],
    denied: LE,
    expect: { forbidden: ['narrative.text'] },
    controls: ['safe-passage', 'tessera-hub'],
  },
  {
    via: 'narrative(id) — survivor consented to nobody',
    query: Q.NARRATIVE,
    variables: vars('narrative:no-consent'),
    secrets: [FIXTURE.noConsentNarrative],
    denied: LE,
    expect: { forbidden: ['narrative.text'] },
    controls: ['safe-passage'],
  },
  {
    via: 'narratives list',
    query: Q.NARRATIVES_LIST,
    secrets: [N.ro, FIXTURE.noConsentNarrative],
    denied: LE,
    expect: {},
    controls: ['safe-passage'],
  },
  {
    via: 'case { narratives { text } } (cases → narratives)',
    query: Q.CASE_NARRATIVES,
    variables: vars('case:safe-passage'),
    secrets: [N.ro, FIXTURE.noConsentNarrative],
    denied: LE,
    expect: {},
    controls: ['safe-passage'],
  },
  {
    via: 'narratives(caseId) filter',
    query: `query($id: ID!) { narratives(caseId: $id) { totalCount nodes { text } } }`,
    variables: vars('case:safe-passage'),
    secrets: [N.ro, FIXTURE.noConsentNarrative],
    denied: LE,
    expect: { equals: { 'narratives.totalCount': 3 } },
    controls: ['safe-passage'],
  },
];

const filterProbes: Probe[] = [
  {
    via: "persons(filter: { fullNameContains }) — another force's victim",
    query: `{ persons(filter: { fullNameContains: "Andreea" }) { totalCount nodes { id } } }`,
    secrets: [id('person:iasi:V1')],
    denied: [...MET, ...WMP],
    expect: { refusedOrEmpty: 'persons' },
    controls: ['politia-romana'],
  },
  {
    via: 'persons(filter: { fullNameContains }) — a victim of a case shared with this force',
    query: `{ persons(filter: { fullNameContains: "Elena" }) { totalCount nodes { id } } }`,
    secrets: [id('person:lanterna:V1')],
    denied: [...WMP, ...POLITIA],
    expect: { refusedOrEmpty: 'persons' },
    controls: ['met-police'],
  },
  {
    via: 'persons(filter: { fullNameContains }) — the AMBER_STRICT suspect',
    query: `{ persons(filter: { fullNameContains: "Whitfield" }) { totalCount nodes { id } } }`,
    secrets: [id('person:strict:S1')],
    denied: [...WMP, ...POLITIA],
    expect: { refusedOrEmpty: 'persons' },
    controls: ['met-police'],
  },
  {
    via: "persons(filter: { dateOfBirth }) — the NGO's survivor",
    query: `{ persons(filter: { dateOfBirth: "2003-07-27" }) { totalCount nodes { id } } }`,
    secrets: [id('person:safe-passage:V1')],
    denied: LE,
    expect: { refusedOrEmpty: 'persons' },
    controls: ['safe-passage'],
  },
  {
    via: 'persons(filter: { caseId }) of an AMBER case not shared',
    query: `query($id: ID!) { persons(filter: { caseId: $id }) { totalCount nodes { id } } }`,
    variables: vars('case:lanterna'),
    secrets: [id('person:lanterna:V1'), id('person:lanterna:S1')],
    denied: WMP,
    expect: { refusedOrEmpty: 'persons' },
    controls: ['met-police', 'politia-romana'],
  },
  {
    via: 'persons(filter: { caseId }) of an AMBER_STRICT case',
    query: `query($id: ID!) { persons(filter: { caseId: $id }) { totalCount nodes { id } } }`,
    variables: vars('case:strict'),
    secrets: [id('person:strict:S1')],
    denied: [...WMP, ...POLITIA],
    expect: { refusedOrEmpty: 'persons' },
    controls: ['met-police'],
  },
  {
    via: 'cases(filter: { summaryContains }) — words of an AMBER_STRICT summary',
    query: `{ cases(filter: { summaryContains: "Covert source" }) { totalCount nodes { id } } }`,
    secrets: [id('case:strict')],
    denied: [...WMP, ...POLITIA],
    expect: { refusedOrEmpty: 'cases' },
    controls: ['met-police'],
  },
  {
    via: 'cases(filter: { reference }) — an AMBER case not shared',
    query: `{ cases(filter: { reference: "WMP-2026-1187" }) { totalCount nodes { id } } }`,
    secrets: [id('case:midlands')],
    denied: [...MET, ...POLITIA],
    expect: { refusedOrEmpty: 'cases' },
    controls: ['west-midlands-police'],
  },
  {
    via: "cases(filter: { ownerAgencyId }) — the Met's cases",
    query: `query($o: ID!) { cases(filter: { ownerAgencyId: $o }) { totalCount nodes { id } } }`,
    variables: () => ({ o: hubAgency('met-police') }),
    secrets: [id('case:strict'), id('case:lanterna')],
    denied: WMP,
    expect: { refusedOrEmpty: 'cases' },
    controls: ['met-police'],
  },
  {
    via: "cases(filter: { ownerAgencyId }) — the Met's cases, one shared",
    query: `query($o: ID!) { cases(filter: { ownerAgencyId: $o }) { totalCount nodes { id } } }`,
    variables: () => ({ o: hubAgency('met-police') }),
    secrets: [id('case:strict')],
    denied: POLITIA,
    expect: { equals: { 'cases.totalCount': 1 } },
    controls: ['met-police'],
  },
  {
    via: 'entities(filter: { kind: PHONE, value }) — the covert handset',
    query: `query($v: String!) { entities(filter: { kind: PHONE, value: $v }) { totalCount nodes { id maskedValue } } }`,
    variables: () => ({ v: ST.covertPhone }),
    secrets: [id('entity:covert-phone'), '+44•••555'],
    denied: [...WMP, ...POLITIA],
    expect: { refusedOrEmpty: 'entities' },
    controls: ['met-police'],
  },
];

function hubAgency(slug: string): string {
  return hub.demo.agencies[slug]!.id;
}

probeTable("LAW_ENFORCEMENT: other agencies' victims", () => hub, victimProbes);
probeTable('LAW_ENFORCEMENT: records that do not reach the force (AMBER not shared, AMBER_STRICT)', () => hub, reachProbes);
probeTable('LAW_ENFORCEMENT: narrative text without consent', () => hub, narrativeProbes);
probeTable('LAW_ENFORCEMENT: filters on denied fields and unreached records', () => hub, filterProbes);
sortTable('LAW_ENFORCEMENT: sorts on denied fields', () => hub, [
  { persona: 'met-police', connection: 'persons', field: 'FULL_NAME', hidden: ['person:iasi:V1', 'person:safe-passage:V1'] },
  { persona: 'met-police:VIEWER', connection: 'persons', field: 'DATE_OF_BIRTH', hidden: ['person:iasi:V1', 'person:safe-passage:V1'] },
  { persona: 'west-midlands-police', connection: 'persons', field: 'FULL_NAME', hidden: ['person:iasi:V1', 'person:safe-passage:V1'] },
  { persona: 'politia-romana', connection: 'persons', field: 'FULL_NAME', hidden: ['person:lanterna:V1', 'person:lanterna:V2'] },
  { persona: 'politia-romana', connection: 'persons', field: 'DATE_OF_BIRTH', hidden: ['person:lanterna:V1', 'person:lanterna:V2'] },
]);

/**
 * Derived values must not carry what the sources do not let through: an entity's first-seen date
 * is the date of its earliest observation, which may be another agency's AMBER or AMBER_STRICT
 * statement that does not reach the caller.
 */
probeTable('LAW_ENFORCEMENT: dates derived from statements that do not reach the force', () => hub, [
  {
    via: 'entity { firstSeenAt } — first seen in the Midlands AMBER case',
    query: `query($id: ID!) { entity(id: $id) { firstSeenAt observations { observedAt } } }`,
    variables: vars('entity:shared-phone'),
    secrets: ['2025-07-05'],
    denied: [...MET, ...POLITIA],
    expect: {},
    controls: ['west-midlands-police', 'albion-bank'],
  },
]);

describe('LAW_ENFORCEMENT: naming an identifier reveals nothing about AMBER_STRICT statements about it', () => {
  // Runs last in this file: it makes the covert handset reach every member through a GREEN statement.
  const QUERY = `query($id: ID!) { entity(id: $id) { id value firstSeenAt observations { note observedAt } cases { id summary } links { kind } } }`;
  test('the Romanian police add the covert handset to their GREEN case', async () => {
    const r = await hub.gql<{ addCaseEntity: { entity: { id: string } } }>(
      'politia-romana',
      `mutation($caseId: ID!, $input: AddCaseEntityInput!) {
        addCaseEntity(caseId: $caseId, input: $input) { id note entity { id value firstSeenAt observations { note observedAt } cases { id summary } } }
      }`,
      { caseId: id('case:iasi'), input: { kind: 'PHONE', value: ST.covertPhone, note: 'Number given to a recruit in Brașov' } },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.addCaseEntity.entity.id).toBe(id('entity:covert-phone'));
    const leaked = leakedSecrets(r, [ST.observedOn, ST.phoneNote, ST.covertPhoneNote, ST.summary, id('case:strict')]);
    if (leaked.length) throw new Error(`LEAK: politia-romana read ${JSON.stringify(leaked)} via addCaseEntity { entity }\nresponse: ${JSON.stringify(r)}`);
  });

  test.each(['politia-romana', 'west-midlands-police', 'lumina-ro', 'albion-bank', 'tessera-hub'])(
    '%s reads the now-GREEN entity without the covert date',
    async (persona) => {
      const r = await hub.gql(persona, QUERY, { id: id('entity:covert-phone') });
      const leaked = leakedSecrets(r, [ST.observedOn, ST.phoneNote, ST.covertPhoneNote, ST.summary, id('case:strict')]);
      if (leaked.length)
        throw new Error(`LEAK: ${persona} read ${JSON.stringify(leaked)} via entity { firstSeenAt observations cases }\nresponse: ${JSON.stringify(r)}`);
    },
  );

  test('control: the Met reads its covert statement and date through the same query', async () => {
    const r = await hub.gql('met-police', QUERY, { id: id('entity:covert-phone') });
    expect(leakedSecrets(r, [ST.observedOn, ST.covertPhoneNote, ST.summary])).toEqual([ST.observedOn, ST.covertPhoneNote, ST.summary]);
  });
});

describe('LAW_ENFORCEMENT: what a force may read (the positive side of the rules above)', () => {
  test('its own victims, suspects everywhere it is reached, and narratives consented to law enforcement', async () => {
    const r = await hub.gql<{ a: { fullName: string }; b: { fullName: string }; n: { text: string } }>(
      'politia-romana:VIEWER',
      `query($a: ID!, $b: ID!, $n: ID!) { a: person(id: $a) { fullName } b: person(id: $b) { fullName } n: narrative(id: $n) { text } }`,
      { a: id('person:iasi:V1'), b: id('person:lanterna:S1'), n: id('narrative:safe-passage-en') },
      { purpose: LEAK_PURPOSE },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.a.fullName).toBe(I.v1Name);
    expect(r.data?.b.fullName).toBe(L.s1Name);
    expect(r.data?.n.text).toContain(N.en);
  });
});
