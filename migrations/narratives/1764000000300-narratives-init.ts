import type { MigrationInterface, QueryRunner } from 'typeorm';
import { reviewDueDefaultDdl } from '../../services/kernel/records';
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
    // What Tessera read in a narrative's text, for its owner to confirm or reject: a kind, a
    // normalised identifier or an indicator code, and the offsets of the words that triggered it
    // (never a copy of the text). Erased with the text when consent is withdrawn.
    await q.query(`CREATE TABLE narratives.proposals (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      narrative_id uuid NOT NULL REFERENCES narratives.narratives(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('IDENTIFIER','INDICATOR')),
      identifier_kind text CHECK (identifier_kind IN ('PHONE','EMAIL','BANK_ACCOUNT','ONLINE_ADVERT','SOCIAL_PROFILE','ADDRESS','VEHICLE','ORGANISATION')),
      identifier_value text,
      indicator_code text,
      excerpt_start int NOT NULL CHECK (excerpt_start >= 0),
      excerpt_end int NOT NULL,
      status text NOT NULL DEFAULT 'PROPOSED' CHECK (status IN ('PROPOSED','CONFIRMED','REJECTED')),
      decided_by_user_id uuid,
      decided_at timestamptz,
      entity_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (excerpt_end > excerpt_start),
      CHECK (CASE kind WHEN 'IDENTIFIER' THEN identifier_kind IS NOT NULL AND identifier_value IS NOT NULL AND indicator_code IS NULL
                       ELSE indicator_code IS NOT NULL AND identifier_kind IS NULL AND identifier_value IS NULL END),
      CHECK ((status = 'PROPOSED') = (decided_at IS NULL) AND (decided_at IS NULL) = (decided_by_user_id IS NULL)),
      CHECK (entity_id IS NULL OR (kind = 'IDENTIFIER' AND status = 'CONFIRMED'))
    )`);
    await q.query(`CREATE UNIQUE INDEX proposals_distinct_idx ON narratives.proposals
      (narrative_id, kind, coalesce(identifier_kind, ''), coalesce(identifier_value, ''), coalesce(indicator_code, ''))`);
    await q.query(grantsTableDdl('narratives'));
    // Each record's first review falls due by its retention class (services/kernel/records.ts).
    for (const subject of ['Narrative'] as const) await q.query(reviewDueDefaultDdl(subject));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE narratives.grants`);
    await q.query(`DROP TABLE narratives.proposals`);
    await q.query(`DROP TABLE narratives.erasures`);
    await q.query(`DROP TABLE narratives.narratives`);
  }
}
