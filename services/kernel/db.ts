import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import 'reflect-metadata';
import { escapeLiteral } from 'pg';
import { DataSource, type Logger, type MigrationInterface, type QueryRunner } from 'typeorm';
import type { Actor } from '../../policies/actor';
import type { ActorTokenId } from './actor-token';
import { rootLogger } from './logger';
import { sqlSpan } from './tracing';

/** What repositories need: parameterised SQL, nothing else. Both the pool and a transaction are one. */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<T[]>;
}

export interface QueryOptions {
  /**
   * Run it as a named prepared statement (named after its text's hash, so one name is one text),
   * planned without its values: each connection parses and plans it once. For statements a request
   * runs often with the same text and other values, whose plan does not depend on the values (no
   * page's LIMIT, no skew-sensitive filter) while planning them costs more than running them: the
   * by-key loads of `visibleLoader` (planning took 5 to 15 times their execution), a walk's
   * statements, hit/no-hit's answer. Postgres's own choice (custom plans while the generic one looks
   * dearer) kept re-planning them at every execution. In a request's session this is
   * `plan_cache_mode = force_generic_plan` around the statement (ActorSession: set in a round trip it
   * makes anyway when it can, and back to `auto` before a statement that does not ask); outside a
   * session (the pool), a named statement planned as Postgres chooses.
   */
  genericPlan?: boolean;
  /**
   * Run it as a named prepared statement, planned as the session's planning mode says, which it never
   * switches (so it costs no round trip): for writes whose plan is the same whatever their values
   * (INSERT ... SELECT FROM unnest(...) of a request's rows), which Postgres plans with their values
   * for a connection's first five runs and then, the generic plan costing the same, never again.
   * Planning was most of what they cost Postgres: 0.42 of the transaction report INSERT's 0.53 ms.
   */
  prepared?: boolean;
}

/** The planning mode a statement runs under: generic plans (QueryOptions.genericPlan), or Postgres's choice. */
type PlanMode = 'force_generic_plan' | 'auto';
const planModeTerm = (mode: PlanMode) => `set_config('plan_cache_mode', '${mode}', true)`;

/** The statement as the driver takes it: its text, or a named prepared statement. */
function statement(text: string, opts?: QueryOptions): string {
  if (!opts?.genericPlan && !opts?.prepared) return text;
  // pg reads a query config ({ name, text }) where TypeORM passes the text through to it.
  return { name: `tessera_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`, text } as unknown as string;
}

/** What a request's services use: SQL, and all-or-nothing groups of writes. */
export interface Db extends Sql {
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

/**
 * Runs one statement and returns its rows, whatever the statement: TypeORM's plain `query()` answers
 * `[rows, count]` for UPDATE and DELETE, so every statement goes through its structured result.
 */
async function rowsOf<T>(runner: QueryRunner, text: string, params: readonly unknown[] = [], opts?: QueryOptions): Promise<T[]> {
  return sqlSpan(text, async () => (await runner.query(statement(text, opts), params as unknown[], true)).records as T[]);
}

/** A process-wide connection pool, shared by the subgraphs running in that process. */
export class Database implements Db {
  private readonly own = new Map<string, Promise<Database>>();

  /**
   * @param replica a hot standby of this database (TESSERA_REPLICA_URL): read-only request sessions
   * may run there (`sessionFor(actor, { replica })`); everything else, the audit trail included, runs here.
   */
  constructor(
    readonly dataSource: DataSource,
    readonly replica?: Database,
  ) {}

  /**
   * A connection of its own outside the pool, one per name, opened on first use and closed with the
   * pool: for work that requests holding pool connections wait on, which must never queue behind
   * them for a connection. Its statements go to this pool's logger.
   */
  dedicated(name: string): Promise<Database> {
    let made = this.own.get(name);
    if (!made) {
      const main = this.dataSource;
      const logger: Logger = {
        logQuery: (...a) => main.logger.logQuery(...a),
        logQueryError: (...a) => main.logger.logQueryError(...a),
        logQuerySlow: (...a) => main.logger.logQuerySlow(...a),
        logSchemaBuild: (...a) => main.logger.logSchemaBuild(...a),
        logMigration: (...a) => main.logger.logMigration(...a),
        log: (...a) => main.logger.log(...a),
      };
      const options = main.options as typeof main.options & { extra?: Record<string, unknown> };
      const ds = new DataSource({ ...options, logger, extra: { ...options.extra, max: 1, application_name: `tessera-${name}` } } as typeof main.options);
      made = ds.initialize().then((d) => new Database(d));
      made.catch(() => this.own.delete(name));
      this.own.set(name, made);
    }
    return made;
  }

