import type { ApolloServerPlugin } from '@apollo/server';
import {
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  GraphQLError,
  type GraphQLSchema,
  isCompositeType,
  isLeafType,
  isListType,
  isNonNullType,
  Kind,
  type ArgumentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  getNamedType,
  type GraphQLOutputType,
  getVariableValues,
  valueFromAST,
} from 'graphql';
import { ErrorCode } from '../services/kernel/errors';

/**
 * Query shape limits, checked at the gateway after validation and before planning, so that a
 * refused operation never reaches a subgraph. Each is configurable through the environment:
 *
 *   TESSERA_MAX_TOKENS        2000    lexical tokens in a document; the parser stops at the limit (DOCUMENT_TOO_LARGE)
 *   TESSERA_MAX_DEPTH         12      nesting of fields, root fields at depth 1 (QUERY_TOO_DEEP)
 *   TESSERA_MAX_ALIASES       30      aliased fields, counted through fragment spreads (TOO_MANY_ALIASES)
 *   TESSERA_MAX_FIELD_REPEATS 100     selections of one field in one selection set, fragments expanded,
 *                                     aliased or not (TOO_MANY_REPEATED_FIELDS)
 *   TESSERA_MAX_ROOT_FIELDS   20      fields selected on Query / Mutation (TOO_MANY_ROOT_FIELDS)
 *   TESSERA_MAX_COST          100000  static cost, see below (QUERY_TOO_COSTLY)
 *   TESSERA_COST_LIST_SIZE    10      assumed length of a list field without a `first` argument
 *
 * Batched HTTP requests (a JSON array body) are always refused (BATCHING_NOT_ALLOWED, in
 * services/kernel/http.ts). Every refusal is HTTP 400 with its own `extensions.code`.
 * (Related, in gateway/data-sources.ts: TESSERA_SUBGRAPH_TIMEOUT_MS, default 15000, how long the
 * gateway waits for a subgraph over HTTP before answering SERVICE_UNAVAILABLE for its part.)
 *
 * Static cost: every field costs 1 times the product of the multipliers of the fields above it and
 * its own. A field with a `first` argument multiplies by its value (the literal, the variable, or
 * the argument's default); a list of objects without `first` multiplies by TESSERA_COST_LIST_SIZE,
 * except directly under a field that took `first` (a connection's `nodes` are bounded by it).
 * Lists of scalars and enums cost 1. `first: 0` counts as 1. The cost thus estimates the number of
 * values in the response. Calibrated on every query the test suite sends: the widest
 * (test/n-plus-one.test.ts: 200 cases with persons, events, entities and their observations,
 * narratives) costs 67 200; three unpaginated lists nested under a page of 200 cost 200 000+.
 */
export interface QueryLimits {
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxFieldRepeats: number;
  maxRootFields: number;
  maxCost: number;
  defaultListSize: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxTokens: 2000,
  maxDepth: 12,
  maxAliases: 30,
  maxFieldRepeats: 100,
  maxRootFields: 20,
  maxCost: 100_000,
  defaultListSize: 10,
};

function positiveIntFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

export function limitsFromEnv(): QueryLimits {
  return {
    maxTokens: positiveIntFromEnv('TESSERA_MAX_TOKENS', DEFAULT_LIMITS.maxTokens),
    maxDepth: positiveIntFromEnv('TESSERA_MAX_DEPTH', DEFAULT_LIMITS.maxDepth),
    maxAliases: positiveIntFromEnv('TESSERA_MAX_ALIASES', DEFAULT_LIMITS.maxAliases),
    maxFieldRepeats: positiveIntFromEnv('TESSERA_MAX_FIELD_REPEATS', DEFAULT_LIMITS.maxFieldRepeats),
    maxRootFields: positiveIntFromEnv('TESSERA_MAX_ROOT_FIELDS', DEFAULT_LIMITS.maxRootFields),
    maxCost: positiveIntFromEnv('TESSERA_MAX_COST', DEFAULT_LIMITS.maxCost),
    defaultListSize: positiveIntFromEnv('TESSERA_COST_LIST_SIZE', DEFAULT_LIMITS.defaultListSize),
  };
}

function refused(code: ErrorCode, message: string, limit: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, limit, http: { status: 400 } } });
}

export function documentTooLarge(limit: number): GraphQLError {
  return refused(ErrorCode.DOCUMENT_TOO_LARGE, `The document has more than ${limit} lexical tokens`, limit);
}

/** graphql's parser message when `maxTokens` stops it (graphql 16: "Document contains more than N tokens. Parsing aborted."). */
export const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] \d+ tokens/;

function isListOf(type: GraphQLOutputType): boolean {
  const t = isNonNullType(type) ? type.ofType : type;
  return isListType(t);
}

const INTROSPECTION = new Set(['__schema', '__type']);

