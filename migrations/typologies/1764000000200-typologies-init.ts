import type { MigrationInterface, QueryRunner } from 'typeorm';
import { reviewDueDefaultDdl } from '../../services/kernel/records';
import { grantsTableDdl, MARKED_COLUMNS_DDL, markedIndexesDdl } from '../../services/kernel/marked-record';

export class TypologiesInit1764000000200 implements MigrationInterface {
  name = 'TypologiesInit1764000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE typologies.typologies (
      ${MARKED_COLUMNS_DDL},
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
    await q.query(markedIndexesDdl('typologies.typologies'));
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
      ${MARKED_COLUMNS_DDL},
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
    await q.query(markedIndexesDdl('typologies.transaction_reports'));
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
    await q.query(grantsTableDdl('typologies'));
    // Each record's first review falls due by its retention class (services/kernel/records.ts).
    for (const subject of ['Typology', 'TransactionReport'] as const) await q.query(reviewDueDefaultDdl(subject));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE typologies.grants`);
    await q.query(`DROP TABLE typologies.report_parties`);
    await q.query(`DROP TABLE typologies.transaction_reports`);
    await q.query(`DROP TABLE typologies.submissions`);
    await q.query(`DROP TABLE typologies.typologies`);
  }
}