  async query<T = Record<string, unknown>>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await rowsOf<T>(runner, text, params, opts);
    } finally {
      await runner.release();
    }
  }

  /** All-or-nothing: every write of one mutation happens inside one of these. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => fn({ query: (text, params, opts) => rowsOf(manager.queryRunner!, text, params, opts) }));
  }

  async close(): Promise<void> {
    const own = [...this.own.values()];
    this.own.clear();
    await Promise.all(own.map((made) => made.then((d) => d.close()).catch(() => undefined)));
    await this.replica?.close();
    await this.dataSource.destroy();
  }

  /** The pool's connections now: open, idle, and requests waiting for one (undefined once closed). */
  poolUsage(): { total: number; idle: number; waiting: number } | undefined {
    const pool = (this.dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
    return pool && this.dataSource.isInitialized ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : undefined;
  }

  /**
   * The database session of one request made by `actor` (see ActorSession). With `route.readOnly`
   * its transaction is READ ONLY, on the replica when one is configured (see SessionRoute),
   * otherwise on this database.
   */
  sessionFor(actor: Actor, route: SessionRoute = {}): ActorSession {
    const readOnly = route.readOnly === true;
    if (!this.replica) return new ActorSession(this.dataSource, actor, this, undefined, readOnly);
    return new ActorSession(this.dataSource, actor, this, readOnly ? { replica: this.replica.dataSource, minLsn: route.minLsn } : { noteLsn: true }, readOnly);
  }
}

/**
 * One request's database session: one connection, one transaction, with the actor in
 * transaction-local settings (`tessera.agency_id`, `tessera.user_id`, `tessera.group_ids`,
 * `tessera.agency_type`, `tessera.role`) that the
 * row-level security policies read. Opened on the first statement; `transaction()` is a savepoint
 * inside it (a request that may write opens with one, which its first transaction uses; a savepoint
 * is released just before the next statement, or by COMMIT: see `unreleased`); `finish()` commits (or rolls back) and returns the connection before the response
 * leaves, so an acknowledged write is a committed one. A request that only reads (SessionRoute
 * `readOnly`) has a READ ONLY transaction, which Postgres keeps from writing, and which ends after
 * the response has left: it has nothing to make durable. Settings are LOCAL: they end with the
 * transaction and can never leak to the pool's next user.
 */
/** The actor's transaction-local settings that row-level security reads (`tessera.*`), as one SELECT of escaped literals. */
export function actorSettingsSql(actor: Actor): string {
  const settings: Array<[string, string]> = [
    ['tessera.agency_id', actor.agencyId],
    ['tessera.user_id', actor.userId],
    ['tessera.group_ids', `{${actor.groupIds.join(',')}}`],
    ['tessera.agency_type', actor.agencyType],
    ['tessera.role', actor.role],
  ];
  return `SELECT ${settings.map(([name, value]) => `set_config('${name}', ${escapeLiteral(value)}, true)`).join(', ')}`;
}

/**
 * Where and how a request's session reads. `readOnly`: the request only reads (a query whose root
 * fields write nothing), so its transaction is READ ONLY (Postgres refuses any write in it), it may
 * run on the hot standby, and it ends after the response has left (there is nothing to make
 * durable). `minLsn`: the caller's last write (the primary's WAL position after it committed); the
 * session reads on the replica only if the replica has replayed that far
 * (`pg_last_wal_replay_lsn()`), else on the primary, so a caller always reads its own writes.
 */
export interface SessionRoute {
  readOnly?: boolean;
  minLsn?: string;
}

/** A WAL position as Postgres writes it, checked (it reaches SQL as a literal). */
export function lsnText(lsn: string): string {
  lsnValue(lsn);
  return lsn;
}

