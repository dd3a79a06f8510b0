import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { devSubject, signDevToken } from '../../gateway/dev-idp';
import type { Actor, ActorType, Role } from '../../policies/actor';
import { DEMO_GROUPS, syncDevIssuers } from '../../services/agencies/demo-data';
import { type GatewayKeys, loadGatewayKeys } from '../../services/kernel/actor-token';
import { connect } from '../../services/kernel/db';
import type { DemoRegistry } from '../../services/kernel/subgraph';
import { migrateAll, secureAll, seedDemoData } from '../../services/setup';

/**
 * Debian's PostgreSQL server for the deployment tests: a primary and its hot standby made with
 * initdb, pg_basebackup -R and pg_ctl, run as the `postgres` system user, optionally each inside a
 * network namespace (`ip netns exec`).
 */

/** The newest Debian PostgreSQL server's binaries, if installed. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_basebackup')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

/** Why the deployment tests cannot run here, or undefined when they can: root, Debian's PostgreSQL server, `ip netns`. */
export function deploySkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (network namespaces and the postgres system user need it)';
  if (!postgresBin()) return "Debian's PostgreSQL server is not installed (apt-get install postgresql)";
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' });
  } catch {
    return 'no postgres system user';
  }
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch {
    return '`ip netns` is not available (iproute2)';
  }
  return undefined;
}

/** A command prefix: nothing, or `ip netns exec <ns>` to run inside a namespace. */
export type Where = readonly string[];

export function inNamespace(ns: string): Where {
  return ['ip', 'netns', 'exec', ns];
}

function asPostgres(where: Where, bin: string, args: readonly string[]): string {
  const argv = [...where, 'runuser', '-u', 'postgres', '--', path.join(postgresBin()!, bin), ...args];
  return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface PgServer {
  dir: string;
  host: string;
  port: number;
  /** The superuser's URL (trust authentication: a test cluster only) to `database`. */
  url(database?: string): string;
  stop(): void;
}

function server(where: Where, dir: string, host: string, port: number): PgServer {
  return {
    dir,
    host,
    port,
    url: (database = 'postgres') => `postgres://postgres@${host}:${port}/${database}`,
    stop() {
      try {
        asPostgres(where, 'pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']);
      } catch {
        /* already stopped */
      }
    },
  };
}

/** The server's Unix socket directory, beside its data directory (never copied by pg_basebackup). */
function socketDir(dir: string): string {
  const sockets = `${dir}.run`;
  fs.mkdirSync(sockets, { recursive: true, mode: 0o700 });
  execFileSync('chown', ['postgres:postgres', sockets]);
  return sockets;
}

function start(where: Where, dir: string): void {
  // Outside the data directory, so that pg_basebackup copies neither into the standby.
  const log = path.join(socketDir(dir), 'server.log');
  try {
    asPostgres(where, 'pg_ctl', ['-D', dir, '-l', log, '-w', '-t', '60', 'start']);
  } catch (err) {
    throw new Error(`PostgreSQL in ${dir} did not start: ${fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : String(err)}`);
  }
}

/** A new primary in `dir` (made and owned by postgres), listening on host:port, ready to stream to standbys. */
export function startPrimary(opts: { dir: string; host: string; port: number; where?: Where }): PgServer {
  const where = opts.where ?? [];
  fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  execFileSync('chown', ['postgres:postgres', opts.dir]);
  asPostgres(where, 'initdb', ['-D', opts.dir, '-U', 'postgres', '--auth=trust', '--no-instructions', '-E', 'UTF8', '--locale=C']);
  fs.appendFileSync(
    path.join(opts.dir, 'postgresql.conf'),
    [
      `listen_addresses = '${opts.host}'`,
      `port = ${opts.port}`,
      `unix_socket_directories = '${socketDir(opts.dir)}'`,
      'wal_level = replica',
      'max_wal_senders = 5',
      'hot_standby = on',
      'fsync = off',
      'max_connections = 200',
      '',
    ].join('\n'),
  );
  // Test networks only: any address of the test's own network, trusted, for queries and for replication.
  fs.appendFileSync(path.join(opts.dir, 'pg_hba.conf'), 'host all all 0.0.0.0/0 trust\nhost replication all 0.0.0.0/0 trust\n');
  start(where, opts.dir);
  return server(where, opts.dir, opts.host, opts.port);
}

