import { DEFAULT_LIMITS } from '../../gateway/limits';
import { codes, type GraphQLResult, startTestHub, type TestHub, tokenFor } from '../support/hub';

jest.setTimeout(120_000);

/**
 * Query shape limits at the gateway (gateway/limits.ts): a refused operation is HTTP 400 with its
 * own code, and nothing reaches a subgraph or the database.
 */
describe('query shape limits', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub('in-process');
  });
  afterAll(() => hub.stop());

  /** Sends a raw HTTP body as the Met and reports the response and what it cost downstream. */
  async function raw(body: string, headers: Record<string, string> = {}): Promise<GraphQLResult & { statements: number; subgraphCalls: number; text: string }> {
    // Warm the gateway's identity cache first, so that any SQL counted below would be the operation's own.
    const warm = await hub.gql('met-police', '{ me { id } }');
    expect(warm.errors).toBeUndefined();
    hub.probe.reset();
    const res = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor('met-police')}`, ...headers },
      body,
    });
    const text = await res.text();
    const parsed = JSON.parse(text) as { data?: Record<string, unknown>; errors?: GraphQLResult['errors'] };
    return { status: res.status, data: parsed.data, errors: parsed.errors, statements: hub.probe.statements, subgraphCalls: hub.probe.subgraphRequests, text };
  }
  const send = (query: string, variables?: Record<string, unknown>) => raw(JSON.stringify({ query, variables }));

  async function expectRefused(r: Awaited<ReturnType<typeof raw>>, code: string) {
    expect(r.status).toBe(400);
    expect(codes(r)).toEqual([code]);
    expect(r.data ?? null).toBeNull();
    expect(r.errors![0]!.message).not.toMatch(/Internal server error/);
    expect(r.statements).toBe(0);
    expect(r.subgraphCalls).toBe(0);
    expect(r.text).not.toMatch(/stacktrace|exception/);
  }

  /** `{ narrative(id) { case { narratives { case { ... id } } } } }`, `levels` fields deep: each level a real relation. */
  function nested(levels: number): string {
    let inner = 'id';
    for (let i = levels - 2; i >= 1; i--) inner = i % 2 === 1 ? `case { ${inner} }` : `narratives { ${inner} }`;
    return `query($id: ID!) { narrative(id: $id) { ${inner} } }`;
  }

  test('an ordinary query passes and reaches the subgraphs (the counters work)', async () => {
    const r = await send('{ cases { totalCount nodes { id reference persons { pseudonym } events { type location { name } } } } }');
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.subgraphCalls).toBeGreaterThan(0);
    expect(r.statements).toBeGreaterThan(0);
  });

  test(`depth: ${DEFAULT_LIMITS.maxDepth} levels pass the depth check, ${DEFAULT_LIMITS.maxDepth + 1} are QUERY_TOO_DEEP`, async () => {
    const id = hub.demo.ids['narrative:safe-passage-en'];
    await expectRefused(await send(nested(DEFAULT_LIMITS.maxDepth + 1), { id }), 'QUERY_TOO_DEEP');
    // At the limit the depth check passes; this one is then too costly (each `narratives` is a list).
    expect(codes(await send(nested(DEFAULT_LIMITS.maxDepth), { id }))).toEqual(['QUERY_TOO_COSTLY']);
    const shallow = await send(nested(4), { id });
    expect(shallow.status).toBe(200);
    expect(codes(shallow)).not.toContain('QUERY_TOO_DEEP');
  });

  test('depth counts through fragments and inline fragments', async () => {
    const frag = `query($id: ID!) { narrative(id: $id) { ...A } }
      fragment A on Narrative { case { ...B } }
      fragment B on Case { narratives { ... on Narrative { case { ...B2 } } } }
      fragment B2 on Case { narratives { case { narratives { case { narratives { case { narratives { case { narratives { id } } } } } } } } } }`;
    await expectRefused(await send(frag, { id: hub.demo.ids['narrative:safe-passage-en'] }), 'QUERY_TOO_DEEP');
  });

  test(`aliases: ${DEFAULT_LIMITS.maxAliases} pass, ${DEFAULT_LIMITS.maxAliases + 1} are TOO_MANY_ALIASES`, async () => {
    const aliased = (n: number) => `{ cases(first: 1) { nodes { ${Array.from({ length: n }, (_, i) => `a${i}: id`).join(' ')} } } }`;
    const ok = await send(aliased(DEFAULT_LIMITS.maxAliases));
    expect(ok.status).toBe(200);
    expect(ok.errors).toBeUndefined();
    await expectRefused(await send(aliased(DEFAULT_LIMITS.maxAliases + 1)), 'TOO_MANY_ALIASES');
  });

  test('aliases are counted for every spread of a fragment', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => `x${i}: id`).join(' ');
    const q = `{ cases(first: 1) { nodes { ...F ...G } } }
      fragment F on Case { ${ten} ...H }
      fragment G on Case { ...H ...H }
      fragment H on Case { ${ten} }`;
    await expectRefused(await send(q), 'TOO_MANY_ALIASES');
  });

  test(`repeated fields: ${DEFAULT_LIMITS.maxFieldRepeats} selections of a field pass, 500 are TOO_MANY_REPEATED_FIELDS, directly, aliased or through fragments`, async () => {
    const ids = (n: number) => Array.from({ length: n }, () => 'id').join(' ');
    const ok = await send(`{ cases(first: 1) { nodes { ${ids(DEFAULT_LIMITS.maxFieldRepeats)} } } }`);
    expect(ok.status).toBe(200);
    expect(ok.errors).toBeUndefined();
    await expectRefused(await send(`{ cases(first: 1) { nodes { ${ids(DEFAULT_LIMITS.maxFieldRepeats + 1)} } } }`), 'TOO_MANY_REPEATED_FIELDS');
    await expectRefused(await send(`{ me { ${ids(500)} } }`), 'TOO_MANY_REPEATED_FIELDS');
    // 5 spreads of a fragment of 100, and fragments that spread fragments
    await expectRefused(await send(`{ me { ...F ...F ...F ...F ...F } } fragment F on User { ${ids(100)} }`), 'TOO_MANY_REPEATED_FIELDS');
    await expectRefused(
      await send(
        `{ me { ...A } } fragment A on User { ...B ...B ...B ...B ...B } fragment B on User { ...C ...C ...C ...C ...C } fragment C on User { ${ids(20)} }`,
      ),
      'TOO_MANY_REPEATED_FIELDS',
    );
    // 500 aliases of one field, on a hub whose alias limit would let them through
    const lenient = await startTestHub('in-process', { limits: { maxAliases: 1000 } });
    try {
      const aliased = `{ me { ${Array.from({ length: 500 }, (_, i) => `a${i}: id`).join(' ')} } }`;
      const r = await lenient.gql('met-police', aliased);
      expect(r.status).toBe(400);
      expect(codes(r)).toEqual(['TOO_MANY_REPEATED_FIELDS']);
      expect(r.errors![0]!.extensions!.limit).toBe(DEFAULT_LIMITS.maxFieldRepeats);
    } finally {
      await lenient.stop();
    }
  });

  test(`root fields: ${DEFAULT_LIMITS.maxRootFields} pass, ${DEFAULT_LIMITS.maxRootFields + 1} are TOO_MANY_ROOT_FIELDS`, async () => {
    // Identical root fields merge in GraphQL but still count: the limit is on what the caller wrote,
    // directly or through fragments (no aliases here, which would count against their own limit).
    const roots = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `...R${i}`).join(' ')} } ${Array.from({ length: n }, (_, i) => `fragment R${i} on Query { me { id } }`).join(' ')}`;
    const many = (n: number) => `{ ${Array.from({ length: n }, () => 'me { id }').join(' ')} }`;
    const ok = await send(many(DEFAULT_LIMITS.maxRootFields));
    expect(ok.status).toBe(200);
    expect(ok.errors).toBeUndefined();
    await expectRefused(await send(many(DEFAULT_LIMITS.maxRootFields + 1)), 'TOO_MANY_ROOT_FIELDS');
    await expectRefused(await send(roots(DEFAULT_LIMITS.maxRootFields + 1)), 'TOO_MANY_ROOT_FIELDS');
  });

  test('cost: a list nested in lists is QUERY_TOO_COSTLY; `first` counts, from a literal, a variable or its default', async () => {
    // Fan-out: 200 cases → 10 entities each → 10 cases each → 10 persons each: 200 000+ values.
    await expectRefused(await send('{ cases(first: 200) { nodes { entities { cases { persons { pseudonym } } } } } }'), 'QUERY_TOO_COSTLY');
    const q = 'query($n: Int!) { cases(first: $n) { nodes { id persons { pseudonym } } } }';
    expect((await send(q, { n: 10 })).errors).toBeUndefined();
    await expectRefused(await send(q, { n: 10_000 }), 'QUERY_TOO_COSTLY');
    // A variable's default value counts, so it cannot be used to hide the size.
    await expectRefused(await send('query($n: Int! = 100000) { cases(first: $n) { nodes { id } } }'), 'QUERY_TOO_COSTLY');
    // A connection's nodes are bounded by its `first`: 200 × (1 + 1 + 5) is well under the limit,
    // and so is the widest query of the suite (test/n-plus-one.test.ts, cost 67 200).
    expect((await send('{ cases(first: 200) { totalCount nodes { id reference summary nrmStage handlingConditions } } }')).errors).toBeUndefined();
    const wide =
      await send(`{ cases(first: 200) { totalCount nodes { reference ownerAgency { name } persons { pseudonym fullName } events { type location { name countryCode } }
      entities { kind value observations { sourceType } } narratives { language } } } }`);
    expect(codes(wide)).not.toContain('QUERY_TOO_COSTLY');
  });

  test('cost is not escaped by fragments that spread fragments (the walk stops at the limit)', async () => {
    // Each level doubles: 2^16 spreads of one list field. Refused quickly, without expanding them all.
    const levels = 16;
    const frags = Array.from({ length: levels }, (_, i) => `fragment F${i} on Case { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const q = `{ cases(first: 50) { nodes { ...F0 } } }\n${frags}\nfragment F${levels} on Case { persons { id } }`;
    const started = Date.now();
    await expectRefused(await send(q), 'QUERY_TOO_COSTLY');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('mutations are held to the same limits', async () => {
    const m = `mutation { ${Array.from({ length: DEFAULT_LIMITS.maxAliases + 1 }, (_, i) => `c${i}: openCase(input: { handling: { marking: GREEN, sourceEvaluation: RELIABLE, intelligenceAssessment: B, handlingCode: P }, exploitationTypes: [LABOUR] }) { id }`).join(' ')} }`;
    const before = Number((await hub.db.query<{ n: string }>('SELECT count(*) AS n FROM cases.cases'))[0]!.n);
    await expectRefused(await send(m), 'TOO_MANY_ROOT_FIELDS');
    expect(Number((await hub.db.query<{ n: string }>('SELECT count(*) AS n FROM cases.cases'))[0]!.n)).toBe(before);
  });

  test(`token count: a document over ${DEFAULT_LIMITS.maxTokens} lexical tokens is DOCUMENT_TOO_LARGE before it is parsed`, async () => {
    // `query Qn { me { id } }` is 8 tokens (whitespace and comments are none); only Q0 runs.
    const padded = (tokens: number) => {
      const ops = Array.from({ length: Math.floor(tokens / 8) }, (_, i) => `query Q${i} { me { id } }`);
      const extra = ' __typename'.repeat(tokens % 8);
      ops[0] = `query Q0 { me { id${extra} } }`;
      return JSON.stringify({ query: `# comments are not tokens\n${ops.join('\n')}`, operationName: 'Q0' });
    };
    const ok = await raw(padded(DEFAULT_LIMITS.maxTokens));
    expect(ok.errors).toBeUndefined();
    expect(ok.status).toBe(200);
    await expectRefused(await raw(padded(DEFAULT_LIMITS.maxTokens + 1)), 'DOCUMENT_TOO_LARGE');
    // A huge document (900 kB, unterminated too): the parser stops at the limit, long before the end.
    await expectRefused(await send(`{ me { ${'id '.repeat(300_000)}`), 'DOCUMENT_TOO_LARGE');
    expect(JSON.stringify((await raw(padded(5000))).errors)).not.toMatch(/Syntax Error/);
  });

  test('aliases of __typename count, and directives are bounded by the token limit', async () => {
    const typenames = Array.from({ length: DEFAULT_LIMITS.maxAliases + 1 }, (_, i) => `t${i}: __typename`).join(' ');
    await expectRefused(await send(`{ ${typenames} }`), 'TOO_MANY_ALIASES');
    // Directive overloading: a field carrying a thousand directives never gets past the parser.
    await expectRefused(await send(`{ me { id ${'@include(if: true) '.repeat(1000)}} }`), 'DOCUMENT_TOO_LARGE');
  });

  test('a batch (JSON array body) is BATCHING_NOT_ALLOWED, whatever its length', async () => {
    const op = { query: '{ me { id } }' };
    for (const batch of [[op, op], [op], Array.from({ length: 100 }, () => op)]) {
      const r = await raw(JSON.stringify(batch));
      await expectRefused(r, 'BATCHING_NOT_ALLOWED');
    }
    // Refused before authentication: no token needed to learn that batches are not accepted.
    const anon = await fetch(hub.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([op, op]) });
    expect(anon.status).toBe(400);
    expect(((await anon.json()) as GraphQLResult).errors![0]!.extensions!.code).toBe('BATCHING_NOT_ALLOWED');
  });

  test('limits apply to GET requests too', async () => {
    const token = await tokenFor('met-police');
    const deep = nested(DEFAULT_LIMITS.maxDepth + 1)
      .replace('query($id: ID!)', 'query')
      .replace('$id', `"${hub.demo.ids['narrative:safe-passage-en']}"`);
    const res = await fetch(`${hub.url}?query=${encodeURIComponent(deep)}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as GraphQLResult).errors![0]!.extensions!.code).toBe('QUERY_TOO_DEEP');
  });

  test('the limit in the refusal is the configured one, and a hub configured lower refuses sooner', async () => {
    const r = await send(nested(DEFAULT_LIMITS.maxDepth + 1), { id: hub.demo.ids['narrative:safe-passage-en'] });
    expect(r.errors![0]!.extensions!.limit).toBe(DEFAULT_LIMITS.maxDepth);
    const strict = await startTestHub('in-process', { limits: { maxDepth: 2, maxCost: 10 } });
    try {
      expect(codes(await strict.gql('met-police', '{ cases { nodes { id } } }'))).toEqual(['QUERY_TOO_DEEP']);
      expect(codes(await strict.gql('met-police', '{ cases(first: 20) { totalCount } }'))).toEqual(['QUERY_TOO_COSTLY']);
      expect((await strict.gql('met-police', '{ cases(first: 5) { totalCount } }')).errors).toBeUndefined();
    } finally {
      await strict.stop();
    }
  });
});
