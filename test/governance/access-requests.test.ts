import { codes, startTestHub, type TestHub } from '../support/hub';
import { caseSummaryAs, fullNameAs, HUB_START_MS, ok, refused, sleep } from './support';

/**
 * Issue 4: from a hit/no-hit answer an agency asks the holder for the records behind it; the holder
 * sees its pending requests and its own records that mention the identifier, grants some of them for
 * a limited time or refuses; a grant lets the requester read the records as its agency type's field
 * policy allows; expiry and revocation take effect on the very next query.
 */

// The integration project's testTimeout is not applied to project configs; hub round trips add up.
jest.setTimeout(60_000);

let hub: TestHub;
const ids = (key: string) => {
  const v = hub.demo.ids[key];
  if (!v) throw new Error(`no demo id ${key}`);
  return v;
};
const agency = (slug: string) => hub.demo.agencies[slug]!.id;

const REQUEST_FIELDS = `id status purpose identifier { kind value } requesterAgency { slug } targetAgency { slug } refusalReason decidedAt
  grants { id subjectType recordId purpose expiresAt revokedAt active grantorAgency { slug } granteeAgency { slug } }`;
const REQUEST = `mutation($input: RequestAccessInput!) { requestAccess(input: $input) { ${REQUEST_FIELDS} } }`;
const GRANT = `mutation($id: ID!, $records: [RecordRefInput!]!, $expiresAt: DateTimeISO!) {
  grantAccess(requestId: $id, records: $records, expiresAt: $expiresAt) { ${REQUEST_FIELDS} } }`;
const REFUSE = `mutation($id: ID!, $reason: String!) { refuseAccess(requestId: $id, reason: $reason) { ${REQUEST_FIELDS} } }`;
const REVOKE = `mutation($id: ID!) { revokeGrant(grantId: $id) { id active revokedAt } }`;
const CANDIDATES = `query($id: ID!) { accessRequest(id: $id) { id candidates { subjectType id marking via role } } }`;

interface Grant {
  id: string;
  subjectType: string;
  recordId: string;
  purpose: string;
  expiresAt: string;
  revokedAt: string | null;
  active: boolean;
  grantorAgency: { slug: string };
  granteeAgency: { slug: string };
}
interface AccessRequest {
  id: string;
  status: string;
  purpose: string;
  identifier: { kind: string; value: string };
  requesterAgency: { slug: string };
  targetAgency: { slug: string };
  refusalReason: string | null;
  decidedAt: string | null;
  grants: Grant[];
}

const PURPOSE = 'Operation Lanterna: the recruiter email also appears in our victim V1 phone download';
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

async function request(persona: string, toSlug: string, kind: string, value: string, purpose = PURPOSE): Promise<AccessRequest> {
  return ok(await hub.gql<{ requestAccess: AccessRequest }>(persona, REQUEST, { input: { toAgencyId: agency(toSlug), identifier: { kind, value }, purpose } }))
    .requestAccess;
}

async function grant(persona: string, requestId: string, records: Array<{ subjectType: string; id: string }>, expiresAt: string): Promise<AccessRequest> {
  return ok(await hub.gql<{ grantAccess: AccessRequest }>(persona, GRANT, { id: requestId, records, expiresAt })).grantAccess;
}

beforeAll(async () => {
  hub = await startTestHub('in-process');
}, HUB_START_MS);
afterAll(() => hub.stop(), HUB_START_MS);

