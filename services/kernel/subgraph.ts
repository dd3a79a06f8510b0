import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { defaultFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';
import type { MigrationInterface } from 'typeorm';
import type { GatewayKeys, SubgraphOperation } from './actor-token';
import { appendAudit, type AuditAppender, auditAppenderFor, holdsAuditLock, PERSONAL_FIELDS } from './audit';
import type { Config } from './config';
import { contextFromAuthorization, type RequestContext } from './context';
import type { Database, Sql } from './db';
import { assertBoundByRowLevelSecurity } from './security';
import { maskError, unexpectedError } from './errors';
import { routeOf, WRITTEN_LSN_HEADER } from './replica';
import { type Logger, rootLogger } from './logger';
import type { TableDeclaration } from './tables';

export type MigrationClass = new () => MigrationInterface;

/** What the demo-data loaders of the subgraphs share: ids of agencies, users, locations by slug. */
export interface DemoRegistry {
  agencies: Record<string, { id: string; type: string; users: Record<string, string> }>;
  groups: Record<string, string>;
  locations: Record<string, string>;
  /** Ids created by earlier loaders (cases, entities, ...) by a readable key. */
  ids: Record<string, string>;
}

/** One subgraph: its name, its Postgres schema with its migrations, its GraphQL schema, its demo data. */
export interface SubgraphDefinition {
  name: string;
  /** Default port when it runs as its own process. */
  port: number;
  /** The Postgres schema it owns. */
  dbSchema: string;
  migrations: MigrationClass[];
  /** Every table of `dbSchema`, declared once (services/kernel/tables.ts): privileges and row-level security derive from it. */
  tables: readonly TableDeclaration[];
  buildSchema(): Promise<GraphQLSchema>;
  /** Loads the reference scenario's demo data, in the order of the registry. */
  seedDemo?(db: Sql, demo: DemoRegistry): Promise<void>;
  /**
   * Work off the request path, run once per deployment by the process that serves this subgraph
   * (`npm start` in-process, else the subgraph's own process); stopped at shutdown before the
   * database closes.
   */
  startBackground?(db: Database, config: Config): { stop(): Promise<void> };
  /**
   * Root Query fields that run in a transaction that may write, on the primary, like mutations:
   * those that write (a quota meter, an audit event in the request's transaction), and those whose
   * callers the gateway cannot follow to read their own writes (the anonymous public). Every other
   * query runs in a READ ONLY transaction, on the replica when one is configured (kernel/replica.ts),
   * so a writing query left out fails everywhere, in every test, never silently.
   */
  primaryQueries?: readonly string[];
}

export interface RunningSubgraph {
  name: string;
  server: ApolloServer<RequestContext>;
  /**
   * Builds the request context from an Authorization header and the operation it came with (the
   * token must be signed for it): the same path for HTTP and in-process. `minLsn`: the caller's last
   * write, sent by the gateway (kernel/replica.ts), for a read that may go to the replica.
   */
  context(authorization: string | undefined, operation: SubgraphOperation, minLsn?: string): Promise<RequestContext>;
}

/**
/**
 * Wraps the resolver of every personal field (kernel/audit.ts PERSONAL_FIELDS) so that a value
 * resolved into the response is noted on the request's ConsultationLog. A REDACTED field throws
 * FORBIDDEN_FIELD inside the original resolver and is never noted; an unselected field never runs.
 */
export function instrumentConsultations(schema: GraphQLSchema): GraphQLSchema {
  for (const [typeName, fields] of Object.entries(PERSONAL_FIELDS)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    const defs = type.getFields();
    for (const name of fields) {
      const field = defs[name];
      if (!field) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, ctx: RequestContext, info) => {
        const value: unknown = resolve(parent, args, ctx, info);
        const note = (v: unknown) => {
          ctx.consulted.resolved(typeName, parent, name, v);
          return v;
        };
        return value instanceof Promise ? value.then(note) : note(value);
      };
    }
  }
  return schema;
}

/** Replaces the answer by one error: SERVICE_UNAVAILABLE if `err` is the database being unreachable, else INTERNAL_SERVER_ERROR with `message`. */
function withhold(response: { body: unknown }, err: unknown, message: string): void {
  response.body = { kind: 'single', singleResult: { data: null, errors: [unexpectedError(err, message)] } };
}

