import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { PUBLIC } from '../../policies/actor';
import { type ActorRefs, audienceSqlFor, reachSqlFor } from '../../policies/reach';
import type { Sql } from './db';
import type { TableDeclaration } from './tables';
import { fileMadeOnce } from './hub-secret';
import { fuzzyMatchSql } from './text-search';

/**
 * Defence in depth below the application's SQL filters: the hub runs as `tessera_app`, a role that
 * is neither superuser, table owner, nor BYPASSRLS, and every table carries forced row-level
 * security generated from its declaration (services/kernel/tables.ts), marked tables' from the same
 * reach definition as the queries (policies/reach.ts), reading the actor from the request's session
 * settings. A bug in a WHERE clause then still returns no row that does not reach the caller, and a
 * connection without an actor reads no tenant row at all.
 */
export const APP_ROLE = 'tessera_app';

/**
 * The session's actor as the policies read it. Each is a scalar subquery, which Postgres evaluates
 * once per statement (an InitPlan): written as a bare expression it would parse the setting and cast
 * it for every row the policy tests (a count of 100,000 cases under the policy: 104 ms bare, 40 ms so).
 */
const SETTINGS: ActorRefs & { agencyType: string; role: string } = {
  agency: `(SELECT nullif(current_setting('tessera.agency_id', true), '')::uuid)`,
  user: `(SELECT nullif(current_setting('tessera.user_id', true), '')::uuid)`,
  groups: `(SELECT coalesce(nullif(current_setting('tessera.group_ids', true), ''), '{}')::uuid[])`,
  agencyType: `(SELECT current_setting('tessera.agency_type', true))`,
  role: `(SELECT current_setting('tessera.role', true))`,
};

/** The password of the application role on this machine, made once under the data directory. */
export function appRolePassword(dataDir: string): string {
  if (process.env.TESSERA_APP_DB_PASSWORD) return process.env.TESSERA_APP_DB_PASSWORD;
  const file = path.join(dataDir, 'keys', 'app-db-password');
  return fileMadeOnce(file, () => randomBytes(24).toString('base64url')).trim();
}

/** The owner's URL with the application role's credentials (same server and database). */
export function appDatabaseUrl(ownerUrl: string, password: string): string {
  const u = new URL(ownerUrl);
  u.username = APP_ROLE;
  u.password = password;
  return u.toString();
}

/**
 * The row-level security of one declared table (services/kernel/tables.ts): its policies, as
 * statements. Every policy is for the application role only and needs an actor in the session,
 * except the reference tables' reads (authentication reads them before there is an actor).
 */
export function rowSecurityPolicies(decl: TableDeclaration): Array<{ name: string; sql: string }> {
  const t = decl.table;
  const actor = `${SETTINGS.agency} IS NOT NULL`;
  const policy = (name: string, command: string, clause: string) => ({ name, sql: `CREATE POLICY ${name} ON ${t} FOR ${command} TO ${APP_ROLE} ${clause}` });
  const owned = (condition: string) => [
    policy('tessera_insert', 'INSERT', `WITH CHECK (${condition})`),
    policy('tessera_update', 'UPDATE', `USING (${condition}) WITH CHECK (${condition})`),
    policy('tessera_delete', 'DELETE', `USING (${condition})`),
  ];
  const rows = decl.rows;
  switch (rows.kind) {
    case 'marked': {
      return [
        policy('tessera_reach', 'SELECT', `USING (${actor} AND ${markedReachSql(t, t.split('.')[1]!)})`),
        ...owned(`owner_agency_id = ${SETTINGS.agency}`),
      ];
    }
    case 'part': {
      const parent = (extra: string) => `EXISTS (SELECT 1 FROM ${rows.parent} p WHERE p.id = ${t}.${rows.column}${extra})`;
      return [
        policy('tessera_reach', 'SELECT', `USING (${actor} AND ${parent('')})`),
        ...owned(`${actor} AND ${parent(` AND p.owner_agency_id = ${SETTINGS.agency}`)}`),
      ];
    }
    case 'agency': {
      const party = rows.columns.map((c) => `${c} = ${SETTINGS.agency}`).join(' OR ');
      return [
        policy('tessera_reach', 'SELECT', `USING (${actor} AND (${party}))`),
        policy('tessera_insert', 'INSERT', `WITH CHECK (${rows.columns[0]} = ${SETTINGS.agency})`),
        policy('tessera_update', 'UPDATE', `USING (${actor} AND (${party})) WITH CHECK (${actor} AND (${party}))`),
        policy('tessera_delete', 'DELETE', `USING (${actor} AND (${party}))`),
      ];
    }
    case 'grants': {
      // The owner is looked up by a SECURITY DEFINER function: a policy reading the records' tables
      // directly would recurse (their reach reads this table).
      const owner = `${recordOwnerFunction(t)}(record_id) = ${SETTINGS.agency}`;
      return [
        policy('tessera_reach', 'SELECT', `USING (${actor} AND (grantee_agency_id = ${SETTINGS.agency} OR ${owner}))`),
        ...owned(`${actor} AND ${owner}`),
      ];
    }
    case 'reached-through':
      return [policy('tessera_reach', 'SELECT', `USING (${actor} AND EXISTS (SELECT 1 FROM ${rows.through} r WHERE r.${rows.column} = ${t}.id))`)];
    case 'audit':
      return [
        policy(
          'tessera_reach',
          'SELECT',
          `USING (${actor} AND ((${SETTINGS.agencyType} = 'HUB_ANALYST' AND ${SETTINGS.role} = 'SUPERVISOR')
            OR actor_agency_id = ${SETTINGS.agency} OR record_owner_agency_id = ${SETTINGS.agency} OR ${SETTINGS.agency} = ANY(recipients)))`,
        ),
      ];
    case 'public-intake': {
      const hub = `${actor} AND ${SETTINGS.agencyType} = 'HUB_ANALYST'`;
      return [
        policy('tessera_reach', 'SELECT', `USING (${hub})`),
        policy('tessera_insert', 'INSERT', `WITH CHECK (${actor} AND ${SETTINGS.agencyType} = '${PUBLIC}')`),
        policy('tessera_update', 'UPDATE', `USING (${hub}) WITH CHECK (${hub})`),
        policy('tessera_delete', 'DELETE', `USING (${hub})`),
      ];
    }
    case 'audience': {
      const hub = `${SETTINGS.agencyType} = 'HUB_ANALYST'`;
      return [
        policy('tessera_reach', 'SELECT', `USING (${actor} AND (${hub} OR ${audienceSqlFor(SETTINGS, t.split('.')[1]!)}))`),
        ...owned(`${actor} AND ${hub} AND owner_agency_id = ${SETTINGS.agency}`),
      ];
    }
    case 'audience-view': {
      const hub = `${SETTINGS.agencyType} = 'HUB_ANALYST'`;
      const parent = `EXISTS (SELECT 1 FROM ${rows.parent} p WHERE p.id = ${t}.${rows.column})`;
      return [
        policy('tessera_reach', 'SELECT', `USING (${actor} AND ${parent} AND (${hub} OR ${rows.agencyTypeColumn} = ${SETTINGS.agencyType}))`),
        ...owned(`${actor} AND ${hub} AND owner_agency_id = ${SETTINGS.agency}`),
      ];
    }
    case 'function-only':
      return [];
    case 'reference':
      return [policy('tessera_reach', 'SELECT', 'USING (TRUE)'), ...owned(`${actor} AND ${SETTINGS.agencyType} = 'HUB_ADMIN'`)];
  }
}

