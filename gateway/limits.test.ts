import {
  buildSchema,
  type FragmentDefinitionNode,
  Kind,
  locatedError,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionSetNode,
  validate,
} from 'graphql';
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

/** The same operation with every fragment spread replaced by an inline fragment of its selections: what execution sees. */
function inlined(query: string): string {
  const doc = parse(query);
  const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const expand = (set: SelectionSetNode): SelectionSetNode => ({
    ...set,
    selections: set.selections.map((sel) => {
      if (sel.kind === Kind.FIELD) return sel.selectionSet ? { ...sel, selectionSet: expand(sel.selectionSet) } : sel;
      if (sel.kind === Kind.INLINE_FRAGMENT) return { ...sel, selectionSet: expand(sel.selectionSet) };
      const f = fragments.get(sel.name.value)!;
      return { kind: Kind.INLINE_FRAGMENT, typeCondition: f.typeCondition, directives: sel.directives, selectionSet: expand(f.selectionSet) };
    }),
  });
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return print({ ...op, selectionSet: expand(op.selectionSet) });
}

/**
 * The bypasses known in @escape.tech/graphql-armor's guards (docs/architecture.md compares the two),
 * tried against ours: whatever fragments, aliases and directives do to a document, each measure is
 * that of the operation as it executes (fragments inlined), and every limit holds.
 */
describe('bypasses known in graphql-armor, tried against our limits', () => {
  const aliasesOfId = (n: number, prefix = 'a') => Array.from({ length: n }, (_, i) => `${prefix}${i}: id`).join(' ');

  test('every measure of an operation with fragments is that of the same operation inlined', () => {
    const queries = [
      `{ case(id: 1) { ...A } } fragment A on Case { ...B ...B ...B } fragment B on Case { ${aliasesOfId(5)} persons { name } }`,
      '{ case(id: 1) { ...F owner { users { id } } persons { case { persons { case { ...F } } } } } } fragment F on Case { persons { case { owner { users { id } } } } }',
      '{ cases(first: 5) { nodes { ...N ... on Case { ...N } } } } fragment N on Case { id persons { name case { tags } } }',
    ];
    for (const q of queries) {
      expect(validate(schema, parse(q))).toEqual([]);
      expect(shape(q)).toEqual(shape(inlined(q)));
    }
  });

  test('aliases inside fragments count at every spread, through fragments of fragments', () => {
    // 3 spreads of B × 10 aliases: 30 pass; a fourth spread (40) is refused
    const q = (spreads: number) => `{ case(id: 1) { ...A } } fragment A on Case { ${'...B '.repeat(spreads)} } fragment B on Case { ${aliasesOfId(10)} }`;
    expect(shape(q(3)).aliases).toBe(30);
    expect(code(() => shape(q(4)))).toBe('TOO_MANY_ALIASES');
    // the same fragment spread under many aliased fields
    const fields = Array.from({ length: 8 }, (_, i) => `c${i}: case(id: ${i}) { ...B }`).join(' ');
    expect(code(() => shape(`{ ${fields} } fragment B on Case { ${aliasesOfId(3)} }`))).toBe('TOO_MANY_ALIASES');
  });

  test('aliases of __typename count (armor leaves them out by default)', () => {
    const typenames = Array.from({ length: DEFAULT_LIMITS.maxAliases + 1 }, (_, i) => `t${i}: __typename`).join(' ');
    expect(code(() => shape(`{ ${typenames} }`))).toBe('TOO_MANY_ALIASES');
    expect(code(() => shape(`{ case(id: 1) { ...T } } fragment T on Case { ${typenames} }`))).toBe('TOO_MANY_ALIASES');
  });

  test('a fragment spread again deeper is measured at its new depth (armor cached the depth of its first spread)', () => {
    // F is 5 deep; spread under case first, then under 4 more levels: 1 + 4 + 5 = 10
    const q = '{ case(id: 1) { ...F persons { case { persons { case { ...F } } } } } } fragment F on Case { persons { case { owner { users { id } } } } }';
    expect(shape(q).depth).toBe(10);
    expect(code(() => shape(q, undefined, { maxDepth: 9 }))).toBe('QUERY_TOO_DEEP');
  });

  test('a fragment named like an introspection field is no way around depth or cost (armor skipped any node named __schema)', () => {
    const deep = 'persons { case { persons { case { persons { case { persons { case { id } } } } } } } }';
    const q = `{ case(id: 1) { ...__schema } } fragment __schema on Case { ${deep} }`;
    expect(shape(q).depth).toBe(shape(`{ case(id: 1) { ${deep} } }`).depth);
    expect(code(() => shape(q, undefined, { maxDepth: 5 }))).toBe('QUERY_TOO_DEEP');
    expect(code(() => shape(`query __schema { case(id: 1) { ${deep} } }`, undefined, { maxDepth: 5 }))).toBe('QUERY_TOO_DEEP');
    expect(code(() => shape(`{ cases(first: 50) { nodes { ...__schema } } } fragment __schema on Case { ${deep} }`, undefined, { maxCost: 10_000 }))).toBe(
      'QUERY_TOO_COSTLY',
    );
  });

  test('fragment spreads multiplying fields are counted as executed, and the count stops at the limit', () => {
    const ids = Array.from({ length: 10 }, () => 'id').join(' ');
    // 11 spreads of 10 ids in one selection set: 110 selections of `id`
    const q = `{ case(id: 1) { ${'...F '.repeat(11)} } } fragment F on Case { ${ids} }`;
    expect(code(() => shape(q))).toBe('TOO_MANY_REPEATED_FIELDS');
    // cost grows with every spread of a list-valued fragment
    const perSpread = shape('{ cases(first: 10) { nodes { ...P } } } fragment P on Case { persons { name } }').cost;
    expect(shape('{ cases(first: 10) { nodes { ...P ...P ...P } } } fragment P on Case { persons { name } }').cost).toBe(3 * perSpread - 2 * 20);
  });

  test('directives do not hide what they guard: @skip and @include count as if the field ran', () => {
    const q = '{ cases(first: 50) { nodes { persons @skip(if: true) { case { persons { name } } } } } }';
    expect(shape(q).cost).toBe(shape('{ cases(first: 50) { nodes { persons { case { persons { name } } } } } }').cost);
    expect(
      code(() =>
        shape(
          'query($no: Boolean!) { cases(first: 50) { nodes { ...P @include(if: $no) } } } fragment P on Case { persons { case { persons { name } } } }',
          { no: false },
          { maxCost: 1000 },
        ),
      ),
    ).toBe('QUERY_TOO_COSTLY');
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
