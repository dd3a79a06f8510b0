import { configuredHubOptions, startHub } from '../gateway/hub';
import { loadGatewayKeys } from '../services/kernel/actor-token';
import { loadConfig } from '../services/kernel/config';
import { connect } from '../services/kernel/db';
import { startTracing } from '../services/kernel/tracing';
import { runtimeDatabaseUrl } from '../services/setup';
import { SUBGRAPHS } from '../services/registry';

/** The gateway alone, in front of subgraph processes at TESSERA_SUBGRAPH_URL_<NAME> (containers). */
async function main() {
  const config = loadConfig();
  const tracing = startTracing();
  const db = await connect(runtimeDatabaseUrl(config), 4);
  const keys = await loadGatewayKeys(config.dataDir);
  const urls = Object.fromEntries(SUBGRAPHS.map((s) => [s.name, config.subgraphUrl(s.name, s.port)]));
  const hub = await startHub({
    db,
    keys,
    ...configuredHubOptions(config),
    transport: { kind: 'http', urls },
    readReplica: !!config.replicaDatabaseUrl,
  });
  console.log(`gateway listening on ${hub.url}${hub.metricsUrl ? `, metrics on ${hub.metricsUrl}` : ''}`);
  process.once(
    'SIGTERM',
    () =>
      void hub
        .stop()
        .then(() => db.close())
        .then(() => tracing?.shutdown())
        .then(() => process.exit(0)),
  );
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