/** Whether row `alias` of marked table `table` reaches the session's actor: the one reach definition, with the grants of the table's schema. */
function markedReachSql(table: string, alias: string): string {
  return reachSqlFor(SETTINGS, alias, `${table.split('.')[0]}.grants`);
}

/** The function that answers which agency owns a record of the tables a grants table serves. */
function recordOwnerFunction(grantsTable: string): string {
  return `${grantsTable.split('.')[0]}.record_owner`;
}

function recordOwnerFunctionDdl(decl: TableDeclaration): string | undefined {
  if (decl.rows.kind !== 'grants') return undefined;
  const lookups = decl.rows.records.map((r) => `SELECT owner_agency_id FROM ${r} WHERE id = $1`).join(' UNION ALL ');
  return `CREATE OR REPLACE FUNCTION ${recordOwnerFunction(decl.table)}(record_id uuid) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $fn$ ${lookups} LIMIT 1 $fn$`;
}

/** The function that answers which rows of a table searched by name match a term (see `nameMatchFunctionDdl`). */
export function nameMatchFunction(table: string): string {
  return `${table}_matching`;
}

/**
 * For a table with `searchedBy`: `<table>_matching(term)`, the ids of the rows the session's actor
 * reaches whose folded name matches the term (`fuzzyMatchSql`), which the column's trigram index can
 * answer. Under row-level security Postgres applies a query's own conditions after the policy's
 * unless they are leakproof, and pg_trgm's operators are not, so a search written in the query tests
 * every row the caller reaches; a query filters `id = ANY(<function>(term))` instead, which the
 * primary key answers under the policy. SECURITY DEFINER to read through the index, so the policies
 * do not apply inside it: it applies what they say itself (`reachedSql`), returns nothing the
 * application role could not read, and no other role may call it.
 */
function nameMatchFunctionDdl(decl: TableDeclaration, tables: readonly TableDeclaration[], trgmSchema: string): string[] {
  const rows = decl.rows;
  if ((rows.kind !== 'marked' && rows.kind !== 'reached-through') || !rows.searchedBy) return [];
  if (!trgmSchema) throw new Error(`${decl.table} is searched by name, but pg_trgm is not installed`);
  const [schema, table] = decl.table.split('.') as [string, string];
  const fn = `${nameMatchFunction(decl.table)}(term text)`;
  return [
    `CREATE OR REPLACE FUNCTION ${fn} RETURNS uuid[]
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
        SELECT coalesce(array_agg(${table}.id), '{}') FROM ${decl.table}
        WHERE ${SETTINGS.agency} IS NOT NULL AND ${fuzzyMatchSql(schema, `${table}.${rows.searchedBy}`, 'term', trgmSchema)}
          AND ${reachedSql(decl, table, tables)}
      $fn$`,
    `REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`,
  ];
}

