import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../kernel/config';
import type { Sql } from '../kernel/db';
import { startEmbeddedPostgres } from '../kernel/postgres';

/**
 * The database the audit scripts read, as `npm start` finds it: DATABASE_URL, else the embedded
 * Postgres under $TESSERA_DATA_DIR (the running one if `npm start` is up, else started for the
 * duration of the command). Everything runs in one READ ONLY, REPEATABLE READ transaction, so a
 * verification or an export sees one consistent state of the chain while appends go on.
 */
export async function withAuditSnapshot<T>(fn: (sql: Sql, url: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let url = config.databaseUrl;
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    const port = Number(process.env.TESSERA_PG_PORT ?? 54329);
    const running = `postgres://postgres:tessera-local@127.0.0.1:${port}/tessera`;
    if (await reachable(running)) url = running;
    else {
      const dir = path.join(config.dataDir, 'pgdata');
      if (!fs.existsSync(path.join(dir, 'PG_VERSION')))
        throw new Error(`No database: set DATABASE_URL, or run npm start once (no embedded database in ${dir})`);
      const pg = await startEmbeddedPostgres({ dir, port });
      url = pg.url;
      stop = pg.stop;
    }
  }
  const client = new Client({ connectionString: url, application_name: 'tessera-audit' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const sql: Sql = { query: async <R>(text: string, params?: readonly unknown[]) => (await client.query(text, params as unknown[])).rows as R[] };
    const [found] = await sql.query<{ table: string | null }>(`SELECT to_regclass('audit.events')::text AS table`);
    if (!found?.table) throw new Error('This database has no audit trail (audit.events): run npm start or npm run db:setup to apply the migrations');
    const result = await fn(sql, url);
    await client.query('COMMIT');
    return result;
  } finally {
    await client.end();
    await stop?.();
  }
}

async function reachable(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}