/**
 * The end of every request (one hook: Apollo may run different plugins' hooks concurrently):
 * - a mutation, or a request that appended events of its own (it holds the chain's lock): (1) its
 *   consultations (CONSULT, and DISCLOSE for other agencies' records) are appended in its session,
 *   all-or-nothing with its writes; (2) the session commits. If the record fails, the session rolls
 *   back.
 * - a query: its consultations go to the process's appender (one group commit with the other
 *   requests' consultations of the moment) while its session commits, both at once: a query's
 *   session writes nothing (every query outside a subgraph's `primaryQueries` runs READ ONLY, and
 *   ends after the response; `hitNoHit` commits its event through the appender before it answers), so
 *   ending it before the record is durable releases nothing.
 * Both happen before the response leaves, so personal data is never sent without its durable
 * consultation record, and an answer never claims a write that is not durable; if either fails, the
 * response becomes an error without data. (willSendResponse runs after execution and before
 * Apollo hands the body to the HTTP layer or to executeOperation's caller; graphql 16 has no
 * incremental delivery whose later payloads could escape it.)
 */
export function endOfRequest(log: Logger, consultations: Pick<AuditAppender, 'append'>): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation }) {
          if (!contextValue?.db) return;
          const consulted = contextValue.consulted;
          const events = consulted && consulted.size > 0 ? consulted.events(contextValue.actor.agencyId) : [];
          const inSession = operation?.operation === 'mutation' || holdsAuditLock(contextValue.db);
          let committing: Promise<void> | undefined;
          try {
            if (events.length > 0 && inSession) {
              await contextValue.db.transaction((tx) => appendAudit(tx, contextValue, events));
            } else if (events.length > 0) {
              committing = contextValue.db.finish(true);
              // Settled here whatever the record does: its failure is reported below, never unhandled.
              committing.catch(() => undefined);
              await consultations.append(contextValue, events);
            }
          } catch (err) {
            log.error({ err, requestId: contextValue.requestId }, 'consultation audit failed: response withheld');
            if (committing) await committing.catch(() => undefined);
            else await contextValue.db.finish(false).catch(() => undefined);
            withhold(response, err, 'The consultation could not be recorded in the audit trail; no data is returned');
            return;
          }
          try {
            await (committing ?? contextValue.db.finish(true));
            const written = contextValue.db.writtenLsn;
            if (written) response.http?.headers.set(WRITTEN_LSN_HEADER, written);
          } catch (err) {
            log.error({ err, requestId: contextValue.requestId }, 'commit failed');
            withhold(response, err, 'Internal server error');
          }
        },
      };
    },
  };
}

export async function createSubgraphServer(def: SubgraphDefinition, deps: { db: Database; keys: GatewayKeys; development: boolean }): Promise<RunningSubgraph> {
  await assertBoundByRowLevelSecurity(deps.db);
  const schema = instrumentConsultations(await def.buildSchema());
  const log = rootLogger.child({ service: def.name });
  const primaryQueries = new Set(def.primaryQueries);
  const server = new ApolloServer<RequestContext>({
    schema,
    introspection: deps.development,
    includeStacktraceInErrorResponses: false,
    // Shutdown is ours (scripts/*.ts, the benchmark): in order, the database last, whatever NODE_ENV says.
    stopOnTerminationSignals: false,
    // No per-field timing sent to the gateway, no cache hints (nothing here may be cached): both hook
    // every field of every response and tell a client nothing it needs.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), endOfRequest(log, auditAppenderFor(deps.db))],
    formatError: (formatted, error) => {
      const masked = maskError(formatted as never, error);
      if (masked.extensions?.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error, path: formatted.path }, 'unexpected error');
      return masked as never;
    },
  });
  await server.start();
  return {
    name: def.name,
    server,
    context: (authorization, operation, minLsn) =>
      contextFromAuthorization(deps.keys, authorization, operation, def.name, deps.db, routeOf(operation, primaryQueries, minLsn)),
  };
}
