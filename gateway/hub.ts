import fs from 'node:fs';
import path from 'node:path';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { GatewayKeys } from '../services/kernel/actor-token';
import type { Config } from '../services/kernel/config';
import type { Database } from '../services/kernel/db';
import { ErrorCode, maskError, withoutSuggestions } from '../services/kernel/errors';
import { serveHttp, type HttpHandle } from '../services/kernel/http';
import { rootLogger } from '../services/kernel/logger';
import { graphqlRequestDuration, graphqlRequests, metricsFromEnv, type MetricsOptions, observePool, serveMetrics } from '../services/kernel/metrics';
import { lsnFromHeader, MIN_LSN_HEADER, WRITTEN_LSN_HEADER } from '../services/kernel/replica';
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
import { WriteMarks } from './read-your-writes';

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
  /** Where to serve Prometheus metrics (services/kernel/metrics.ts: metricsFromEnv); unset: not served. */
  metrics?: MetricsOptions;
  /** The URL people reach the hub at (the console, the development IdP's issuers); default http://localhost:<port>. */
  publicUrl?: string;
  /** Serves the development OpenID Providers of the demo agencies at /idp/<slug> (gateway/dev-op.ts). */
  devIdp?: { dataDir: string; audience: string; accessTokenTtlSeconds?: number };
  /** Serves the console at / (default true). */
  console?: boolean;
  /** The floor on refetching an issuer's key set for an unknown key id (gateway/identity.ts). */
  jwksCooldownMs?: number;
  /**
   * The subgraphs read on a replica (TESSERA_REPLICA_URL; default: whether `db` has one): the
   * gateway keeps each caller's last write for read-your-writes (gateway/read-your-writes.ts).
   */
  readReplica?: boolean;
}

export interface Hub {
  url: string;
  port: number;
  /** The metrics endpoint, when served. */
  metricsUrl?: string;
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

/** The root fields an operation selects (schema names), through its fragments. */
function rootFields(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) names.add(sel.name.value);
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (!seen.has(sel.name.value) && fragments.has(sel.name.value)) {
        seen.add(sel.name.value);
        walk(fragments.get(sel.name.value)!);
      }
    }
  };
  walk(operation.selectionSet);
  return [...names];
}

/** An error code as a metric label: the codes of services/kernel/errors.ts and Apollo's, never free text. */
const codeLabel = (code: unknown): string => (typeof code === 'string' && /^[A-Z][A-Z_]{0,39}$/.test(code) ? code : 'OTHER');

/**
 * Prometheus counts and times each request (services/kernel/metrics.ts): once per root field, with
 * the first error's code. The operation's name is the client's free text, so it is never a label:
 * the root fields it selects (names of the schema) say which operation it was.
 */
const requestMetrics: ApolloServerPlugin<GatewayContext> = {
  async contextCreationDidFail({ error }) {
    graphqlRequests.inc({ operation_type: 'unknown', root_field: '-', code: codeLabel((error as { extensions?: { code?: unknown } }).extensions?.code) });
  },
  async requestDidStart() {
    const stop = graphqlRequestDuration.startTimer();
    return {
      async willSendResponse({ operation, document, response }) {
        const type = operation?.operation ?? 'unknown';
        stop({ operation_type: type });
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        const code = errors?.length ? codeLabel(errors[0]!.extensions?.code) : 'OK';
        const roots = operation && document ? rootFields(operation, document) : ['-'];
        for (const root of roots) graphqlRequests.inc({ operation_type: type, root_field: root, code });
      },
    };
  },
};

/**
 * With a read replica: every answer to a caller who wrote carries the WAL position of its last
 * write, which a client echoes in MIN_LSN_HEADER to read its writes through any other gateway.
 */
const readYourWritesHeader: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ contextValue, response }) {
        const lsn = contextValue.readAfter?.lsn();
        if (lsn) response.http.headers.set(WRITTEN_LSN_HEADER, lsn);
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
  return serveHttp(
    running.server,
    (headers, operation) => running.context(headers.get('authorization'), operation, lsnFromHeader(headers.get(MIN_LSN_HEADER))),
    opts.port,
    opts.host,
  );
}

/**
 * The gateway in front of the subgraphs, loading the checked-in supergraph (never composing at
 * start-up). With the in-process transport the subgraphs run inside this process.
 */
/** What a started hub takes from the configuration (npm start, and the gateway alone in containers). */
export function configuredHubOptions(config: Config): Pick<HubOptions, 'port' | 'development' | 'publicUrl' | 'devIdp' | 'metrics'> {
  return {
    port: config.port,
    development: config.development,
    publicUrl: config.publicUrl,
    devIdp: config.devIdp ? { dataDir: config.dataDir, audience: config.audience } : undefined,
    metrics: metricsFromEnv(),
  };
}

export async function startHub(opts: HubOptions): Promise<Hub> {
  const supergraphSdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const inProcess = new Map<string, RunningSubgraph>();
  if (opts.transport.kind === 'in-process') {
    for (const def of SUBGRAPHS) inProcess.set(def.name, await createSubgraphServer(def, opts));
  }
  const transport = opts.transport;
  const gateway = new ApolloGateway({
    supergraphSdl,
    // Its spans carry neither the document nor exception messages (both may quote what a client sent).
    telemetry: { includeDocument: false, recordExceptions: false },
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
    plugins: [requestLogging, requestMetrics, queryLimitsPlugin<GatewayContext>(limits), readYourWritesHeader],
    formatError: (formatted, error) => formatGatewayError(formatted as never, error, { development: opts.development, limits, log }) as never,
  });
  await server.start();
  const verifier = new IdentityVerifier(opts.db, log, { development: opts.development, jwksCooldownMs: opts.jwksCooldownMs });
  const limiter = new PublicSourceLimiter({ ...publicLimitsFromEnv(), ...opts.publicIntake });
  const marks = (opts.readReplica ?? !!opts.db.replica) ? new WriteMarks() : undefined;
  let devIdp: DevOpenIdProviders | undefined;
  let serveConsole: ReturnType<typeof consoleRoutes> | undefined;
  const routes = (req: Parameters<ReturnType<typeof consoleRoutes>>[0], res: Parameters<ReturnType<typeof consoleRoutes>>[1]) =>
    !!devIdp?.handle(req, res) || !!serveConsole?.(req, res);
  const metrics = opts.metrics ? await serveMetrics(opts.metrics) : undefined;
  const http = await serveHttp(
    server,
    (headers, operation, peer) => gatewayContext(headers, verifier, opts.keys, { operation, peer, limiter }, marks),
    opts.port,
    opts.host,
    () => routes,
  );
  const publicUrl = (opts.publicUrl ?? `http://${!opts.host || opts.host === '0.0.0.0' ? 'localhost' : opts.host}:${http.port}`).replace(/\/$/, '');
  // Loaded only when asked for: oidc-provider (an ES module) stays out of a hub without it.
  if (opts.devIdp) devIdp = (await import('./dev-op')).devOpenIdProviders({ ...opts.devIdp, publicUrl });
  if (opts.console ?? true)
    serveConsole = consoleRoutes(() => ({ issuers: devIdp?.issuers ?? [], clientId: CONSOLE_CLIENT_ID, scope: `openid profile ${API_SCOPE}` }));
  const unobserve = observePool('hub', opts.db);
  return {
    url: http.url,
    port: http.port,
    metricsUrl: metrics?.url,
    publicUrl,
    devIdp,
    async stop() {
      verifier.close();
      unobserve();
      await metrics?.close();
      await http.close();
      await server.stop();
      for (const sg of inProcess.values()) await sg.server.stop();
    },
  };
}
