import type { MigrationInterface, QueryRunner } from 'typeorm';

export class NarrativesInit1764000000300 implements MigrationInterface {
  name = 'NarrativesInit1764000000300';

  async up(q: QueryRunner): Promise<void> {
    // case_id points into cases.cases; no FK across subgraph schemas.
    await q.query(`CREATE TABLE narratives.narratives (
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
    await q.query(`CREATE INDEX narratives_narratives_owner_idx ON narratives.narratives (owner_agency_id);
      CREATE INDEX narratives_narratives_marking_idx ON narratives.narratives (marking)`);
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
    await q.query(`CREATE TABLE narratives.grants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      record_id uuid NOT NULL,
      grantee_agency_id uuid NOT NULL,
      granted_by_user_id uuid NOT NULL,
      purpose text NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ON narratives.grants (record_id, grantee_agency_id)`);
    // Each record's first review falls due by its retention class (services/kernel/records.ts).
    await q.query(`ALTER TABLE narratives.narratives ALTER COLUMN review_due SET DEFAULT (now() + interval '2 years')::date`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE narratives.grants`);
    await q.query(`DROP TABLE narratives.proposals`);
    await q.query(`DROP TABLE narratives.erasures`);
    await q.query(`DROP TABLE narratives.narratives`);
  }
}
