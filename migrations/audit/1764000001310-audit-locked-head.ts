import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit.locked_chain_head(lock_key)`: takes the chain's lock for the caller's transaction, then
 * answers what `audit.chain_head()` answers, read after the lock was granted (a plpgsql statement
 * after the lock sees what committed before it, in READ COMMITTED): the lock and the head of an
 * append in a write's own transaction in one round trip instead of two. `audit.grant_append_only`
 * grants it too; the previous path (the lock, then `audit.chain_head()`) keeps working for a process
 * of the previous release during a rolling deployment.
 */
const APPEND_EVENTS = 'audit.append_events(timestamptz, uuid, uuid, text, text, text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])';
const APPEND_RUNS = 'audit.append_runs(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])';
const LOCKED_HEAD = 'audit.locked_chain_head(bigint)';

const grantAppendOnly = (appenders: string[]) => `CREATE OR REPLACE FUNCTION audit.grant_append_only(role_name text) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA audit TO %I', role_name);
    EXECUTE format('REVOKE ALL ON audit.events FROM %I', role_name);
    EXECUTE format('GRANT SELECT ON audit.events TO %I', role_name);
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit.chain_head() TO %I', role_name);
${appenders.map((f) => `    EXECUTE format('GRANT EXECUTE ON FUNCTION ${f} TO %I', role_name);`).join('\n')}
  END
$$`;

export class AuditLockedHead1764000001310 implements MigrationInterface {
  name = 'AuditLockedHead1764000001310';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION audit.locked_chain_head(lock_key bigint) RETURNS TABLE (hash text, at text, isolation text)
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(lock_key);
        RETURN QUERY SELECT (SELECT e.hash FROM audit.events e ORDER BY e.seq DESC LIMIT 1),
          to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          current_setting('transaction_isolation');
      END
    $$`);
    await q.query(`REVOKE ALL ON FUNCTION ${LOCKED_HEAD} FROM PUBLIC`);
    await q.query(grantAppendOnly([APPEND_EVENTS, APPEND_RUNS, LOCKED_HEAD]));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(grantAppendOnly([APPEND_EVENTS, APPEND_RUNS]));
    await q.query(`DROP FUNCTION ${LOCKED_HEAD}`);
  }
}
