import { syncDevIssuers } from './agencies/demo-data';
import { loadGatewayKeys } from './kernel/actor-token';
import type { Config } from './kernel/config';
import { connect, migrateSchema } from './kernel/db';
import type { DemoRegistry } from './kernel/subgraph';
import { SUBGRAPHS } from './registry';

/** Applies every subgraph's migrations into its own schema, in registry order. */
export async function migrateAll(url: string): Promise<string[]> {
  const applied: string[] = [];
  for (const def of SUBGRAPHS) applied.push(...(await migrateSchema(url, def.dbSchema, def.migrations)));
  return applied;
}

/** Loads the reference scenario once; returns its registry of ids, or undefined when the database already holds it. */
export async function seedDemoData(url: string): Promise<DemoRegistry | undefined> {
  const db = await connect(url, 2);
  try {
    const [{ n }] = (await db.query<{ n: string }>('SELECT count(*) AS n FROM agencies.agencies')) as [{ n: string }];
    if (Number(n) > 0) return undefined;
    const demo: DemoRegistry = { agencies: {}, groups: {}, locations: {}, ids: {} };
    await db.transaction(async (tx) => {
      for (const def of SUBGRAPHS) await def.seedDemo?.(tx, demo);
    });
    return demo;
  } finally {
    await db.close();
  }
}

/**
 * Everything a database needs before the hub serves it: migrations, the demo scenario on first run,
 * the demo agencies' trusted issuers pointed at this machine's development IdP, the gateway key.
 */
export async function prepareDatabase(url: string, config: Config, log: (line: string) => void = console.log): Promise<void> {
  const applied = await migrateAll(url);
  if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
  if (await seedDemoData(url)) log('Loaded the Romania → UK demo scenario.');
  const db = await connect(url, 1);
  try {
    await syncDevIssuers(db, config.dataDir, config.audience);
  } finally {
    await db.close();
  }
  await loadGatewayKeys(config.dataDir);
}