describe('asking', () => {
  test('a request is stored with the identifier normalised and the purpose stated, and reaches both agencies', async () => {
    const r = await request('met-police', 'politia-romana', 'EMAIL', '  mailto:Recrutare.Demo@EXAMPLE.org ');
    expect(r).toMatchObject({
      status: 'PENDING',
      purpose: PURPOSE,
      identifier: { kind: 'EMAIL', value: 'recrutare.demo@example.org' },
      requesterAgency: { slug: 'met-police' },
      targetAgency: { slug: 'politia-romana' },
      grants: [],
      decidedAt: null,
    });
    const [row] = await hub.db.query<{ identifier_value: string }>('SELECT identifier_value FROM agencies.access_requests WHERE id = $1', [r.id]);
    expect(row!.identifier_value).toBe('recrutare.demo@example.org');

    // The same question while it is pending, however typed, is one request.
    const again = await hub.gql('met-police:SUPERVISOR', REQUEST, {
      input: { toAgencyId: agency('politia-romana'), identifier: { kind: 'EMAIL', value: 'recrutare.demo@example.org' }, purpose: PURPOSE },
    });
    refused(again, 'CONFLICT');
  });

  test.each([
    ['a purpose under 10 characters', { purpose: 'because' }, 'input.purpose'],
    ['a purpose over 2000 characters', { purpose: 'x'.repeat(2001) }, 'input.purpose'],
    ['a blank purpose', { purpose: '          ' }, 'input.purpose'],
    ['an identifier that does not normalise', { identifier: { kind: 'PHONE', value: 'call me' } }, 'input.identifier.value'],
    ['an unknown agency', { toAgencyId: '00000000-0000-4000-8000-000000000000' }, 'input.toAgencyId'],
    ['its own agency', { toAgencyId: 'SELF' }, 'input.toAgencyId'],
    ["the hub's administration", { toAgencyId: 'ADMIN' }, 'input.toAgencyId'],
  ])('refuses %s', async (_what, change, field) => {
    const input: Record<string, unknown> = {
      toAgencyId: agency('politia-romana'),
      identifier: { kind: 'PHONE', value: '+40 722 123 456' },
      purpose: PURPOSE,
      ...change,
    };
    if (input.toAgencyId === 'SELF') input.toAgencyId = agency('met-police');
    if (input.toAgencyId === 'ADMIN') input.toAgencyId = agency('tessera-admin');
    refused(await hub.gql('met-police', REQUEST, { input }), 'BAD_USER_INPUT', field);
  });

  test('an agency that does not accept access requests cannot be asked', async () => {
    await hub.db.query('UPDATE agencies.agencies SET accepts_access_requests = false WHERE id = $1', [agency('lumina-ro')]);
    const r = await hub.gql('met-police', REQUEST, {
      input: { toAgencyId: agency('lumina-ro'), identifier: { kind: 'EMAIL', value: 'a@example.org' }, purpose: PURPOSE },
    });
    refused(r, 'BAD_USER_INPUT', 'input.toAgencyId');
    expect(r.errors![0]!.message).toMatch(/does not accept access requests/);
  });

  test.each(['met-police:VIEWER', 'tessera-admin', 'tessera-admin:SUPERVISOR'])('%s may not request access (FORBIDDEN)', async (persona) => {
    const r = await hub.gql(persona, REQUEST, {
      input: { toAgencyId: agency('politia-romana'), identifier: { kind: 'EMAIL', value: 'b@example.org' }, purpose: PURPOSE },
    });
    refused(r, 'FORBIDDEN');
  });
});

