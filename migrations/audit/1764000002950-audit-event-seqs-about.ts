import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit.event_seqs_about(subject_id)`: the seqs of every event about a record (its subject, or one
 * of the records a consultation lists), found through the GIN index on
 * `audit.event_subject_ids(subject_id, records)` (1764000002200).
 *
 * Under row-level security Postgres applies a query's conditions after the policy unless they are
 * leakproof; `@>` on arrays is not, so `auditTrail(filter: { subjectId })` could not use that index
 * and tested every event the caller may see. The filter now reads
 * `e.seq = ANY ((SELECT audit.event_seqs_about($1))::bigint[])`: the subquery is planned as an
 * InitPlan, run once per statement, and what remains on `audit.events` is `seq = ANY(<param>)`,
 * leakproof, which the primary key answers while the policy still filters every row returned.
 *
 * SECURITY DEFINER: the function reads past the events' policy, so it returns seq numbers of events
 * the caller may not see, to the application role only; the hub uses them only as that filter's
 * candidates and never returns them, a caller receiving only the rows the policy lets through
 * (docs/audit.md). Not executable by PUBLIC: the application role is granted it by applySecurity
 * (services/kernel/security.ts, every function of the subgraphs' schemas) and, for a role set up by
 * hand, by `audit.grant_append_only(role)`.
 */
const APPEND_EVENTS = 'audit.append_events(timestamptz, uuid, uuid, text, text, text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])';
const APPEND_RUNS = 'audit.append_runs(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])';
const APPEND_RUNS_RECORDS =
  'audit.append_runs(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[], jsonb[])';
const LOCKED_HEAD = 'audit.locked_chain_head(bigint)';
const AT_HEAD =
  'audit.append_runs_at_head(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])';
const AT_HEAD_RECORDS =
  'audit.append_runs_at_head(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[], jsonb[])';
const APPENDERS = [APPEND_EVENTS, APPEND_RUNS, APPEND_RUNS_RECORDS, LOCKED_HEAD, AT_HEAD, AT_HEAD_RECORDS];
const SEQS_ABOUT = 'audit.event_seqs_about(text)';

const grantAppendOnly = (functions: string[]) => `CREATE OR REPLACE FUNCTION audit.grant_append_only(role_name text) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA audit TO %I', role_name);
    EXECUTE format('REVOKE ALL ON audit.events FROM %I', role_name);
    EXECUTE format('GRANT SELECT ON audit.events TO %I', role_name);
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit.chain_head() TO %I', role_name);
${functions.map((f) => `    EXECUTE format('GRANT EXECUTE ON FUNCTION ${f} TO %I', role_name);`).join('\n')}
  END
$$`;

export class AuditEventSeqsAbout1764000002950 implements MigrationInterface {
  name = 'AuditEventSeqsAbout1764000002950';

  async up(q: QueryRunner): Promise<void> {
    // The parameter is qualified by the function's name: in a SQL function a column of the same name wins.
    await q.query(`CREATE FUNCTION audit.event_seqs_about(subject_id text) RETURNS bigint[]
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
        SELECT coalesce(array_agg(e.seq), '{}') FROM audit.events e
        WHERE audit.event_subject_ids(e.subject_id, e.records) @> ARRAY[event_seqs_about.subject_id]
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION ${SEQS_ABOUT} FROM PUBLIC`);
    await q.query(grantAppendOnly([...APPENDERS, SEQS_ABOUT]));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(grantAppendOnly(APPENDERS));
    await q.query(`DROP FUNCTION ${SEQS_ABOUT}`);
  }
}
