import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { syncDevIssuers } from '../../services/agencies/demo-data';
import { loadGatewayKeys } from '../../services/kernel/actor-token';
import { connect } from '../../services/kernel/db';
import { startEmbeddedPostgres } from '../../services/kernel/postgres';
import { migrateAll, secureAll, seedDemoData } from '../../services/setup';

/**
 * Once per test run: a Postgres (embedded unless DATABASE_URL is set), one template database with
 * the real migrations and the demo scenario, and the dev IdP keys. Each test file then clones the
 * template (CREATE DATABASE ... TEMPLATE), so files never see each other's writes.
 */
export default async function globalSetup(): Promise<void> {
  // Jest runs each project's global setup in one process: the first one (integration or browser) serves both.
  if (process.env.TESSERA_TEST_TEMPLATE) return;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
  fs.chmodSync(tmp, 0o755);
  process.env.TESSERA_DATA_DIR = path.join(tmp, 'data');
  process.env.NODE_ENV = 'test';
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const pg = await startEmbeddedPostgres({ dir: path.join(tmp, 'pg'), ephemeral: true });
    (globalThis as { __tesseraStopPg?: () => Promise<void> }).__tesseraStopPg = pg.stop;
    serverUrl = pg.url;
  }
  const template = `tessera_template_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const templateUrl = withDatabase(serverUrl, template);
  await migrateAll(templateUrl);
  const demo = await seedDemoData(templateUrl);
  const db = await connect(templateUrl, 1);
  await syncDevIssuers(db, process.env.TESSERA_DATA_DIR, 'tessera');
  await loadGatewayKeys(process.env.TESSERA_DATA_DIR);
  await db.close();
  process.env.TESSERA_TEST_APP_PASSWORD = 'tessera-test-app';
  await secureAll(templateUrl, process.env.TESSERA_TEST_APP_PASSWORD);
  const demoFile = path.join(tmp, 'demo.json');
  fs.writeFileSync(demoFile, JSON.stringify(demo));
  process.env.TESSERA_TEST_SERVER_URL = serverUrl;
  process.env.TESSERA_TEST_TEMPLATE = template;
  process.env.TESSERA_TEST_DEMO_FILE = demoFile;
  (globalThis as { __tesseraTmp?: string }).__tesseraTmp = tmp;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
