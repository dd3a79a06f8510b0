import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { type ActorRefs, reachSqlFor } from '../../policies/reach';
import type { Sql } from './db';

/**
 * Defence in depth below the application's SQL filters: the hub runs as `tessera_app`, a role that
 * is neither superuser, table owner, nor BYPASSRLS, and every marked table carries row-level
 * security policies built from the same reach definition as the queries (policies/reach.ts), reading
 * the actor from the request's session settings. A bug in a WHERE clause then still returns no row
 * that does not reach the caller, and a connection without an actor sees no marked row at all.
 */
export const APP_ROLE = 'tessera_app';

const SETTINGS: ActorRefs = {
  agency: `nullif(current_setting('tessera.agency_id', true), '')::uuid`,
  user: `nullif(current_setting('tessera.user_id', true), '')::uuid`,
  groups: `coalesce(nullif(current_setting('tessera.group_ids', true), ''), '{}')`,
};

/**
 * Unmarked tables whose rows reach a caller only through marked ones: an entity is shared ground,
 * visible only where at least one statement about it (an observation, itself under its table's
 * row-level security) reaches the caller (services/entities/entity.repository.ts). The
 * application role may read them; it creates them only through the owner's function
 * (entities.ensure_entities), never changes or deletes them.
 */
const REACHED_THROUGH = [{ table: 'entities.entities', through: 'entities.observations', column: 'entity_id' }] as const;

/** The password of the application role on this machine, made once under the data directory. */
export function appRolePassword(dataDir: string): string {
  if (process.env.TESSERA_APP_DB_PASSWORD) return process.env.TESSERA_APP_DB_PASSWORD;
  const file = path.join(dataDir, 'keys', 'app-db-password');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/** The owner's URL with the application role's credentials (same server and database). */
export function appDatabaseUrl(ownerUrl: string, password: string): string {
  const u = new URL(ownerUrl);
  u.username = APP_ROLE;
  u.password = password;
  return u.toString();
}

/** Tables that carry the marked-record columns, in the given schemas. */
async function markedTables(db: Client, schemas: string[]): Promise<Array<{ schema: string; table: string }>> {
  const { rows } = await db.query<{ schema: string; table: string }>(
    `SELECT table_schema AS schema, table_name AS table FROM information_schema.columns
      WHERE column_name = 'red_recipient_user_ids' AND table_schema = ANY($1) ORDER BY 1, 2`,
    [schemas],
  );
  return rows;
}

/**
 * Idempotent, run after every migration: (re)creates the application role's grants and the RLS
 * policies of every marked table, so a table added by a later migration is covered the next time.
 * Schemas in `appendOnly` get SELECT and INSERT only (the audit trail).
 */
export async function applySecurity(ownerUrl: string, password: string, schemas: string[], appendOnly: string[] = []): Promise<void> {
  const db = new Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    await db.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN CREATE ROLE ${APP_ROLE} LOGIN; END IF;
      END $$`);
    await db.query(`ALTER ROLE ${APP_ROLE} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '${password.replace(/'/g, "''")}'`);
    // A request never keeps a transaction open for long; a leaked one is ended by the server.
    await db.query(`ALTER ROLE ${APP_ROLE} SET idle_in_transaction_session_timeout = '60s'`);
    const { rows } = await db.query<{ db: string }>('SELECT current_database() AS db');
    await db.query(`GRANT CONNECT ON DATABASE "${rows[0]!.db}" TO ${APP_ROLE}`);
    for (const schema of [...schemas, ...appendOnly]) {
      const exists = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (exists.rowCount === 0) continue;
      await db.query(`GRANT USAGE ON SCHEMA ${schema} TO ${APP_ROLE}`);
      await db.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${APP_ROLE}`);
      await db.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} TO ${APP_ROLE}`);
      if (appendOnly.includes(schema)) {
        await db.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${APP_ROLE}`);
        await db.query(`GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA ${schema} TO ${APP_ROLE}`);
      } else {
        await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${APP_ROLE}`);
        await db.query(`REVOKE ALL ON ${schema}.migrations FROM ${APP_ROLE}`);
      }
    }
    for (const { schema, table } of await markedTables(db, schemas)) {
      const t = `${schema}.${table}`;
      const owner = `owner_agency_id = ${SETTINGS.agency}`;
      await db.query(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`);
      for (const name of ['tessera_reach', 'tessera_insert', 'tessera_update', 'tessera_delete']) await db.query(`DROP POLICY IF EXISTS ${name} ON ${t}`);
      await db.query(`CREATE POLICY tessera_reach ON ${t} FOR SELECT TO ${APP_ROLE} USING (${SETTINGS.agency} IS NOT NULL AND ${reachSqlFor(SETTINGS, table, `${schema}.grants`)})`);
      await db.query(`CREATE POLICY tessera_insert ON ${t} FOR INSERT TO ${APP_ROLE} WITH CHECK (${owner})`);
      await db.query(`CREATE POLICY tessera_update ON ${t} FOR UPDATE TO ${APP_ROLE} USING (${owner}) WITH CHECK (${owner})`);
      await db.query(`CREATE POLICY tessera_delete ON ${t} FOR DELETE TO ${APP_ROLE} USING (${owner})`);
    }
    for (const { table, through, column } of REACHED_THROUGH) {
      const exists = await db.query('SELECT to_regclass($1) AS t', [table]);
      if (!exists.rows[0].t || !schemas.includes(table.split('.')[0]!)) continue;
      await db.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await db.query(`DROP POLICY IF EXISTS tessera_reach ON ${table}`);
      await db.query(
        `CREATE POLICY tessera_reach ON ${table} FOR SELECT TO ${APP_ROLE} USING (${SETTINGS.agency} IS NOT NULL AND EXISTS (SELECT 1 FROM ${through} r WHERE r.${column} = ${table}.id))`,
      );
    }
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await db.end();
  }
}

/**
 * Refuses to serve on a connection that row-level security does not bind: a superuser, a BYPASSRLS
 * role, or the owner of a table under RLS (owners are exempt). Run when a subgraph starts, so a
 * misconfigured TESSERA_APP_DATABASE_URL fails closed instead of quietly dropping the second layer.
 */
export async function assertBoundByRowLevelSecurity(db: Sql): Promise<void> {
  const [role] = await db.query<{ name: string; superuser: boolean; bypass: boolean; owns: number }>(
    `SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
       (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid AND c.relrowsecurity) AS owns
     FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const why = !role ? 'unknown' : role.superuser ? 'a superuser' : role.bypass ? 'allowed to bypass row-level security' : role.owns > 0 ? `the owner of ${role.owns} table(s) under row-level security` : null;
  if (why) {
    throw new Error(`The hub must connect as a role bound by row-level security (such as ${APP_ROLE}); ${role?.name ?? 'this role'} is ${why}. Check TESSERA_APP_DATABASE_URL.`);
  }
}
