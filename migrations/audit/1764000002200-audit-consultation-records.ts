import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consultation events that list their records (canonical form `v: 2`, services/kernel/audit.ts).
 *
 * A request's consultations were one CONSULT (and one DISCLOSE for another agency's record) per
 * record; a link chart of 400 identifiers wrote 400 events. They are now one event per request,
 * action, subject type and record owner, whose `records` lists each record released with the
 * fields released from it (`[{"id": ..., "fields": [...]}]`, sorted by id); `fields` is their union,
 * `subject_id` the one record's id, or `*` for several. `records` is NULL for every other event
 * (`v: 1`). It is hashed with the rest of the event, so verification is as strong as before.
 *
 * - `audit.events.records jsonb`, NULL or a JSON array;
 * - `audit.event_subject_ids(subject_id, records)`: the ids an event is about (its subject id, or
 *   its records' ids), which `auditTrail(filter: { subjectId })` matches, and a GIN index on it for
 *   readers of the table outside row-level security (the owner's tools, an auditor's SQL): under
 *   row-level security Postgres does not use it for the API's filter, `@>` not being leakproof
 *   (docs/audit.md);
 * - `audit.append_runs(..., records jsonb[])`: the chained insert with the records of each event
 *   (NULL for a `v: 1` event). The previous signature stays for a process of the previous release
 *   during a rolling deployment; `audit.grant_append_only(role)` grants both.
 */
const APPEND_EVENTS = 'audit.append_events(timestamptz, uuid, uuid, text, text, text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])';
const APPEND_RUNS = 'audit.append_runs(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])';
const APPEND_RUNS_RECORDS =
  'audit.append_runs(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[], jsonb[])';
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

export class AuditConsultationRecords1764000002200 implements MigrationInterface {
  name = 'AuditConsultationRecords1764000002200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit.events ADD COLUMN records jsonb`);
    await q.query(`ALTER TABLE audit.events ADD CONSTRAINT events_records_array CHECK (records IS NULL OR jsonb_typeof(records) = 'array')`);
    await q.query(`CREATE FUNCTION audit.event_subject_ids(subject_id text, records jsonb) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog AS $$
        SELECT CASE WHEN records IS NULL THEN ARRAY[subject_id] ELSE ARRAY(SELECT r ->> 'id' FROM jsonb_array_elements(records) AS r) END
      $$`);
    await q.query(`CREATE INDEX events_subject_ids_idx ON audit.events USING gin (audit.event_subject_ids(subject_id, records))`);

    await q.query(`CREATE FUNCTION audit.append_runs(
        lock_key bigint, at timestamptz, actor_user_ids uuid[], actor_agency_ids uuid[], purposes text[], request_ids text[],
        actions text[], subject_types text[], subject_ids text[], owners uuid[], recipients jsonb[], fields jsonb[],
        prev_hashes text[], hashes text[], records jsonb[])
      RETURNS TABLE (event_seq text, event_hash text)
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        head text;
        head_at timestamptz;
        n int := cardinality(hashes);
      BEGIN
        IF n = 0 OR cardinality(prev_hashes) <> n OR cardinality(actions) <> n OR cardinality(subject_types) <> n OR cardinality(subject_ids) <> n
           OR cardinality(owners) <> n OR cardinality(recipients) <> n OR cardinality(fields) <> n OR cardinality(actor_user_ids) <> n
           OR cardinality(actor_agency_ids) <> n OR cardinality(purposes) <> n OR cardinality(request_ids) <> n OR cardinality(records) <> n THEN
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
        INSERT INTO audit.events (at, action, actor_user_id, actor_agency_id, subject_type, subject_id, record_owner_agency_id, recipients, purpose, fields, request_id, prev_hash, hash, records)
        SELECT append_runs.at, e.action, e.actor_user_id, e.actor_agency_id, e.subject_type, e.subject_id, e.owner,
          ARRAY(SELECT r::uuid FROM jsonb_array_elements_text(e.recipients) WITH ORDINALITY AS x(r, i) ORDER BY i), e.purpose,
          ARRAY(SELECT f FROM jsonb_array_elements_text(e.fields) WITH ORDINALITY AS x(f, i) ORDER BY i), e.request_id, e.prev_hash, e.hash,
          nullif(e.records, 'null'::jsonb)
        FROM unnest(actor_user_ids, actor_agency_ids, purposes, request_ids, actions, subject_types, subject_ids, owners, recipients, fields, prev_hashes, hashes, records)
          WITH ORDINALITY AS e(actor_user_id, actor_agency_id, purpose, request_id, action, subject_type, subject_id, owner, recipients, fields, prev_hash, hash, records, n)
        ORDER BY e.n
        RETURNING seq::text, audit.events.hash;
      END
    $$`);
    await q.query(`REVOKE ALL ON FUNCTION ${APPEND_RUNS_RECORDS} FROM PUBLIC`);
    await q.query(grantAppendOnly([APPEND_EVENTS, APPEND_RUNS, LOCKED_HEAD, APPEND_RUNS_RECORDS]));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(grantAppendOnly([APPEND_EVENTS, APPEND_RUNS, LOCKED_HEAD]));
    await q.query(`DROP FUNCTION ${APPEND_RUNS_RECORDS}`);
    await q.query(`DROP INDEX audit.events_subject_ids_idx`);
    await q.query(`DROP FUNCTION audit.event_subject_ids(text, jsonb)`);
    await q.query(`ALTER TABLE audit.events DROP COLUMN records`);
  }
}
