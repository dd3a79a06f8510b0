import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { devSubject, signDevToken } from '../gateway/dev-idp';
import { type Hub, serveSubgraph, startHub } from '../gateway/hub';
import { IdentityVerifier } from '../gateway/identity';
import type { Actor, Role } from '../policies/actor';
import { type GatewayKeys, loadGatewayKeys, signActorToken, type SubgraphOperation } from '../services/kernel/actor-token';
import { loadConfig } from '../services/kernel/config';
import { connect, type Database } from '../services/kernel/db';
import { type HttpHandle, waitHealthy } from '../services/kernel/http';
import { rootLogger } from '../services/kernel/logger';
import { freePort, startEmbeddedPostgres } from '../services/kernel/postgres';
import type { DemoRegistry } from '../services/kernel/subgraph';
import { SUBGRAPHS } from '../services/registry';
import { migrateAll, prepareDatabase, seedDemoData } from '../services/setup';
import { type PoolProbe, probePool } from '../test/support/probe';
import { BENCH_KEEP, BENCH_TMP } from './env';
import { generate, type GenerateResult, type ScaleName } from './generate';

const ROOT = path.join(__dirname, '..');
const AUDIENCE = 'tessera';
/** As `npm start` (scripts/start.ts): a request holds one connection for its whole transaction. */
const HUB_POOL = 30;

export interface StackOptions {
  scale: ScaleName;
  seed: string;
  log: (line: string) => void;
}

