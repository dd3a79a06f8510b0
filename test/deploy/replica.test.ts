import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { type Hub, startHub } from '../../gateway/hub';
import { connect, type Database } from '../../services/kernel/db';
import { MIN_LSN_HEADER } from '../../services/kernel/replica';
import { appDatabaseUrl } from '../../services/kernel/security';
import type { DemoRegistry } from '../../services/kernel/subgraph';
import { APP_PASSWORD, ask, caughtUp, demoActor, deploySkipReason, freePort, type PgServer, prepareHubDatabase, startPrimary, startReplica } from './cluster';

/**
 * Streaming replication on Debian's PostgreSQL server (primary + hot standby, localhost ports):
 * read-only requests read on the replica under row-level security, their consultation audit is
 * appended on the primary, writes go to the primary, and a caller reads its own writes.
 */
const skip = deploySkipReason();
if (skip) console.log(`test:deploy skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;

maybe('a primary and its hot standby', () => {
  let tmp: string;
  let primary: PgServer;
  let replica: PgServer;
  let demo: DemoRegistry;
  let appDb: Database;
  let hub: Hub;
  let primaryAdmin: Client;
  let replicaAdmin: Client;
  let replicaDown = false;

  const gql = <T = Record<string, unknown>>(persona: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    ask<T>(hub.url, persona, query, variables, headers);
  const actorOf = (slug: string, role: 'CONTRIBUTOR' | 'SUPERVISOR' = 'CONTRIBUTOR') => demoActor(demo, slug, role);
  const replicaCaughtUp = () => caughtUp(primaryAdmin, replicaAdmin);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-deploy-'));
    fs.chmodSync(tmp, 0o755);
    process.env.TESSERA_DATA_DIR = path.join(tmp, 'data');
    primary = startPrimary({ dir: path.join(tmp, 'primary'), host: '127.0.0.1', port: await freePort() });
    const prepared = await prepareHubDatabase(primary);
    demo = prepared.demo;
    replica = startReplica(primary, { dir: path.join(tmp, 'replica'), host: '127.0.0.1', port: await freePort() });
    appDb = await connect(prepared.appUrl, 10, appDatabaseUrl(replica.url('tessera'), APP_PASSWORD));
    hub = await startHub({ db: appDb, keys: prepared.keys, port: 0, host: '127.0.0.1', development: false, transport: { kind: 'in-process' }, console: false });
    const ownerUrl = prepared.ownerUrl;
    primaryAdmin = new Client({ connectionString: ownerUrl });
    replicaAdmin = new Client({ connectionString: replica.url('tessera') });
    await primaryAdmin.connect();
    await replicaAdmin.connect();
  });

  afterAll(async () => {
    if (!replicaDown) {
      await replicaAdmin?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
      await replicaAdmin?.end();
    }
    await primaryAdmin?.end();
    await hub?.stop();
    await appDb?.close();
    replica?.stop();
    primary?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(async () => {
    if (!replicaDown) await replicaAdmin?.query('SELECT pg_wal_replay_resume()');
  });

  test("a read-only session runs on the hot standby in a read-only transaction, with the actor's settings (set_config works there)", async () => {
    const actor = actorOf('met-police');
    const session = appDb.sessionFor(actor, { readOnly: true });
    const [row] = await session.query<{ standby: boolean; agency: string; ro: string }>(
      "SELECT pg_is_in_recovery() AS standby, current_setting('tessera.agency_id') AS agency, current_setting('transaction_read_only') AS ro",
    );
    await session.finish(true);
    expect(session.servedBy).toBe('replica');
    expect(row).toEqual({ standby: true, agency: actor.agencyId, ro: 'on' });

    const write = appDb.sessionFor(actor);
    const [onPrimary] = await write.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    await write.finish(true);
    expect(write.servedBy).toBe('primary');
    expect(onPrimary!.standby).toBe(false);
  });

  test('row-level security holds on the replica: each agency sees there exactly what it sees on the primary, never all', async () => {
    const { rows: all } = await replicaAdmin.query<{ id: string }>('SELECT id FROM cases.cases');
    const seen: Record<string, string[]> = {};
    for (const slug of ['met-police', 'safe-passage', 'albion-bank', 'spitalul-iasi']) {
      const visible = async (replicaRoute: boolean) => {
        const s = appDb.sessionFor(actorOf(slug), { readOnly: replicaRoute });
        const rows = await s.query<{ id: string }>('SELECT id FROM cases.cases ORDER BY id');
        await s.finish(true);
        return { ids: rows.map((r) => r.id), servedBy: s.servedBy };
      };
      const [onReplica, onPrimary] = [await visible(true), await visible(false)];
      expect(onReplica.servedBy).toBe('replica');
      expect(onReplica.ids).toEqual(onPrimary.ids);
      expect(onReplica.ids.length).toBeLessThan(all.length);
      seen[slug] = onReplica.ids;
    }
    // The leak probe through the hub (served by the replica): the NGO asks for each case it must not see, by id and in its list.
    const hidden = all.map((r) => r.id).filter((id) => !seen['safe-passage']!.includes(id));
    expect(hidden.length).toBeGreaterThan(0);
    const listed = await gql<{ cases: { nodes: Array<{ id: string }> } }>('safe-passage', '{ cases(first: 100) { nodes { id } } }');
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.cases.nodes.map((n) => n.id).sort()).toEqual([...seen['safe-passage']!].sort());
    for (const id of hidden) {
      const direct = await gql('safe-passage', 'query($id: ID!) { case(id: $id) { id reference } }', { id });
      expect(direct.data?.case ?? null).toBeNull();
    }
  });

  test('a personal read served by the replica records its consultation on the primary before the answer leaves', async () => {
    await replicaAdmin.query('SELECT pg_wal_replay_pause()');
    const requestId = `deploy-audit-${Date.now()}`;
    const r = await gql<{ case: { persons: Array<{ fullName: string | null }> } }>(
      'met-police:SUPERVISOR',
      'query($id: ID!) { case(id: $id) { persons { fullName } } }',
      { id: demo.ids['case:lanterna'] },
      { 'x-tessera-purpose': 'deployment test', 'x-request-id': requestId },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.case.persons.some((p) => p.fullName)).toBe(true);
    const { rows } = await primaryAdmin.query<{ action: string; purpose: string }>('SELECT action, purpose FROM audit.events WHERE request_id = $1', [
      requestId,
    ]);
    expect(rows.map((e) => e.action)).toContain('CONSULT');
    expect(rows.every((e) => e.purpose === 'deployment test')).toBe(true);
    // Written on the primary only: the paused replica has not got it yet.
    const { rows: onReplica } = await replicaAdmin.query('SELECT 1 FROM audit.events WHERE request_id = $1', [requestId]);
    expect(onReplica).toHaveLength(0);
  });

  test('read-your-writes: the caller who wrote reads it at once; others read the replica until it replays the write', async () => {
    await replicaAdmin.query('SELECT pg_wal_replay_pause()');
    const opened = await gql<{ openCase: { id: string } }>(
      'met-police',
      `mutation { openCase(input: { handling: { marking: GREEN, sourceEvaluation: RELIABLE, intelligenceAssessment: B, handlingCode: P }, exploitationTypes: [LABOUR], reference: "DEPLOY-RYW" }) { id } }`,
    );
    expect(opened.errors).toBeUndefined();
    const id = opened.data!.openCase.id;
    expect(opened.written).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    const read = 'query($id: ID!) { case(id: $id) { reference } }';

    // The writer, at once (its reads go to the primary until the replica has replayed its write).
    expect((await gql<{ case: { reference: string } | null }>('met-police', read, { id })).data?.case?.reference).toBe('DEPLOY-RYW');
    // A colleague who did not write reads the paused replica: not there yet.
    expect((await gql<{ case: unknown }>('met-police:SUPERVISOR', read, { id })).data?.case ?? null).toBeNull();
    // Unless the client echoes the WAL position an answer gave it (how it reads its writes through another gateway).
    const echoed = await gql<{ case: { reference: string } | null }>('met-police:SUPERVISOR', read, { id }, { [MIN_LSN_HEADER]: opened.written! });
    expect(echoed.data?.case?.reference).toBe('DEPLOY-RYW');

    await replicaAdmin.query('SELECT pg_wal_replay_resume()');
    await replicaCaughtUp();
    expect((await gql<{ case: { reference: string } | null }>('met-police:VIEWER', read, { id })).data?.case?.reference).toBe('DEPLOY-RYW');
  });

  test('a query that writes (hit/no-hit meters and audits every question) runs on the primary with a replica configured', async () => {
    await replicaAdmin.query('SELECT pg_wal_replay_pause()');
    const r = await gql<{ hitNoHit: Array<{ known: boolean }> }>('albion-bank', 'query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { known } }', {
      ids: [{ kind: 'PHONE', value: '+447700900123' }],
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.hitNoHit).toHaveLength(1);
  });

  test('without a replica nothing changes: every session on the one database, no WAL position noted', async () => {
    const single = await connect(appDatabaseUrl(primary.url('tessera'), APP_PASSWORD), 1);
    try {
      const s = single.sessionFor(actorOf('met-police'), { readOnly: true });
      await s.query('SELECT 1');
      await s.finish(true);
      expect(s.servedBy).toBe('primary');
      expect(s.writtenLsn).toBeUndefined();
    } finally {
      await single.close();
    }
  });

  // Last: it stops the replica.
  test('with the replica down, reads go to the primary: the hub keeps answering', async () => {
    replicaDown = true;
    await replicaAdmin.end();
    replica.stop();
    const s = appDb.sessionFor(actorOf('met-police'), { readOnly: true });
    const [row] = await s.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    await s.finish(true);
    expect(s.servedBy).toBe('primary');
    expect(row!.standby).toBe(false);
    const r = await gql<{ case: { reference: string } | null }>('met-police', 'query($id: ID!) { case(id: $id) { reference } }', {
      id: demo.ids['case:lanterna'],
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.case).not.toBeNull();
  });
});
