import type { MigrationInterface, QueryRunner } from 'typeorm';

const SOURCE_TYPES = `('CASE','TRANSACTION_REPORT','NARRATIVE','TYPOLOGY')`;

/**
 * Entities are shared ground (unmarked, one row per kind and normalised value); observations and
 * links are agencies' statements about them and carry the marking. Person ids live in the cases
 * schema: no foreign key crosses schemas, so each service's data can move on its own.
 */
export class EntitiesInit1764000000100 implements MigrationInterface {
  name = 'EntitiesInit1764000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE entities.entities (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('PHONE','EMAIL','BANK_ACCOUNT','ONLINE_ADVERT','SOCIAL_PROFILE','ADDRESS','VEHICLE','ORGANISATION')),
      value text NOT NULL,
      first_seen_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (kind, value)
    )`);
    await q.query(`CREATE TABLE entities.observations (
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
      entity_id uuid NOT NULL REFERENCES entities.entities(id),
      source_type text NOT NULL CHECK (source_type IN ${SOURCE_TYPES}),
      source_id uuid NOT NULL,
      observed_at timestamptz NOT NULL DEFAULT now(),
      note text
    )`);
    await q.query(`CREATE INDEX entities_observations_owner_idx ON entities.observations (owner_agency_id);
      CREATE INDEX entities_observations_marking_idx ON entities.observations (marking)`);
    await q.query(`CREATE INDEX observations_entity_idx ON entities.observations (entity_id)`);
    await q.query(`CREATE INDEX observations_source_idx ON entities.observations (source_type, source_id)`);
    await q.query(`CREATE TABLE entities.links (
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
      kind text NOT NULL CHECK (kind IN ('USES_PHONE','USES_EMAIL','HOLDS_ACCOUNT','ADVERTISED_AT','LIVES_AT','PAID','CONTROLS','RECRUITED','OWNS_VEHICLE','WORKS_FOR','ASSOCIATED_WITH')),
      from_entity_id uuid REFERENCES entities.entities(id),
      from_person_id uuid,
      to_entity_id uuid REFERENCES entities.entities(id),
      to_person_id uuid,
      valid_from date,
      valid_to date,
      source_type text NOT NULL CHECK (source_type IN ${SOURCE_TYPES}),
      source_id uuid NOT NULL,
      CHECK ((from_entity_id IS NULL) <> (from_person_id IS NULL)),
      CHECK ((to_entity_id IS NULL) <> (to_person_id IS NULL)),
      CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
    )`);
    await q.query(`CREATE INDEX entities_links_owner_idx ON entities.links (owner_agency_id);
      CREATE INDEX entities_links_marking_idx ON entities.links (marking)`);
    await q.query(`CREATE INDEX links_from_entity_idx ON entities.links (from_entity_id)`);
    await q.query(`CREATE INDEX links_from_person_idx ON entities.links (from_person_id)`);
    await q.query(`CREATE INDEX links_to_entity_idx ON entities.links (to_entity_id)`);
    await q.query(`CREATE INDEX links_to_person_idx ON entities.links (to_person_id)`);
    await q.query(`CREATE TABLE entities.grants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      record_id uuid NOT NULL,
      grantee_agency_id uuid NOT NULL,
      granted_by_user_id uuid NOT NULL,
      purpose text NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ON entities.grants (record_id, grantee_agency_id)`);
    // Each record's first review falls due by its retention class (services/kernel/records.ts).
    await q.query(`ALTER TABLE entities.observations ALTER COLUMN review_due SET DEFAULT (now() + interval '2 years')::date`);
    await q.query(`ALTER TABLE entities.links ALTER COLUMN review_due SET DEFAULT (now() + interval '2 years')::date`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE entities.grants`);
    await q.query(`DROP TABLE entities.links`);
    await q.query(`DROP TABLE entities.observations`);
    await q.query(`DROP TABLE entities.entities`);
  }
}
