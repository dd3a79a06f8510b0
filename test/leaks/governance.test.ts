import fs from 'node:fs';
import path from 'node:path';
import { GOVERNANCE_SUBJECTS } from '../../policies/subjects';
import { ask } from '../audit/support';
import { codes, startTestHub, type TestHub } from '../support/hub';
import { agencyId, id, type Probe, probeTable, send, setId, leakedSecrets } from './support';

// Starting a hub and its fixtures can take longer than Jest's default 5 s.
jest.setTimeout(120_000);

/**
 * Governance records are subjects like any other: an access request reaches the two agencies it is
 * between (its identifier and purpose nobody else's), its candidate records only the target; a grant
 * its grantor and grantee; a sharing group its members (and the hub's administrators); retention
 * records and reviews their agency; audit events an agency's supervisors, and everyone else only
 * the events they caused. Tried per agency type and role through queries, lists, nested selections
 * and filters; each denied persona gets NOT_FOUND, an absent row or FORBIDDEN_FIELD, never the value.
 */
let hub: TestHub;

const PURPOSE = 'GOVERNANCE-LEAK purpose: Operation Kestrel, a named informant in Constanta';
const IBAN_TYPED = 'RO26 CRPT 0000 0012 3456 7890';
const IBAN = 'RO26CRPT0000001234567890';
const GROUP = { slug: 'kestrel-leak-group', name: 'GOVERNANCE-LEAK Kestrel partnership' };
const REVIEW_REASON = 'GOVERNANCE-LEAK reason: trial of the Kestrel suspects pending';
const AUDIT_PURPOSE = 'GOVERNANCE-LEAK audit purpose: checking the Lanterna victims';
const RED_REFERENCE = 'GOVERNANCE-LEAK-RED';

const candidateIds: string[] = [];

async function must<T>(persona: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const r = await hub.gql<T>(persona, query, variables);
  if (r.errors) throw new Error(`${persona}: ${JSON.stringify(r.errors)}`);
  return r.data!;
}

