import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CasesInit1764000000000 implements MigrationInterface {
  name = 'CasesInit1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    // unaccent is named by the schema it was installed in, so the function is independent of search_path.
    const [unaccent] = (await q.query(`SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'unaccent'`)) as Array<{ schema: string }>;
    const s = unaccent!.schema;
    await q.query(`CREATE FUNCTION cases.fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(${s}.unaccent('${s}.unaccent'::regdictionary, translate($1, 'şţŞŢ', 'șțȘȚ'))) $$`);
    await q.query(`CREATE TABLE cases.cases (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_agency_id uuid NOT NULL,
      contributor_user_id uuid NOT NULL,
      marking text NOT NULL CHECK (marking IN ('CLEAR','GREEN','AMBER','AMBER_STRICT','RED')),
      source_evaluation text NOT NULL CHECK (source_evaluation IN ('1','2','3')),
      intelligence_assessment text NOT NULL CHECK (intelligence_assessment IN ('A','B','C','D','E')),
      handling_code text NOT NULL CHECK (handling_code IN ('P','C')),
      handling_conditions text,
      shared_with_agency_ids uuid[] NOT NULL DEFAULT '{}',
      shared_with_group_ids uuid[] NOT NULL DEFAULT '{}',
      red_recipient_user_ids uuid[] NOT NULL DEFAULT '{}',
      review_due date NOT NULL DEFAULT (now() + interval '1 year')::date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (handling_code <> 'C' OR handling_conditions IS NOT NULL),
      reference text,
      summary text,
      status text NOT NULL CHECK (status IN ('OPEN','REFERRED','CLOSED')),
      exploitation_types text[] NOT NULL DEFAULT '{}',
      nrm_stage text NOT NULL DEFAULT 'NONE' CHECK (nrm_stage IN ('NONE','REASONABLE_GROUNDS','CONCLUSIVE_GROUNDS')),
      period_start date,
      period_end date,
      indicators text[] NOT NULL DEFAULT '{}',
      idempotency_key text,
      request_hash text,
      UNIQUE (owner_agency_id, idempotency_key),
      CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start)
    )`);
    await q.query(`CREATE INDEX cases_cases_owner_idx ON cases.cases (owner_agency_id);
      CREATE INDEX cases_cases_marking_idx ON cases.cases (marking)`);
    await q.query(`CREATE TABLE cases.persons (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_agency_id uuid NOT NULL,
      contributor_user_id uuid NOT NULL,
      marking text NOT NULL CHECK (marking IN ('CLEAR','GREEN','AMBER','AMBER_STRICT','RED')),
      source_evaluation text NOT NULL CHECK (source_evaluation IN ('1','2','3')),
      intelligence_assessment text NOT NULL CHECK (intelligence_assessment IN ('A','B','C','D','E')),
      handling_code text NOT NULL CHECK (handling_code IN ('P','C')),
      handling_conditions text,
      shared_with_agency_ids uuid[] NOT NULL DEFAULT '{}',
      shared_with_group_ids uuid[] NOT NULL DEFAULT '{}',
      red_recipient_user_ids uuid[] NOT NULL DEFAULT '{}',
      review_due date NOT NULL DEFAULT (now() + interval '1 year')::date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (handling_code <> 'C' OR handling_conditions IS NOT NULL),
      case_id uuid NOT NULL REFERENCES cases.cases(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('VICTIM','SUSPECT','WITNESS','REPORTER')),
      pseudonym text NOT NULL,
      age_band text,
      gender text,
      nationality text,
      full_name text,
      date_of_birth date,
      contact text,
      documents text
    )`);
    await q.query(`CREATE INDEX cases_persons_owner_idx ON cases.persons (owner_agency_id);
      CREATE INDEX cases_persons_marking_idx ON cases.persons (marking)`);
    await q.query(`CREATE INDEX persons_case_idx ON cases.persons (case_id)`);
    await q.query(`CREATE INDEX persons_name_trgm_idx ON cases.persons USING gin (cases.fold(full_name) gin_trgm_ops)`);
    await q.query(`CREATE TABLE cases.events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_agency_id uuid NOT NULL,
      contributor_user_id uuid NOT NULL,
      marking text NOT NULL CHECK (marking IN ('CLEAR','GREEN','AMBER','AMBER_STRICT','RED')),
      source_evaluation text NOT NULL CHECK (source_evaluation IN ('1','2','3')),
      intelligence_assessment text NOT NULL CHECK (intelligence_assessment IN ('A','B','C','D','E')),
      handling_code text NOT NULL CHECK (handling_code IN ('P','C')),
      handling_conditions text,
      shared_with_agency_ids uuid[] NOT NULL DEFAULT '{}',
      shared_with_group_ids uuid[] NOT NULL DEFAULT '{}',
      red_recipient_user_ids uuid[] NOT NULL DEFAULT '{}',
      review_due date NOT NULL DEFAULT (now() + interval '1 year')::date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (handling_code <> 'C' OR handling_conditions IS NOT NULL),
      case_id uuid NOT NULL REFERENCES cases.cases(id) ON DELETE CASCADE,
      type text NOT NULL CHECK (type IN ('RECRUITMENT','TRANSIT','EXPLOITATION')),
      occurred_on date,
      location_id uuid,
      description text
    )`);
    await q.query(`CREATE INDEX cases_events_owner_idx ON cases.events (owner_agency_id);
      CREATE INDEX cases_events_marking_idx ON cases.events (marking)`);
    await q.query(`CREATE INDEX events_case_idx ON cases.events (case_id, occurred_on)`);
    await q.query(`CREATE TABLE cases.grants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      record_id uuid NOT NULL,
      grantee_agency_id uuid NOT NULL,
      granted_by_user_id uuid NOT NULL,
      purpose text NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ON cases.grants (record_id, grantee_agency_id)`);
    // Each record's first review falls due by its retention class (services/kernel/records.ts).
    await q.query(`ALTER TABLE cases.cases ALTER COLUMN review_due SET DEFAULT (now() + interval '6 years')::date`);
    await q.query(`ALTER TABLE cases.persons ALTER COLUMN review_due SET DEFAULT (now() + interval '6 years')::date`);
    await q.query(`ALTER TABLE cases.events ALTER COLUMN review_due SET DEFAULT (now() + interval '6 years')::date`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE cases.grants`);
    await q.query(`DROP TABLE cases.events`);
    await q.query(`DROP TABLE cases.persons`);
    await q.query(`DROP TABLE cases.cases`);
    await q.query(`DROP FUNCTION cases.fold(text)`);
  }
}
