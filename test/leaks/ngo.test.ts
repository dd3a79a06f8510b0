import { codes, startTestHub, type TestHub } from '../support/hub';
import * as Q from './queries';
import { FIXTURE, fixtureAmberTypology, fixtureGreenReport, id, LEAK_PURPOSE, NGO, type Probe, probeTable, SECRET, sortTable } from './support';

// Starting a hub and its fixtures can take longer than Jest's default 5 s.
jest.setTimeout(120_000);

/**
 * NGO (safe-passage, which is in the Midlands partnership, and lumina-ro, which is not): never the
 * identity of another owner's victims, never suspects outside its own cases, never another NGO's
 * narrative text, never transaction reports, bank accounts masked, AMBER typologies invisible,
 * observations and links only those it contributed.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
  await fixtureGreenReport(hub);
  await fixtureAmberTypology(hub);
});
afterAll(() => hub.stop());

const L = SECRET.lanterna;
const M = SECRET.midlands;
const I = SECRET.iasi;
const SP = SECRET.safePassage;
const ST = SECRET.strict;
const E = SECRET.entity;
const N = SECRET.narrative;
const SAFE_PASSAGE = ['safe-passage', 'safe-passage:VIEWER'];
const LUMINA = ['lumina-ro', 'lumina-ro:VIEWER'];
const ALL_NGO = [...NGO, 'lumina-ro:VIEWER'];
const vars = (key: string) => () => ({ id: id(key) });
const IDENTITY = (prefix: string) => ['fullName', 'dateOfBirth', 'contact', 'documents'].map((f) => `${prefix}.${f}`);

const personProbes: Probe[] = [
  {
    via: 'case { persons } — victim and suspect of a GREEN police case',
    query: Q.CASE_PERSONS,
    variables: vars('case:iasi'),
    secrets: [I.v1Name, I.v1Dob, I.s1Name, I.s1Dob],
    denied: ALL_NGO,
    expect: { forbidden: IDENTITY('case.persons.*') },
    controls: ['politia-romana'],
  },
  {
    via: 'case { persons } — AMBER case shared with the partnership',
    query: Q.CASE_PERSONS,
    variables: vars('case:midlands'),
    secrets: [M.v1Name, M.v1Dob, M.s1Name, M.s1Dob],
    denied: SAFE_PASSAGE,
    expect: { forbidden: IDENTITY('case.persons.*') },
    controls: ['west-midlands-police'],
  },
  {
    via: 'case { persons } — AMBER case not shared with the NGO',
    query: Q.CASE_PERSONS,
    variables: vars('case:midlands'),
    secrets: [M.v1Name, M.v1Dob, M.s1Name],
    denied: LUMINA,
    expect: { notFound: ['case'] },
    controls: ['west-midlands-police'],
  },
  {
    via: "case { persons } — another NGO's survivor",
    query: Q.CASE_PERSONS,
    variables: vars('case:safe-passage'),
    secrets: [SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: LUMINA,
    expect: { forbidden: IDENTITY('case.persons.*') },
    controls: ['safe-passage', 'safe-passage:VIEWER'],
  },
  {
    via: 'case { persons } — AMBER and AMBER_STRICT cases of the Met',
    query: `query($a: ID!, $b: ID!) { a: case(id: $a) { persons { fullName dateOfBirth contact documents } } b: case(id: $b) { summary persons { fullName dateOfBirth } } }`,
    variables: () => ({ a: id('case:lanterna'), b: id('case:strict') }),
    secrets: [L.v1Name, L.v1Dob, L.v1Contact, L.v1Documents, L.v2Name, L.s1Dob, L.s2Name, ST.s1Name, ST.summary],
    denied: ALL_NGO,
    expect: { notFound: ['a', 'b'] },
    controls: ['met-police'],
  },
  {
    via: 'person(id) — victim of a GREEN police case',
    query: Q.PERSON,
    variables: vars('person:iasi:V1'),
    secrets: [I.v1Name, I.v1Dob],
    denied: ALL_NGO,
    expect: { forbidden: IDENTITY('person') },
    controls: ['politia-romana'],
  },
  {
    via: "person(id) — another NGO's survivor",
    query: Q.PERSON,
    variables: vars('person:safe-passage:V1'),
    secrets: [SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: LUMINA,
    expect: { forbidden: IDENTITY('person') },
    controls: ['safe-passage'],
  },
  {
    via: 'person(id) — victim of the shared AMBER case',
    query: Q.PERSON,
    variables: vars('person:midlands:V1'),
    secrets: [M.v1Name, M.v1Dob],
    denied: SAFE_PASSAGE,
    expect: { forbidden: IDENTITY('person') },
    controls: ['west-midlands-police'],
  },
  ...(
    [
      ['iasi:S1', 'politia-romana', [I.s1Name, I.s1Dob]],
      ['midlands:S1', 'west-midlands-police', [M.s1Name, M.s1Dob]],
      ['lanterna:S1', 'met-police', [L.s1Name, L.s1Dob]],
      ['strict:S1', 'met-police', [ST.s1Name, ST.s1Dob]],
    ] as const
  ).map(([key, owner, secrets]): Probe => ({
    via: `person(id) — suspect ${key} of another agency's case`,
    query: Q.PERSON,
    variables: vars(`person:${key}`),
    secrets: [...secrets],
    denied: ALL_NGO,
    expect: { notFound: ['person'] },
    controls: [owner],
  })),
  {
    via: 'persons list (Safe Passage)',
    query: Q.PERSONS_LIST,
    secrets: [I.v1Name, I.v1Dob, I.s1Name, M.v1Name, M.v1Dob, M.s1Name, M.s1Dob, L.v1Name, L.v2Name, L.s2Name, ST.s1Name],
    denied: SAFE_PASSAGE,
    expect: {},
    controls: [
      { persona: 'politia-romana', sees: [I.v1Name, I.v1Dob, I.s1Name, L.s2Name] },
      { persona: 'west-midlands-police', sees: [M.v1Name, M.v1Dob, M.s1Name, M.s1Dob] },
      { persona: 'met-police', sees: [L.v1Name, L.v2Name, ST.s1Name] },
    ],
  },
  {
    via: 'persons list (Lumina)',
    query: Q.PERSONS_LIST,
    secrets: [I.v1Name, I.v1Dob, I.s1Name, SP.v1Name, SP.v1Dob, SP.v1Contact, M.v1Name, M.s1Name, L.v1Name, ST.s1Name],
    denied: LUMINA,
    expect: { forbidden: IDENTITY('persons.nodes.*') },
    controls: [
      { persona: 'politia-romana', sees: [I.v1Name, I.v1Dob, I.s1Name] },
      { persona: 'safe-passage', sees: [SP.v1Name, SP.v1Dob, SP.v1Contact] },
    ],
  },
];

const narrativeProbes: Probe[] = [
  ...(['en', 'ro'] as const).map((lang): Probe => ({
    via: `narrative(id) — another NGO's narrative (${lang})`,
    query: Q.NARRATIVE,
    variables: vars(`narrative:safe-passage-${lang}`),
    secrets: [N[lang]],
    denied: LUMINA,
    expect: { forbidden: ['narrative.text'] },
    controls: ['safe-passage', 'safe-passage:VIEWER'],
  })),
  {
    via: 'narratives list',
    query: Q.NARRATIVES_LIST,
    secrets: [N.en, N.ro],
    denied: LUMINA,
    expect: { forbidden: ['narratives.nodes.*.text'] },
    controls: ['safe-passage'],
  },
  {
    via: 'case { narratives { text } } (cases → narratives)',
    query: Q.CASE_NARRATIVES,
    variables: vars('case:safe-passage'),
    secrets: [N.en, N.ro],
    denied: LUMINA,
    expect: { forbidden: ['case.narratives.*.text'] },
    controls: ['safe-passage'],
  },
  {
    via: 'narrative { case { persons } } (narratives → cases)',
    query: Q.NARRATIVE_CASE,
    variables: vars('narrative:safe-passage-ro'),
    secrets: [SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: LUMINA,
    expect: { forbidden: IDENTITY('narrative.case.persons.*') },
    controls: ['safe-passage'],
  },
];

const reportProbes: Probe[] = [
  {
    via: 'transactionReport(id) — AMBER report',
    query: Q.REPORT,
    variables: vars('report:popescu-str'),
    secrets: [SECRET.report.reason, E.ibanGb],
    denied: ALL_NGO,
    expect: { notFound: ['transactionReport'] },
    controls: ['albion-bank', 'met-police'],
  },
  {
    via: 'transactionReport(id) — GREEN report that reaches every member',
    query: Q.REPORT,
    variables: vars('report:green-fixture'),
    secrets: [FIXTURE.greenReport.reason, FIXTURE.greenReport.party, FIXTURE.greenReport.iban],
    denied: ALL_NGO,
    expect: { notFound: ['transactionReport'] },
    controls: ['albion-bank', 'met-police', 'tessera-hub'],
  },
  {
    via: 'transactionReports list',
    query: Q.REPORTS_LIST,
    secrets: [SECRET.report.reason, FIXTURE.greenReport.reason, FIXTURE.greenReport.party, FIXTURE.greenReport.iban],
    denied: ALL_NGO,
    expect: { equals: { 'transactionReports.totalCount': 0 }, empty: ['transactionReports.nodes'] },
    controls: ['albion-bank', 'met-police'],
  },
  {
    via: 'transactionReports(filter: { indicator })',
    query: `{ transactionReports(filter: { indicator: "SHARED_BENEFICIARIES_OR_CONTACTS" }) { totalCount nodes { reason } } }`,
    secrets: [FIXTURE.greenReport.reason],
    denied: ALL_NGO,
    expect: { refusedOrEmpty: 'transactionReports' },
    controls: ['met-police'],
  },
];

const entityProbes: Probe[] = [
  {
    via: 'entity(id) — bank account of a GREEN police case',
    query: Q.ENTITY,
    variables: vars('entity:s1-iban-ro'),
    secrets: [E.ibanRo],
    denied: ALL_NGO,
    expect: { forbidden: ['entity.value'] },
    controls: ['met-police', 'politia-romana'],
  },
  {
    via: "entity(id) — the account of a bank's GREEN report",
    query: Q.ENTITY,
    variables: vars('entity:green-fixture-iban'),
    secrets: [FIXTURE.greenReport.iban],
    denied: ALL_NGO,
    expect: { forbidden: ['entity.value'] },
    controls: ['albion-bank', 'met-police'],
  },
  {
    via: 'entities(filter: { kind: BANK_ACCOUNT }) — every account masked',
    query: `{ entities(filter: { kind: BANK_ACCOUNT }) { totalCount nodes { id value maskedValue } } }`,
    secrets: [E.ibanRo, FIXTURE.greenReport.iban],
    denied: ALL_NGO,
    expect: { forbidden: ['entities.nodes.*.value'] },
    controls: ['met-police'],
  },
  {
    via: 'entities(filter: { kind: BANK_ACCOUNT, value })',
    query: `query($v: String!) { entities(filter: { kind: BANK_ACCOUNT, value: $v }) { totalCount nodes { id maskedValue } } }`,
    variables: () => ({ v: E.ibanRo }),
    secrets: [id('entity:s1-iban-ro'), '••••7890'],
    denied: ALL_NGO,
    expect: { refusedOrEmpty: 'entities' },
    controls: ['met-police'],
  },
  {
    via: 'entity(id) — identifiers seen only in the AMBER / AMBER_STRICT cases of the Met',
    query: `query($a: ID!, $b: ID!) { a: entity(id: $a) { value maskedValue } b: entity(id: $b) { value maskedValue } }`,
    variables: () => ({ a: id('entity:advert'), b: id('entity:covert-phone') }),
    secrets: [E.advert, ST.covertPhone, '+44•••555'],
    denied: ALL_NGO,
    expect: { notFound: ['a', 'b'] },
    controls: ['met-police'],
  },
  {
    via: 'case { entities { observations links } } of a GREEN police case',
    query: Q.CASE_ENTITIES,
    variables: vars('case:iasi'),
    secrets: [I.emailNote, I.ibanNote, E.ibanRo, I.s1Name],
    denied: ALL_NGO,
    expect: { empty: ['case.entities'] },
    controls: ['politia-romana'],
  },
  {
    via: "case { entities { observations } } of another NGO's case",
    query: Q.CASE_ENTITIES,
    variables: vars('case:safe-passage'),
    secrets: [SP.emailNote, 'The \"boyfriend\" contacted her from this profile'],
    denied: LUMINA,
    expect: { empty: ['case.entities'] },
    controls: ['safe-passage'],
  },
  {
    via: 'entity { observations cases links } — Safe Passage sees only its own statements',
    query: Q.ENTITY_RELATIONS,
    variables: vars('entity:recruiter-email'),
    secrets: [I.emailNote, I.summary, I.reference, I.s1Name, I.s1Dob],
    denied: SAFE_PASSAGE,
    expect: { empty: ['entity.links'] },
    controls: ['politia-romana'],
  },
  {
    via: 'entity { observations cases links } — Lumina contributed nothing',
    query: Q.ENTITY_RELATIONS,
    variables: vars('entity:recruiter-email'),
    secrets: [I.emailNote, SP.emailNote, I.summary, SP.summary, I.s1Name, I.s1Dob],
    denied: LUMINA,
    expect: { empty: ['entity.observations', 'entity.cases', 'entity.links'] },
    controls: ['politia-romana'],
  },
  {
    via: 'observation(id) — a police statement',
    query: Q.OBSERVATION,
    variables: vars('observation:iasi:recruiter-email'),
    secrets: [I.emailNote],
    denied: ALL_NGO,
    expect: { notFound: ['observation'] },
    controls: ['politia-romana'],
  },
  {
    via: "observation(id) — another NGO's statement",
    query: Q.OBSERVATION,
    variables: vars('observation:safe-passage:recruiter-email'),
    secrets: [SP.emailNote],
    denied: LUMINA,
    expect: { notFound: ['observation'] },
    controls: ['safe-passage', 'met-police'],
  },
  {
    via: 'link(id) { fromPerson { fullName } } — police link to their suspect',
    query: Q.LINK,
    variables: vars('link:iasi:s1-uses-email'),
    secrets: [I.s1Name, I.s1Dob],
    denied: ALL_NGO,
    expect: { notFound: ['link'] },
    controls: ['politia-romana'],
  },
  {
    via: 'link(id) in the shared AMBER case',
    query: Q.LINK,
    variables: vars('link:midlands:s1-controls-car-wash'),
    secrets: [M.s1Name, M.s1Dob],
    denied: ALL_NGO,
    expect: { notFound: ['link'] },
    controls: ['west-midlands-police'],
  },
];

const typologyProbes: Probe[] = [
  {
    via: 'typology(id) — AMBER typology shared with the partnership the NGO is in',
    query: Q.TYPOLOGY,
    variables: vars('typology:amber-fixture'),
    secrets: [FIXTURE.amberTypology.title, FIXTURE.amberTypology.pattern],
    denied: ALL_NGO,
    expect: { notFound: ['typology'] },
    controls: ['albion-bank', 'west-midlands-police'],
  },
  {
    via: "typology(id) — a bank's unshared AMBER typology",
    query: Q.TYPOLOGY,
    variables: vars('typology:funnel-couriers'),
    secrets: [SECRET.typology.funnelTitle, SECRET.typology.funnelPattern],
    denied: ALL_NGO,
    expect: { notFound: ['typology'] },
    controls: ['banca-carpati'],
  },
  {
    via: 'typologies list',
    query: Q.TYPOLOGIES_LIST,
    secrets: [FIXTURE.amberTypology.title, FIXTURE.amberTypology.pattern, SECRET.typology.funnelTitle],
    denied: ALL_NGO,
    expect: {},
    controls: [
      { persona: 'west-midlands-police', sees: [FIXTURE.amberTypology.title, FIXTURE.amberTypology.pattern] },
      { persona: 'banca-carpati', sees: [SECRET.typology.funnelTitle] },
    ],
  },
  {
    via: 'typologies(filter: { indicator }) that only an AMBER typology has',
    query: `{ typologies(filter: { indicator: "FRONT_BUSINESS" }) { totalCount nodes { id title } } }`,
    secrets: [FIXTURE.amberTypology.title],
    denied: ALL_NGO,
    expect: { refusedOrEmpty: 'typologies' },
    controls: ['west-midlands-police'],
  },
];

const filterProbes: Probe[] = [
  {
    via: 'persons(filter: { fullNameContains }) — a police victim',
    query: `{ persons(filter: { fullNameContains: "Andreea" }) { totalCount nodes { id } } }`,
    secrets: [id('person:iasi:V1')],
    denied: ALL_NGO,
    expect: { refusedOrEmpty: 'persons' },
    controls: ['politia-romana'],
  },
  {
    via: "persons(filter: { fullNameContains }) — another NGO's survivor",
    query: `{ persons(filter: { fullNameContains: "Bianca" }) { totalCount nodes { id } } }`,
    secrets: [id('person:safe-passage:V1')],
    denied: LUMINA,
    expect: { refusedOrEmpty: 'persons' },
    controls: ['safe-passage'],
  },
  {
    via: 'persons(filter: { dateOfBirth })',
    query: `{ persons(filter: { dateOfBirth: "1999-08-09" }) { totalCount nodes { id } } }`,
    secrets: [id('person:midlands:V1')],
    denied: ALL_NGO,
    expect: { refusedOrEmpty: 'persons' },
    controls: ['west-midlands-police'],
  },
  {
    via: 'persons(filter: { caseId }) of a case that does not reach the NGO',
    query: `query($id: ID!) { persons(filter: { caseId: $id }) { totalCount nodes { id } } }`,
    variables: vars('case:lanterna'),
    secrets: [id('person:lanterna:V1'), id('person:lanterna:S1')],
    denied: ALL_NGO,
    expect: { refusedOrEmpty: 'persons' },
    controls: ['met-police'],
  },
  {
    via: 'cases(filter: { summaryContains }) — allowed, but must not count the AMBER case',
    query: `{ cases(filter: { summaryContains: "Constan" }) { totalCount nodes { id } } }`,
    secrets: [id('case:lanterna')],
    denied: ALL_NGO,
    expect: { refusedOrEmpty: 'cases' },
    controls: ['met-police'],
  },
  {
    via: 'cases(filter: { reference }) — allowed, but must not find the AMBER_STRICT case',
    query: `{ cases(filter: { reference: "MPS-2026-0533" }) { totalCount nodes { id } } }`,
    secrets: [id('case:strict')],
    denied: ALL_NGO,
    expect: { refusedOrEmpty: 'cases' },
    controls: ['met-police'],
  },
];

probeTable('NGO: persons', () => hub, personProbes);
probeTable('NGO: narratives', () => hub, narrativeProbes);
probeTable('NGO: transaction reports', () => hub, reportProbes);
probeTable('NGO: entities, observations, links', () => hub, entityProbes);
probeTable('NGO: typologies', () => hub, typologyProbes);
probeTable('NGO: filters on denied fields', () => hub, filterProbes);
sortTable('NGO: sorts on denied fields', () => hub, [
  { persona: 'lumina-ro', connection: 'persons', field: 'FULL_NAME', hidden: ['person:iasi:V1', 'person:safe-passage:V1'] },
  { persona: 'lumina-ro', connection: 'persons', field: 'DATE_OF_BIRTH', hidden: ['person:iasi:V1', 'person:safe-passage:V1'] },
  { persona: 'safe-passage', connection: 'persons', field: 'FULL_NAME', hidden: ['person:iasi:V1', 'person:midlands:V1'] },
  { persona: 'safe-passage:VIEWER', connection: 'persons', field: 'DATE_OF_BIRTH', hidden: ['person:iasi:V1', 'person:midlands:V1'] },
]);

describe('NGO: mutation results', () => {
  test("another NGO may not withdraw a survivor's consent, and learns nothing from trying", async () => {
    const r = await hub.gql('lumina-ro', `mutation($id: ID!) { withdrawConsent(id: $id, reason: "test") { id text withdrawnAt } }`, {
      id: id('narrative:safe-passage-en'),
    });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(r.data?.withdrawConsent ?? null).toBeNull();
    expect(JSON.stringify(r)).not.toContain(N.en);
    const owner = await hub.gql<{ narrative: { text: string } }>('safe-passage', Q.NARRATIVE, { id: id('narrative:safe-passage-en') });
    expect(owner.data?.narrative.text).toContain(N.en);
  });

  test("a narrative cannot be attached to another NGO's case to read it back", async () => {
    const r = await hub.gql(
      'lumina-ro',
      `mutation($input: ContributeNarrativeInput!) { contributeNarrative(input: $input) { id case { summary persons { fullName } } } }`,
      {
        input: {
          caseId: id('case:safe-passage'),
          language: 'RO',
          text: 'probe',
          consent: { lawEnforcement: false, hub: false, recordedBy: 'probe' },
          handling: { marking: 'GREEN', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
          idempotencyKey: 'leak-probe-foreign-case',
        },
      },
    );
    expect(codes(r)).toEqual(['NOT_FOUND']);
    expect(JSON.stringify(r)).not.toContain(SP.v1Name);
  });
});

describe('NGO: what an NGO may read (the positive side of the rules above)', () => {
  test('its own survivor, its own narratives and CLEAR/GREEN typologies', async () => {
    const r = await hub.gql<{ person: { fullName: string }; narrative: { text: string }; typologies: { nodes: Array<{ marking: string }> } }>(
      'safe-passage:VIEWER',
      `query($p: ID!, $n: ID!) { person(id: $p) { fullName } narrative(id: $n) { text } typologies { nodes { marking } } }`,
      { p: id('person:safe-passage:V1'), n: id('narrative:safe-passage-ro') },
      { purpose: LEAK_PURPOSE },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.person.fullName).toBe(SP.v1Name);
    expect(r.data?.narrative.text).toContain(N.ro);
    expect(r.data?.typologies.nodes.map((t) => t.marking).sort()).toEqual(['CLEAR', 'GREEN']);
  });
});

describe('NGO: consent withdrawn', () => {
  // Runs last in this file: it erases a narrative.
  const READ = `query($id: ID!, $c: ID!) { narrative(id: $id) { text indicators withdrawnAt } narratives { nodes { text } } case(id: $c) { narratives { text } } }`;
  test('once the survivor withdraws consent, nobody reads the text through any path, the owner included', async () => {
    const vars = { id: id('narrative:safe-passage-en'), c: id('case:safe-passage') };
    const before = await hub.gql('met-police', READ, vars);
    expect(JSON.stringify(before)).toContain(N.en);
    const w = await hub.gql('safe-passage', `mutation($id: ID!) { withdrawConsent(id: $id, reason: "survivor asked") { id text withdrawnAt } }`, {
      id: vars.id,
    });
    expect(w.errors).toBeUndefined();
    for (const persona of ['met-police', 'tessera-hub', 'safe-passage', 'lumina-ro']) {
      const r = await hub.gql(persona, READ, vars);
      expect({ persona, leaked: JSON.stringify(r).includes(N.en) }).toEqual({ persona, leaked: false });
    }
  });
});