describe('the owner sees its pending requests and its own records behind them', () => {
  let req: AccessRequest;
  beforeAll(async () => {
    req = await request('west-midlands-police', 'politia-romana', 'BANK_ACCOUNT', 'RO26 CRPT 0000 0012 3456 7890');
  });

  test('incoming for the owner, outgoing for the requester, nothing for anyone else', async () => {
    const list = async (persona: string, direction: string) =>
      ok(
        await hub.gql<{ accessRequests: { totalCount: number; nodes: AccessRequest[] } }>(
          persona,
          `query($d: AccessRequestDirection) { accessRequests(status: PENDING, direction: $d) { totalCount nodes { id status requesterAgency { slug } } } }`,
          { d: direction },
        ),
      ).accessRequests;
    expect((await list('politia-romana', 'INCOMING')).nodes.map((n) => n.id)).toContain(req.id);
    expect((await list('politia-romana:SUPERVISOR', 'INCOMING')).nodes.map((n) => n.id)).toContain(req.id);
    expect((await list('politia-romana', 'OUTGOING')).nodes.map((n) => n.id)).not.toContain(req.id);
    expect((await list('west-midlands-police', 'OUTGOING')).nodes.map((n) => n.id)).toContain(req.id);
    expect((await list('west-midlands-police', 'INCOMING')).nodes.map((n) => n.id)).not.toContain(req.id);
    for (const persona of ['met-police', 'albion-bank', 'tessera-hub']) {
      for (const d of ['INCOMING', 'OUTGOING']) expect((await list(persona, d)).nodes.map((n) => n.id)).not.toContain(req.id);
      refused(await hub.gql(persona, CANDIDATES, { id: req.id }), 'NOT_FOUND');
    }
    refused(await hub.gql('politia-romana:VIEWER', `{ accessRequests { totalCount } }`), 'FORBIDDEN');
    refused(await hub.gql('tessera-admin', `{ accessRequests { totalCount } }`), 'FORBIDDEN');
  });

  test('the owner sees which of its own records mention the identifier; the requester does not (FORBIDDEN_FIELD)', async () => {
    const r = ok(
      await hub.gql<{ accessRequest: { candidates: Array<{ subjectType: string; id: string; via: string; marking: string }> } }>('politia-romana', CANDIDATES, {
        id: req.id,
      }),
    );
    const got = r.accessRequest.candidates.map((c) => `${c.subjectType}:${c.id}:${c.via}`);
    expect(got).toEqual(
      expect.arrayContaining([
        `Observation:${ids('observation:iasi:s1-iban-ro')}:OBSERVATION`,
        `Case:${ids('case:iasi')}:SOURCE_RECORD`,
        `Person:${ids('person:iasi:V1')}:PERSON_OF_CASE`,
        `Person:${ids('person:iasi:S1')}:PERSON_OF_CASE`,
      ]),
    );
    // Its own records only: the Met's observation of the same account is not offered.
    expect(got.join()).not.toContain(ids('observation:lanterna:s1-iban-ro'));
    expect(got.join()).not.toContain(ids('case:lanterna'));

    const asRequester = await hub.gql<{ accessRequest: { id: string; candidates: unknown } }>('west-midlands-police', CANDIDATES, { id: req.id });
    expect(codes(asRequester)).toEqual(['FORBIDDEN_FIELD']);
    expect(asRequester.errors![0]!.path).toEqual(['accessRequest', 'candidates']);
    expect(asRequester.data!.accessRequest).toEqual({ id: req.id, candidates: null });
  });

  test('the link and linked person behind an email are offered to a police force, the person with their role', async () => {
    const email = await request(
      'west-midlands-police',
      'politia-romana',
      'EMAIL',
      'recrutare.demo@example.org',
      'Lanterna: the recruiter email of our case, to link the two',
    );
    const r = ok(
      await hub.gql<{ accessRequest: { candidates: Array<{ subjectType: string; id: string; via: string; role: string | null }> } }>(
        'politia-romana',
        CANDIDATES,
        { id: email.id },
      ),
    );
    expect(r.accessRequest.candidates.map((c) => `${c.subjectType}:${c.id}:${c.via}:${c.role}`)).toEqual(
      expect.arrayContaining([
        `Link:${ids('link:iasi:s1-uses-email')}:LINK:null`,
        `Person:${ids('person:iasi:S1')}:LINKED_PERSON:SUSPECT`,
        `Observation:${ids('observation:iasi:recruiter-email')}:OBSERVATION:null`,
      ]),
    );
  });

  test('a bank is offered only what it would read once granted: no observation, link or victim of another agency', async () => {
    const email = await request(
      'albion-bank',
      'politia-romana',
      'EMAIL',
      'recrutare.demo@example.org',
      'Customer onboarding: this email is on a new account application',
    );
    const r = ok(
      await hub.gql<{ accessRequest: { candidates: Array<{ subjectType: string; id: string; via: string; role: string | null }> } }>(
        'politia-romana',
        CANDIDATES,
        { id: email.id },
      ),
    );
    const offered = r.accessRequest.candidates;
    expect(offered.length).toBeGreaterThan(0);
    expect(offered.filter((c) => ['Observation', 'Link'].includes(c.subjectType))).toEqual([]);
    expect(offered.filter((c) => c.subjectType === 'Person' && c.role === 'VICTIM')).toEqual([]);
    // Whatever is offered, once granted, the bank reads.
    const answered = await grant(
      'politia-romana:SUPERVISOR',
      email.id,
      offered.map((c) => ({ subjectType: c.subjectType, id: c.id })),
      inDays(7),
    );
    expect(answered.status).toBe('GRANTED');
    expect(offered.every((c) => c.subjectType === 'Case')).toBe(true);
    for (const c of offered)
      expect(ok(await hub.gql<{ case: { id: string } }>('albion-bank', `query($id: ID!) { case(id: $id) { id } }`, { id: c.id })).case.id).toBe(c.id);
  });
});

