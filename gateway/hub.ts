import fs from 'node:fs';
import path from 'node:path';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { GatewayKeys } from '../services/kernel/actor-token';
import type { Database } from '../services/kernel/db';
import { ErrorCode, maskError, withoutSuggestions } from '../services/kernel/errors';
import { serveHttp, type HttpHandle } from '../services/kernel/http';
import { rootLogger } from '../services/kernel/logger';
import { createSubgraphServer, type RunningSubgraph } from '../services/kernel/subgraph';
import { SUBGRAPHS } from '../services/registry';
import { consoleRoutes } from './console';
import { type GatewayContext, gatewayContext } from './context';
import { InProcessDataSource, SignedRemoteDataSource } from './data-sources';
import { API_SCOPE, CONSOLE_CLIENT_ID } from './dev-idp';
import type { DevOpenIdProviders } from './dev-op';
import { IdentityVerifier } from './identity';
import { documentTooLarge, limitsFromEnv, type QueryLimits, queryLimitsPlugin, TOKEN_LIMIT_MESSAGE } from './limits';
import { type PublicIntakeLimits, publicLimitsFromEnv, PublicSourceLimiter } from './public-intake';

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
  /** Query shape limits; unset members come from the environment (gateway/limits.ts). */
  limits?: Partial<QueryLimits>;
  /** Daily budgets of the public intake per source; unset members come from the environment (gateway/public-intake.ts). */
  publicIntake?: Partial<PublicIntakeLimits>;
  /** http transport: how long to wait for a subgraph's answer; default TESSERA_SUBGRAPH_TIMEOUT_MS or 15 s. */
  subgraphTimeoutMs?: number;
  /** The URL people reach the hub at (the console, the development IdP's issuers); default http://localhost:<port>. */
  publicUrl?: string;
  /** Serves the development OpenID Providers of the demo agencies at /idp/<slug> (gateway/dev-op.ts). */
  devIdp?: { dataDir: string; audience: string };
  /** Serves the console at / (default true). */
  console?: boolean;
  /** The floor on refetching an issuer's key set for an unknown key id (gateway/identity.ts). */
  jwksCooldownMs?: number;
}

export interface Hub {
  url: string;
  port: number;
  /** The URL the console and the development IdP are reached at. */
  publicUrl: string;
  devIdp?: DevOpenIdProviders;
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

type Formatted = Parameters<typeof maskError>[0];

/**
 * The gateway's `formatError`: a document over the token limit becomes DOCUMENT_TOO_LARGE (graphql
 * reports it as a syntax error); everything goes through maskError (no stack traces; uncoded errors
 * become INTERNAL_SERVER_ERROR, logged here; a lost database SERVICE_UNAVAILABLE); outside
 * development graphql-js's "Did you mean ...?" suggestions are cut, as they map the schema.
 */
export function formatGatewayError(
  formatted: Formatted,
  error: unknown,
  ctx: { development: boolean; limits: QueryLimits; log: { error(o: object, m: string): void } },
): Formatted {
  if (formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' && TOKEN_LIMIT_MESSAGE.test(formatted.message)) {
    const { message, extensions } = documentTooLarge(ctx.limits.maxTokens);
    return { message, extensions: { code: extensions.code, limit: extensions.limit } };
  }
  const masked = maskError(formatted, error);
  if (masked.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) ctx.log.error({ err: error, path: formatted.path }, 'unexpected error');
  return ctx.development ? masked : { ...masked, message: withoutSuggestions(masked.message) };
}

/** Starts one subgraph on its own HTTP port and address (config.ts: subgraphHost): what a subgraph process (or container) runs. */
export async function serveSubgraph(
  name: string,
  opts: { db: Database; keys: GatewayKeys; port: number; host: string; development: boolean },
): Promise<HttpHandle> {
  const def = SUBGRAPHS.find((s) => s.name === name);
  if (!def) throw new Error(`No subgraph named ${name}`);
  const running = await createSubgraphServer(def, opts);
  return serveHttp(running.server, (headers, operation) => running.context(headers.get('authorization'), operation), opts.port, opts.host);
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
      return new SignedRemoteDataSource(name, url, opts.subgraphTimeoutMs);
    },
  });
  const log = rootLogger.child({ service: 'gateway' });
  const limits: QueryLimits = { ...limitsFromEnv(), ...opts.limits };
  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: opts.development,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // Shutdown is ours (scripts/*.ts, the benchmark): in order, the database last, whatever NODE_ENV says.
    stopOnTerminationSignals: false,
    // The parser stops at this many tokens, before building any AST for a huge document.
    parseOptions: { maxTokens: limits.maxTokens },
    plugins: [requestLogging, queryLimitsPlugin<GatewayContext>(limits)],
    formatError: (formatted, error) => formatGatewayError(formatted as never, error, { development: opts.development, limits, log }) as never,
  });
  await server.start();
  const verifier = new IdentityVerifier(opts.db, log, { development: opts.development, jwksCooldownMs: opts.jwksCooldownMs });
  const limiter = new PublicSourceLimiter({ ...publicLimitsFromEnv(), ...opts.publicIntake });
  let devIdp: DevOpenIdProviders | undefined;
  let serveConsole: ReturnType<typeof consoleRoutes> | undefined;
  const routes = (req: Parameters<ReturnType<typeof consoleRoutes>>[0], res: Parameters<ReturnType<typeof consoleRoutes>>[1]) =>
    !!devIdp?.handle(req, res) || !!serveConsole?.(req, res);
  const http = await serveHttp(
    server,
    (headers, operation, peer) => gatewayContext(headers, verifier, opts.keys, { operation, peer, limiter }),
    opts.port,
    opts.host,
    () => routes,
  );
  const publicUrl = (opts.publicUrl ?? `http://${!opts.host || opts.host === '0.0.0.0' ? 'localhost' : opts.host}:${http.port}`).replace(/\/$/, '');
  // Loaded only when asked for: oidc-provider (an ES module) stays out of a hub without it.
  if (opts.devIdp) devIdp = (await import('./dev-op')).devOpenIdProviders({ ...opts.devIdp, publicUrl });
  if (opts.console ?? true)
    serveConsole = consoleRoutes(() => ({ issuers: devIdp?.issuers ?? [], clientId: CONSOLE_CLIENT_ID, scope: `openid profile ${API_SCOPE}` }));
  return {
    url: http.url,
    port: http.port,
    publicUrl,
    devIdp,
    async stop() {
      verifier.close();
      await http.close();
      await server.stop();
      for (const sg of inProcess.values()) await sg.server.stop();
    },
  };
}
