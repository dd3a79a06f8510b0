import { ApolloServer, type ApolloServerPlugin, type HeaderMap } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { MigrationInterface } from 'typeorm';
import type { GatewayKeys } from './actor-token';
import { contextFromAuthorization, type RequestContext } from './context';
import type { Database, Sql } from './db';
import { maskError } from './errors';
import { type Logger, rootLogger } from './logger';

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
  buildSchema(): Promise<GraphQLSchema>;
  /** Loads the reference scenario's demo data, in the order of the registry. */
  seedDemo?(db: Sql, demo: DemoRegistry): Promise<void>;
}

export interface RunningSubgraph {
  name: string;
  server: ApolloServer<RequestContext>;
  /** Builds the request context from an Authorization header: the same path for HTTP and in-process. */
  context(authorization: string | undefined): Promise<RequestContext>;
}

/**
 * Commits each request's database session before its response is sent: an answer never claims a
 * write that is not durable. If the commit fails, the answer becomes an error.
 */
function sessionPlugin(log: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          try {
            await contextValue.db.finish(true);
          } catch (err) {
            log.error({ err }, 'commit failed');
            if (response.body.kind === 'single') {
              response.body.singleResult = { data: null, errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
            }
          }
        },
      };
    },
  };
}

export async function createSubgraphServer(def: SubgraphDefinition, deps: { db: Database; keys: GatewayKeys; development: boolean }): Promise<RunningSubgraph> {
  const schema = await def.buildSchema();
  const log = rootLogger.child({ service: def.name });
  const server = new ApolloServer<RequestContext>({
    schema,
    introspection: deps.development,
    includeStacktraceInErrorResponses: false,
    // No per-field timing sent to the gateway: it costs time and tells nothing a client needs.
    plugins: [ApolloServerPluginInlineTraceDisabled(), sessionPlugin(log)],
    formatError: (formatted, error) => {
      const masked = maskError(formatted as never);
      if (masked.extensions?.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error, path: formatted.path }, 'unexpected error');
      return masked as never;
    },
  });
  await server.start();
  return {
    name: def.name,
    server,
    context: (authorization) => contextFromAuthorization(deps.keys, authorization, def.name, deps.db),
  };
}

export function authorizationOf(headers: HeaderMap): string | undefined {
  return headers.get('authorization');
}