/** A WAL position (`16/B374D848`) as a number, to compare two. */
export function lsnValue(lsn: string): bigint {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!m) throw new Error(`Not a WAL position: ${lsn}`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

/** What open() throws when the actor token it was to claim was claimed before. */
const TOKEN_CLAIMED_BEFORE = new Error('actor token claimed before');

let replicaWarnedAt = 0;

/** Logs that a session fell back to the primary because the replica failed: at most every 10 s. */
function replicaUnavailable(err: unknown): void {
  if (Date.now() - replicaWarnedAt < 10_000) return;
  replicaWarnedAt = Date.now();
  rootLogger.warn({ err }, 'read replica unavailable: reads go to the primary');
}

export class ActorSession implements Db {
  /** Where the session's statements ran: the primary, or the replica (known once opened). */
  servedBy?: 'primary' | 'replica';
  private opening?: Promise<QueryRunner>;
  private savepoints = 0;
  /**
   * The savepoint of the last transaction() that succeeded, not yet released: its RELEASE goes
   * with the session's next statement (in the same round trip when that is a SAVEPOINT), and none
   * is sent when COMMIT comes next, which releases it.
   */
  private unreleased?: number;
  /**
   * The session was opened by a claim (a request that may write) with a savepoint `tessera_0` in the
   * same round trip, and no statement ran since: the first transaction() is that savepoint, so it
   * sends nothing of its own before its first statement.
   */
  private fresh = false;
  private onCommit: Array<() => void> = [];
  /** Statements of one session run one after another (parallel resolvers share the connection). */
  private queue: Promise<unknown> = Promise.resolve();
  /**
   * The error that broke this session's connection. TypeORM then releases the runner, and every
   * later statement (the COMMIT too) fails with QueryRunnerAlreadyReleasedError, which hides that
   * the database is gone: the session throws this error instead.
   */
  private lost?: Error;
  private connection?: EventEmitter;
  private readonly onConnectionError = (err: Error) => {
    this.lost ??= err;
  };

  /** The actor token this session's request claims when it opens (claimActorToken). */
  private claim?: ActorTokenId;

  /** The transaction's planning mode, as its last setting left it (a transaction starts with the connection's, `auto`). */
  private planMode: PlanMode = 'auto';

  constructor(
    private readonly dataSource: DataSource,
    private readonly actor: Actor,
    private readonly database?: Database,
    private readonly replica?: { replica: DataSource; minLsn?: string } | { noteLsn: true },
    /** The request only reads (SessionRoute): a READ ONLY transaction, ended without waiting (finish). */
    private readonly readOnly = false,
  ) {}

  /**
   * Opens the session on the primary now, claiming `token` in the round trip that begins it
   * (`audit.claim_actor_token`, in this transaction: a second claim of the same token, at any
   * replica, waits for this transaction to end and fails if it committed). False, the session
   * ended, if the token was claimed before. For a request that may write, before its first statement.
   */
  async claimActorToken(token: ActorTokenId): Promise<boolean> {
    if (this.opening) throw new Error('claimActorToken opens the session: call it before any statement');
    this.claim = token;
    try {
      await this.open();
      return true;
    } catch (err) {
      if (err === TOKEN_CLAIMED_BEFORE) return false;
      throw err;
    } finally {
      this.claim = undefined;
    }
  }

  /**
   * For a session that may write, with a replica configured: the primary's WAL position once it
   * committed (a read of this caller that must see the write waits for the replica to replay it).
   */
  writtenLsn?: string;

  private open(): Promise<QueryRunner> {
    this.opening ??= (async () => {
      if (this.replica && 'replica' in this.replica && !this.claim) {
        try {
          const runner = await this.openOnReplica(this.replica.replica, this.replica.minLsn);
          if (runner) return runner;
        } catch (err) {
          // The replica is down or refused: its reads go to the primary, which has everything.
          this.lost = undefined;
          replicaUnavailable(err);
        }
      }
      const runner = this.dataSource.createQueryRunner();
      this.connection = (await runner.connect()) as EventEmitter;
      this.connection.on('error', this.onConnectionError);
      let claimed = true;
      try {
        // One round trip: the transaction and the actor's settings together (a simple-protocol query, so literals).
        if (!this.claim) await runner.query(`${this.readOnly ? 'BEGIN READ ONLY' : 'BEGIN'}; ${this.settingsSql()}`);
        else {
          const { audience, jti, expiresAt } = this.claim;
          const client = this.connection as EventEmitter & { query(text: string): Promise<Array<{ rows: Array<{ first?: boolean }> }>> };
          const results = await client.query(
            `BEGIN; ${this.settingsSql()}; SELECT audit.claim_actor_token(${escapeLiteral(audience)}, ${escapeLiteral(jti)}, to_timestamp(${Number(expiresAt)})) AS first; SAVEPOINT tessera_0`,
          );
          claimed = results.at(-2)?.rows[0]?.first === true;
          this.fresh = claimed;
          if (!claimed) await runner.query('ROLLBACK');
        }
      } catch (err) {
        this.detach();
        await runner.release();
        throw this.lost ?? err;
      }
      if (!claimed) {
        this.detach();
        await runner.release();
        throw TOKEN_CLAIMED_BEFORE;
      }
      this.servedBy = 'primary';
      return runner;
    })();
    return this.opening;
  }

  /**
   * A READ ONLY transaction on the replica with the actor's settings (set_config is allowed in
   * read-only transactions and on a hot standby, so row-level security reads them there as here),
   * and whether the replica has replayed `minLsn`, in one round trip. Undefined, the connection
   * returned, when it has not: the session then opens on the primary (as it does when this throws).
   */
  private async openOnReplica(replica: DataSource, minLsn: string | undefined): Promise<QueryRunner | undefined> {
    const runner = replica.createQueryRunner();
    const client = (await runner.connect()) as EventEmitter & { query(text: string): Promise<Array<{ rows: Array<{ ok?: boolean }> }>> };
    this.connection = client;
    this.connection.on('error', this.onConnectionError);
    try {
      const caughtUp = minLsn ? `pg_last_wal_replay_lsn() >= ${escapeLiteral(lsnText(minLsn))}::pg_lsn` : 'true';
      // Three statements in one simple-protocol round trip: the driver answers one result each.
      const results = await client.query(`BEGIN READ ONLY; ${this.settingsSql()}; SELECT coalesce(${caughtUp}, false) AS ok`);
      if (results.at(-1)?.rows[0]?.ok === true) {
        this.servedBy = 'replica';
        return runner;
      }
      await runner.query('ROLLBACK');
    } catch (err) {
      this.detach();
      await runner.release();
      throw this.lost ?? err;
    }
    this.detach();
    await runner.release();
    return undefined;
  }

  /** The settings the round trip that opens the session makes: the actor's, and generic plans if a statement asked before it opened. */
  private settingsSql(): string {
    return `${actorSettingsSql(this.actor)}${this.planMode === 'force_generic_plan' ? `, ${planModeTerm(this.planMode)}` : ''}`;
  }

  query<T = Record<string, unknown>>(text: string, params: readonly unknown[] = [], opts?: QueryOptions): Promise<T[]> {
    return this.serial(async () => {
      // The statement's planning mode: set by the round trip that opens the session, or with the pending RELEASE.
      const mode: PlanMode = opts?.genericPlan ? 'force_generic_plan' : opts?.prepared ? this.planMode : 'auto';
      const switching = mode !== this.planMode;
      const opened = this.opening !== undefined;
      this.planMode = mode;
      const runner = await this.open();
      await this.release(runner, switching && opened ? `SELECT ${planModeTerm(mode)}` : undefined);
      return rowsOf<T>(runner, text, params, opts);
    });
  }

  /** Sends the pending RELEASE (see `unreleased`), alone or before `next` (literal statements, one round trip). */
  private async release(runner: QueryRunner, next?: string): Promise<void> {
    this.fresh = false;
    const pending = this.unreleased;
    this.unreleased = undefined;
    const sql = [...(pending === undefined ? [] : [`RELEASE SAVEPOINT tessera_${pending}`]), ...(next === undefined ? [] : [next])].join('; ');
    if (sql) await runner.query(sql);
  }

  private serial<R>(run: () => Promise<R>): Promise<R> {
    const result = this.queue.then(run).catch((err: unknown) => {
      throw this.lost ?? err;
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    // The planning mode when the savepoint was made (for `tessera_0`, made by the opening round trip, the mode it set).
    let modeAtSavepoint: PlanMode = 'auto';
    const n = await this.serial(async () => {
      const runner = await this.open();
      modeAtSavepoint = this.planMode;
      if (this.fresh) {
        this.fresh = false;
        return 0;
      }
      const made = ++this.savepoints;
      await this.release(runner, `SAVEPOINT tessera_${made}`);
      return made;
    });
    const savepoint = `tessera_${n}`;
    try {
      const result = await fn(this);
      // Released with the next statement, or by COMMIT (a nested savepoint goes with its enclosing one).
      await this.serial(async () => {
        this.unreleased = Math.min(this.unreleased ?? n, n);
      });
      return result;
    } catch (err) {
      await this.serial(async () => {
        // Rolling back to the savepoint ends every savepoint made after it.
        if (this.unreleased !== undefined && this.unreleased >= n) this.unreleased = undefined;
        // It also undoes a planning mode set after the savepoint.
        this.planMode = modeAtSavepoint;
        await (await this.open()).query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      });
      throw err;
    }
  }

  /** Stops listening to the connection before it goes back to the pool. */
  private detach(): void {
    this.connection?.removeListener('error', this.onConnectionError);
    this.connection = undefined;
  }

  /**
   * A session for another actor (its own connection, transaction and row-level security settings),
   * for reading a request does on that actor's behalf (kernel/context.ts `readAs`). Its connection is
   * the pool's dedicated `readers` one, never another of the pool's: a request already holds one of
   * those, and requests each waiting for a second could otherwise take them all and wait for ever.
   * Readings of concurrent requests take turns on it.
   */
  async readerSession(actor: Actor): Promise<ActorSession> {
    if (!this.database) throw new Error('a session made outside a Database has no reader connection');
    return (await this.database.dedicated('readers')).sessionFor(actor);
  }

  /** The pool this session's connection comes from (none for a session made outside a Database). */
  get pool(): Database | undefined {
    return this.database;
  }

  /** Runs `fn` once this request's transaction has committed; never if it rolls back. */
  afterCommit(fn: () => void): void {
    this.onCommit.push(fn);
  }

  /** Ends the request's transaction; a no-op if the request never touched the database. */
  async finish(commit: boolean): Promise<void> {
    const onCommit = this.onCommit;
    this.onCommit = [];
    if (this.opening) {
      await this.queue;
      const runner = await this.opening;
      this.opening = undefined;
      this.unreleased = undefined;
      this.fresh = false;
      this.planMode = 'auto';
      const ending = this.end(runner, commit);
      // A READ ONLY transaction has nothing to make durable: the response need not wait for its end.
      if (this.readOnly) ending.catch((err: unknown) => rootLogger.warn({ err }, 'a read-only session did not end cleanly'));
      else await ending;
    }
    if (commit) for (const fn of onCommit) fn();
  }

  /** Ends the transaction on `runner` and returns the connection to its pool. */
  private async end(runner: QueryRunner, commit: boolean): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    try {
      await runner.query(commit ? 'COMMIT' : 'ROLLBACK');
      if (commit && this.replica && 'noteLsn' in this.replica) {
        const [row] = (await runner.query('SELECT pg_current_wal_lsn()::text AS lsn')) as Array<{ lsn: string }>;
        this.writtenLsn = row!.lsn;
      }
    } catch (err) {
      throw this.lost ?? err;
    } finally {
      connection?.removeListener('error', this.onConnectionError);
      this.lost = undefined;
      await runner.release();
    }
  }
}

/** A pool on `url`; with `replicaUrl` (a hot standby of it), a pool of the same size there for read-only sessions. */
export async function connect(url: string, poolSize = 10, replicaUrl?: string): Promise<Database> {
  const replica = replicaUrl ? await connect(replicaUrl, poolSize) : undefined;
  const ds = new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: 'tessera' },
  });
  try {
    await ds.initialize();
  } catch (err) {
    await replica?.close();
    throw err;
  }
  return new Database(ds, replica);
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
