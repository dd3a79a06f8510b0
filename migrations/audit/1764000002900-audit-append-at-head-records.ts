import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit.append_runs_at_head(..., records jsonb[])`: the one-round-trip append of a write's events
 * on the head it guessed (1764000002000), for events that may list their records (1764000002200),
 * so that a mutation's consultations, appended in its own transaction, take that path too. Same
 * checks and answers as the signature without `records`, which stays for a process of the previous
 * release; `audit.grant_append_only(role)` grants every appender.
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

const grantAppendOnly = (appenders: string[]) => `CREATE OR REPLACE FUNCTION audit.grant_append_only(role_name text) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA audit TO %I', role_name);
    EXECUTE format('REVOKE ALL ON audit.events FROM %I', role_name);
    EXECUTE format('GRANT SELECT ON audit.events TO %I', role_name);
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit.chain_head() TO %I', role_name);
${appenders.map((f) => `    EXECUTE format('GRANT EXECUTE ON FUNCTION ${f} TO %I', role_name);`).join('\n')}
  END
$$`;

export class AuditAppendAtHeadRecords1764000002900 implements MigrationInterface {
  name = 'AuditAppendAtHeadRecords1764000002900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION audit.append_runs_at_head(
        lock_key bigint, at timestamptz, actor_user_ids uuid[], actor_agency_ids uuid[], purposes text[], request_ids text[],
        actions text[], subject_types text[], subject_ids text[], owners uuid[], recipients jsonb[], fields jsonb[],
        prev_hashes text[], hashes text[], records jsonb[])
      RETURNS TABLE (event_seq text, event_hash text, head_hash text, head_at text, isolation text)
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        head text;
        head_time timestamptz;
      BEGIN
        PERFORM pg_advisory_xact_lock(lock_key);
        SELECT e.hash, e.at INTO head, head_time FROM audit.events e ORDER BY e.seq DESC LIMIT 1;
        IF prev_hashes[1] IS DISTINCT FROM coalesce(head, repeat('0', 64)) OR append_runs_at_head.at < head_time
           OR append_runs_at_head.at > clock_timestamp() THEN
          RETURN QUERY SELECT NULL::text, NULL::text, head, to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            current_setting('transaction_isolation');
          RETURN;
        END IF;
        RETURN QUERY SELECT a.event_seq, a.event_hash, NULL::text, NULL::text, current_setting('transaction_isolation')
          FROM audit.append_runs(lock_key, append_runs_at_head.at, actor_user_ids, actor_agency_ids, purposes, request_ids, actions, subject_types,
            subject_ids, owners, recipients, fields, prev_hashes, hashes, records) AS a;
      END
    $$`);
    await q.query(`REVOKE ALL ON FUNCTION ${AT_HEAD_RECORDS} FROM PUBLIC`);
    await q.query(grantAppendOnly([APPEND_EVENTS, APPEND_RUNS, APPEND_RUNS_RECORDS, LOCKED_HEAD, AT_HEAD, AT_HEAD_RECORDS]));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(grantAppendOnly([APPEND_EVENTS, APPEND_RUNS, APPEND_RUNS_RECORDS, LOCKED_HEAD]));
    await q.query(`DROP FUNCTION ${AT_HEAD_RECORDS}`);
  }
}
