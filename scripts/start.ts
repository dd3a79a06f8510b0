import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { inspect } from 'node:util';
import { configuredHubOptions, startHub, type SubgraphTransport } from '../gateway/hub';
import { loadGatewayKeys } from '../services/kernel/actor-token';
import { loadConfig } from '../services/kernel/config';
import { connect } from '../services/kernel/db';
import { waitHealthy } from '../services/kernel/http';
import { startEmbeddedPostgres } from '../services/kernel/postgres';
import { SUBGRAPHS } from '../services/registry';
import { prepareDatabase, runtimeReplicaUrl } from '../services/setup';
import { startTracing } from '../services/kernel/tracing';
import { buildConsole, consoleStale } from './console-build';

/** Stops the embedded Postgres this process started or adopted: at shutdown, and when the start fails after it. */
let stopPostgres: (() => Promise<void>) | undefined;

/**
 * `npm start`: database (embedded unless DATABASE_URL), migrations, demo data on first run, the
 * subgraphs (in this process, or one process each with TESSERA_RUN_MODE=multi-process), the gateway.
 */
async function main() {
  const config = loadConfig();
  const tracing = startTracing();
  if (consoleStale()) {
    console.log('Building the console (console/ → console/dist)...');
    buildConsole(true);
  }
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const pgDir = path.join(config.dataDir, 'pgdata');
    console.log(`Starting embedded PostgreSQL (data in ${pgDir})...`);
    // adopt: a Postgres left running on this directory by a hub that was killed is used, and stopped at shutdown.
    const pg = await startEmbeddedPostgres({ dir: pgDir, port: Number(process.env.TESSERA_PG_PORT ?? 54329), adopt: true });
    databaseUrl = pg.url;
    stopPostgres = pg.stop;
  }
  const appUrl = await prepareDatabase(databaseUrl, config);
  const replicaUrl = runtimeReplicaUrl(config);
  const db = await connect(appUrl, 30, replicaUrl);
  const keys = await loadGatewayKeys(config.dataDir);

  const children: ChildProcess[] = [];
  let transport: SubgraphTransport = { kind: 'in-process' };
  if (config.runMode === 'multi-process') {
    const urls: Record<string, string> = {};
    for (const def of SUBGRAPHS) {
      const url = config.subgraphUrl(def.name, def.port);
      const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, 'subgraph.ts'), def.name], {
        // The gateway's process serves the metrics port; a subgraph child serves none (one port, one process).
        env: { ...process.env, DATABASE_URL: databaseUrl, PORT: new URL(url).port, TESSERA_DATA_DIR: config.dataDir, TESSERA_METRICS_PORT: 'off' },
        stdio: 'inherit',
      });
      children.push(child);
      await waitHealthy(url, child);
      urls[def.name] = url;
    }
    transport = { kind: 'http', urls };
  }
  const hub = await startHub({
    db,
    keys,
    ...configuredHubOptions(config),
    transport,
  });
  // In multi-process mode each subgraph's own process runs its background work.
  const background = config.runMode === 'in-process' ? SUBGRAPHS.flatMap((def) => (def.startBackground ? [def.startBackground(db, config)] : [])) : [];
  console.log(`
Tessera is running (${config.runMode}): ${hub.url}   health: http://localhost:${hub.port}/healthz
Console:       ${config.publicUrl}/   (${config.devIdp ? 'sign in as a demo user of any agency' : 'no development IdP: TESSERA_DEV_IDP=1 serves one'})
Get a token:   npm run token -- --agency met-police [--role SUPERVISOR]      (list: npm run token -- --list)
Try:           curl -s ${hub.url} -H "authorization: Bearer $(npm run -s token -- --agency met-police)" \\
                 -H 'content-type: application/json' -d '{"query":"{ cases { totalCount nodes { reference status } } }"}'
`);
  // Children first and unconditionally: a subgraph process must never outlive the hub that started it.
  const killChildren = () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM'));
  process.once('exit', killChildren);
  const shutdown = async () => {
    killChildren();
    const forced = setTimeout(() => process.exit(1), 10_000);
    forced.unref();
    await hub.stop();
    for (const b of background) await b.stop().catch((err: unknown) => console.error(err));
    await db.close();
    await tracing?.shutdown().catch((err: unknown) => console.error(err));
    await stopPostgres?.();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

void main().catch((err: unknown) => {
  // The whole cause: a stack (with its `cause` chain) for an Error, the inspected value for anything else thrown.
  console.error('Tessera did not start:', err instanceof Error ? err : inspect(err));
  void (stopPostgres?.() ?? Promise.resolve()).catch(() => undefined).finally(() => process.exit(1));
});
