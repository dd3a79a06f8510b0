import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Client } from 'pg';
import { devSubject, signDevToken } from '../../gateway/dev-idp';
import type { DevOpenIdProviders } from '../../gateway/dev-op';
import { type Hub, type HubOptions, serveSubgraph, startHub } from '../../gateway/hub';
import type { Role } from '../../policies/actor';
import { registerDevProviderIssuers } from '../../services/agencies/api';
import { loadGatewayKeys } from '../../services/kernel/actor-token';
import { connect, type Database } from '../../services/kernel/db';
import type { HttpHandle } from '../../services/kernel/http';
import { appDatabaseUrl } from '../../services/kernel/security';
import type { DemoRegistry } from '../../services/kernel/subgraph';
import { SUBGRAPHS } from '../../services/registry';
import { type PoolProbe, probePool } from './probe';

export type Transport = 'in-process' | 'http';

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string; [k: string]: unknown } }>;
}

export interface TestHub {
  url: string;
  /** The hub's metrics endpoint, when started with `metrics`. */
  metricsUrl?: string;
  /** Where the console and the development IdP are (startTestHub with devIdp). */
  publicUrl: string;
  devIdp?: DevOpenIdProviders;
  /** The database owner's connection, for test fixtures; the hub itself runs as the application role. */
  db: Database;
  /** The application role's pool the hub runs on. */
  appDb: Database;
  /** What the hub ran on appDb: statements, audit appends, requests that reached a subgraph. */
  probe: PoolProbe;
  demo: DemoRegistry;
  /** Sends a query as `persona` (an agency slug, optionally `slug:ROLE`), or with a raw Authorization header. */
  /** `opts.purpose` is sent as `x-tessera-purpose`: a victim's identity is released only with one. */
  gql<T = Record<string, unknown>>(
    persona: string | { authorization?: string },
    query: string,
    variables?: Record<string, unknown>,
    opts?: { purpose?: string },
  ): Promise<GraphQLResult<T>>;
  /** Direct HTTP URL of each subgraph (http transport only). */
  subgraphUrls: Record<string, string>;
  /**
   * Each subgraph's HTTP server by name (http transport only). A test may close one and put a new
   * handle (serveSubgraph on the same port) in its place; stop() closes whatever is here.
   */
  subgraphs: Record<string, HttpHandle>;
  stop(): Promise<void>;
}

export function demoRegistry(): DemoRegistry {
  return JSON.parse(fs.readFileSync(process.env.TESSERA_TEST_DEMO_FILE!, 'utf8')) as DemoRegistry;
}

export function dataDir(): string {
  return process.env.TESSERA_DATA_DIR!;
}

const tokenCache = new Map<string, string>();

/** A dev-IdP token for a demo persona: `met-police` (CONTRIBUTOR) or `met-police:VIEWER`. */
export async function tokenFor(persona: string): Promise<string> {
  let t = tokenCache.get(persona);
  if (!t) {
    const [slug, role = 'CONTRIBUTOR'] = persona.split(':') as [string, Role?];
    t = await signDevToken(dataDir(), slug, devSubject(slug, role!), { audience: 'tessera' });
    tokenCache.set(persona, t);
  }
  return t;
}

