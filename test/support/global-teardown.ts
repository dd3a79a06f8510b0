import fs from 'node:fs';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __tesseraStopPg?: () => Promise<void>; __tesseraTmp?: string };
  // Each project's teardown runs: the first one cleans up, the others find nothing left.
  if (!process.env.TESSERA_TEST_TEMPLATE) return;
  if (g.__tesseraStopPg) await g.__tesseraStopPg();
  else if (process.env.TESSERA_TEST_SERVER_URL) {
    // An external server: drop the template and the per-file databases we made.
    const admin = new Client({ connectionString: process.env.TESSERA_TEST_SERVER_URL });
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $2 OR datname = $1`, [
      process.env.TESSERA_TEST_TEMPLATE,
      `${process.env.TESSERA_TEST_TEMPLATE}_f%`,
    ]);
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    await admin.end();
  }
  if (g.__tesseraTmp) fs.rmSync(g.__tesseraTmp, { recursive: true, force: true });
  delete g.__tesseraStopPg;
  delete g.__tesseraTmp;
  delete process.env.TESSERA_TEST_TEMPLATE;
}
