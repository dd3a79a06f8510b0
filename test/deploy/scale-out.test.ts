import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadGatewayKeys, signActorToken } from '../../services/kernel/actor-token';
import { MIN_LSN_HEADER } from '../../services/kernel/replica';
import { SUBGRAPHS } from '../../services/registry';
import type { DemoRegistry } from '../../services/kernel/subgraph';
import { ask, caughtUp, demoActor, deploySkipReason, inNamespace, type PgServer, prepareHubDatabase, startPrimary, startReplica } from './cluster';
import { RoundRobin, startService, TestNetwork } from './topology';

/**
 * The hub on separate test hosts (one network namespace each, on one bridge): Postgres primary and
 * hot standby, two gateways behind a round-robin balancer, two cases subgraph processes behind
 * another, one process of every other subgraph. Gateways and subgraphs keep no state that makes
 * them disagree.
 */
const skip = deploySkipReason();
if (skip) console.log(`test:deploy skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;

const GATEWAY_PORT = 4000;
const CASE = 'query($id: ID!) { case(id: $id) { id reference } }';

maybe('two gateways and two cases subgraphs on their own hosts, one hub', () => {
  let tmp: string;
  let net: TestNetwork;
  let primary: PgServer;
  let replica: PgServer;
  let demo: DemoRegistry;
  let primaryAdmin: Client;
  let replicaAdmin: Client;
  const children: ChildProcess[] = [];
  let gateways: RoundRobin;
  let cases: RoundRobin;
  let hubUrl: string;
  const gatewayUrls: string[] = [];
  const casesUrls: string[] = [];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-deploy-'));
    fs.chmodSync(tmp, 0o755);
    process.env.TESSERA_DATA_DIR = path.join(tmp, 'data');
    net = new TestNetwork();
    const pg1 = net.host('pg1');
    const pg2 = net.host('pg2');
    primary = startPrimary({ dir: path.join(tmp, 'primary'), host: pg1.ip, port: 5432, where: inNamespace(pg1.ns) });
    const prepared = await prepareHubDatabase(primary);
    demo = prepared.demo;
    replica = startReplica(primary, { dir: path.join(tmp, 'replica'), host: pg2.ip, port: 5432, where: inNamespace(pg2.ns) });
    primaryAdmin = new Client({ connectionString: prepared.ownerUrl });
    replicaAdmin = new Client({ connectionString: replica.url('tessera') });
    await primaryAdmin.connect();
    await replicaAdmin.connect();

    const env = {
      DATABASE_URL: prepared.ownerUrl,
      TESSERA_REPLICA_URL: replica.url('tessera'),
      TESSERA_DATA_DIR: process.env.TESSERA_DATA_DIR!,
      TESSERA_SUBGRAPH_HOST: '0.0.0.0',
      TESSERA_DEV_IDP: '0',
    };
    // Subgraphs: two of cases, one of each other, each on its own host; started together.
    const subgraphUrls: Record<string, string> = {};
    const starting: Array<Promise<ChildProcess>> = [];
    const casesBackends: Array<{ host: string; port: number }> = [];
    for (const def of SUBGRAPHS) {
      for (let i = 1; i <= (def.name === 'cases' ? 2 : 1); i++) {
        const host = net.host(`${def.name.slice(0, 6)}${i}`);
        const url = `http://${host.ip}:${def.port}/graphql`;
        starting.push(startService(host.ns, 'subgraph', [def.name], { ...env, PORT: String(def.port) }, url));
        if (def.name === 'cases') {
          casesBackends.push({ host: host.ip, port: def.port });
          casesUrls.push(url);
        } else subgraphUrls[def.name] = url;
      }
    }
    children.push(...(await Promise.all(starting)));
    cases = new RoundRobin(casesBackends);
    subgraphUrls.cases = `http://${net.gatewayIp}:${await cases.listen(net.gatewayIp)}/graphql`;
    const urlEnv = Object.fromEntries(Object.entries(subgraphUrls).map(([name, url]) => [`TESSERA_SUBGRAPH_URL_${name.toUpperCase()}`, url]));
    const gatewayBackends: Array<{ host: string; port: number }> = [];
    const gws: Array<Promise<ChildProcess>> = [];
    for (const i of [1, 2]) {
      const host = net.host(`gw${i}`);
      const url = `http://${host.ip}:${GATEWAY_PORT}/graphql`;
      gws.push(startService(host.ns, 'gateway', [], { ...env, ...urlEnv, PORT: String(GATEWAY_PORT), TESSERA_PUBLIC_URL: url.replace('/graphql', '') }, url));
      gatewayBackends.push({ host: host.ip, port: GATEWAY_PORT });
      gatewayUrls.push(url);
    }
    children.push(...(await Promise.all(gws)));
    gateways = new RoundRobin(gatewayBackends);
    hubUrl = `http://${net.gatewayIp}:${await gateways.listen(net.gatewayIp)}/graphql`;
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await gateways?.close();
    await cases?.close();
    await replicaAdmin?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await replicaAdmin?.end();
    await primaryAdmin?.end();
    replica?.stop();
    primary?.stop();
    net?.destroy();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(async () => {
    await replicaAdmin?.query('SELECT pg_wal_replay_resume()');
  });

  test('requests spread over both gateways and both cases processes answer the same, writes included', async () => {
    const opened = await ask<{ openCase: { id: string } }>(
      hubUrl,
      'met-police',
      `mutation { openCase(input: { handling: { marking: GREEN, sourceEvaluation: RELIABLE, intelligenceAssessment: B, handlingCode: P }, exploitationTypes: [LABOUR], reference: "DEPLOY-LB" }) { id } }`,
    );
    expect(opened.errors).toBeUndefined();
    const id = opened.data!.openCase.id;
    await caughtUp(primaryAdmin, replicaAdmin);
    const before = [...gateways.connections];
    const beforeCases = [...cases.connections];
    // Eight at once through the balancer (a new connection each: fetch opens one per request in flight), then each gateway directly.
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, () => ask<{ case: { reference: string } | null }>(hubUrl, 'met-police:SUPERVISOR', CASE, { id })),
      ...gatewayUrls.map((url) => ask<{ case: { reference: string } | null }>(url, 'met-police:SUPERVISOR', CASE, { id })),
    ]);
    for (const a of answers) expect(a.data?.case?.reference).toBe('DEPLOY-LB');
    expect(gateways.connections.every((n, i) => n > before[i]!)).toBe(true);
    expect(cases.connections.every((n, i) => n > beforeCases[i]!)).toBe(true);
    // A bank sees the GREEN case's existence but not its reference, the same through either gateway.
    const bank = await Promise.all(gatewayUrls.map((url) => ask<{ case: { id: string; reference: string | null } | null }>(url, 'albion-bank', CASE, { id })));
    for (const a of bank) expect(a.data?.case?.reference ?? null).toBeNull();
    expect(bank[0]!.data).toEqual(bank[1]!.data);
  });

  test('read-your-writes across gateways: the written position the answer carries, echoed, reaches the other gateway', async () => {
    await replicaAdmin.query('SELECT pg_wal_replay_pause()');
    const [gw1, gw2] = gatewayUrls as [string, string];
    const opened = await ask<{ openCase: { id: string } }>(
      gw1,
      'met-police',
      `mutation { openCase(input: { handling: { marking: GREEN, sourceEvaluation: RELIABLE, intelligenceAssessment: B, handlingCode: P }, exploitationTypes: [LABOUR], reference: "DEPLOY-RYW2" }) { id } }`,
    );
    const id = opened.data!.openCase.id;
    expect((await ask<{ case: { reference: string } | null }>(gw1, 'met-police', CASE, { id })).data?.case?.reference).toBe('DEPLOY-RYW2');
    // The other gateway has no mark for this caller: it reads the paused replica...
    expect((await ask(gw2, 'met-police', CASE, { id })).data?.case ?? null).toBeNull();
    // ...unless the client sends back the position the write's answer gave it.
    const echoed = await ask<{ case: { reference: string } | null }>(gw2, 'met-police', CASE, { id }, { [MIN_LSN_HEADER]: opened.written! });
    expect(echoed.data?.case?.reference).toBe('DEPLOY-RYW2');
  });

  test('a user deactivated through one gateway is refused at the other within the users cache TTL (5 s)', async () => {
    const [gw1, gw2] = gatewayUrls as [string, string];
    const userId = demo.agencies['met-police']!.users.VIEWER!;
    // The other gateway has the user cached.
    expect((await ask(gw2, 'met-police:VIEWER', '{ me { id } }')).errors).toBeUndefined();
    const off = await ask(gw1, 'tessera-admin', 'mutation($id: ID!) { setUserActive(id: $id, active: false) { id } }', { id: userId });
    expect(off.errors).toBeUndefined();
    const deactivated = Date.now();
    let refused: Awaited<ReturnType<typeof ask>> | undefined;
    while (!refused && Date.now() - deactivated < 15_000) {
      const r = await ask(gw2, 'met-police:VIEWER', '{ me { id } }');
      if (r.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) refused = r;
      else await new Promise((res) => setTimeout(res, 250));
    }
    expect(refused).toBeDefined();
    // The bound is the cache's lifetime (USER_CACHE_TTL_MS), plus a request's time.
    expect(Date.now() - deactivated).toBeLessThan(5_000 + 2_000);
    await ask(gw1, 'tessera-admin', 'mutation($id: ID!) { setUserActive(id: $id, active: true) { id } }', { id: userId });
  });

  test('an actor token runs its one operation: refused again at the same cases process, and for any other operation at the other', async () => {
    const keys = await loadGatewayKeys(process.env.TESSERA_DATA_DIR!);
    const actor = demoActor(demo, 'met-police', 'SUPERVISOR');
    const operation = { query: '{ cases(first: 1) { totalCount } }', variables: {}, operationName: undefined };
    const token = await signActorToken(keys, actor, 'cases', randomUUID(), operation);
    const post = (url: string, body: object) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<{ data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }>,
      );
    const [cases1, cases2] = casesUrls as [string, string];
    expect((await post(cases1, { query: operation.query })).errors).toBeUndefined();
    expect((await post(cases1, { query: operation.query })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Another operation with the same token, at the replica that has not seen it: refused (the token is bound to its operation's hash).
    const other = await post(cases2, { query: '{ cases(first: 100) { nodes { id reference } } }' });
    expect(other.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test("a mutation's actor token, run at one cases process, is refused at the other (the used-token table they share)", async () => {
    const keys = await loadGatewayKeys(process.env.TESSERA_DATA_DIR!);
    const actor = demoActor(demo, 'met-police', 'CONTRIBUTOR');
    const reference = `REPLAY-${randomUUID().slice(0, 8)}`;
    const handling = { marking: 'AMBER', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' };
    const operation = {
      query: 'mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }',
      variables: { input: { handling, reference, summary: 'Replayed across processes', exploitationTypes: ['LABOUR'] } },
      operationName: undefined,
    };
    const token = await signActorToken(keys, actor, 'cases', randomUUID(), operation);
    const post = (url: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: operation.query, variables: operation.variables }),
      }).then((r) => r.json() as Promise<{ data?: { openCase?: { id: string } } | null; errors?: Array<{ extensions?: { code?: string } }> }>);
    const [cases1, cases2] = casesUrls as [string, string];
    const first = await post(cases1);
    expect(first.errors).toBeUndefined();
    expect(first.data?.openCase?.id).toBeDefined();
    const replayed = await post(cases2);
    expect(replayed.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    // One case on the primary: the replay wrote nothing.
    expect((await primaryAdmin.query('SELECT 1 FROM cases.cases WHERE reference = $1', [reference])).rowCount).toBe(1);
  });
});
