import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import type { SubgraphOperation } from './actor-token';
import { lsnValue, type SessionRoute } from './db';

/**
 * Read replicas (docs/scale-out.md). A subgraph answers its HTTP reply to a request that committed
 * on the primary with the primary's WAL position after the commit in this header...
 */
export const WRITTEN_LSN_HEADER = 'x-tessera-written-lsn';
/** ...and the gateway sends the caller's last such position with the caller's later requests in this one. */
export const MIN_LSN_HEADER = 'x-tessera-min-lsn';

/** A WAL position from a header, or undefined when absent or not one. */
export function lsnFromHeader(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    lsnValue(value);
    return value;
  } catch {
    return undefined;
  }
}

/** Verdicts by operation text, one map per subgraph's set of primary queries. */
const verdictsBySet = new WeakMap<ReadonlySet<string>, Map<string, boolean>>();
const VERDICTS_KEPT = 2000;

/**
 * Whether an operation may read on the replica: a query none of whose root fields is in the
 * subgraph's `primaryQueries` (SubgraphDefinition). Everything else runs on the primary.
 */
export function onlyReads(operation: SubgraphOperation, primaryQueries: ReadonlySet<string>): boolean {
  let verdicts = verdictsBySet.get(primaryQueries);
  if (!verdicts) verdictsBySet.set(primaryQueries, (verdicts = new Map()));
  const key = `${operation.operationName ?? ''}\n${operation.query}`;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = judge(operation, primaryQueries);
    if (verdicts.size >= VERDICTS_KEPT) verdicts.delete(verdicts.keys().next().value!);
    verdicts.set(key, verdict);
  }
  return verdict;
}

function judge(operation: SubgraphOperation, primaryQueries: ReadonlySet<string>): boolean {
  let doc;
  if (!operation.query) return false;
  try {
    doc = parse(operation.query);
  } catch {
    return false;
  }
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operation.operationName ? ops.find((o) => o.name?.value === operation.operationName) : ops.length === 1 ? ops[0] : undefined;
  if (!op || op.operation !== 'query') return false;
  // Fragments at the root would hide root fields: only plain root selections count as reads.
  return op.selectionSet.selections.every((sel) => sel.kind === Kind.FIELD && !primaryQueries.has(sel.name.value));
}

/** The session route of one subgraph request. */
export function routeOf(operation: SubgraphOperation, primaryQueries: ReadonlySet<string>, minLsn: string | undefined): SessionRoute {
  return onlyReads(operation, primaryQueries) ? { readOnly: true, minLsn } : {};
}
