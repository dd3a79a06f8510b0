import { buildSchema, type FragmentDefinitionNode, Kind, locatedError, type OperationDefinitionNode, parse } from 'graphql';
import { isDatabaseUnavailable, maskError, withoutSuggestions } from '../services/kernel/errors';
import { checkOperationShape, DEFAULT_LIMITS, limitsFromEnv, type QueryLimits } from './limits';

const schema = buildSchema(`
  type Query { cases(first: Int! = 50): CaseConnection! case(id: ID!): Case tags: [String!]! }
  type CaseConnection { totalCount: Int! nodes: [Case!]! }
  type Case { id: ID! persons: [Person!]! owner: Agency tags: [String!]! }
  type Person { id: ID! name: String case: Case }
  type Agency { id: ID! users: [User!]! }
  type User { id: ID! }
`);

function shape(query: string, variables?: Record<string, unknown>, limits: Partial<QueryLimits> = {}) {
  const doc = parse(query);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  return checkOperationShape(schema, op, fragments, variables, { ...DEFAULT_LIMITS, ...limits });
}
const code = (fn: () => unknown) => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { extensions?: { code?: string } }).extensions?.code;
  }
};

describe('checkOperationShape', () => {
  test('cost: each field 1, times the product of the list multipliers above it and its own', () => {
    // cases(first 10): 10; totalCount: 10; nodes (bounded by first): 10; id: 10; persons: 10×50 = 500; name: 500
    expect(shape('{ cases(first: 10) { totalCount nodes { id persons { name } } } }', undefined, { defaultListSize: 50 }).cost).toBe(
      10 + 10 + 10 + 10 + 500 + 500,
    );
    expect(shape('{ cases(first: 10) { totalCount nodes { id persons { name } } } }').cost).toBe(10 + 10 + 10 + 10 + 10 * DEFAULT_LIMITS.defaultListSize * 2);
    // default `first` of the argument: 50
    expect(shape('{ cases { totalCount } }').cost).toBe(100);
    // from a variable, and from a variable's default
    expect(shape('query($n: Int!) { cases(first: $n) { totalCount } }', { n: 3 }).cost).toBe(6);
    expect(shape('query($n: Int! = 7) { cases(first: $n) { totalCount } }').cost).toBe(14);
    // first: 0 counts as 1; lists of scalars cost 1
    expect(shape('{ cases(first: 0) { totalCount } tags }').cost).toBe(3);
  });

  test('depth counts fields, through fragments', () => {
    expect(shape('{ case(id: 1) { owner { users { id } } } }').depth).toBe(4);
    expect(shape('{ case(id: 1) { ...A } } fragment A on Case { persons { ... on Person { case { id } } } }').depth).toBe(4);
    expect(code(() => shape('{ case(id: 1) { owner { users { id } } } }', undefined, { maxDepth: 3 }))).toBe('QUERY_TOO_DEEP');
  });

  test('aliases count once per use of a fragment; root fields count through fragments', () => {
    const q = '{ case(id: 1) { ...F ...F } } fragment F on Case { a: id b: id }';
    expect(shape(q).aliases).toBe(4);
    expect(code(() => shape(q, undefined, { maxAliases: 3 }))).toBe('TOO_MANY_ALIASES');
    expect(shape('{ ...R tags } fragment R on Query { tags case(id: 1) { id } }').rootFields).toBe(3);
    expect(code(() => shape('{ tags tags tags }', undefined, { maxRootFields: 2 }))).toBe('TOO_MANY_ROOT_FIELDS');
  });

  test('repeated fields: counted per selection set by field name, aliases and fragments expanded', () => {
    const ids = (n: number) => Array.from({ length: n }, () => 'id').join(' ');
    expect(shape(`{ case(id: 1) { ${ids(3)} persons { name name } } }`).fieldRepeats).toBe(3);
    expect(shape(`{ case(id: 1) { ${ids(100)} } }`).fieldRepeats).toBe(100);
    expect(code(() => shape(`{ case(id: 1) { ${ids(101)} } }`))).toBe('TOO_MANY_REPEATED_FIELDS');
    // aliases of one field are selections of that field
    expect(shape('{ case(id: 1) { a: id b: id id } }').fieldRepeats).toBe(3);
    // a fragment's selections count once per spread, through fragments of fragments and inline fragments
    expect(shape(`{ case(id: 1) { ...F ...F ... on Case { ...G } } } fragment F on Case { ${ids(10)} } fragment G on Case { ...F id }`).fieldRepeats).toBe(31);
    // nested selection sets are counted on their own: inside a fragment too
    expect(shape('{ case(id: 1) { ...P } } fragment P on Case { persons { name name name } }').fieldRepeats).toBe(3);
    expect(code(() => shape('{ case(id: 1) { ...P } } fragment P on Case { persons { name name name } }', undefined, { maxFieldRepeats: 2 }))).toBe(
      'TOO_MANY_REPEATED_FIELDS',
    );
  });

  test('the cost walk stops at the limit however fragments multiply', () => {
    const frags = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Case { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const q = `{ case(id: 1) { ...F0 } } ${frags} fragment F40 on Case { id }`;
    // A hang detector, not a performance target: a walk that did not stop would expand 2^40 selections.
    const started = Date.now();
    expect(code(() => shape(q))).toBe('QUERY_TOO_COSTLY');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  test('depth is checked before cost: a deep and costly query is QUERY_TOO_DEEP', () => {
    let inner = 'id';
    for (let i = 0; i < 8; i++) inner = `persons { case { ${inner} } }`;
    expect(code(() => shape(`{ case(id: 1) { ${inner} } }`))).toBe('QUERY_TOO_DEEP');
  });

  test('limits come from the environment, and a bad value is refused loudly', () => {
    const saved = process.env.TESSERA_MAX_DEPTH;
    try {
      process.env.TESSERA_MAX_DEPTH = '7';
      expect(limitsFromEnv().maxDepth).toBe(7);
      process.env.TESSERA_MAX_DEPTH = 'deep';
      expect(() => limitsFromEnv()).toThrow(/TESSERA_MAX_DEPTH/);
    } finally {
      if (saved === undefined) delete process.env.TESSERA_MAX_DEPTH;
      else process.env.TESSERA_MAX_DEPTH = saved;
    }
  });
});

describe('error masking', () => {
  test('suggestions are cut', () => {
    expect(withoutSuggestions('Cannot query field "fullNam" on type "Person". Did you mean "fullName"?')).toBe(
      'Cannot query field "fullNam" on type "Person".',
    );
    expect(withoutSuggestions('Value "SEXUL" does not exist in "ExploitationType" enum. Did you mean the enum value "SEXUAL" or "LABOUR"?')).toBe(
      'Value "SEXUL" does not exist in "ExploitationType" enum.',
    );
  });

  test('INTERNAL_SERVER_ERROR never passes its message (Apollo gives that code to every uncoded error)', () => {
    const m = maskError({ message: 'relation "narratives.narratives" does not exist', extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } });
    expect(m).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: undefined, locations: undefined });
  });

  test('coded errors pass without stacktrace, exception or a subgraph response', () => {
    const m = maskError({
      message: 'Case not found',
      extensions: { code: 'NOT_FOUND', stacktrace: ['at x'], exception: {}, response: { url: 'http://10.0.0.1' } },
    });
    expect(m.extensions).toEqual({ code: 'NOT_FOUND' });
  });

  test('a lost database is SERVICE_UNAVAILABLE when the original error is given', () => {
    const pgDown = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const wrapped = { message: 'x', originalError: { message: 'Query failed', driverError: pgDown } };
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(maskError({ message: 'connect ECONNREFUSED', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, wrapped).extensions).toEqual({
      code: 'SERVICE_UNAVAILABLE',
    });
  });

  test('a lost database thrown as a plain object (graphql-js wraps it in NonErrorThrown) is SERVICE_UNAVAILABLE too', () => {
    const thrown = { errno: -111, code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port: 5432 };
    const located = locatedError(thrown, undefined, ['openCase']);
    expect(maskError({ message: located.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, located)).toEqual({
      message: 'The database is unavailable; try again later',
      extensions: { code: 'SERVICE_UNAVAILABLE' },
      path: undefined,
      locations: undefined,
    });
    expect(isDatabaseUnavailable(Object.assign(new Error('protocol violation'), { code: '08P01' }))).toBe(true);
  });
});
