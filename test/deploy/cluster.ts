import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

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

function start(where: Where, dir: string): void {
  asPostgres(where, 'pg_ctl', ['-D', dir, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
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
      `unix_socket_directories = '${opts.dir}'`,
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
    [`listen_addresses = '${opts.host}'`, `port = ${opts.port}`, `unix_socket_directories = '${opts.dir}'`, ''].join('\n'),
  );
  start(where, opts.dir);
  return server(where, opts.dir, opts.host, opts.port);
}