/**
 * Measures of a selection set as it would execute (fragments expanded), memoised per fragment so
 * that fragments spreading fragments cost linear time. Introspection fields are left out: they are
 * governed by the `introspection` switch (development only).
 */
function measure(fragments: Map<string, FragmentDefinitionNode>) {
  const depthMemo = new Map<string, number>();
  const aliasMemo = new Map<string, number>();
  const rootMemo = new Map<string, number>();
  const inProgress = new Map<Map<string, number>, Set<string>>([
    [depthMemo, new Set()],
    [aliasMemo, new Set()],
    [rootMemo, new Set()],
  ]);
  // Validation already refuses unknown and cyclic fragments; the guards only keep these total.
  const viaFragment = (memo: Map<string, number>, name: string, of: (set: SelectionSetNode) => number): number => {
    const cached = memo.get(name);
    if (cached !== undefined) return cached;
    const fragment = fragments.get(name);
    const open = inProgress.get(memo)!;
    if (!fragment || open.has(name)) return 0;
    open.add(name);
    const value = of(fragment.selectionSet);
    open.delete(name);
    memo.set(name, value);
    return value;
  };
  const depth = (set: SelectionSetNode): number => {
    let max = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!INTROSPECTION.has(sel.name.value)) max = Math.max(max, 1 + (sel.selectionSet ? depth(sel.selectionSet) : 0));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) max = Math.max(max, depth(sel.selectionSet));
      else max = Math.max(max, viaFragment(depthMemo, sel.name.value, depth));
    }
    return max;
  };
  const aliases = (set: SelectionSetNode): number => {
    let n = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!INTROSPECTION.has(sel.name.value)) n += (sel.alias ? 1 : 0) + (sel.selectionSet ? aliases(sel.selectionSet) : 0);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) n += aliases(sel.selectionSet);
      else n += viaFragment(aliasMemo, sel.name.value, aliases);
    }
    return n;
  };
  const rootFields = (set: SelectionSetNode): number => {
    let n = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) n += sel.name.value.startsWith('__') ? 0 : 1;
      else if (sel.kind === Kind.INLINE_FRAGMENT) n += rootFields(sel.selectionSet);
      else n += viaFragment(rootMemo, sel.name.value, rootFields);
    }
    return n;
  };
  /**
   * The most times one field (by name: `a: id b: id` are two selections of `id`) is selected in
   * one selection set once its fragments are expanded, over every selection set of the operation.
   * A fragment's own counts are made once and added per spread, and each fragment's inner selection
   * sets are examined once, so the walk is linear in the document.
   */
  const fieldCounts = new Map<string, Map<string, number>>();
  const countOpen = new Set<string>();
  const flatten = (set: SelectionSetNode, into: Map<string, number>, times: number): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) into.set(sel.name.value, (into.get(sel.name.value) ?? 0) + times);
      else if (sel.kind === Kind.INLINE_FRAGMENT) flatten(sel.selectionSet, into, times);
      else {
        const name = sel.name.value;
        let counts = fieldCounts.get(name);
        if (!counts) {
          const fragment = fragments.get(name);
          if (!fragment || countOpen.has(name)) continue;
          countOpen.add(name);
          counts = new Map();
          flatten(fragment.selectionSet, counts, 1);
          countOpen.delete(name);
          fieldCounts.set(name, counts);
        }
        for (const [field, n] of counts) into.set(field, (into.get(field) ?? 0) + n * times);
      }
    }
  };
  const examined = new Set<string>();
  const repeats = (set: SelectionSetNode): number => {
    const counts = new Map<string, number>();
    flatten(set, counts, 1);
    let max = Math.max(0, ...counts.values());
    // The selection sets nested in this one: under its fields, its inline fragments, its fragments (each once).
    const inner = (s: SelectionSetNode): void => {
      for (const sel of s.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.selectionSet) max = Math.max(max, repeats(sel.selectionSet));
        } else if (sel.kind === Kind.INLINE_FRAGMENT) inner(sel.selectionSet);
        else if (!examined.has(sel.name.value)) {
          examined.add(sel.name.value);
          const fragment = fragments.get(sel.name.value);
          if (fragment) inner(fragment.selectionSet);
        }
      }
    };
    inner(set);
    return max;
  };
  return { depth, aliases, rootFields, repeats };
}

/**
 * Checks an operation against the limits, in this order: depth, root fields, aliases, cost, repeated fields; throws
 * the first one exceeded. The cost walk expands fragments but stops as soon as the running total
 * passes maxCost, and every field it visits adds at least 1, so it ends after at most maxCost + 1
 * fields however the fragments multiply.
 */