/** A hot standby of `primary` in `dir`: pg_basebackup -R (it writes primary_conninfo and standby.signal), then started on host:port. */
export function startReplica(primary: PgServer, opts: { dir: string; host: string; port: number; where?: Where }): PgServer {
  const where = opts.where ?? [];
  fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  execFileSync('chown', ['postgres:postgres', opts.dir]);
  asPostgres(where, 'pg_basebackup', ['-h', primary.host, '-p', String(primary.port), '-U', 'postgres', '-D', opts.dir, '-R', '-X', 'stream', '-c', 'fast']);
  fs.appendFileSync(
    path.join(opts.dir, 'postgresql.auto.conf'),
    [`listen_addresses = '${opts.host}'`, `port = ${opts.port}`, `unix_socket_directories = '${socketDir(opts.dir)}'`, ''].join('\n'),
  );
  start(where, opts.dir);
  return server(where, opts.dir, opts.host, opts.port);
}

/** The application role's password in the deployment tests' clusters. */
export const APP_PASSWORD = 'tessera-deploy-app';

/**
 * The hub's database on `primary`: database `tessera`, the real migrations, the demo scenario, the
 * demo agencies' development issuers and the gateway keys in TESSERA_DATA_DIR, the application role.
 */
export async function prepareHubDatabase(primary: PgServer): Promise<{ demo: DemoRegistry; keys: GatewayKeys; ownerUrl: string; appUrl: string }> {
  const admin = new Client({ connectionString: primary.url() });
  await admin.connect();
  await admin.query('CREATE DATABASE tessera');
  await admin.end();
  const ownerUrl = primary.url('tessera');
  await migrateAll(ownerUrl);
  const demo = (await seedDemoData(ownerUrl))!;
  const owner = await connect(ownerUrl, 1);
  await syncDevIssuers(owner, process.env.TESSERA_DATA_DIR!, 'tessera');
  await owner.close();
  const keys = await loadGatewayKeys(process.env.TESSERA_DATA_DIR!);
  const appUrl = await secureAll(ownerUrl, APP_PASSWORD);
  return { demo, keys, ownerUrl, appUrl };
}

const tokens = new Map<string, string>();

/** A development IdP token for a demo persona (`met-police`, `met-police:SUPERVISOR`). */
export async function personaToken(persona: string): Promise<string> {
  if (!tokens.has(persona)) {
    const [slug, role = 'CONTRIBUTOR'] = persona.split(':') as [string, Role?];
    tokens.set(persona, await signDevToken(process.env.TESSERA_DATA_DIR!, slug, devSubject(slug, role!), { audience: 'tessera' }));
  }
  return tokens.get(persona)!;
}

/** The actor a demo persona is, as a subgraph sees it. */
export function demoActor(demo: DemoRegistry, slug: string, role: Role = 'CONTRIBUTOR'): Actor {
  const a = demo.agencies[slug]!;
  const groupIds = DEMO_GROUPS.filter((g) => g.members.includes(slug)).map((g) => demo.groups[g.slug]!);
  return { userId: a.users[role]!, agencyId: a.id, agencyType: a.type as ActorType, role, groupIds };
}

export interface Answer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  /** The x-tessera-written-lsn header of the answer. */
  written?: string;
}

/** POSTs a GraphQL request to `url` as `persona`, with extra headers. */
export async function ask<T = Record<string, unknown>>(
  url: string,
  persona: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await personaToken(persona)}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Answer<T>;
  return { ...body, written: res.headers.get('x-tessera-written-lsn') ?? undefined };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until `replica` has replayed everything `primary` has written so far. */
export async function caughtUp(primary: Client, replica: Client): Promise<void> {
  const [{ lsn }] = (await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows as [{ lsn: string }];
  for (;;) {
    const { rows } = await replica.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn]);
    if (rows[0]!.ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
