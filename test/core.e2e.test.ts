import { codes, startTestHub, type TestHub } from './support/hub';

const CASE_DETAIL = `query($id: ID!) {
  case(id: $id) {
    id reference status marking ownerAgency { id slug name }
    persons { pseudonym role fullName dateOfBirth }
    events { type occurredOn location { name countryCode } }
  }
}`;

type CaseResult = {
  case: null | {
    id: string;
    reference: string | null;
    ownerAgency: { slug: string } | null;
    persons: Array<{ pseudonym: string; role: string; fullName: string | null }>;
    events: Array<{ type: string; location: { name: string } | null }>;
  };
};

describe.each(['in-process', 'http'] as const)('the hub through the gateway (%s)', (transport) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(transport);
  });
  afterAll(() => hub.stop());
  const id = (key: string) => hub.demo.ids[key]!;

  test('police see a victim’s identity on their own case, and the case crosses subgraphs', async () => {
    const r = await hub.gql<CaseResult>('met-police', CASE_DETAIL, { id: id('case:lanterna') }, { purpose: 'Case review' });
    expect(r.errors).toBeUndefined();
    const c = r.data!.case!;
    expect(c.reference).toContain('Lanterna');
    expect(c.ownerAgency?.slug).toBe('met-police');
    const v1 = c.persons.find((p) => p.pseudonym === 'V1')!;
    expect(v1.fullName).toBe('Elena Marinescu');
    // In date order (two transit steps share a day, so only the set is fixed between them).
    const places = c.events.map((e) => e.location?.name);
    expect(places[0]).toBe('Constanța');
    expect(places.slice(3)).toEqual(['London', 'Birmingham']);
    expect(new Set(places.slice(1, 3))).toEqual(new Set(['București', 'Luton']));
  });

  test('a bank reading the same case gets null and FORBIDDEN_FIELD at each denied field', async () => {
    // The Romanian police's GREEN case reaches banks; its reference is case detail banks may not read.
    const r = await hub.gql<CaseResult>('albion-bank', CASE_DETAIL, { id: id('case:iasi') });
    expect(r.data?.case?.id).toBe(id('case:iasi'));
    expect(r.data?.case?.reference).toBeNull();
    const denied = r.errors!.filter((e) => e.extensions?.code === 'FORBIDDEN_FIELD');
    expect(denied.map((e) => e.path)).toContainEqual(['case', 'reference']);
    // Victims never reach a bank: not redacted, absent.
    expect(r.data?.case?.persons.filter((p) => p.role === 'VICTIM')).toEqual([]);
    expect(r.data?.case?.events.length).toBeGreaterThan(0);
  });

  test('a record that does not reach the caller answers exactly like one that does not exist', async () => {
    const hidden = await hub.gql<CaseResult>('albion-bank', CASE_DETAIL, { id: id('case:strict') });
    const missing = await hub.gql<CaseResult>('albion-bank', CASE_DETAIL, { id: '7f3e1c2a-0000-4000-8000-000000000000' });
    expect(hidden.data?.case).toBeNull();
    expect(codes(hidden)).toEqual(['NOT_FOUND']);
    expect(hidden.errors?.map((e) => e.message)).toEqual(missing.errors?.map((e) => e.message));
    expect(codes(missing)).toEqual(['NOT_FOUND']);
  });

  test("an NGO's narrative text never reaches a bank", async () => {
    const q = `query($id: ID!) { narrative(id: $id) { id text language } }`;
    const bank = await hub.gql<{ narrative: unknown }>('albion-bank', q, { id: id('narrative:safe-passage-en') });
    expect(bank.data?.narrative ?? null).toBeNull();
    expect(codes(bank)).toEqual(['NOT_FOUND']);
    const owner = await hub.gql<{ narrative: { text: string } }>('safe-passage', q, { id: id('narrative:safe-passage-en') });
    expect(owner.data?.narrative.text.length).toBeGreaterThan(20);
  });

  test('lists count and page only what reaches the caller', async () => {
    const q = `{ cases(first: 2) { totalCount nodes { reference } pageInfo { hasNextPage endCursor } } }`;
    const met = await hub.gql<{ cases: { totalCount: number; pageInfo: { hasNextPage: boolean } } }>('met-police', q);
    const bank = await hub.gql<{ cases: { totalCount: number } }>('albion-bank', q);
    const admin = await hub.gql<{ cases: { totalCount: number } }>('tessera-admin', q);
    // Met: its two cases, the Romanian GREEN case, the NGO's GREEN case and West Midlands' GREEN Operation Brook; not the Midlands AMBER case.
    expect(met.data?.cases.totalCount).toBe(5);
    expect(met.data?.cases.pageInfo.hasNextPage).toBe(true);
    // The bank is in the Midlands partnership: GREEN cases + the AMBER Midlands case.
    expect(bank.data?.cases.totalCount).toBe(4);
    expect(admin.data?.cases.totalCount).toBe(0);
  });

  describe('contribution', () => {
    const OPEN = `mutation($input: OpenCaseInput!) { openCase(input: $input) { id status ownerAgency { slug } persons { pseudonym fullName } } }`;
    const input = (extra: Record<string, unknown> = {}) => ({
      handling: { marking: 'AMBER', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
      reference: 'WMP-TEST-1',
      exploitationTypes: ['LABOUR'],
      periodStart: '2026-01-01',
      persons: [{ role: 'VICTIM', pseudonym: 'V1', fullName: 'Test Person', nationality: 'RO' }],
      ...extra,
    });
    const countCases = async () => Number((await hub.db.query<{ n: string }>('SELECT count(*) AS n FROM cases.cases'))[0]!.n);

    test('police open a case owned by their agency, whatever the input says', async () => {
      const r = await hub.gql<{ openCase: { id: string; status: string; ownerAgency: { slug: string } } }>(
        'west-midlands-police',
        OPEN,
        { input: input() },
        { purpose: 'Case review' },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data?.openCase.status).toBe('OPEN');
      expect(r.data?.openCase.ownerAgency.slug).toBe('west-midlands-police');
      // Its first review falls due by its retention class (investigations: six years).
      const [row] = await hub.db.query<{ due: string }>(`SELECT review_due::text AS due FROM cases.cases WHERE id = $1`, [r.data!.openCase.id]);
      expect(row!.due.slice(0, 4)).toBe(String(new Date().getUTCFullYear() + 6));
    });

    test('invalid input answers BAD_USER_INPUT naming the field and writes nothing', async () => {
      const before = await countCases();
      const r = await hub.gql('west-midlands-police', OPEN, {
        input: input({ periodEnd: '2025-01-01', persons: [{ role: 'VICTIM', pseudonym: 'V1', dateOfBirth: '2001-02-30' }] }),
      });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field).toBe('input.periodEnd');
      const r2 = await hub.gql('west-midlands-police', OPEN, { input: input({ persons: [{ role: 'VICTIM', pseudonym: 'V1', dateOfBirth: '2001-02-30' }] }) });
      expect(r2.errors![0]!.extensions!.field).toBe('input.persons[0].dateOfBirth');
      expect(await countCases()).toBe(before);
    });

    test('resubmitting with the same idempotency key creates nothing new', async () => {
      const before = await countCases();
      const a = await hub.gql<{ openCase: { id: string } }>('west-midlands-police', OPEN, { input: input({ idempotencyKey: 'wmp-case-42-abc' }) });
      const b = await hub.gql<{ openCase: { id: string } }>('west-midlands-police', OPEN, { input: input({ idempotencyKey: 'wmp-case-42-abc' }) });
      expect(a.data?.openCase.id).toBeDefined();
      expect(b.data?.openCase.id).toBe(a.data?.openCase.id);
      expect(await countCases()).toBe(before + 1);
    });

    test('a person added later to a shared case reaches whom the case reaches', async () => {
      const ADD = `mutation($c: ID!) { addPerson(caseId: $c, input: { role: WITNESS, pseudonym: "W1", nationality: "RO" }) { id } }`;
      const added = await hub.gql<{ addPerson: { id: string } }>('met-police', ADD, { c: id('case:lanterna') });
      expect(added.errors).toBeUndefined();
      const Q = `query($p: ID!) { person(id: $p) { pseudonym role } }`;
      // Lanterna is AMBER, shared with the Romanian police: so is its new witness.
      const shared = await hub.gql<{ person: { pseudonym: string } }>('politia-romana', Q, { p: added.data!.addPerson.id });
      expect(shared.data?.person.pseudonym).toBe('W1');
      expect(codes(await hub.gql('west-midlands-police', Q, { p: added.data!.addPerson.id }))).toEqual(['NOT_FOUND']);
    });

    test('banks and viewers may not open cases; only the owner may change one', async () => {
      expect(codes(await hub.gql('albion-bank', OPEN, { input: input() }))).toEqual(['FORBIDDEN']);
      expect(codes(await hub.gql('met-police:VIEWER', OPEN, { input: input() }))).toEqual(['FORBIDDEN']);
      const UPDATE = `mutation($id: ID!) { updateCase(id: $id, input: { status: CLOSED }) { status } }`;
      // The Romanian GREEN case reaches the Met, but is not the Met's.
      expect(codes(await hub.gql('met-police', UPDATE, { id: id('case:iasi') }))).toEqual(['FORBIDDEN']);
      // The Met's AMBER_STRICT case does not reach the Midlands: not found, as if missing.
      expect(codes(await hub.gql('west-midlands-police', UPDATE, { id: id('case:strict') }))).toEqual(['NOT_FOUND']);
      const own = await hub.gql<{ updateCase: { status: string } }>('met-police', UPDATE, { id: id('case:strict') });
      expect(own.data?.updateCase.status).toBe('CLOSED');
    });
  });
});