export function checkOperationShape(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
): { cost: number; depth: number; aliases: number; rootFields: number; fieldRepeats: number } {
  const m = measure(fragments);
  const stats = { cost: 0, depth: m.depth(operation.selectionSet), aliases: 0, rootFields: 0, fieldRepeats: 0 };
  if (stats.depth > limits.maxDepth) throw refused(ErrorCode.QUERY_TOO_DEEP, `An operation may nest fields at most ${limits.maxDepth} deep`, limits.maxDepth);
  stats.rootFields = m.rootFields(operation.selectionSet);
  if (stats.rootFields > limits.maxRootFields)
    throw refused(ErrorCode.TOO_MANY_ROOT_FIELDS, `An operation may select at most ${limits.maxRootFields} root fields`, limits.maxRootFields);
  stats.aliases = m.aliases(operation.selectionSet);
  if (stats.aliases > limits.maxAliases)
    throw refused(ErrorCode.TOO_MANY_ALIASES, `An operation may use at most ${limits.maxAliases} aliases`, limits.maxAliases);

  const root = schema.getRootType(operation.operation);
  if (!root) return stats;
  // Coerced as execution will coerce them, so a variable's default value counts too. Only scalar
  // variables can feed `first`: coercing the others would walk every input list (a thousand
  // identifiers) once more for nothing.
  const scalarVariables = (operation.variableDefinitions ?? []).filter((d) => {
    const type = d.type.kind === Kind.NON_NULL_TYPE ? d.type.type : d.type;
    return type.kind === Kind.NAMED_TYPE && isLeafType(schema.getType(type.name.value));
  });
  const vars = getVariableValues(schema, scalarVariables, variables ?? {}, { maxErrors: 1 }).coerced ?? {};

  const multiplier = (field: GraphQLField<unknown, unknown>, args: readonly ArgumentNode[] | undefined, underPaged: boolean): { m: number; paged: boolean } => {
    const firstDef = field.args.find((a) => a.name === 'first');
    if (firstDef) {
      const node = args?.find((a) => a.name.value === 'first');
      const value: unknown = node ? valueFromAST(node.value, firstDef.type, vars) : firstDef.defaultValue;
      const n = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : limits.defaultListSize;
      return { m: Math.max(1, n), paged: true };
    }
    if (isListOf(field.type) && isCompositeType(getNamedType(field.type))) return { m: underPaged ? 1 : limits.defaultListSize, paged: false };
    return { m: 1, paged: false };
  };

  const visit = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, pathCost: number, underPaged: boolean, expanding: Set<string>): void => {
    for (const sel of selectionSet.selections) {
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        if (INTROSPECTION.has(name)) continue;
        const def = name === '__typename' || !('getFields' in parent) ? undefined : parent.getFields()[name];
        const { m: mult, paged } = def ? multiplier(def, sel.arguments, underPaged) : { m: 1, paged: false };
        const cost = pathCost * mult;
        stats.cost += cost;
        if (stats.cost > limits.maxCost) throw refused(ErrorCode.QUERY_TOO_COSTLY, `The operation's estimated cost exceeds ${limits.maxCost}`, limits.maxCost);
        if (sel.selectionSet && def) {
          const child = getNamedType(def.type);
          if (isCompositeType(child)) visit(sel.selectionSet, child, cost, paged, expanding);
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        visit(sel.selectionSet, t && isCompositeType(t) ? t : parent, pathCost, underPaged, expanding);
      } else {
        const name = sel.name.value;
        const fragment = fragments.get(name);
        if (!fragment || expanding.has(name)) continue;
        const t = schema.getType(fragment.typeCondition.name.value);
        expanding.add(name);
        visit(fragment.selectionSet, t && isCompositeType(t) ? t : parent, pathCost, underPaged, expanding);
        expanding.delete(name);
      }
    }
  };

  visit(operation.selectionSet, root, 1, false, new Set());
  // After the cost walk, which has stopped any fragment expansion that multiplies without end.
  stats.fieldRepeats = m.repeats(operation.selectionSet);
  if (stats.fieldRepeats > limits.maxFieldRepeats) {
    throw refused(
      ErrorCode.TOO_MANY_REPEATED_FIELDS,
      `An operation may select the same field at most ${limits.maxFieldRepeats} times in one selection set`,
      limits.maxFieldRepeats,
    );
  }
  return stats;
}

/** Refuses operations over the shape limits once the operation is resolved: before the gateway plans or calls anything. */
export function queryLimitsPlugin<T extends object>(limits: QueryLimits): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          // No operation to run (an unknown operationName, or several operations and none named):
          // say so here, rather than let the gateway fail on it with a 500.
          if (!operation) {
            const message = request.operationName
              ? `Unknown operation named "${request.operationName.slice(0, 100)}"`
              : 'Must provide the operation name when the document contains several operations';
            throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
          }
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
          checkOperationShape(schema, operation, fragments, request.variables, limits);
        },
      };
    },
  };
}
