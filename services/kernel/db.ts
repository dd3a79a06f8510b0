import 'reflect-metadata';
import { DataSource, type EntityManager, type MigrationInterface } from 'typeorm';

/** What repositories need: parameterised SQL, nothing else. Both the pool and a transaction are one. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/** Counts statements so tests and the benchmark can prove there is no N+1. */
export const statementCounter = { count: 0 };

class ManagerSql implements Sql {
  constructor(private readonly manager: EntityManager) {}
  async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    statementCounter.count++;
    return (await this.manager.query(text, params as unknown[])) as T[];
  }
}

/** A process-wide connection pool, shared by the subgraphs running in that process. */
export class Database implements Sql {
  private readonly sql: ManagerSql;
  constructor(readonly dataSource: DataSource) {
    this.sql = new ManagerSql(dataSource.manager);
  }

  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]> {
    return this.sql.query<T>(text, params);
  }

  /** All-or-nothing: every write of one mutation happens inside one of these. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => fn(new ManagerSql(manager)));
  }

  close(): Promise<void> {
    return this.dataSource.destroy();
  }
}

export async function connect(url: string, poolSize = 10): Promise<Database> {
  const ds = new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: 'tessera' },
  });
  await ds.initialize();
  return new Database(ds);
}

type MigrationClass = new () => MigrationInterface;

/**
 * Applies one service's migrations into its own Postgres schema, recording them in
 * `<schema>.migrations`. Each subgraph owns its schema and its migration history.
 */
export async function migrateSchema(url: string, schema: string, migrations: MigrationClass[]): Promise<string[]> {
  const bootstrap = new DataSource({ type: 'postgres', url });
  await bootstrap.initialize();
  try {
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await bootstrap.destroy();
  }
  const ds = new DataSource({
    type: 'postgres',
    url,
    schema,
    migrationsTableName: 'migrations',
    migrations,
    synchronize: false,
    logging: false,
  });
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
