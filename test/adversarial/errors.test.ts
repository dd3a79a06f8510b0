import { codes, type GraphQLResult, startTestHub, type TestHub, tokenFor } from '../support/hub';

jest.setTimeout(120_000);

/** What an error tells a client: no schema outside development, no suggestions, no stack traces, no internals. */
describe('errors reveal nothing', () => {
  let hub: TestHub;
  let dev: TestHub;
  beforeAll(async () => {
    [hub, dev] = await Promise.all([startTestHub('in-process'), startTestHub('in-process', { development: true })]);
  });
  afterAll(async () => {
    await hub.stop();
    await dev.stop();
  });

  /** Nothing in a response may look like a stack trace or internal detail. */
  function expectNoInternals(r: GraphQLResult<unknown>) {
    const text = JSON.stringify(r);
    for (const e of r.errors ?? []) {
      expect(e.extensions).not.toHaveProperty('stacktrace');
      expect(e.extensions).not.toHaveProperty('exception');
      expect(e.extensions).not.toHaveProperty('response');
    }
    expect(text).not.toMatch(/stacktrace|exception|\s+at \S+ \(|node_modules|\.ts:\d+|postgres|relation "|SELECT |127\.0\.0\.1|localhost/i);
  }

  describe('introspection', () => {
    const probes = ['{ __schema { types { name } } }', '{ __type(name: "Person") { fields { name } } }', '{ cases { __type(name: "Case") { name } } }'];

    test.each(probes)('refused outside development: %s', async (q) => {
      const r = await hub.gql('met-police', q);
      expect(r.status).toBe(400);
      expect(r.data ?? null).toBeNull();
      expect(new Set(codes(r))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
      expect(JSON.stringify(r)).not.toMatch(/"Person"|fullName|dateOfBirth/);
      expectNoInternals(r);
    });

    test('an anonymous caller learns nothing either', async () => {
      const r = await hub.gql({}, '{ __schema { types { name } } }');
      expect(r.status).toBe(401);
      expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    });

    test('allowed in development mode (the probe reaches the schema)', async () => {
      const r = await dev.gql<{ __type: { fields: Array<{ name: string }> } }>('met-police', '{ __type(name: "Person") { fields { name } } }');
      expect(r.errors).toBeUndefined();
      expect(r.data!.__type.fields.map((f) => f.name)).toContain('fullName');
    });

    test('__typename stays available', async () => {
      const r = await hub.gql<{ __typename: string }>('met-police', '{ __typename }');
      expect(r.data?.__typename).toBe('Query');
    });
  });

  describe('no field suggestions outside development', () => {
    const misspelt: Array<{ what: string; query: string; variables?: Record<string, unknown> }> = [
      { what: 'a field', query: '{ cases { totalCont } }' },
      { what: 'a field of a victim', query: '{ persons { nodes { fullNam dateOfBrth } } }' },
      { what: 'an argument', query: '{ cases(firts: 5) { totalCount } }' },
      { what: 'an enum literal', query: '{ cases(filter: { exploitationType: SEXUL }) { totalCount } }' },
      { what: 'a type in a fragment', query: '{ cases { nodes { ...F } } } fragment F on Cse { id }' },
      { what: 'an input field', query: '{ cases(filter: { referenc: "x" }) { totalCount } }' },
      {
        what: 'an enum value in a variable',
        query: 'query($f: CaseFilter) { cases(filter: $f) { totalCount } }',
        variables: { f: { exploitationType: 'SEXUL' } },
      },
      { what: 'an input field in a variable', query: 'query($f: CaseFilter) { cases(filter: $f) { totalCount } }', variables: { f: { referenc: 'x' } } },
    ];

    test.each(misspelt)('$what', async ({ query, variables }) => {
      const r = await hub.gql('met-police', query, variables);
      expect(r.status).toBe(400);
      expect(r.errors?.length).toBeGreaterThan(0);
      const text = JSON.stringify(r);
      expect(text).not.toMatch(/Did you mean/i);
      expect(text).not.toMatch(/"fullName"|"dateOfBirth"|"totalCount"\?|"reference"|"SEXUAL"|"Case"\?/);
      expectNoInternals(r);
      // The same mistake in development mode does get suggestions: the probe is one that would leak.
      const d = await dev.gql('met-police', query, variables);
      expect(JSON.stringify(d)).toMatch(/Did you mean/);
    });
  });

  describe('no stack traces or internals, whatever goes wrong', () => {
    const caseId = () => hub.demo.ids['case:lanterna']!;
    const cases: Array<[string, () => Promise<GraphQLResult<unknown>>]> = [
      ['a syntax error', () => hub.gql('met-police', '{ cases { ')],
      ['a validation error', () => hub.gql('met-police', '{ nothing }')],
      ['a variable of the wrong type', () => hub.gql('met-police', 'query($id: ID!) { case(id: $id) { id } }', { id: { $gt: '' } })],
      ['a missing variable', () => hub.gql('met-police', 'query($id: ID!) { case(id: $id) { id } }')],
      [
        'an unknown operation name',
        async () => {
          const res = await fetch(hub.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor('met-police')}` },
            body: JSON.stringify({ query: '{ me { id } }', operationName: 'Nope' }),
          });
          return { status: res.status, ...((await res.json()) as object) };
        },
      ],
      ['several operations and none named', () => hub.gql('met-police', 'query A { me { id } } query B { me { role } }')],
      ['a record that does not reach the caller', () => hub.gql('albion-bank', 'query($id: ID!) { case(id: $id) { id reference } }', { id: caseId() })],
      ['a forbidden field', () => hub.gql('albion-bank', '{ cases { nodes { reference } } }')],
      ['a malformed id', () => hub.gql('met-police', 'query($id: ID!) { case(id: $id) { id } }', { id: "x' OR 1=1 --" })],
      [
        'a body that is not JSON',
        async () => {
          const res = await fetch(hub.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor('met-police')}` },
            body: '{"query": ',
          });
          return { status: res.status, ...((await res.json()) as object) };
        },
      ],
      [
        'a body that is JSON but not an operation',
        async () => {
          const res = await fetch(hub.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor('met-police')}` },
            body: '{"query": 42}',
          });
          return { status: res.status, ...((await res.json()) as object) };
        },
      ],
      ['a bad token', () => hub.gql({ authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.AAAA' }, '{ me { id } }')],
    ];

    test.each(cases.map(([what, run]) => ({ what, run })))('$what', async ({ run }) => {
      const r = await run();
      expect(r.status).toBeLessThan(500);
      expect(codes(r)).not.toContain('INTERNAL_SERVER_ERROR');
      expectNoInternals(r);
    });

    test('an unexpected failure inside a subgraph is INTERNAL_SERVER_ERROR with a generic message, nothing more', async () => {
      // Break the narratives subgraph's table under it: its SQL now fails in a way nobody planned for.
      await hub.db.query('ALTER TABLE narratives.narratives RENAME TO narratives_moved_away');
      try {
        for (const [persona, query, variables] of [
          ['safe-passage', '{ narratives { totalCount nodes { text } } }', undefined],
          ['safe-passage', 'query($id: ID!) { narrative(id: $id) { text } }', { id: hub.demo.ids['narrative:safe-passage-en'] }],
          ['safe-passage', 'query($id: ID!) { case(id: $id) { reference narratives { text } } }', { id: hub.demo.ids['case:safe-passage'] }],
        ] as const) {
          const r = await hub.gql(persona, query, variables as Record<string, unknown> | undefined);
          expect(r.status).toBe(200);
          expect(codes(r)).toContain('INTERNAL_SERVER_ERROR');
          for (const e of r.errors!) if (e.extensions?.code === 'INTERNAL_SERVER_ERROR') expect(e.message).toBe('Internal server error');
          expect(JSON.stringify(r)).not.toMatch(/narratives_moved_away|does not exist|narratives\.narratives/);
          expectNoInternals(r);
        }
      } finally {
        await hub.db.query('ALTER TABLE narratives.narratives_moved_away RENAME TO narratives');
      }
      const again = await hub.gql('safe-passage', '{ narratives { totalCount } }');
      expect(again.errors).toBeUndefined();
    });

    test('development mode does not turn stack traces on either', async () => {
      await dev.db.query('ALTER TABLE narratives.narratives RENAME TO narratives_moved_away');
      try {
        const r = await dev.gql('safe-passage', '{ narratives { totalCount } }');
        expect(codes(r)).toEqual(['INTERNAL_SERVER_ERROR']);
        expectNoInternals(r);
      } finally {
        await dev.db.query('ALTER TABLE narratives.narratives_moved_away RENAME TO narratives');
      }
    });
  });
});