describe('granting', () => {
  test("a grant lets the Met read a victim's name on the Romanian police's GREEN case; revoking it ends that at once", async () => {
    const victim = ids('person:iasi:V1');
    expect(await fullNameAs(hub, 'met-police', victim)).toBe('FORBIDDEN_FIELD');

    const req = await request('met-police', 'politia-romana', 'PHONE', '+40 722 123 456');
    const answered = await grant('politia-romana:SUPERVISOR', req.id, [{ subjectType: 'Person', id: victim }], inDays(30));
    expect(answered.status).toBe('GRANTED');
    expect(answered.decidedAt).not.toBeNull();
    expect(answered.grants).toHaveLength(1);
    expect(answered.grants[0]).toMatchObject({
      subjectType: 'Person',
      recordId: victim,
      active: true,
      revokedAt: null,
      purpose: PURPOSE,
      grantorAgency: { slug: 'politia-romana' },
      granteeAgency: { slug: 'met-police' },
    });
    const [row] = await hub.db.query<{ n: string }>('SELECT count(*) AS n FROM cases.grants WHERE id = $1 AND record_id = $2 AND grantee_agency_id = $3', [
      answered.grants[0]!.id,
      victim,
      agency('met-police'),
    ]);
    expect(Number(row!.n)).toBe(1);

    // The grantee reads the name (LE rule { viaGrant: true }), its viewers too; no other agency does.
    expect(await fullNameAs(hub, 'met-police', victim)).toBe('Andreea Lungu');
    expect(await fullNameAs(hub, 'met-police:VIEWER', victim)).toBe('Andreea Lungu');
    expect(await fullNameAs(hub, 'west-midlands-police', victim)).toBe('FORBIDDEN_FIELD');
    // The grant is for the person, not the persons around her.
    expect(await fullNameAs(hub, 'met-police', ids('person:iasi:S1'))).toBe('Florin Ardeleanu'); // suspect: LE reads suspects anyway
    const listed = ok(
      await hub.gql<{ accessGrants: Grant[] }>('met-police', `{ accessGrants(direction: RECEIVED, activeOnly: true) { id recordId } }`),
    ).accessGrants;
    expect(listed.map((g) => g.id)).toContain(answered.grants[0]!.id);

    // Only the grantor revokes.
    refused(await hub.gql('met-police', REVOKE, { id: answered.grants[0]!.id }), 'NOT_FOUND');
    refused(await hub.gql('politia-romana:VIEWER', REVOKE, { id: answered.grants[0]!.id }), 'FORBIDDEN');
    const revoked = ok(
      await hub.gql<{ revokeGrant: { active: boolean; revokedAt: string | null } }>('politia-romana', REVOKE, { id: answered.grants[0]!.id }),
    ).revokeGrant;
    expect(revoked.active).toBe(false);
    expect(revoked.revokedAt).not.toBeNull();
    expect(await fullNameAs(hub, 'met-police', victim)).toBe('FORBIDDEN_FIELD');
    const active = ok(await hub.gql<{ accessGrants: Grant[] }>('met-police', `{ accessGrants(direction: RECEIVED, activeOnly: true) { id } }`)).accessGrants;
    expect(active.map((g) => g.id)).not.toContain(answered.grants[0]!.id);
  });

  test('a grant that expired a second ago lets nothing in', async () => {
    const victim = ids('person:iasi:V1');
    const req = await request('met-police', 'politia-romana', 'EMAIL', 'expiry-check@example.org');
    const expiresAt = new Date(Date.now() + 2500);
    await grant('politia-romana:SUPERVISOR', req.id, [{ subjectType: 'Person', id: victim }], expiresAt.toISOString());
    expect(await fullNameAs(hub, 'met-police', victim)).toBe('Andreea Lungu');
    await sleep(expiresAt.getTime() + 1000 - Date.now());
    expect(await fullNameAs(hub, 'met-police', victim)).toBe('FORBIDDEN_FIELD');
    const given = ok(
      await hub.gql<{ accessGrants: Array<Grant & { expiresAt: string }> }>(
        'politia-romana',
        `{ accessGrants(direction: GIVEN) { id recordId active expiresAt } }`,
      ),
    ).accessGrants;
    const g = given.find((x) => new Date(x.expiresAt).getTime() === expiresAt.getTime());
    expect(g).toMatchObject({ recordId: victim, active: false });
  }, 30_000);

  test('a grant on an AMBER record that did not reach the requester makes it reachable, and only that record', async () => {
    const midlands = ids('case:midlands');
    expect(await caseSummaryAs(hub, 'met-police', midlands)).toBe('NOT_FOUND');
    const req = await request('met-police', 'west-midlands-police', 'PHONE', '07700 900312');
    expect(req.identifier.value).toBe('+447700900312'); // read with the Met's country (GB)
    const cand = ok(
      await hub.gql<{ accessRequest: { candidates: Array<{ subjectType: string; id: string }> } }>('west-midlands-police', CANDIDATES, { id: req.id }),
    );
    expect(cand.accessRequest.candidates).toEqual(expect.arrayContaining([expect.objectContaining({ subjectType: 'Case', id: midlands })]));
    await grant('west-midlands-police:SUPERVISOR', req.id, [{ subjectType: 'Case', id: midlands }], inDays(7));
    expect(await caseSummaryAs(hub, 'met-police', midlands)).toMatch(/^Brothels in Leicester and Bedford/);
    // The case's persons are records of their own: not granted, not reached.
    expect(await fullNameAs(hub, 'met-police', ids('person:midlands:V1'))).toBe('NOT_FOUND');
    // No other agency is let in.
    expect(await caseSummaryAs(hub, 'politia-romana', midlands)).toBe('NOT_FOUND');
  });

  describe('what a grant may not be', () => {
    let req: AccessRequest;
    beforeAll(async () => {
      req = await request('met-police', 'politia-romana', 'EMAIL', 'limits@example.org');
      // One of the Romanian police's events made RED: it reaches named users only and is never granted.
      await hub.db.query(`UPDATE cases.events SET marking = 'RED' WHERE id = $1`, [ids('event:iasi:1')]);
    });
    const tryGrant = (persona: string, records: Array<{ subjectType: string; id: string }>, expiresAt = inDays(10), id = req.id) =>
      hub.gql(persona, GRANT, { id, records, expiresAt });
    const grantsCount = async () =>
      Number((await hub.db.query<{ n: string }>('SELECT (SELECT count(*) FROM cases.grants) + (SELECT count(*) FROM entities.grants) AS n'))[0]!.n);

    test.each([
      ['a record of another agency', () => [{ subjectType: 'Case', id: ids('case:lanterna') }], 'records[0]'],
      ['a record that does not exist', () => [{ subjectType: 'Case', id: '00000000-0000-4000-8000-000000000000' }], 'records[0]'],
      ['a record under the wrong type', () => [{ subjectType: 'Case', id: ids('person:iasi:V1') }], 'records[0]'],
      ['a RED record', () => [{ subjectType: 'TraffickingEvent', id: ids('event:iasi:1') }], 'records[0]'],
      ['no record', () => [], 'records'],
      [
        'the same record twice',
        () => [
          { subjectType: 'Case', id: ids('case:iasi') },
          { subjectType: 'Case', id: ids('case:iasi') },
        ],
        'records[1]',
      ],
    ])('refuses %s, writing nothing', async (_what, records, field) => {
      const before = await grantsCount();
      const r = await tryGrant('politia-romana:SUPERVISOR', records());
      refused(r, 'BAD_USER_INPUT', field);
      expect(await grantsCount()).toBe(before);
    });

    test('one record the agency cannot grant refuses the whole grant (one transaction)', async () => {
      const before = await grantsCount();
      const r = await tryGrant('politia-romana:SUPERVISOR', [
        { subjectType: 'Case', id: ids('case:iasi') },
        { subjectType: 'Observation', id: ids('observation:iasi:recruiter-email') },
        { subjectType: 'Person', id: ids('person:lanterna:V1') },
      ]);
      refused(r, 'BAD_USER_INPUT', 'records[2]');
      expect(r.errors![0]!.message).toMatch(/your agency's own and not RED/);
      expect(await grantsCount()).toBe(before);
      const [row] = await hub.db.query<{ status: string }>('SELECT status FROM agencies.access_requests WHERE id = $1', [req.id]);
      expect(row!.status).toBe('PENDING');
    });

    test.each([
      ['in the past', new Date(Date.now() - 1000).toISOString()],
      ['more than 180 days ahead', new Date(Date.now() + 181 * 86_400_000).toISOString()],
    ])('refuses an expiry %s', async (_what, expiresAt) => {
      refused(await tryGrant('politia-romana:SUPERVISOR', [{ subjectType: 'Case', id: ids('case:iasi') }], expiresAt), 'BAD_USER_INPUT', 'expiresAt');
    });

    test('only the addressed agency answers, and not its viewers', async () => {
      refused(await tryGrant('met-police:SUPERVISOR', [{ subjectType: 'Case', id: ids('case:lanterna') }]), 'NOT_FOUND');
      refused(await tryGrant('west-midlands-police:SUPERVISOR', [{ subjectType: 'Case', id: ids('case:midlands') }]), 'NOT_FOUND');
      refused(await tryGrant('politia-romana:VIEWER', [{ subjectType: 'Case', id: ids('case:iasi') }]), 'FORBIDDEN');
      // Granting discloses the agency's records: its supervisors decide, not its contributors.
      refused(await tryGrant('politia-romana', [{ subjectType: 'Case', id: ids('case:iasi') }]), 'FORBIDDEN');
      refused(await hub.gql('politia-romana', REFUSE, { id: req.id, reason: 'no' }), 'FORBIDDEN');
      refused(await hub.gql('met-police:SUPERVISOR', REFUSE, { id: req.id, reason: 'no' }), 'NOT_FOUND');
    });

    test('records of several schemas are granted together, and a request is answered once', async () => {
      const answered = await grant(
        'politia-romana:SUPERVISOR',
        req.id,
        [
          { subjectType: 'Case', id: ids('case:iasi') },
          { subjectType: 'Observation', id: ids('observation:iasi:recruiter-email') },
          { subjectType: 'Link', id: ids('link:iasi:s1-uses-email') },
        ],
        inDays(180 - 1),
      );
      expect(answered.grants.map((g) => g.subjectType).sort()).toEqual(['Case', 'Link', 'Observation']);
      const [e] = await hub.db.query<{ n: string }>('SELECT count(*) AS n FROM entities.grants WHERE grantee_agency_id = $1', [agency('met-police')]);
      expect(Number(e!.n)).toBe(2);
      refused(await tryGrant('politia-romana:SUPERVISOR', [{ subjectType: 'Person', id: ids('person:iasi:V1') }]), 'CONFLICT');
      refused(await hub.gql('politia-romana:SUPERVISOR', REFUSE, { id: req.id, reason: 'changed our mind' }), 'CONFLICT');
    });
  });

  test('a refusal says why, to the requester, and grants nothing', async () => {
    const req = await request('safe-passage', 'politia-romana', 'EMAIL', 'refuse-me@example.org', 'Survivor support: she named this address as the recruiter');
    const refusedReq = ok(
      await hub.gql<{ refuseAccess: AccessRequest }>('politia-romana:SUPERVISOR', REFUSE, { id: req.id, reason: 'Under judicial secrecy until the trial' }),
    ).refuseAccess;
    expect(refusedReq).toMatchObject({ status: 'REFUSED', refusalReason: 'Under judicial secrecy until the trial', grants: [] });
    const seen = ok(
      await hub.gql<{ accessRequest: AccessRequest }>('safe-passage', `query($id: ID!) { accessRequest(id: $id) { ${REQUEST_FIELDS} } }`, { id: req.id }),
    ).accessRequest;
    expect(seen).toMatchObject({ status: 'REFUSED', refusalReason: 'Under judicial secrecy until the trial' });
    refused(await hub.gql('politia-romana:SUPERVISOR', REFUSE, { id: req.id, reason: 'again' }), 'CONFLICT');
    refused(
      await hub.gql('politia-romana:SUPERVISOR', GRANT, { id: req.id, records: [{ subjectType: 'Case', id: ids('case:iasi') }], expiresAt: inDays(1) }),
      'CONFLICT',
    );
    refused(
      await hub.gql('politia-romana:SUPERVISOR', REFUSE, { id: (await request('safe-passage', 'politia-romana', 'EMAIL', 'r2@example.org')).id, reason: '  ' }),
      'BAD_USER_INPUT',
      'reason',
    );
  });
});
