import type { Logger } from 'typeorm';
import { AUDIT_LOCK_KEY } from '../../services/kernel/audit';
import type { Database } from '../../services/kernel/db';

/**
 * What a hub did with its pool, counted from outside the production code: a TypeORM logger put in
 * front of the pool's own sees every statement its connections run, and a wrapper around
 * `sessionFor` sees every request that reached a subgraph (each builds exactly one database session,
 * services/kernel/context.ts, over HTTP and in process alike). Used by the tests and the benchmark
 * to prove there is no N+1 and that a refused request reached no subgraph.
 */
export interface PoolProbe {
  /** Statements that read or write data: transaction control and the session's actor settings are not counted. */
  readonly statements: number;
  /** Of those, the audit trail's appends (services/kernel/audit.ts: 1 per append on the head a write in this process appended last, else 2: lock and head, insert; a hit/no-hit request's, kernel/audit-hit-no-hit.ts: 1). */
  readonly auditStatements: number;
  /** Requests that reached a subgraph. */
  readonly subgraphRequests: number;
  reset(): void;
}

/**
 * Bookkeeping of a session, not the request's own work: BEGIN, savepoints, COMMIT, the actor's
 * transaction-local settings and the planning mode (services/kernel/db.ts, QueryOptions.genericPlan).
 */
const BOOKKEEPING =
  /^\s*(BEGIN|START TRANSACTION|SET TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b|^\s*SELECT set_config\('(tessera\.|plan_cache_mode')/i;

function isAuditAppend(query: string, parameters: readonly unknown[] | undefined): boolean {
  return (
    (/pg_advisory_xact_lock/.test(query) && parameters?.[0] === AUDIT_LOCK_KEY) ||
    /\baudit\.(events|chain_head|locked_chain_head|append_runs|append_runs_at_head|append_hit_no_hit)\b/.test(query)
  );
}

/** Starts counting what `db` runs; one probe per pool. */
export function probePool(db: Database): PoolProbe {
  const counts = { statements: 0, auditStatements: 0, subgraphRequests: 0 };
  const dataSource = db.dataSource as unknown as { logger: Logger };
  const own = dataSource.logger;
  if ((own as { probed?: true }).probed) throw new Error('this pool is probed already');
  const logger: Logger = Object.assign(Object.create(own) as Logger, {
    probed: true,
    logQuery(query: string | { text: string }, parameters?: unknown[], runner?: Parameters<Logger['logQuery']>[2]) {
      // A named prepared statement reaches the logger as its query config (kernel/db.ts, QueryOptions).
      const text = typeof query === 'string' ? query : query.text;
      if (!BOOKKEEPING.test(text)) {
        counts.statements++;
        if (isAuditAppend(text, parameters)) counts.auditStatements++;
      }
      return own.logQuery(text, parameters, runner);
    },
  });
  dataSource.logger = logger;
  const sessionFor = db.sessionFor.bind(db);
  db.sessionFor = (actor, route) => {
    counts.subgraphRequests++;
    return sessionFor(actor, route);
  };
  return {
    get statements() {
      return counts.statements;
    },
    get auditStatements() {
      return counts.auditStatements;
    },
    get subgraphRequests() {
      return counts.subgraphRequests;
    },
    reset() {
      counts.statements = counts.auditStatements = counts.subgraphRequests = 0;
    },
  };
}

/** A statement a connection sent: its text (a named prepared statement's text) and its parameters. */
export interface SentStatement {
  text: string;
  parameters: readonly unknown[];
}

/** The statements `db`'s connections send while `fn` runs, in order, with their parameters. */
export async function statementsWithParameters(db: Database, fn: () => Promise<void>): Promise<SentStatement[]> {
  const sent: SentStatement[] = [];
  const logger = db.dataSource.logger;
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (query, parameters, runner) => {
    sent.push({ text: typeof query === 'string' ? query : (query as { text: string }).text, parameters: parameters ?? [] });
    return logQuery(query, parameters, runner);
  };
  try {
    await fn();
  } finally {
    logger.logQuery = logQuery;
  }
  return sent;
}

/**
 * The statements `db`'s connections send while `fn` runs, in order, whitespace collapsed (a named
 * prepared statement as its text): what a test of a session's round trips compares.
 */
export async function statementsSent(db: Database, fn: () => Promise<void>): Promise<string[]> {
  return (await statementsWithParameters(db, fn)).map((s) => s.text.replace(/\s+/g, ' ').trim());
}
