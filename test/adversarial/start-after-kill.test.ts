import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { devSubject, signDevToken } from '../../gateway/dev-idp';
import { freePort, livePostmaster } from '../../services/kernel/postgres';
import { postGraphQL } from '../support/hub';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '..', '..');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * `npm start` as a user runs it (scripts/start.ts), on its own data directory and ports, with the
 * embedded Postgres; in a process group of its own, as a terminal runs a foreground job.
 */
function npmStart(env: Record<string, string>): Started {
  const { DATABASE_URL: _db, TESSERA_APP_DATABASE_URL: _app, ...inherited } = process.env;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(REPO, 'scripts', 'start.ts')], {
    cwd: REPO,
    // As package.json's start script sets it: the demo, with its development IdP.
    env: { ...inherited, NODE_ENV: 'production', TESSERA_DEV_IDP: '1', LOG_LEVEL: 'warn', TESSERA_METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitHealthy(port: number, started: Started, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (started.child.exitCode !== null) throw new Error(`npm start exited with ${started.child.exitCode}:\n${started.output()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`npm start not healthy after ${timeoutMs} ms:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A hub killed with SIGKILL leaves its embedded Postgres running (Postgres outlives its parent) and
 * holding the data directory. The next `npm start` on that directory must come up without manual
 * cleanup, and a start that fails must say why.
 */
describe('npm start after the hub was killed', () => {
  let tmp: string;
  let dataDir: string;
  const running: Started[] = [];

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-start-'));
    fs.chmodSync(tmp, 0o755);
    dataDir = path.join(tmp, 'data');
  });

  afterAll(async () => {
    for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    // Whatever Postgres is still up on the directory (a failed assertion above) is shut down, not leaked.
    const pg = livePostmaster(path.join(dataDir, 'pgdata'));
    if (pg) process.kill(pg.pid, 'SIGINT');
    for (let i = 0; i < 100 && pg && livePostmaster(path.join(dataDir, 'pgdata')); i++) await new Promise((r) => setTimeout(r, 100));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('SIGKILL, then npm start again: it adopts the Postgres left running, serves queries, and stops it at shutdown', async () => {
    const pgPort = await freePort();
    const env = { TESSERA_DATA_DIR: dataDir, TESSERA_PG_PORT: String(pgPort), PORT: String(await freePort()) };
    const first = npmStart(env);
    running.push(first);
    await waitHealthy(Number(env.PORT), first);
    const orphan = livePostmaster(path.join(dataDir, 'pgdata'));
    expect(orphan?.port).toBe(pgPort);

    // The hub process only: its Postgres child survives, as after an OOM kill or `kill -9`.
    first.child.kill('SIGKILL');
    await first.exited;
    expect(livePostmaster(path.join(dataDir, 'pgdata'))).toEqual(orphan);

    const port = await freePort();
    const second = npmStart({ ...env, PORT: String(port) });
    running.push(second);
    await waitHealthy(port, second);
    const token = await signDevToken(dataDir, 'met-police', devSubject('met-police', 'CONTRIBUTOR'), { audience: 'tessera' });
    const r = await postGraphQL<{ cases: { totalCount: number } }>(
      `http://127.0.0.1:${port}/graphql`,
      { authorization: `Bearer ${token}` },
      '{ cases { totalCount } }',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.cases.totalCount).toBeGreaterThan(0);

    // A clean shutdown of the second hub stops the Postgres it adopted: nothing is left on the directory.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(livePostmaster(path.join(dataDir, 'pgdata'))).toBeUndefined();
  });

  /** A hub with one consultation recorded after its start; the count of audit events. */
  async function hubWithEvents(dir: string): Promise<{ hub: Started; events: number }> {
    const pgPort = await freePort();
    const port = await freePort();
    const hub = npmStart({ TESSERA_DATA_DIR: dir, TESSERA_PG_PORT: String(pgPort), PORT: String(port) });
    running.push(hub);
    await waitHealthy(port, hub);
    // A consultation appends events after any checkpoint the start signed.
    const token = await signDevToken(dir, 'met-police', devSubject('met-police', 'CONTRIBUTOR'), { audience: 'tessera' });
    const r = await postGraphQL(`http://127.0.0.1:${port}/graphql`, { authorization: `Bearer ${token}` }, '{ cases { nodes { persons { fullName } } } }');
    expect(r.data).toBeTruthy();
    const db = new Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', password: 'tessera-local', database: 'tessera' });
    await db.connect();
    const events = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM audit.events')).rows[0]!.n);
    await db.end();
    return { hub, events };
  }

  /** The event counts the signed checkpoints in `dir` cover, in order. */
  const checkpoints = (dir: string) =>
    fs
      .readdirSync(path.join(dir, 'audit-checkpoints'))
      .map((f) => Number(f.split('-')[0]))
      .sort((a, b) => a - b);

  test('SIGTERM: the hub signs a last audit checkpoint over every event before its Postgres stops', async () => {
    const own = path.join(tmp, 'own');
    const { hub, events } = await hubWithEvents(own);
    hub.child.kill('SIGTERM');
    expect(await hub.exited).toBe(0);
    expect(hub.output()).not.toMatch(/shutting down/);
    expect(checkpoints(own).at(-1)).toBe(events);
    expect(livePostmaster(path.join(own, 'pgdata'))).toBeUndefined();
  });

  test('Ctrl-C in the terminal (SIGINT to the whole process group): Postgres is not in the group, so the last checkpoint is still signed', async () => {
    const own = path.join(tmp, 'ctrl-c');
    const { hub, events } = await hubWithEvents(own);
    process.kill(-hub.child.pid!, 'SIGINT');
    expect(await hub.exited).toBe(0);
    expect(hub.output()).not.toMatch(/shutting down|terminating connection/);
    expect(checkpoints(own).at(-1)).toBe(events);
    expect(livePostmaster(path.join(own, 'pgdata'))).toBeUndefined();
  });

  test('a start that fails prints the reason and exits non-zero', async () => {
    // Postgres's port is taken by something else: Postgres cannot listen, and npm start must say so.
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const pgPort = (squatter.address() as net.AddressInfo).port;
    try {
      const failed = npmStart({ TESSERA_DATA_DIR: dataDir, TESSERA_PG_PORT: String(pgPort), PORT: String(await freePort()) });
      running.push(failed);
      expect(await failed.exited).toBe(1);
      expect(failed.output()).toMatch(/Tessera did not start: Error: PostgreSQL did not start on .*pgdata \(port \d+\)/);
      expect(failed.output()).toMatch(/could not bind IPv4 address "127\.0\.0\.1": Address already in use/);
      expect(failed.output()).not.toMatch(/^undefined$/m);
    } finally {
      squatter.close();
    }
  });
});
