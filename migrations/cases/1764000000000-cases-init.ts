import type { MigrationInterface, QueryRunner } from 'typeorm';
import { reviewDueDefaultDdl } from '../../services/kernel/records';
import { grantsTableDdl, MARKED_COLUMNS_DDL, markedIndexesDdl } from '../../services/kernel/marked-record';
import { createFoldFunction } from '../../services/kernel/text-search';

export class CasesInit1764000000000 implements MigrationInterface {
  name = 'CasesInit1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await createFoldFunction(q, 'cases');
    await q.query(`CREATE TABLE cases.cases (
      ${MARKED_COLUMNS_DDL},
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
    await q.query(markedIndexesDdl('cases.cases'));
    await q.query(`CREATE TABLE cases.persons (
      ${MARKED_COLUMNS_DDL},
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
    await q.query(markedIndexesDdl('cases.persons'));
    await q.query(`CREATE INDEX persons_case_idx ON cases.persons (case_id)`);
    await q.query(`CREATE INDEX persons_name_trgm_idx ON cases.persons USING gin (cases.fold(full_name) gin_trgm_ops)`);
    await q.query(`CREATE TABLE cases.events (
      ${MARKED_COLUMNS_DDL},
      case_id uuid NOT NULL REFERENCES cases.cases(id) ON DELETE CASCADE,
      type text NOT NULL CHECK (type IN ('RECRUITMENT','TRANSIT','EXPLOITATION')),
      occurred_on date,
      location_id uuid,
      description text
    )`);
    await q.query(markedIndexesDdl('cases.events'));
    await q.query(`CREATE INDEX events_case_idx ON cases.events (case_id, occurred_on)`);
    await q.query(grantsTableDdl('cases'));
    // Each record's first review falls due by its retention class (services/kernel/records.ts).
    for (const subject of ['Case', 'Person', 'TraffickingEvent'] as const) await q.query(reviewDueDefaultDdl(subject));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE cases.grants`);
    await q.query(`DROP TABLE cases.events`);
    await q.query(`DROP TABLE cases.persons`);
    await q.query(`DROP TABLE cases.cases`);
    await q.query(`DROP FUNCTION cases.fold(text)`);
  }
}
