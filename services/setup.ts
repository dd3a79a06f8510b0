import { agenciesLoaded } from './agencies/api';
import { registerDevProviderIssuers, syncDevIssuers } from './agencies/demo-data';
import { loadGatewayKeys } from './kernel/actor-token';
import type { Config } from './kernel/config';
import { connect, migrateSchema } from './kernel/db';
import { appDatabaseUrl, appRolePassword, applySecurity } from './kernel/security';
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
    if (await agenciesLoaded(db)) return undefined;
    const demo: DemoRegistry = { agencies: {}, groups: {}, locations: {}, ids: {} };
    await db.transaction(async (tx) => {
      for (const def of SUBGRAPHS) await def.seedDemo?.(tx, demo);
    });
    return demo;
  } finally {
    await db.close();
  }
}

/** Application role grants and row-level security over every subgraph's schema (idempotent). */
export async function secureAll(ownerUrl: string, password: string): Promise<string> {
  await applySecurity(
    ownerUrl,
    password,
    SUBGRAPHS.flatMap((s) => s.tables),
  );
  return appDatabaseUrl(ownerUrl, password);
}

/**
 * Everything a database needs before the hub serves it: migrations, the demo scenario on first run,
 * with the development IdP (config.devIdp) the demo agencies' trusted issuers pointed at it, the gateway key,
 * and the application role with row-level security. Returns the URL the hub connects with.
 */
export async function prepareDatabase(url: string, config: Config, log: (line: string) => void = console.log): Promise<string> {
  const applied = await migrateAll(url);
  if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
  if (await seedDemoData(url)) log('Loaded the Romania → UK demo scenario.');
  const db = await connect(url, 1);
  try {
    if (config.devIdp) {
      await syncDevIssuers(db, config.dataDir, config.audience);
      await registerDevProviderIssuers(db, config.publicUrl, config.audience);
    }
  } finally {
    await db.close();
  }
  await loadGatewayKeys(config.dataDir);
  return config.appDatabaseUrl ?? (await secureAll(url, appRolePassword(config.dataDir)));
}

/** The URL a hub process connects with: TESSERA_APP_DATABASE_URL, or the app role on DATABASE_URL's server. */
/** The application role's connection to the read replica, if one is configured (TESSERA_REPLICA_URL). */
export function runtimeReplicaUrl(config: Config): string | undefined {
  if (!config.replicaDatabaseUrl || config.appDatabaseUrl) return config.replicaDatabaseUrl;
  return appDatabaseUrl(config.replicaDatabaseUrl, appRolePassword(config.dataDir));
}

export function runtimeDatabaseUrl(config: Config): string {
  if (config.appDatabaseUrl) return config.appDatabaseUrl;
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  return appDatabaseUrl(config.databaseUrl, appRolePassword(config.dataDir));
}