/** A fresh database cloned from the migrated, seeded template. */
export async function cloneDatabase(): Promise<string> {
  const server = process.env.TESSERA_TEST_SERVER_URL!;
  const name = `${process.env.TESSERA_TEST_TEMPLATE}_f${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.TESSERA_TEST_TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function postGraphQL<T>(
  url: string,
  headers: Record<string, string>,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResult<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: { data?: T; errors?: GraphQLResult['errors'] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`Non-JSON response ${res.status}: ${text.slice(0, 300)}`);
  }
  return { status: res.status, data: body.data, errors: body.errors };
}

/** The real hub (gateway + all subgraphs) on a random port over its own database copy. */
export async function startTestHub(
  transport: Transport = 'in-process',
  options: Pick<HubOptions, 'limits' | 'subgraphTimeoutMs' | 'jwksCooldownMs' | 'publicIntake' | 'metrics'> & {
    development?: boolean;
    devIdp?: boolean;
    /** The development IdP's access-token lifetime (default an hour): short, to see the console renew its token. */
    accessTokenTtlSeconds?: number;
  } = {},
): Promise<TestHub> {
  const url = await cloneDatabase();
  const db = await connect(url, 4);
  const appDb = await connect(appDatabaseUrl(url, process.env.TESSERA_TEST_APP_PASSWORD!), 20);
  const probe = probePool(appDb);
  const keys = await loadGatewayKeys(dataDir());
  const subgraphServers: Record<string, HttpHandle> = {};
  const subgraphUrls: Record<string, string> = {};
  if (transport === 'http') {
    for (const def of SUBGRAPHS) {
      const h = await serveSubgraph(def.name, { db: appDb, keys, port: 0, host: '127.0.0.1', development: false });
      subgraphServers[def.name] = h;
      subgraphUrls[def.name] = h.url;
    }
  }
  const hub: Hub = await startHub({
    db: appDb,
    keys,
    port: 0,
    host: '127.0.0.1',
    development: options.development ?? false,
    limits: options.limits,
    subgraphTimeoutMs: options.subgraphTimeoutMs,
    metrics: options.metrics,
    jwksCooldownMs: options.jwksCooldownMs,
    devIdp: options.devIdp ? { dataDir: dataDir(), audience: 'tessera', accessTokenTtlSeconds: options.accessTokenTtlSeconds } : undefined,
    publicIntake: options.publicIntake,
    transport: transport === 'http' ? { kind: 'http', urls: subgraphUrls } : { kind: 'in-process' },
  });
  // The demo agencies' development OpenID Providers on this hub, trusted by URL (their keys read from their jwks_uri).
  if (options.devIdp) await registerDevProviderIssuers(db, hub.publicUrl, 'tessera');
  return {
    url: hub.url,
    metricsUrl: hub.metricsUrl,
    publicUrl: hub.publicUrl,
    devIdp: hub.devIdp,
    db,
    appDb,
    probe,
    demo: demoRegistry(),
    subgraphUrls,
    subgraphs: subgraphServers,
    async gql<T>(persona: string | { authorization?: string }, query: string, variables?: Record<string, unknown>, opts: { purpose?: string } = {}) {
      const headers: Record<string, string> = {};
      if (typeof persona === 'string') headers.authorization = `Bearer ${await tokenFor(persona)}`;
      else if (persona.authorization) headers.authorization = persona.authorization;
      if (opts.purpose) headers['x-tessera-purpose'] = opts.purpose;
      return postGraphQL<T>(hub.url, headers, query, variables);
    },
    async stop() {
      await hub.stop();
      for (const s of Object.values(subgraphServers)) await s.close();
      await appDb.close();
      await db.close();
    },
  };
}

/** The error codes of a result, for assertions like `expect(codes(r)).toContain('NOT_FOUND')`. */
export function codes(r: GraphQLResult<unknown>): string[] {
  return (r.errors ?? []).map((e) => String(e.extensions?.code));
}

/**
 * The Met asks the Romanian police for access after a hit on the demo's recruiter email, and their
 * supervisor grants it `records` for 30 days (the governance journey itself is tested in
 * test/governance/access-requests.test.ts; this sets up a grant for tests about what one changes).
 */
export async function grantMetRomanianRecords(hub: TestHub, records: Array<{ subjectType: string; id: string }>): Promise<void> {
  const must = <T>(r: GraphQLResult<T>): T => {
    if (r.errors?.length || !r.data) throw new Error(`grantMetRomanianRecords: ${JSON.stringify(r.errors)}`);
    return r.data;
  };
  const request = must(
    await hub.gql<{ requestAccess: { id: string } }>('met-police', `mutation($i: RequestAccessInput!) { requestAccess(input: $i) { id } }`, {
      i: {
        toAgencyId: hub.demo.agencies['politia-romana']!.id,
        identifier: { kind: 'EMAIL', value: 'recrutare.demo@example.org' },
        purpose: 'Lanterna: same recruiter email as our case',
      },
    }),
  ).requestAccess;
  must(
    await hub.gql(
      'politia-romana:SUPERVISOR',
      `mutation($id: ID!, $r: [RecordRefInput!]!, $e: DateTimeISO!) { grantAccess(requestId: $id, records: $r, expiresAt: $e) { id } }`,
      { id: request.id, r: records, e: new Date(Date.now() + 30 * 86_400_000).toISOString() },
    ),
  );
}
