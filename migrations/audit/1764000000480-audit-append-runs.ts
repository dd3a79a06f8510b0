import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit.append_runs(lock_key, ...)`: what `audit.append_events` does (insert a run of events after
 * checking, link by link, that it continues the chain from its head), for events of several requests
 * at once, so that who, why and which request are given per event: the one chained insert of a group
 * commit (services/kernel/audit.ts, AuditAppender), and of every write's events. It takes the chain's
 * lock itself before it reads the head (a plpgsql statement after the lock sees what committed before
 * it), so that a caller may chain its events on a head read without the lock and append them in one
 * statement that commits on its own: if the head moved meanwhile, or if `at` is not between the
 * head's time and now (a caller may stamp events with its own clock, never in the future nor
 * before the event they follow), it fails with 40001 (serialization_failure), and the caller reads
 * the head and the time again. `audit.append_events`,
 * which takes them once per call, stays for a process of the previous release during a rolling
 * deployment; `audit.grant_append_only(role)` grants both.
 */
const APPEND_EVENTS = 'audit.append_events(timestamptz, uuid, uuid, text, text, text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])';
const APPEND_RUNS = 'audit.append_runs(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])';

const grantAppendOnly = (appenders: string[]) => `CREATE OR REPLACE FUNCTION audit.grant_append_only(role_name text) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA audit TO %I', role_name);
    EXECUTE format('REVOKE ALL ON audit.events FROM %I', role_name);
    EXECUTE format('GRANT SELECT ON audit.events TO %I', role_name);
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit.chain_head() TO %I', role_name);
${appenders.map((f) => `    EXECUTE format('GRANT EXECUTE ON FUNCTION ${f} TO %I', role_name);`).join('\n')}
  END
$$`;

export class AuditAppendRuns1764000000480 implements MigrationInterface {
  name = 'AuditAppendRuns1764000000480';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION audit.append_runs(
        lock_key bigint, at timestamptz, actor_user_ids uuid[], actor_agency_ids uuid[], purposes text[], request_ids text[],
        actions text[], subject_types text[], subject_ids text[], owners uuid[], recipients jsonb[], fields jsonb[],
        prev_hashes text[], hashes text[])
      RETURNS TABLE (event_seq text, event_hash text)
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        head text;
        head_at timestamptz;
        n int := cardinality(hashes);
      BEGIN
        IF n = 0 OR cardinality(prev_hashes) <> n OR cardinality(actions) <> n OR cardinality(subject_types) <> n OR cardinality(subject_ids) <> n
           OR cardinality(owners) <> n OR cardinality(recipients) <> n OR cardinality(fields) <> n OR cardinality(actor_user_ids) <> n
           OR cardinality(actor_agency_ids) <> n OR cardinality(purposes) <> n OR cardinality(request_ids) <> n THEN
          RAISE EXCEPTION 'audit.append_runs: one value per event in every array' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM pg_advisory_xact_lock(lock_key);
        SELECT e.hash, e.at INTO head, head_at FROM audit.events e ORDER BY e.seq DESC LIMIT 1;
        IF prev_hashes[1] IS DISTINCT FROM coalesce(head, repeat('0', 64)) THEN
          RAISE EXCEPTION 'audit.append_runs: the first event does not continue the chain from its head' USING ERRCODE = 'serialization_failure';
        END IF;
        IF append_runs.at < head_at OR append_runs.at > clock_timestamp() THEN
          RAISE EXCEPTION 'audit.append_runs: events must be stamped between their predecessor''s time and now' USING ERRCODE = 'serialization_failure';
        END IF;
        FOR i IN 2..n LOOP
          IF prev_hashes[i] IS DISTINCT FROM hashes[i - 1] THEN
            RAISE EXCEPTION 'audit.append_runs: event % does not follow the one before it', i USING ERRCODE = 'integrity_constraint_violation';
          END IF;
        END LOOP;
        RETURN QUERY
        INSERT INTO audit.events (at, action, actor_user_id, actor_agency_id, subject_type, subject_id, record_owner_agency_id, recipients, purpose, fields, request_id, prev_hash, hash)
        SELECT append_runs.at, e.action, e.actor_user_id, e.actor_agency_id, e.subject_type, e.subject_id, e.owner,
          ARRAY(SELECT r::uuid FROM jsonb_array_elements_text(e.recipients) WITH ORDINALITY AS x(r, i) ORDER BY i), e.purpose,
          ARRAY(SELECT f FROM jsonb_array_elements_text(e.fields) WITH ORDINALITY AS x(f, i) ORDER BY i), e.request_id, e.prev_hash, e.hash
        FROM unnest(actor_user_ids, actor_agency_ids, purposes, request_ids, actions, subject_types, subject_ids, owners, recipients, fields, prev_hashes, hashes)
          WITH ORDINALITY AS e(actor_user_id, actor_agency_id, purpose, request_id, action, subject_type, subject_id, owner, recipients, fields, prev_hash, hash, n)
        ORDER BY e.n
        RETURNING seq::text, audit.events.hash;
      END
    $$`);
    await q.query(`REVOKE ALL ON FUNCTION ${APPEND_RUNS} FROM PUBLIC`);
    await q.query(grantAppendOnly([APPEND_EVENTS, APPEND_RUNS]));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(grantAppendOnly([APPEND_EVENTS]));
    await q.query(`DROP FUNCTION ${APPEND_RUNS}`);
  }
}
