import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TypologiesInit1764000000200 implements MigrationInterface {
  name = 'TypologiesInit1764000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE typologies.typologies (
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
      title text NOT NULL,
      pattern text NOT NULL,
      indicators text[] NOT NULL DEFAULT '{}',
      channels text[] NOT NULL DEFAULT '{}',
      amount_bands text[] NOT NULL DEFAULT '{}',
      geography text[] NOT NULL DEFAULT '{}',
      period_start date,
      period_end date,
      idempotency_key text,
      request_hash text,
      UNIQUE (owner_agency_id, idempotency_key),
      CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start)
    )`);
    await q.query(`CREATE INDEX typologies_typologies_owner_idx ON typologies.typologies (owner_agency_id);
      CREATE INDEX typologies_typologies_marking_idx ON typologies.typologies (marking)`);
    await q.query(`CREATE INDEX typologies_indicators_idx ON typologies.typologies USING gin (indicators)`);
    await q.query(`CREATE INDEX typologies_geography_idx ON typologies.typologies USING gin (geography)`);
    // A batch of transaction reports submitted in one request: replaying its idempotency key with
    // the same request answers with the same report ids, in the order they were submitted.
    await q.query(`CREATE TABLE typologies.submissions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_agency_id uuid NOT NULL,
      contributor_user_id uuid NOT NULL,
      idempotency_key text NOT NULL,
      request_hash text NOT NULL,
      report_ids uuid[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (owner_agency_id, idempotency_key)
    )`);
    await q.query(`CREATE TABLE typologies.transaction_reports (
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
      report_code text NOT NULL CHECK (report_code IN ('STR','SAR')),
      reason text NOT NULL,
      indicators text[] NOT NULL DEFAULT '{}',
      amount numeric(18,2) CHECK (amount >= 0),
      currency char(3),
      date_from date,
      date_to date,
      typology_id uuid REFERENCES typologies.typologies(id),
      submission_id uuid REFERENCES typologies.submissions(id),
      idempotency_key text,
      request_hash text,
      UNIQUE (owner_agency_id, idempotency_key),
      CHECK (date_to IS NULL OR date_from IS NULL OR date_to >= date_from)
    )`);
    await q.query(`CREATE INDEX typologies_transaction_reports_owner_idx ON typologies.transaction_reports (owner_agency_id);
      CREATE INDEX typologies_transaction_reports_marking_idx ON typologies.transaction_reports (marking)`);
    await q.query(`CREATE INDEX transaction_reports_indicators_idx ON typologies.transaction_reports USING gin (indicators)`);
    await q.query(`CREATE INDEX transaction_reports_typology_idx ON typologies.transaction_reports (typology_id)`);
    await q.query(`CREATE INDEX transaction_reports_submission_idx ON typologies.transaction_reports (submission_id)`);
    await q.query(`CREATE TABLE typologies.report_parties (
      report_id uuid NOT NULL REFERENCES typologies.transaction_reports(id) ON DELETE CASCADE,
      position int NOT NULL,
      name text NOT NULL,
      significance text NOT NULL CHECK (significance IN ('SUBJECT','COUNTERPARTY')),
      account_entity_id uuid,
      PRIMARY KEY (report_id, position)
    )`);
    await q.query(`CREATE INDEX report_parties_account_idx ON typologies.report_parties (account_entity_id)`);
    await q.query(`CREATE TABLE typologies.grants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      record_id uuid NOT NULL,
      grantee_agency_id uuid NOT NULL,
      granted_by_user_id uuid NOT NULL,
      purpose text NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ON typologies.grants (record_id, grantee_agency_id)`);
    // Each record's first review falls due by its retention class (services/kernel/records.ts).
    await q.query(`ALTER TABLE typologies.typologies ALTER COLUMN review_due SET DEFAULT (now() + interval '3 years')::date`);
    await q.query(`ALTER TABLE typologies.transaction_reports ALTER COLUMN review_due SET DEFAULT (now() + interval '5 years')::date`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE typologies.grants`);
    await q.query(`DROP TABLE typologies.report_parties`);
    await q.query(`DROP TABLE typologies.transaction_reports`);
    await q.query(`DROP TABLE typologies.submissions`);
    await q.query(`DROP TABLE typologies.typologies`);
  }
}