beforeAll(async () => {
  hub = await startTestHub('in-process');
  // West Midlands asks the Romanian police about an account; they answer with a grant on their case.
  const asked = await must<{ requestAccess: { id: string } }>(
    'west-midlands-police',
    `mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }`,
    { input: { toAgencyId: agencyId('politia-romana'), identifier: { kind: 'BANK_ACCOUNT', value: IBAN_TYPED }, purpose: PURPOSE } },
  );
  setId('request:kestrel', asked.requestAccess.id);
  const candidates = await must<{ accessRequest: { candidates: Array<{ id: string }> } }>(
    'politia-romana',
    `query($id: ID!) { accessRequest(id: $id) { candidates { id } } }`,
    { id: asked.requestAccess.id },
  );
  candidateIds.push(...candidates.accessRequest.candidates.map((c) => c.id));
  if (!candidateIds.length) throw new Error('fixture: the Romanian police hold no record of the account');
  const granted = await must<{ grantAccess: { grants: Array<{ id: string }> } }>(
    'politia-romana:SUPERVISOR',
    `mutation($id: ID!, $records: [RecordRefInput!]!, $expiresAt: DateTimeISO!) { grantAccess(requestId: $id, records: $records, expiresAt: $expiresAt) { grants { id } } }`,
    { id: asked.requestAccess.id, records: [{ subjectType: 'Case', id: id('case:iasi') }], expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() },
  );
  setId('grant:kestrel', granted.grantAccess.grants[0]!.id);

  // An NGO asks hit/no-hit about the account: interest its holders (the Met, the Romanian police) see, nobody else.
  await must('safe-passage', `query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { known } }`, {
    ids: [{ kind: 'BANK_ACCOUNT', value: IBAN_TYPED }],
  });

  // A sharing group of the Romanian police and Lumina only.
  const group = await must<{ createSharingGroup: { id: string } }>(
    'tessera-admin',
    `mutation($s: String!, $n: String!) { createSharingGroup(slug: $s, name: $n) { id } }`,
    {
      s: GROUP.slug,
      n: GROUP.name,
    },
  );
  setId('group:kestrel', group.createSharingGroup.id);
  for (const member of ['politia-romana', 'lumina-ro']) {
    await must('tessera-admin', `mutation($g: ID!, $a: ID!) { addGroupMember(groupId: $g, agencyId: $a) { id } }`, {
      g: group.createSharingGroup.id,
      a: agencyId(member),
    });
  }

  // The Romanian police's supervisor keeps their case, with a reason.
  const kept = await must<{ reviewRecord: { id: string } }>(
    'politia-romana:SUPERVISOR',
    `mutation($id: ID!) { reviewRecord(subjectType: Case, id: $id, decision: KEEP, reason: "${REVIEW_REASON}") { id } }`,
    { id: id('case:iasi') },
  );
  setId('review:kestrel', kept.reviewRecord.id);

  // A RED case of the Met that names no one: only its contributor (the Met's contributor) sees it.
  const red = await must<{ openCase: { id: string } }>('met-police', `mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, {
    input: {
      handling: { marking: 'RED', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'A', handlingCode: 'P' },
      reference: RED_REFERENCE,
      exploitationTypes: ['SEXUAL'],
    },
  });
  setId('case:red-unnamed', red.openCase.id);

  // The Met's contributor consults its victims' names, stating a purpose: audit events it caused.
  const consulted = await ask(
    hub,
    'met-police',
    `query($id: ID!) { case(id: $id) { persons { fullName } } }`,
    { id: id('case:lanterna') },
    { purpose: AUDIT_PURPOSE },
  );
  if (consulted.errors) throw new Error(JSON.stringify(consulted.errors));
});
afterAll(() => hub.stop());

const REQUEST_FIELDS =
  'id purpose status identifier { kind value } refusalReason requesterAgency { slug } targetAgency { slug } grants { id recordId purpose }';
const NON_PARTIES = [
  'met-police',
  'met-police:SUPERVISOR',
  'albion-bank',
  'banca-carpati:SUPERVISOR',
  'safe-passage',
  'lumina-ro',
  'tessera-hub',
  'tessera-hub:SUPERVISOR',
];

const probes: Probe[] = [
  {
    via: 'accessRequest(id) between two other agencies',
    query: `query($id: ID!) { accessRequest(id: $id) { ${REQUEST_FIELDS} } }`,
    variables: () => ({ id: id('request:kestrel') }),
    secrets: () => [PURPOSE, IBAN, id('grant:kestrel')],
    denied: NON_PARTIES,
    expect: { notFound: ['accessRequest'] },
    controls: ['west-midlands-police', 'west-midlands-police:SUPERVISOR', 'politia-romana', 'politia-romana:SUPERVISOR'],
  },
  {
    via: 'accessRequests list, nested grants',
    query: `{ accessRequests(first: 100) { totalCount nodes { ${REQUEST_FIELDS} } } }`,
    secrets: () => [PURPOSE, IBAN, id('request:kestrel'), id('grant:kestrel')],
    denied: NON_PARTIES,
    expect: { equals: { 'accessRequests.totalCount': 0 } },
    controls: ['west-midlands-police', 'politia-romana:SUPERVISOR'],
  },
  {
    via: 'accessRequests filtered by status and direction',
    query: `{ granted: accessRequests(status: GRANTED, direction: INCOMING) { totalCount nodes { id purpose } } out: accessRequests(status: GRANTED, direction: OUTGOING) { totalCount nodes { id purpose } } }`,
    secrets: () => [PURPOSE, id('request:kestrel')],
    denied: NON_PARTIES,
    expect: { equals: { 'granted.totalCount': 0, 'out.totalCount': 0 } },
    controls: ['west-midlands-police', 'politia-romana'],
  },
  {
    via: 'accessRequest(id).candidates: the target’s own records, not the requester’s to see',
    query: `query($id: ID!) { accessRequest(id: $id) { id candidates { subjectType id marking via } } }`,
    variables: () => ({ id: id('request:kestrel') }),
    secrets: () => candidateIds,
    denied: ['west-midlands-police', 'west-midlands-police:SUPERVISOR'],
    expect: { forbidden: ['accessRequest.candidates'] },
    controls: ['politia-romana', 'politia-romana:SUPERVISOR'],
  },
  {
    via: 'accessGrants(GIVEN) and accessGrants(RECEIVED)',
    query: `{ given: accessGrants(direction: GIVEN) { id recordId purpose requestId grantorAgency { slug } granteeAgency { slug } } received: accessGrants(direction: RECEIVED) { id recordId purpose requestId } }`,
    secrets: () => [PURPOSE, id('grant:kestrel')],
    denied: NON_PARTIES,
    expect: { empty: ['given', 'received'] },
    controls: ['west-midlands-police', 'politia-romana'],
  },
  {
    via: 'revokeGrant by the grantee or an outsider',
    query: `mutation($id: ID!) { revokeGrant(grantId: $id) { id purpose revokedAt } }`,
    variables: () => ({ id: id('grant:kestrel') }),
    secrets: [PURPOSE],
    denied: ['west-midlands-police', 'met-police', 'albion-bank', 'safe-passage', 'tessera-hub'],
    expect: { notFound: ['revokeGrant'] },
    controls: [],
    noControlBecause: 'the grantor revoking would end the grant the other probes read (test/governance/access-requests.test.ts revokes)',
  },
  {
    via: 'sharingGroups: membership of a group one is not in',
    query: `{ sharingGroups { id slug name members { slug } } }`,
    secrets: () => [GROUP.slug, GROUP.name, id('group:kestrel')],
    denied: ['met-police', 'west-midlands-police', 'albion-bank:VIEWER', 'banca-carpati', 'safe-passage', 'tessera-hub:SUPERVISOR'],
    expect: {},
    controls: ['politia-romana', 'politia-romana:VIEWER', 'lumina-ro:VIEWER', 'tessera-admin', 'tessera-admin:VIEWER'],
  },
  {
    via: 'retentionReviews of another agency',
    query: `{ retentionReviews(first: 100) { totalCount nodes { id recordId reason decision reviewedByUserId } } }`,
    secrets: () => [REVIEW_REASON, id('review:kestrel')],
    denied: [
      'met-police',
      'met-police:SUPERVISOR',
      'west-midlands-police:SUPERVISOR',
      'albion-bank:SUPERVISOR',
      'safe-passage:SUPERVISOR',
      'tessera-hub:SUPERVISOR',
    ],
    expect: { equals: { 'retentionReviews.totalCount': 0 } },
    controls: ['politia-romana', 'politia-romana:SUPERVISOR'],
  },
  {
    via: 'retentionReviews(recordId) of another agency’s record',
    query: `query($id: ID!) { retentionReviews(recordId: $id) { totalCount nodes { id reason } } }`,
    variables: () => ({ id: id('case:iasi') }),
    secrets: () => [REVIEW_REASON, id('review:kestrel')],
    denied: ['met-police:SUPERVISOR', 'west-midlands-police'],
    expect: { equals: { 'retentionReviews.totalCount': 0 } },
    controls: ['politia-romana:SUPERVISOR'],
  },
  {
    via: 'recordsDueForReview: another agency’s records',
    query: `{ recordsDueForReview(before: "2099-12-31", subjectType: Case, first: 200) { totalCount nodes { subjectType id marking reviewDue } } }`,
    secrets: () => [id('case:iasi')],
    denied: ['met-police', 'met-police:SUPERVISOR', 'west-midlands-police', 'albion-bank', 'safe-passage:SUPERVISOR', 'tessera-hub'],
    expect: {},
    controls: ['politia-romana', 'politia-romana:SUPERVISOR'],
  },
  {
    via: 'recordsDueForReview: an own RED record that does not name the reviewer',
    query: `{ recordsDueForReview(before: "2099-12-31", subjectType: Case, first: 200) { nodes { id marking } } }`,
    secrets: () => [id('case:red-unnamed')],
    denied: ['met-police:SUPERVISOR'],
    expect: {},
    controls: ['met-police'],
  },
  {
    via: 'reviewRecord of an own RED record that does not name the supervisor',
    query: `mutation($id: ID!) { reviewRecord(subjectType: Case, id: $id, decision: KEEP, reason: "probe") { id recordId } }`,
    variables: () => ({ id: id('case:red-unnamed') }),
    secrets: () => [id('case:red-unnamed')],
    denied: ['met-police:SUPERVISOR'],
    expect: { notFound: ['reviewRecord'] },
    controls: [],
    noControlBecause:
      'no supervisor of the Met is named on the RED record; the contributor who is may not review (FORBIDDEN, test/governance/retention.test.ts)',
  },
  {
    via: 'auditTrail: a colleague’s events and another agency’s',
    query: `{ auditTrail(first: 100) { totalCount nodes { seq action actorUserId subjectType subjectId purpose fields requestId } } }`,
    secrets: [AUDIT_PURPOSE],
    denied: [
      'met-police:VIEWER',
      'west-midlands-police:SUPERVISOR',
      'politia-romana',
      'albion-bank:SUPERVISOR',
      'safe-passage:SUPERVISOR',
      'tessera-hub',
      'tessera-admin:SUPERVISOR',
    ],
    expect: {},
    controls: ['met-police', 'met-police:SUPERVISOR', 'tessera-hub:SUPERVISOR'],
  },
  {
    via: 'auditTrail filtered on the consulted subject',
    query: `query($f: AuditFilter) { auditTrail(filter: $f, first: 100) { totalCount nodes { subjectId purpose actorUserId } } }`,
    variables: () => ({ f: { action: 'CONSULT', subjectType: 'Person' } }),
    secrets: [AUDIT_PURPOSE],
    denied: ['met-police:VIEWER', 'politia-romana:SUPERVISOR'],
    expect: { equals: { 'auditTrail.totalCount': 0 } },
    controls: ['met-police', 'met-police:SUPERVISOR'],
  },
  {
    via: 'hitNoHitInterest: how often an agency’s own identifiers were asked about',
    query: `{ hitNoHitInterest(from: "2000-01-01", to: "2100-01-01") { kind value queries askedBy { agencyType queries } } }`,
    secrets: [IBAN],
    denied: ['west-midlands-police:SUPERVISOR', 'albion-bank:SUPERVISOR', 'safe-passage:SUPERVISOR', 'lumina-ro', 'tessera-hub:SUPERVISOR'],
    expect: {},
    controls: ['politia-romana', 'met-police:SUPERVISOR'],
  },
];

probeTable('governance records', () => hub, probes);

/** Whole questions refused at type or role level: FORBIDDEN, and nothing of the records in the answer. */
describe('refused outright to the roles and agency types that never hold them', () => {
  const ASK = [
    ['accessRequest(id)', `query($id: ID!) { accessRequest(id: $id) { id purpose } }`],
    ['accessRequests', `{ accessRequests { totalCount nodes { id purpose } } }`],
    ['accessGrants', `{ accessGrants(direction: GIVEN) { id purpose } }`],
    ['retentionReviews', `{ retentionReviews { totalCount nodes { reason } } }`],
    ['recordsDueForReview', `{ recordsDueForReview(before: "2099-12-31") { totalCount nodes { id } } }`],
    ['hitNoHitInterest', `{ hitNoHitInterest(from: "2000-01-01", to: "2100-01-01") { value queries } }`],
  ] as const;
  const personas = [
    'west-midlands-police:VIEWER',
    'politia-romana:VIEWER',
    'albion-bank:VIEWER',
    'safe-passage:VIEWER',
    'tessera-hub:VIEWER',
    'tessera-admin',
    'tessera-admin:SUPERVISOR',
  ];
  test.each(personas.flatMap((p) => ASK.map(([via, q]) => [p, via, q] as const)))('%s: %s is FORBIDDEN', async (persona, _via, query) => {
    const r = await hub.gql(persona, query, { id: id('request:kestrel') });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(leakedSecrets(r, [PURPOSE, IBAN, REVIEW_REASON, id('request:kestrel'), id('case:iasi')])).toEqual([]);
  });

  test.each(['tessera-admin', 'tessera-admin:SUPERVISOR'])('%s may not ask hit/no-hit (FORBIDDEN)', async (persona) => {
    const r = await hub.gql(persona, `{ hitNoHit(identifiers: [{ kind: BANK_ACCOUNT, value: "${IBAN}" }]) { known holderCount } }`);
    expect(codes(r)).toEqual(['FORBIDDEN']);
  });

  test.each(['met-police:SUPERVISOR', 'politia-romana', 'tessera-hub:SUPERVISOR', 'tessera-admin:VIEWER'])(
    '%s may not change a sharing group (FORBIDDEN)',
    async (persona) => {
      const r = await send(hub, persona, {
        query: `mutation($g: ID!, $a: ID!) { addGroupMember(groupId: $g, agencyId: $a) { id slug name members { slug } } }`,
        variables: () => ({ g: id('group:kestrel'), a: agencyId('met-police') }),
      });
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(leakedSecrets(r, [GROUP.slug, GROUP.name])).toEqual([]);
    },
  );
});

/** Federation references: no governance type is an entity, so `_entities` offers no path around the queries above. */
test('no governance type has a federation key: they are reached only through their queries', () => {
  const supergraph = fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
  for (const type of GOVERNANCE_SUBJECTS) {
    const declaration = new RegExp(`^type ${type}\\n((?:  @[^\\n]*\\n)*)`, 'm').exec(supergraph);
    expect({ type, declared: !!declaration }).toEqual({ type, declared: true });
    expect({ type, keyed: /key:/.test(declaration![1]!) }).toEqual({ type, keyed: false });
  }
});