/** Everything a measure needs: the database, the demo ids, the in-process hub, tokens, and the other run modes on demand. */
export interface Stack {
  scale: ScaleName;
  /** The owner's URL (migrations, generator, SQL baselines). */
  databaseUrl: string;
  /** The pool the in-process hub uses, as the application role under row-level security. */
  db: Database;
  /** What the hub runs on `db` (statements per request), counted from outside the production code. */
  probe: PoolProbe;
  demo: DemoRegistry;
  keys: GatewayKeys;
  generated: GenerateResult;
  /** Gateway with every subgraph inside this process (the default run mode). */
  hub: Hub;
  /** `Bearer <dev IdP token>` for a persona: an agency slug, optionally `slug:ROLE` (CONTRIBUTOR by default). */
  authorization(persona: string): Promise<string>;
  /** The actor the gateway derives from that persona's token. */
  actor(persona: string): Promise<Actor>;
  /** `Bearer <gateway-signed actor token>` for calling subgraph `name` directly with `operation`, once, as the gateway would. */
  actorAuthorization(persona: string, subgraph: string, operation: SubgraphOperation): Promise<string>;
  /** The owner's pool for the benchmark's own lookups (sampling ids): no row-level security, not counted. */
  owner: Pool;
  /** A plain `pg` client of its own (no TypeORM, not counted by the probe) for the SQL baselines. */
  rawClient(): Promise<Client>;
  /** A plain `pg` pool of its own, for SQL baselines with several statements in flight. */
  rawPool(size: number): Pool;
  /** One subgraph on its own HTTP port in this process (for direct calls). */
  directSubgraph(name: string): Promise<string>;
  /** Gateway in this process over HTTP to one real process per subgraph (`scripts/subgraph.ts`), started on first use. */
  multiProcessHub(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * DATABASE_URL: a fresh `tessera_bench_<pid>` on that server, dropped afterwards; `--keep DIR`: an
 * embedded Postgres in DIR/pg, kept; else an ephemeral embedded Postgres.
 */
async function startDatabase(log: (line: string) => void): Promise<{ url: string; stop(): Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (server && BENCH_KEEP) throw new Error('--keep keeps an embedded database: unset DATABASE_URL');
  if (server) {
    const name = `tessera_bench_${process.pid}`;
    const admin = new Client({ connectionString: server });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(server);
    u.pathname = `/${name}`;
    log(`Database: ${name} on the DATABASE_URL server (dropped at the end)`);
    return {
      url: u.toString(),
      async stop() {
        const a = new Client({ connectionString: server });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  if (BENCH_KEEP) {
    log(`Database: embedded PostgreSQL in ${BENCH_KEEP}/pg, kept (--keep)`);
    return startEmbeddedPostgres({ dir: path.join(BENCH_KEEP, 'pg') });
  }
  log('Database: embedded PostgreSQL, ephemeral');
  return startEmbeddedPostgres({ dir: path.join(BENCH_TMP, 'pg'), ephemeral: true });
}

/** What `--keep DIR` remembers of the data set it built, to measure it again without generating it. */
interface KeptDataSet {
  scale: ScaleName;
  seed: string;
  demo: DemoRegistry;
  generated: GenerateResult;
}

const keptFile = () => path.join(BENCH_KEEP!, 'data-set.json');

function keptDataSet(scale: ScaleName, seed: string): KeptDataSet | undefined {
  if (!BENCH_KEEP || !fs.existsSync(keptFile())) return undefined;
  const kept = JSON.parse(fs.readFileSync(keptFile(), 'utf8')) as KeptDataSet;
  if (kept.scale !== scale || kept.seed !== seed) {
    throw new Error(`${BENCH_KEEP} holds the ${kept.scale} data set seeded "${kept.seed}": use another --keep directory`);
  }
  return kept;
}

/** Migrations, the demo scenario and the generated data set, or the ones a `--keep` directory already holds. */
async function buildDataSet(url: string, opts: StackOptions): Promise<{ demo: DemoRegistry; generated: GenerateResult }> {
  const kept = keptDataSet(opts.scale, opts.seed);
  if (kept) {
    opts.log(
      `Reusing the ${kept.scale} data set kept in ${BENCH_KEEP} (generated in ${kept.generated.seconds.toFixed(0)} s; earlier runs' ingest rows included)`,
    );
    // Migrations added since it was kept (the code measured is newer than the data set).
    const applied = await migrateAll(url);
    if (applied.length) opts.log(`Applied to the kept data set: ${applied.join(', ')}`);
    // Earlier runs' rows are in no statistics: a run ends before autovacuum's next round, so plans
    // would be made for the table as it was (a quota window read through the wrong index: 60 ms, not 1.5).
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('ANALYZE');
    } finally {
      await client.end();
    }
    return kept;
  }
  await migrateAll(url);
  const demo = await seedDemoData(url);
  if (!demo)
    throw new Error(
      BENCH_KEEP ? `${BENCH_KEEP} holds a database but no record of its data set: remove the directory` : 'The benchmark database already held data',
    );
  opts.log(`Generating the ${opts.scale} data set (seeded "${opts.seed}")...`);
  const generated = await generate(url, demo, opts.scale, opts.seed, opts.log);
  if (BENCH_KEEP) fs.writeFileSync(keptFile(), JSON.stringify({ scale: opts.scale, seed: opts.seed, demo, generated } satisfies KeptDataSet));
  return { demo, generated };
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const dataDir = process.env.TESSERA_DATA_DIR!;
  const cleanups: Array<() => Promise<void>> = [];
  const children: ChildProcess[] = [];
  const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
  const killChildren = () => children.forEach((c) => running(c) && c.kill('SIGTERM'));
  process.once('exit', killChildren);
  /** SIGTERM to the subgraph processes we started, then wait (SIGKILL after 5 s) so none outlives its database. */
  const stopChildren = () =>
    Promise.all(
      children.filter(running).map(
        (c) =>
          new Promise<void>((resolve) => {
            const force = setTimeout(() => c.kill('SIGKILL'), 5000);
            c.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  const stop = async () => {
    await stopChildren();
    for (const c of cleanups.reverse()) await c().catch((err) => opts.log(`cleanup: ${(err as Error).message}`));
    cleanups.length = 0;
    fs.rmSync(BENCH_TMP, { recursive: true, force: true });
  };

  try {
    const database = await startDatabase(opts.log);
    cleanups.push(database.stop);
    const url = database.url;
    const { demo, generated } = await buildDataSet(url, opts);
    // Then what `npm start` does before serving: trusted issuers, gateway key, the application role and
    // row-level security; it answers the URL the hub connects with.
    const config = loadConfig();
    if (config.audience !== AUDIENCE) throw new Error(`TESSERA_AUDIENCE must be ${AUDIENCE} for the benchmark's tokens`);
    const appUrl = await prepareDatabase(url, config, () => undefined);
    const keys = await loadGatewayKeys(dataDir);

    const db = await connect(appUrl, HUB_POOL);
    const probe = probePool(db);
    const owner = new Pool({ connectionString: url, max: 2, application_name: 'tessera-bench' });
    // An idle connection the server closes (it stops, or an overloaded run ends mid-request) is reported, not thrown.
    owner.on('error', (err) => opts.log(`bench pool: ${err.message}`));
    cleanups.push(() => owner.end());
    cleanups.push(() => db.close());
    const hub = await startHub({ db, keys, port: 0, host: '127.0.0.1', development: false, transport: { kind: 'in-process' } });
    cleanups.push(() => hub.stop());

    const verifier = new IdentityVerifier(db, rootLogger.child({ service: 'bench' }));
    const tokens = new Map<string, Promise<string>>();
    const authorization = (persona: string) => {
      let t = tokens.get(persona);
      if (!t) {
        const [slug, role = 'CONTRIBUTOR'] = persona.split(':') as [string, Role?];
        t = signDevToken(dataDir, slug, devSubject(slug, role!), { audience: AUDIENCE, expiresIn: '8h' }).then((jwt) => `Bearer ${jwt}`);
        tokens.set(persona, t);
      }
      return t;
    };
    const actors = new Map<string, Promise<Actor>>();
    const actor = (persona: string) => {
      let a = actors.get(persona);
      if (!a) {
        a = authorization(persona).then((h) => verifier.authenticate(h, undefined));
        actors.set(persona, a);
      }
      return a;
    };
    // A token is good for one request with one operation: signed per request, as the gateway signs per subgraph fetch.
    const actorAuthorization = async (persona: string, subgraph: string, operation: SubgraphOperation) =>
      `Bearer ${await signActorToken(keys, await actor(persona), subgraph, randomUUID(), operation)}`;

    const rawClient = async () => {
      const client = new Client({ connectionString: url, application_name: 'tessera-bench-baseline' });
      await client.connect();
      cleanups.push(() => client.end());
      return client;
    };

    const rawPool = (size: number) => {
      const pool = new Pool({ connectionString: url, max: size, application_name: 'tessera-bench-baseline' });
      pool.on('error', (err) => opts.log(`baseline pool: ${err.message}`));
      cleanups.push(() => pool.end());
      return pool;
    };

    const direct = new Map<string, Promise<HttpHandle>>();
    const directSubgraph = async (name: string) => {
      let h = direct.get(name);
      if (!h) {
        h = serveSubgraph(name, { db, keys, port: 0, host: '127.0.0.1', development: false });
        direct.set(name, h);
        const handle = await h;
        cleanups.push(() => handle.close());
      }
      return (await h).url;
    };

    let multi: Promise<string> | undefined;
    const multiProcessHub = () => {
      multi ??= (async () => {
        const urls: Record<string, string> = {};
        await Promise.all(
          SUBGRAPHS.map(async (def) => {
            const port = await freePort();
            const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'scripts', 'subgraph.ts'), def.name], {
              cwd: ROOT,
              env: { ...process.env, DATABASE_URL: url, PORT: String(port), TESSERA_DATA_DIR: dataDir },
              stdio: ['ignore', 'ignore', 'inherit'],
            });
            children.push(child);
            urls[def.name] = `http://127.0.0.1:${port}/graphql`;
            await waitHealthy(urls[def.name]!, child);
          }),
        );
        const gateway = await startHub({ db, keys, port: 0, host: '127.0.0.1', development: false, transport: { kind: 'http', urls } });
        cleanups.push(() => gateway.stop());
        return gateway.url;
      })();
      return multi;
    };

    return {
      scale: opts.scale,
      databaseUrl: url,
      db,
      probe,
      demo,
      keys,
      generated,
      hub,
      authorization,
      actor,
      actorAuthorization,
      owner,
      rawClient,
      rawPool,
      directSubgraph,
      multiProcessHub,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
