import type { MigrationInterface, QueryRunner } from 'typeorm';
import { grantsTableDdl, MARKED_COLUMNS_DDL, markedIndexesDdl } from '../../services/kernel/marked-record';

export class NarrativesInit1764000000300 implements MigrationInterface {
  name = 'NarrativesInit1764000000300';

  async up(q: QueryRunner): Promise<void> {
    // case_id points into cases.cases; no FK across subgraph schemas.
    await q.query(`CREATE TABLE narratives.narratives (
      ${MARKED_COLUMNS_DDL},
      case_id uuid NOT NULL,
      language text NOT NULL CHECK (language IN ('ro','en')),
      text text,
      indicators text[] NOT NULL DEFAULT '{}',
      consent_law_enforcement boolean NOT NULL,
      consent_hub boolean NOT NULL,
      consent_recorded_by text NOT NULL,
      consent_recorded_at timestamptz NOT NULL,
      withdrawn_at timestamptz,
      idempotency_key text,
      request_hash text,
      UNIQUE (owner_agency_id, idempotency_key),
      CHECK (withdrawn_at IS NULL OR (text IS NULL AND NOT consent_law_enforcement AND NOT consent_hub))
    )`);
    await q.query(markedIndexesDdl('narratives.narratives'));
    await q.query(`CREATE INDEX narratives_case_idx ON narratives.narratives (case_id, created_at)`);
    // That an erasure happened, when, by whom and why; never what was erased.
    await q.query(`CREATE TABLE narratives.erasures (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      narrative_id uuid NOT NULL REFERENCES narratives.narratives(id),
      erased_at timestamptz NOT NULL DEFAULT now(),
      erased_by_user_id uuid NOT NULL,
      reason text
    )`);
    await q.query(`CREATE INDEX erasures_narrative_idx ON narratives.erasures (narrative_id)`);
    await q.query(grantsTableDdl('narratives'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE narratives.grants`);
    await q.query(`DROP TABLE narratives.erasures`);
    await q.query(`DROP TABLE narratives.narratives`);
  }
}
