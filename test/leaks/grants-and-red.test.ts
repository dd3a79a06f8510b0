import { startTestHub, type TestHub } from '../support/hub';
import * as Q from './queries';
import { agencyId, FIXTURE, id, LEAK_PURPOSE, type Probe, probeTable, SECRET, setId, userId } from './support';

// Starting a hub and its fixtures can take longer than Jest's default 5 s.
jest.setTimeout(120_000);

/**
 * Layer 3 (grants) and RED. A grant lets one agency reach one record until it expires or is revoked;
 * it never lifts the agency-type rules (a bank never reads a victim, granted or not), never opens
 * the records around the granted one, and never reaches a RED record, which only its named users see.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
  const grant = async (record: string, grantee: string, opts: { expired?: boolean; revoked?: boolean } = {}) => {
    await hub.db.query(
      `INSERT INTO cases.grants (record_id, grantee_agency_id, granted_by_user_id, purpose, expires_at, revoked_at)
       VALUES ($1, $2, $3, 'leak test', now() + ($4::text)::interval, CASE WHEN $5 THEN now() - interval '1 minute' END)`,
      [id(record), agencyId(grantee), userId('met-police'), opts.expired ? '-1 hour' : '1 day', !!opts.revoked],
    );
  };
  await grant('person:lanterna:V1', 'west-midlands-police');
  await grant('person:lanterna:V2', 'west-midlands-police', { expired: true });
  await grant('person:lanterna:V2', 'politia-romana', { revoked: true });
  await grant('case:midlands', 'met-police');
  await grant('person:iasi:V1', 'albion-bank');
  await grant('person:iasi:V1', 'tessera-hub');
  await grant('person:safe-passage:V1', 'lumina-ro');

  // A RED case of the Met whose only named recipient is the Met's supervisor (and its contributor).
  const r = await hub.gql<{ openCase: { id: string; persons: Array<{ id: string }> } }>(
    'met-police',
    `mutation($input: OpenCaseInput!) { openCase(input: $input) { id persons { id } } }`,
    {
      input: {
        handling: {
          marking: 'RED',
          sourceEvaluation: 'RELIABLE',
          intelligenceAssessment: 'A',
          handlingCode: 'P',
          redRecipientUserIds: [userId('met-police:SUPERVISOR')],
        },
        reference: FIXTURE.redCase.reference,
        summary: FIXTURE.redCase.summary,
        exploitationTypes: ['SEXUAL'],
        periodStart: '2026-03-01',
        persons: [{ role: 'VICTIM', pseudonym: 'V1', fullName: FIXTURE.redCase.victimName, nationality: 'GB' }],
        events: [{ type: 'EXPLOITATION', occurredOn: '2026-03-02', locationId: hub.demo.locations['luton'], description: 'RED fixture event' }],
      },
    },
  );
  if (r.errors) throw new Error(JSON.stringify(r));
  setId('case:red', r.data!.openCase.id);
  setId('person:red:V1', r.data!.openCase.persons[0]!.id);
  await grant('case:red', 'west-midlands-police');
  await grant('person:red:V1', 'west-midlands-police');
  // A phone only the RED case states anything about.
  const o = await hub.gql<{ addCaseEntity: { id: string } }>(
    'met-police',
    `mutation($caseId: ID!, $input: AddCaseEntityInput!) { addCaseEntity(caseId: $caseId, input: $input) { id } }`,
    { caseId: id('case:red'), input: { kind: 'PHONE', value: RED_PHONE, note: RED_PHONE_NOTE } },
  );
  if (o.errors) throw new Error(JSON.stringify(o));
  setId('observation:red:phone', o.data!.addCaseEntity.id);
});
afterAll(() => hub.stop());

const RED_PHONE = '+447700900777';
const RED_PHONE_NOTE = 'RED fixture: the witness handset';
const L = SECRET.lanterna;
const M = SECRET.midlands;
const I = SECRET.iasi;
const SP = SECRET.safePassage;
const RED = FIXTURE.redCase;
const vars = (key: string) => () => ({ id: id(key) });
const IDENTITY = (prefix: string) => ['fullName', 'dateOfBirth', 'contact', 'documents'].map((f) => `${prefix}.${f}`);

const grantProbes: Probe[] = [
  {
    via: 'person(id) granted to West Midlands only',
    query: Q.PERSON,
    variables: vars('person:lanterna:V1'),
    secrets: [L.v1Name, L.v1Dob, L.v1Contact, L.v1Documents],
    denied: ['politia-romana'],
    expect: { forbidden: IDENTITY('person') },
    controls: ['west-midlands-police', 'west-midlands-police:VIEWER', 'met-police'],
  },
  {
    via: 'person(id) granted to West Midlands only (agencies it does not reach)',
    query: Q.PERSON,
    variables: vars('person:lanterna:V1'),
    secrets: [L.v1Name, L.v1Dob, L.v1Contact],
    denied: ['albion-bank', 'safe-passage', 'tessera-hub', 'tessera-admin'],
    expect: { notFound: ['person'] },
    controls: ['west-midlands-police'],
  },
  {
    via: 'person(id) whose grant has expired',
    query: Q.PERSON,
    variables: vars('person:lanterna:V2'),
    secrets: [L.v2Name, L.v2Dob],
    denied: ['west-midlands-police'],
    expect: { notFound: ['person'] },
    controls: ['met-police'],
  },
  {
    via: 'person(id) whose grant was revoked',
    query: Q.PERSON,
    variables: vars('person:lanterna:V2'),
    secrets: [L.v2Name, L.v2Dob],
    denied: ['politia-romana'],
    expect: { forbidden: IDENTITY('person') },
    controls: ['met-police'],
  },
  {
    via: 'case(id) around a granted person',
    query: `query($id: ID!) { case(id: $id) { id summary reference persons { fullName } events { description } } }`,
    variables: vars('case:lanterna'),
    secrets: [L.summary, L.reference, L.v2Name, L.s2Name, L.eventDescription],
    denied: ['west-midlands-police'],
    expect: { notFound: ['case'] },
    controls: ['met-police'],
  },
  {
    via: 'persons(filter: { caseId }) around a granted person',
    query: `query($id: ID!) { persons(filter: { caseId: $id }) { totalCount nodes { id fullName } } }`,
    variables: vars('case:lanterna'),
    secrets: [L.v2Name, L.s2Name, id('person:lanterna:V2'), id('person:lanterna:S1')],
    denied: ['west-midlands-police'],
    expect: { equals: { 'persons.totalCount': 1 } },
    controls: ['met-police'],
  },
  {
    via: 'case(id) granted to the Met: its persons are not',
    query: `query($id: ID!) { case(id: $id) { id persons { id fullName dateOfBirth } } }`,
    variables: vars('case:midlands'),
    secrets: [M.v1Name, M.v1Dob, id('person:midlands:V1')],
    denied: ['met-police'],
    expect: {},
    controls: ['west-midlands-police'],
  },
  {
    via: 'person(id) of a victim granted to a bank',
    query: Q.PERSON,
    variables: vars('person:iasi:V1'),
    secrets: [I.v1Name, I.v1Dob],
    denied: ['albion-bank'],
    expect: { notFound: ['person'] },
    controls: ['politia-romana'],
  },
  {
    via: 'person(id) of a victim granted to the hub',
    query: Q.PERSON,
    variables: vars('person:iasi:V1'),
    secrets: [I.v1Name, I.v1Dob],
    denied: ['tessera-hub'],
    expect: { forbidden: IDENTITY('person') },
    controls: ['politia-romana'],
  },
  {
    via: "person(id) of another NGO's survivor granted to an NGO",
    query: Q.PERSON,
    variables: vars('person:safe-passage:V1'),
    secrets: [SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: ['lumina-ro'],
    expect: { forbidden: IDENTITY('person') },
    controls: ['safe-passage'],
  },
];

const redProbes: Probe[] = [
  {
    via: 'case(id) — RED case (also granted to West Midlands)',
    query: `query($id: ID!) { case(id: $id) { id reference summary persons { fullName } events { description } } }`,
    variables: vars('case:red'),
    secrets: [RED.reference, RED.summary, RED.victimName, 'RED fixture event'],
    denied: ['met-police:VIEWER', 'west-midlands-police', 'politia-romana', 'tessera-hub', 'albion-bank', 'safe-passage'],
    expect: { notFound: ['case'] },
    controls: ['met-police', 'met-police:SUPERVISOR'],
  },
  {
    via: 'person(id) — victim of a RED case (also granted to West Midlands)',
    query: Q.PERSON,
    variables: vars('person:red:V1'),
    secrets: [RED.victimName],
    denied: ['met-police:VIEWER', 'west-midlands-police', 'politia-romana'],
    expect: { notFound: ['person'] },
    controls: ['met-police', 'met-police:SUPERVISOR'],
  },
  {
    via: 'cases and persons lists, filtered to the RED case',
    query: `{ cases(filter: { reference: "${RED.reference}" }) { totalCount nodes { id summary } } persons(filter: { nationality: "GB" }) { totalCount nodes { id fullName } } }`,
    secrets: [RED.summary, RED.victimName],
    denied: ['met-police:VIEWER', 'west-midlands-police', 'politia-romana', 'tessera-hub'],
    expect: { equals: { 'cases.totalCount': 0 } },
    controls: ['met-police', 'met-police:SUPERVISOR'],
  },
  {
    via: 'persons(filter: { fullNameContains }) — the RED victim',
    query: `{ persons(filter: { fullNameContains: "Redfixture" }) { totalCount nodes { id fullName } } }`,
    secrets: [RED.victimName],
    denied: ['met-police:VIEWER', 'west-midlands-police'],
    expect: { refusedOrEmpty: 'persons' },
    controls: ['met-police', 'met-police:SUPERVISOR'],
  },
];

const HIT_NO_HIT = `query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { kind value known holderCount contactableAgencies { id slug } } }`;

const hitNoHitProbes: Probe[] = [
  {
    via: 'hitNoHit — a phone only a RED case states anything about: its holder is never named',
    query: HIT_NO_HIT,
    variables: () => ({ ids: [{ kind: 'PHONE', value: RED_PHONE }] }),
    secrets: [agencyId('met-police'), 'met-police', RED_PHONE_NOTE, RED.summary],
    denied: ['met-police:VIEWER', 'west-midlands-police', 'politia-romana', 'albion-bank', 'safe-passage', 'tessera-hub'],
    expect: { equals: { 'hitNoHit.0.known': true } },
    controls: [],
    noControlBecause: 'hit/no-hit never names a RED holder to anyone; the next probe shows that it does name the holder of an AMBER statement',
  },
  {
    via: 'hitNoHit — identifiers of AMBER / AMBER_STRICT statements: whom to ask, never what they hold',
    query: HIT_NO_HIT,
    variables: () => ({
      ids: [
        { kind: 'PHONE', value: SECRET.strict.covertPhone },
        { kind: 'ONLINE_ADVERT', value: SECRET.entity.advert },
      ],
    }),
    secrets: [
      SECRET.strict.covertPhoneNote,
      SECRET.strict.phoneNote,
      L.advertNote,
      id('case:strict'),
      id('case:lanterna'),
      SECRET.strict.observedOn,
      '2025-10-20',
      id('entity:covert-phone'),
      id('entity:advert'),
    ],
    denied: ['west-midlands-police', 'albion-bank', 'banca-carpati', 'safe-passage', 'lumina-ro', 'tessera-hub'],
    // AMBER_STRICT keeps even the fact of holding with its owner: the covert handset is known, its holder
    // not named; the AMBER advert names the Met as the agency to ask.
    expect: {
      equals: {
        'hitNoHit.0.known': true,
        'hitNoHit.0.contactableAgencies': [],
        'hitNoHit.1.known': true,
        'hitNoHit.1.contactableAgencies.0.slug': 'met-police',
      },
    },
    controls: [],
    noControlBecause:
      'hit/no-hit returns no statement content to anyone; the expected answer (known, the Met to ask for the advert) shows the probe reached the statements',
  },
];

probeTable('grants', () => hub, grantProbes);
probeTable('hit/no-hit: whom to ask, never what they hold, never a RED holder', () => hub, hitNoHitProbes);
probeTable('RED: named users only', () => hub, redProbes);

describe('grants and RED: the positive side', () => {
  test('an active grant lets exactly its grantee read the granted victim, and a granted case reaches the grantee', async () => {
    const r = await hub.gql<{ person: { fullName: string }; case: { summary: string } }>(
      'west-midlands-police:VIEWER',
      `query($p: ID!, $c: ID!) { person(id: $p) { fullName } case(id: $c) { summary } }`,
      { p: id('person:lanterna:V1'), c: id('case:midlands') },
      { purpose: LEAK_PURPOSE },
    );
    expect(r.data?.person.fullName).toBe(L.v1Name);
    const met = await hub.gql<{ case: { summary: string } }>('met-police', `query($c: ID!) { case(id: $c) { summary } }`, { c: id('case:midlands') });
    expect(met.data?.case.summary).toContain(M.summary);
  });
});
