import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from './db';

/**
 * The process's Prometheus metrics (prom-client), served by serveMetrics on an address of their own.
 * Every label value comes from a closed vocabulary (schema field names, error codes, subgraph names,
 * fixed words): never an operation name a client chose, an identifier, a name or an id.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

/** One per root field of each request the gateway answers: its operation type, the root field (a schema name) and the first error code, or OK. */
export const graphqlRequests = new Counter({
  name: 'tessera_graphql_requests_total',
  help: 'GraphQL requests answered by the gateway, per root field and first error code (OK without error)',
  labelNames: ['operation_type', 'root_field', 'code'] as const,
  registers: [registry],
});

export const graphqlRequestDuration = new Histogram({
  name: 'tessera_graphql_request_duration_seconds',
  help: 'Time from request to response at the gateway',
  labelNames: ['operation_type'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const subgraphRequestDuration = new Histogram({
  name: 'tessera_subgraph_request_duration_seconds',
  help: 'Time of one gateway fetch from a subgraph, until its whole answer (in-process or over HTTP)',
  labelNames: ['subgraph'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const auditAppendDuration = new Histogram({
  name: 'tessera_audit_append_duration_seconds',
  help: 'Time to append events to the hash-chained audit trail, the wait for the chain lock included',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

/** `reason`: `rate_limited` (over a per-minute or per-day quota: RATE_LIMITED) or `over_quota_at_once` (more identifiers than any quota allows). */
export const hitNoHitRefusals = new Counter({
  name: 'tessera_hit_no_hit_refusals_total',
  help: 'Hit/no-hit requests refused by the quotas',
  labelNames: ['reason'] as const,
  registers: [registry],
});

const pools = new Map<string, Database>();

new Gauge({
  name: 'tessera_db_pool_connections',
  help: 'Connections of the database pool: total open, idle, and requests waiting for one',
  labelNames: ['pool', 'state'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [name, db] of pools) {
      const usage = db.poolUsage();
      if (!usage) continue;
      this.set({ pool: name, state: 'total' }, usage.total);
      this.set({ pool: name, state: 'idle' }, usage.idle);
      this.set({ pool: name, state: 'waiting' }, usage.waiting);
    }
  },
});

/** Reports `db`'s pool as `pool="<name>"` until the returned function is called. */
export function observePool(name: string, db: Database): () => void {
  pools.set(name, db);
  return () => {
    if (pools.get(name) === db) pools.delete(name);
  };
}

export interface MetricsOptions {
  port: number;
  host: string;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The metrics settings: TESSERA_METRICS_PORT (default `defaultPort`, 9464; `off` for none),
 * TESSERA_METRICS_HOST (default 127.0.0.1) and TESSERA_METRICS_TOKEN (unset: no token).
 * `defaultPort` null: no listener unless TESSERA_METRICS_PORT is set (a subgraph process).
 */
export function metricsFromEnv(defaultPort: number | null = 9464): MetricsOptions | undefined {
  const raw = process.env.TESSERA_METRICS_PORT;
  if (raw === 'off') return undefined;
  let port = defaultPort;
  if (raw !== undefined && raw !== '') {
    port = Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`TESSERA_METRICS_PORT must be a port number or "off", got "${raw}"`);
  }
  if (port === null) return undefined;
  return { port, host: process.env.TESSERA_METRICS_HOST || '127.0.0.1', token: process.env.TESSERA_METRICS_TOKEN || undefined };
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Serves GET /metrics on its own address, never on the public GraphQL port. Beyond loopback a token
 * is required: metrics listening on every interface without one are refused at start-up.
 */
export async function serveMetrics(opts: MetricsOptions): Promise<{ url: string; close(): Promise<void> }> {
  if (!opts.token && !LOOPBACK.has(opts.host)) {
    throw new Error(`Metrics on ${opts.host} need TESSERA_METRICS_TOKEN: only a loopback address may serve them without a token`);
  }
  const server = http.createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      if (opts.token) {
        const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
        if (!m || !sameToken(m[1]!, opts.token)) {
          res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' }).end('unauthorized\n');
          return;
        }
      }
      try {
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : body);
      } catch {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
