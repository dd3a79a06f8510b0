import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The application role appends to the audit trail through one narrow function and reads only the
 * events row-level security lets it see:
 * - `audit.chain_head()` answers the hash of the newest event (whoever's it is), the time an append
 *   stamps and the transaction's isolation level: what a caller needs to chain its events, nothing
 *   of any event's content;
 * - `audit.append_events(...)` inserts a run of events after checking that it continues the chain
 *   from the current head, link by link (a caller cannot start a branch or skip a link);
 * - `audit.grant_append_only(role)` now grants SELECT and these two functions, never INSERT.
 * Both functions run as their owner (the migrating role), which row-level security does not bind.
 */
export class AuditAppendFunction1764000000410 implements MigrationInterface {
  name = 'AuditAppendFunction1764000000410';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION audit.chain_head() RETURNS TABLE (hash text, at text, isolation text)
      LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
        SELECT (SELECT e.hash FROM audit.events e ORDER BY e.seq DESC LIMIT 1),
          to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          current_setting('transaction_isolation')
      $$`);
    await q.query(`CREATE FUNCTION audit.append_events(
        at timestamptz, actor_user_id uuid, actor_agency_id uuid, purpose text, request_id text,
        actions text[], subject_types text[], subject_ids text[], owners uuid[], recipients jsonb[], fields jsonb[],
        prev_hashes text[], hashes text[])
      RETURNS TABLE (event_seq text, event_hash text)
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        head text;
        n int := cardinality(hashes);
      BEGIN
        IF n = 0 OR cardinality(prev_hashes) <> n OR cardinality(actions) <> n OR cardinality(subject_types) <> n OR cardinality(subject_ids) <> n
           OR cardinality(owners) <> n OR cardinality(recipients) <> n OR cardinality(fields) <> n THEN
          RAISE EXCEPTION 'audit.append_events: one value per event in every array' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT e.hash INTO head FROM audit.events e ORDER BY e.seq DESC LIMIT 1;
        IF prev_hashes[1] IS DISTINCT FROM coalesce(head, repeat('0', 64)) THEN
          RAISE EXCEPTION 'audit.append_events: the first event does not continue the chain from its head' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        FOR i IN 2..n LOOP
          IF prev_hashes[i] IS DISTINCT FROM hashes[i - 1] THEN
            RAISE EXCEPTION 'audit.append_events: event % does not follow the one before it', i USING ERRCODE = 'integrity_constraint_violation';
          END IF;
        END LOOP;
        RETURN QUERY
        INSERT INTO audit.events (at, action, actor_user_id, actor_agency_id, subject_type, subject_id, record_owner_agency_id, recipients, purpose, fields, request_id, prev_hash, hash)
        SELECT append_events.at, e.action, append_events.actor_user_id, append_events.actor_agency_id, e.subject_type, e.subject_id, e.owner,
          ARRAY(SELECT r::uuid FROM jsonb_array_elements_text(e.recipients) WITH ORDINALITY AS x(r, i) ORDER BY i), append_events.purpose,
          ARRAY(SELECT f FROM jsonb_array_elements_text(e.fields) WITH ORDINALITY AS x(f, i) ORDER BY i), append_events.request_id, e.prev_hash, e.hash
        FROM unnest(actions, subject_types, subject_ids, owners, recipients, fields, prev_hashes, hashes)
          WITH ORDINALITY AS e(action, subject_type, subject_id, owner, recipients, fields, prev_hash, hash, n)
        ORDER BY e.n
        RETURNING seq::text, audit.events.hash;
      END
    $$`);
    for (const fn of ['audit.chain_head()', 'audit.append_events(timestamptz, uuid, uuid, text, text, text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    }
    await q.query(`CREATE OR REPLACE FUNCTION audit.grant_append_only(role_name text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        EXECUTE format('GRANT USAGE ON SCHEMA audit TO %I', role_name);
        EXECUTE format('REVOKE ALL ON audit.events FROM %I', role_name);
        EXECUTE format('GRANT SELECT ON audit.events TO %I', role_name);
        EXECUTE format('GRANT EXECUTE ON FUNCTION audit.chain_head() TO %I', role_name);
        EXECUTE format('GRANT EXECUTE ON FUNCTION audit.append_events(timestamptz, uuid, uuid, text, text, text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[]) TO %I', role_name);
      END
    $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit.append_events(timestamptz, uuid, uuid, text, text, text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])`);
    await q.query(`DROP FUNCTION audit.chain_head()`);
  }
}
