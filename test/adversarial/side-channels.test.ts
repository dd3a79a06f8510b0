import { randomUUID } from 'node:crypto';
import { type GraphQLResult, startTestHub, type TestHub } from '../support/hub';

jest.setTimeout(120_000);

/**
 * "Exists but does not reach you" and "does not exist" must be the same answer: same HTTP status,
 * same body byte for byte (code, message, path, shape). Anything else lets a caller probe for
 * records of other agencies by id.
 */
describe('side channels: another agency’s record and no record answer alike', () => {
  let hub: TestHub;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    hub = await startTestHub('in-process');
    Object.assign(ids, hub.demo.ids);
    // A route only the hub analysts see (all demo routes are GREEN; only analysts publish routes).
    const r = await hub.gql<{ publishRoute: { id: string } }>('tessera-hub', `mutation($input: PublishRouteInput!) { publishRoute(input: $input) { id } }`, {
      input: {
        originLocationId: hub.demo.locations.constanta,
        destinationLocationId: hub.demo.locations.luton,
        exploitationTypes: ['SEXUAL'],
        victimCount: 2,
        caseCount: 1,
        handling: { marking: 'AMBER_STRICT', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'A', handlingCode: 'P' },
      },
    });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    ids['route:strict'] = r.data!.publishRoute.id;
  });
  afterAll(() => hub.stop());

  /** Status and body, with nothing left out. */
  const answer = (r: GraphQLResult<unknown>) => ({ status: r.status, body: { data: r.data, errors: r.errors } });

  // One row per root query that takes an id: the record, its owner (who sees it), agencies it does not reach.
  const rows: Array<{ root: string; query: string; record: string; owner: string; denied: string[] }> = [
    {
      root: 'case',
      query: 'case(id: $id) { id reference summary status persons { fullName } events { description } }',
      record: 'case:strict',
      owner: 'met-police',
      denied: ['west-midlands-police', 'politia-romana', 'albion-bank', 'tessera-admin'],
    },
    {
      root: 'person',
      query: 'person(id: $id) { id pseudonym fullName dateOfBirth }',
      record: 'person:strict:S1',
      owner: 'met-police',
      denied: ['west-midlands-police', 'safe-passage', 'tessera-admin'],
    },
    {
      root: 'traffickingEvent',
      query: 'traffickingEvent(id: $id) { id type description location { name } }',
      record: 'event:strict:1',
      owner: 'met-police',
      denied: ['west-midlands-police', 'albion-bank', 'tessera-admin'],
    },
    {
      root: 'entity',
      query: 'entity(id: $id) { id kind value maskedValue observations { note } }',
      record: 'entity:covert-phone',
      owner: 'met-police',
      denied: ['west-midlands-police', 'politia-romana', 'tessera-admin'],
    },
    {
      root: 'observation',
      query: 'observation(id: $id) { id note entity { value } }',
      record: 'observation:strict:shared-phone',
      owner: 'met-police',
      denied: ['west-midlands-police', 'politia-romana', 'tessera-admin'],
    },
    {
      root: 'link',
      query: 'link(id: $id) { id kind fromPerson { fullName } toPerson { fullName } }',
      record: 'link:lanterna:s1-recruited-v1',
      owner: 'met-police',
      denied: ['west-midlands-police', 'tessera-admin'],
    },
    {
      root: 'narrative',
      query: 'narrative(id: $id) { id language text case { id } }',
      record: 'narrative:safe-passage-en',
      owner: 'safe-passage',
      denied: ['albion-bank', 'banca-carpati', 'tessera-admin'],
    },
    {
      root: 'typology',
      query: 'typology(id: $id) { id title pattern indicators }',
      record: 'typology:funnel-couriers',
      owner: 'banca-carpati',
      denied: ['west-midlands-police', 'safe-passage', 'tessera-admin'],
    },
    {
      root: 'transactionReport',
      query: 'transactionReport(id: $id) { id reason amount parties { name } }',
      record: 'report:popescu-str',
      owner: 'albion-bank',
      denied: ['west-midlands-police', 'banca-carpati', 'safe-passage', 'tessera-admin'],
    },
    {
      root: 'route',
      query: 'route(id: $id) { id victimCount caseCount origin { name } }',
      record: 'route:strict',
      owner: 'tessera-hub',
      denied: ['met-police', 'albion-bank', 'safe-passage', 'tessera-admin'],
    },
  ];

  test.each(rows)('$root(id)', async ({ root, query, record, owner, denied }) => {
    const q = `query($id: ID!) { ${query} }`;
    // The record exists and its owner sees it: the probe is aimed at something real.
    const seen = await hub.gql<Record<string, { id: string } | null>>(owner, q, { id: ids[record] });
    expect(seen.data?.[root]?.id).toBe(ids[record]);
    for (const persona of denied) {
      const other = await hub.gql(persona, q, { id: ids[record] });
      const missing = await hub.gql(persona, q, { id: randomUUID() });
      expect(answer(other)).toEqual(answer(missing));
      expect(JSON.stringify(other)).toBe(JSON.stringify(missing));
      expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(JSON.stringify(other)).not.toContain(ids[record]);
    }
  });

  test('an id of one subject asked for as another answers like a missing one (no type oracle)', async () => {
    const q = 'query($id: ID!) { case(id: $id) { id } }';
    const personId = await hub.gql('met-police', q, { id: ids['person:lanterna:V1'] });
    const missing = await hub.gql('met-police', q, { id: randomUUID() });
    expect(answer(personId)).toEqual(answer(missing));
  });

  test('filters and searches: an invisible record and no record give the same empty answer', async () => {
    const byRef = (ref: string) =>
      hub.gql('west-midlands-police', 'query($r: String!) { cases(filter: { reference: $r }) { totalCount nodes { id } pageInfo { hasNextPage } } }', {
        r: ref,
      });
    expect(answer(await byRef('MPS-2026-0533'))).toEqual(answer(await byRef('MPS-2026-9999')));
    const search = (name: string) => hub.gql('west-midlands-police', 'query($n: String!) { searchPersons(name: $n) { score person { id } } }', { n: name });
    expect(answer(await search('Darren Whitfield'))).toEqual(answer(await search('Darrel Whitfeld-Nobody')));
  });

  describe('mutations that take an id', () => {
    const writes: Array<{ name: string; query: string; vars: (id: string) => Record<string, unknown> }> = [
      { name: 'updateCase', query: 'mutation($id: ID!) { updateCase(id: $id, input: { summary: "probe" }) { id } }', vars: (id) => ({ id }) },
      { name: 'addPerson', query: 'mutation($id: ID!) { addPerson(caseId: $id, input: { role: VICTIM, pseudonym: "P" }) { id } }', vars: (id) => ({ id }) },
      {
        name: 'addTraffickingEvent',
        query: 'mutation($id: ID!) { addTraffickingEvent(caseId: $id, input: { type: TRANSIT }) { id } }',
        vars: (id) => ({ id }),
      },
      {
        name: 'addCaseEntity',
        query: 'mutation($id: ID!) { addCaseEntity(caseId: $id, input: { kind: PHONE, value: "+447700900999" }) { id } }',
        vars: (id) => ({ id }),
      },
    ];
    test.each(writes)('$name on a case that does not reach the caller', async ({ query, vars }) => {
      const other = await hub.gql('west-midlands-police', query, vars(ids['case:strict']!));
      const missing = await hub.gql('west-midlands-police', query, vars(randomUUID()));
      expect(answer(other)).toEqual(answer(missing));
      expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });
  });

  describe("a case whose reference equals another agency's", () => {
    const OPEN = `mutation($input: OpenCaseInput!) { openCase(input: $input) { id reference status ownerAgency { slug } } }`;
    const input = (reference: string) => ({
      handling: { marking: 'AMBER', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
      reference,
      exploitationTypes: ['LABOUR'],
      periodStart: '2026-01-01',
    });
    /** The answer with the values that must differ (the new id) taken out. */
    const shape = (r: GraphQLResult<{ openCase: Record<string, unknown> }>) => ({
      status: r.status,
      errors: r.errors,
      keys: Object.keys(r.data?.openCase ?? {}),
      caseStatus: r.data?.openCase.status,
    });

    test.each([
      ['an invisible one (AMBER, not shared with the Met)', 'WMP-2026-1187'],
      ['a visible one (the Romanian GREEN case)', 'DIICOT-IS-2026-77'],
      ['an AMBER_STRICT one of the same agency type', 'MPS-2026-0533'],
    ])('%s: accepted like a fresh reference, and reveals nothing', async (_what, reference) => {
      const actor = reference.startsWith('MPS') ? 'west-midlands-police' : 'met-police';
      const before = await hub.db.query<{ owner_agency_id: string; summary: string | null }>(
        'SELECT owner_agency_id, summary FROM cases.cases WHERE reference = $1',
        [reference],
      );
      expect(before).toHaveLength(1);
      const clash = await hub.gql<{ openCase: { id: string; reference: string; status: string; ownerAgency: { slug: string } } }>(actor, OPEN, {
        input: input(reference),
      });
      const fresh = await hub.gql<{ openCase: { id: string; reference: string; status: string } }>(actor, OPEN, {
        input: input(`${actor}-FRESH-${randomUUID().slice(0, 8)}`),
      });
      expect(clash.errors).toBeUndefined();
      expect(shape(clash)).toEqual(shape(fresh));
      expect(clash.data!.openCase.reference).toBe(reference);
      expect(clash.data!.openCase.ownerAgency.slug).toBe(actor);
      // The caller's own view: exactly its new case under that reference, nothing of the other's.
      const mine = await hub.gql<{ cases: { totalCount: number; nodes: Array<{ id: string; ownerAgency: { slug: string } }> } }>(
        actor,
        'query($r: String!) { cases(filter: { reference: $r }) { totalCount nodes { id ownerAgency { slug } } } }',
        { r: reference },
      );
      const visibleBefore = reference === 'DIICOT-IS-2026-77' ? 1 : 0;
      expect(mine.data!.cases.totalCount).toBe(1 + visibleBefore);
      expect(mine.data!.cases.nodes.map((n) => n.id)).toContain(clash.data!.openCase.id);
      // The other agency's case is untouched.
      const after = await hub.db.query<{ owner_agency_id: string; summary: string | null }>(
        'SELECT owner_agency_id, summary FROM cases.cases WHERE reference = $1 AND id <> $2',
        [reference, clash.data!.openCase.id],
      );
      expect(after).toEqual(before);
    });

    test('an idempotency key another agency already used is no oracle either: no CONFLICT, no replay of its case', async () => {
      const key = `shared-key-${randomUUID()}`;
      const met = await hub.gql<{ openCase: { id: string } }>('met-police', OPEN, { input: { ...input('MPS-KEY-1'), idempotencyKey: key } });
      expect(met.errors).toBeUndefined();
      const wmpSame = await hub.gql<{ openCase: { id: string; status: string } }>('west-midlands-police', OPEN, {
        input: { ...input('WMP-KEY-1'), idempotencyKey: key },
      });
      const wmpFresh = await hub.gql<{ openCase: { id: string; status: string } }>('west-midlands-police', OPEN, {
        input: { ...input('WMP-KEY-2'), idempotencyKey: `fresh-${randomUUID()}` },
      });
      expect(wmpSame.errors).toBeUndefined();
      expect(shape(wmpSame)).toEqual(shape(wmpFresh));
      expect(wmpSame.data!.openCase.id).not.toBe(met.data!.openCase.id);
    });

    test('an agency that may not open cases gets the same refusal whatever the reference', async () => {
      const a = await hub.gql('albion-bank', OPEN, { input: input('WMP-2026-1187') });
      const b = await hub.gql('albion-bank', OPEN, { input: input('NOT-A-REFERENCE') });
      expect(answer(a)).toEqual(answer(b));
    });
  });
});
