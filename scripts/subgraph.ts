import { serveSubgraph } from '../gateway/hub';
import { loadGatewayKeys } from '../services/kernel/actor-token';
import { loadConfig } from '../services/kernel/config';
import { connect } from '../services/kernel/db';
import { metricsFromEnv, observePool, serveMetrics } from '../services/kernel/metrics';
import { startTracing } from '../services/kernel/tracing';
import { SUBGRAPHS } from '../services/registry';
import { runtimeDatabaseUrl, runtimeReplicaUrl } from '../services/setup';

/** One subgraph as its own process: `node -r @swc-node/register scripts/subgraph.ts <name>` (multi-process mode, containers). */
async function main() {
  const name = process.argv[2] ?? process.env.TESSERA_SUBGRAPH;
  if (!name) throw new Error('Name the subgraph: scripts/subgraph.ts <name> or TESSERA_SUBGRAPH');
  const config = loadConfig();
  const tracing = startTracing();
  const db = await connect(runtimeDatabaseUrl(config), 20, runtimeReplicaUrl(config));
  const keys = await loadGatewayKeys(config.dataDir);
  const http = await serveSubgraph(name, { db, keys, port: config.port, host: config.subgraphHost, development: config.development });
  console.log(`subgraph ${name} listening on ${config.subgraphHost}:${http.port}`);
  // Its own metrics (audit appends, its pool) only where TESSERA_METRICS_PORT is set for it (a container).
  const metricsOptions = metricsFromEnv(null);
  const metrics = metricsOptions ? await serveMetrics(metricsOptions) : undefined;
  observePool(name, db);
  const background = SUBGRAPHS.find((def) => def.name === name)?.startBackground?.(db, config);
  const stop = async () => {
    await http.close();
    await metrics?.close();
    await background?.stop().catch((err: unknown) => console.error(err));
    await db.close();
    await tracing?.shutdown().catch((err: unknown) => console.error(err));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