/**
 * Whether row `alias` of a marked or reached-through table reaches the session's actor, as its
 * `tessera_reach` policy decides, written out for where no policy applies (the owner's functions):
 * a marked row by the reach definition, a reached-through row by a row of its `through` table that
 * reaches the actor in turn.
 */
function reachedSql(decl: TableDeclaration, alias: string, tables: readonly TableDeclaration[]): string {
  const rows = decl.rows;
  switch (rows.kind) {
    case 'marked':
      return markedReachSql(decl.table, alias);
    case 'reached-through': {
      const through = tables.find((t) => t.table === rows.through);
      if (!through) throw new Error(`${decl.table} is reached through ${rows.through}, which has no declaration here`);
      const r = `${alias}_through`;
      return `EXISTS (SELECT 1 FROM ${rows.through} ${r} WHERE ${r}.${rows.column} = ${alias}.id AND ${reachedSql(through, r, tables)})`;
    }
    default:
      throw new Error(`${decl.table}: reach is written out for marked and reached-through tables only`);
  }
}

/** Tables in the given schemas that no declaration names (the schemas' migration bookkeeping aside). */
export async function undeclaredTables(db: Pick<Client, 'query'>, tables: readonly TableDeclaration[]): Promise<string[]> {
  const schemas = [...new Set(tables.map((d) => d.table.split('.')[0]!))];
  const { rows } = await db.query<{ t: string }>(
    `SELECT n.nspname || '.' || c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1) AND c.relname <> 'migrations' ORDER BY 1`,
    [schemas],
  );
  const declared = new Set(tables.map((d) => d.table));
  return rows.map((r) => r.t).filter((t) => !declared.has(t));
}

/**
 * Idempotent, run after every migration: (re)creates the application role, its privileges and the
 * row-level security (ENABLE and FORCE) of every declared table. Refuses to run while any table of
 * the subgraphs' schemas has no declaration, so a new table is never served unprotected.
 */
export async function applySecurity(ownerUrl: string, password: string, tables: readonly TableDeclaration[]): Promise<void> {
  const db = new Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    const undeclared = await undeclaredTables(db, tables);
    if (undeclared.length) throw new Error(`Tables without a declaration (services/<subgraph>/tables.ts): ${undeclared.join(', ')}`);
    await db.query('BEGIN');
    await db.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN CREATE ROLE ${APP_ROLE} LOGIN; END IF;
      END $$`);
    await db.query(`ALTER ROLE ${APP_ROLE} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '${password.replace(/'/g, "''")}'`);
    // A request never keeps a transaction open for long; a leaked one is ended by the server.
    await db.query(`ALTER ROLE ${APP_ROLE} SET idle_in_transaction_session_timeout = '60s'`);
    const { rows } = await db.query<{ db: string }>('SELECT current_database() AS db');
    await db.query(`GRANT CONNECT ON DATABASE "${rows[0]!.db}" TO ${APP_ROLE}`);
    for (const schema of new Set(tables.map((d) => d.table.split('.')[0]!))) {
      await db.query(`GRANT USAGE ON SCHEMA ${schema} TO ${APP_ROLE}`);
      await db.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${APP_ROLE}`);
      await db.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${APP_ROLE}`);
    }
    const { rows: trgm } = await db.query<{ schema: string }>(`SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'pg_trgm'`);
    for (const decl of tables) {
      const ddl = recordOwnerFunctionDdl(decl);
      if (ddl) await db.query(ddl);
      for (const statement of nameMatchFunctionDdl(decl, tables, trgm[0]?.schema ?? '')) await db.query(statement);
    }
    for (const schema of new Set(tables.map((d) => d.table.split('.')[0]!))) {
      await db.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} TO ${APP_ROLE}`);
    }
    for (const decl of tables) {
      const t = decl.table;
      if (decl.privileges.length) await db.query(`GRANT ${decl.privileges.join(', ')} ON ${t} TO ${APP_ROLE}`);
      await db.query(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`);
      await db.query(`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`);
      const { rows: existing } = await db.query<{ name: string }>(
        `SELECT policyname AS name FROM pg_policies WHERE schemaname || '.' || tablename = $1 AND policyname LIKE 'tessera\\_%'`,
        [t],
      );
      for (const { name } of existing) await db.query(`DROP POLICY ${name} ON ${t}`);
      for (const p of rowSecurityPolicies(decl)) await db.query(p.sql);
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
  const why = !role
    ? 'unknown'
    : role.superuser
      ? 'a superuser'
      : role.bypass
        ? 'allowed to bypass row-level security'
        : role.owns > 0
          ? `the owner of ${role.owns} table(s) under row-level security`
          : null;
  if (why) {
    throw new Error(
      `The hub must connect as a role bound by row-level security (such as ${APP_ROLE}); ${role?.name ?? 'this role'} is ${why}. Check TESSERA_APP_DATABASE_URL.`,
    );
  }
}
