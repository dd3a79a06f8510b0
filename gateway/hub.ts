import fs from 'node:fs';
import path from 'node:path';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { GatewayKeys } from '../services/kernel/actor-token';
import type { Database } from '../services/kernel/db';
import { maskError } from '../services/kernel/errors';
import { serveHttp, type HttpHandle } from '../services/kernel/http';
import { rootLogger } from '../services/kernel/logger';
import { createSubgraphServer, type RunningSubgraph } from '../services/kernel/subgraph';
import { SUBGRAPHS } from '../services/registry';
import { type GatewayContext, gatewayContext } from './context';
import { InProcessDataSource, SignedRemoteDataSource } from './data-sources';
import { IdentityVerifier } from './identity';

export const SUPERGRAPH_PATH = path.join(__dirname, '..', 'schema', 'supergraph.graphql');

/** How the gateway reaches the subgraphs: inside its own process, or over HTTP at these URLs. */
export type SubgraphTransport = { kind: 'in-process' } | { kind: 'http'; urls: Record<string, string> };

export interface HubOptions {
  db: Database;
  keys: GatewayKeys;
  port: number;
  host?: string;
  development: boolean;
  transport: SubgraphTransport;
}

export interface Hub {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** One log line per request: who, which operation, how long; never variables, tokens or results. */
const requestLogging: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart({ contextValue }) {
    const started = Date.now();
    return {
      async willSendResponse({ operationName, errors }) {
        contextValue.log.info(
          { operationName, role: contextValue.actor.role, agencyType: contextValue.actor.agencyType, ms: Date.now() - started, errors: errors?.length ?? 0 },
          'request',
        );
      },
    };
  },
};

/** Starts one subgraph on its own HTTP port: what a subgraph process (or container) runs. */
export async function serveSubgraph(name: string, opts: { db: Database; keys: GatewayKeys; port: number; host?: string; development: boolean }): Promise<HttpHandle> {
  const def = SUBGRAPHS.find((s) => s.name === name);
  if (!def) throw new Error(`No subgraph named ${name}`);
  const running = await createSubgraphServer(def, opts);
  return serveHttp(running.server, (headers) => running.context(headers.get('authorization')), opts.port, opts.host);
}

/**
 * The gateway in front of the subgraphs, loading the checked-in supergraph (never composing at
 * start-up). With the in-process transport the subgraphs run inside this process.
 */
export async function startHub(opts: HubOptions): Promise<Hub> {
  const supergraphSdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const inProcess = new Map<string, RunningSubgraph>();
  if (opts.transport.kind === 'in-process') {
    for (const def of SUBGRAPHS) inProcess.set(def.name, await createSubgraphServer(def, opts));
  }
  const transport = opts.transport;
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: rootLogger.child({ service: 'gateway' }) as never,
    buildService: ({ name }): GraphQLDataSource<GatewayContext> => {
      if (transport.kind === 'in-process') {
        const sg = inProcess.get(name);
        if (!sg) throw new Error(`Supergraph names subgraph ${name}, which this build does not have`);
        return new InProcessDataSource(sg);
      }
      const url = transport.urls[name];
      if (!url) throw new Error(`No URL configured for subgraph ${name}`);
      return new SignedRemoteDataSource(name, url);
    },
  });
  const log = rootLogger.child({ service: 'gateway' });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: opts.development,
    includeStacktraceInErrorResponses: false,
    plugins: [requestLogging],
    formatError: (formatted, error) => {
      const masked = maskError(formatted as never);
      if (masked.extensions?.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error, path: formatted.path }, 'unexpected error');
      return masked as never;
    },
  });
  await server.start();
  const verifier = new IdentityVerifier(opts.db, log);
  const http = await serveHttp(server, (headers) => gatewayContext(headers, verifier, opts.keys), opts.port, opts.host);
  return {
    url: http.url,
    port: http.port,
    async stop() {
      await http.close();
      await server.stop();
      for (const sg of inProcess.values()) await sg.server.stop();
    },
  };
}
