import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: `audit.events`, append-only and hash-chained (services/kernel/audit.ts).
 *
 * Append-only, in three layers:
 * 1. a trigger refuses UPDATE, DELETE and TRUNCATE for everyone, the table owner included, and is
 *    ENABLE ALWAYS so `session_replication_role = replica` does not skip it. This is the guarantee
 *    that holds today, while the application connects as a superuser. A superuser can still
 *    disable or drop the trigger (or the table): that is what the hash chain and
 *    `npm run audit:verify` detect.
 * 2. the table and schema belong to a NOLOGIN role, `tessera_audit_owner`, so no login role owns
 *    them (an owner can disable triggers; a non-owner cannot);
 * 3. PUBLIC has no privilege on the table; the application role `tessera_app`, when it exists,
 *    gets SELECT and INSERT only (`audit.grant_append_only(role)`, callable again for a role
 *    created later).
 */
export class AuditInit1764000000400 implements MigrationInterface {
  name = 'AuditInit1764000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit.events (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL,
      action text NOT NULL CHECK (action IN ('COLLECT','ALTER','CONSULT','DISCLOSE','COMBINE','ERASE')),
      actor_user_id uuid,
      actor_agency_id uuid,
      subject_type text NOT NULL,
      subject_id text NOT NULL,
      record_owner_agency_id uuid,
      recipients uuid[] NOT NULL DEFAULT '{}',
      purpose text,
      fields text[] NOT NULL DEFAULT '{}',
      request_id text,
      prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
      hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
      CONSTRAINT events_one_successor UNIQUE (prev_hash),
      CONSTRAINT events_hash_unique UNIQUE (hash),
      CHECK (action <> 'DISCLOSE' OR cardinality(recipients) > 0)
    )`);
    await q.query(`COMMENT ON TABLE audit.events IS 'DPA 2018 s.62 log: append-only, hash-chained (hash = sha256(prev_hash || canonical JSON)); verify with npm run audit:verify'`);
    await q.query(`CREATE INDEX events_actor_agency_idx ON audit.events (actor_agency_id, seq)`);
    await q.query(`CREATE INDEX events_owner_agency_idx ON audit.events (record_owner_agency_id, seq)`);
    await q.query(`CREATE INDEX events_recipients_idx ON audit.events USING gin (recipients)`);
    await q.query(`CREATE INDEX events_subject_idx ON audit.events (subject_type, subject_id, seq)`);
    await q.query(`CREATE INDEX events_at_idx ON audit.events (at)`);

    await q.query(`CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit.events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
    $$`);
    await q.query(`CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON audit.events FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()`);
    await q.query(`CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()`);
    await q.query(`ALTER TABLE audit.events ENABLE ALWAYS TRIGGER events_append_only`);
    await q.query(`ALTER TABLE audit.events ENABLE ALWAYS TRIGGER events_no_truncate`);

    await q.query(`CREATE FUNCTION audit.grant_append_only(role_name text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        EXECUTE format('GRANT USAGE ON SCHEMA audit TO %I', role_name);
        EXECUTE format('REVOKE ALL ON audit.events FROM %I', role_name);
        EXECUTE format('GRANT SELECT, INSERT ON audit.events TO %I', role_name);
      END
    $$`);
    await q.query(`REVOKE ALL ON FUNCTION audit.grant_append_only(text) FROM PUBLIC`);
    await q.query(`REVOKE ALL ON audit.events FROM PUBLIC`);
    await q.query(`DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tessera_app') THEN
          PERFORM audit.grant_append_only('tessera_app');
        END IF;
      END
    $$`);

    // Roles are per cluster, so the owner may exist already (another database of the same server).
    await q.query(`DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tessera_audit_owner') THEN
          BEGIN
            CREATE ROLE tessera_audit_owner NOLOGIN;
          EXCEPTION
            WHEN duplicate_object THEN NULL;
            WHEN insufficient_privilege THEN
              RAISE NOTICE 'audit: cannot create role tessera_audit_owner; audit.events stays owned by %', current_user;
          END;
        END IF;
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tessera_audit_owner') THEN
          BEGIN
            ALTER TABLE audit.events OWNER TO tessera_audit_owner;
            ALTER FUNCTION audit.refuse_change() OWNER TO tessera_audit_owner;
            -- The migrating role keeps creating in the schema (later migrations) but no longer owns it,
            -- and the owner of a schema may drop anything in it.
            EXECUTE format('GRANT USAGE, CREATE ON SCHEMA audit TO %I', current_user);
            ALTER SCHEMA audit OWNER TO tessera_audit_owner;
          EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'audit: cannot hand audit.events to tessera_audit_owner; it stays owned by %', current_user;
          END;
        END IF;
      END
    $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit.events`);
    await q.query(`DROP FUNCTION audit.grant_append_only(text)`);
    await q.query(`DROP FUNCTION audit.refuse_change()`);
  }
}
