import type { MigrationInterface, QueryRunner } from 'typeorm';
import { reviewDueDefaultDdl } from '../../services/kernel/records';
import { grantsTableDdl, MARKED_COLUMNS_DDL, markedIndexesDdl } from '../../services/kernel/marked-record';

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
      ${MARKED_COLUMNS_DDL},
      entity_id uuid NOT NULL REFERENCES entities.entities(id),
      source_type text NOT NULL CHECK (source_type IN ${SOURCE_TYPES}),
      source_id uuid NOT NULL,
      observed_at timestamptz NOT NULL DEFAULT now(),
      note text
    )`);
    await q.query(markedIndexesDdl('entities.observations'));
    await q.query(`CREATE INDEX observations_entity_idx ON entities.observations (entity_id)`);
    await q.query(`CREATE INDEX observations_source_idx ON entities.observations (source_type, source_id)`);
    await q.query(`CREATE TABLE entities.links (
      ${MARKED_COLUMNS_DDL},
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
    await q.query(markedIndexesDdl('entities.links'));
    await q.query(`CREATE INDEX links_from_entity_idx ON entities.links (from_entity_id)`);
    await q.query(`CREATE INDEX links_from_person_idx ON entities.links (from_person_id)`);
    await q.query(`CREATE INDEX links_to_entity_idx ON entities.links (to_entity_id)`);
    await q.query(`CREATE INDEX links_to_person_idx ON entities.links (to_person_id)`);
    await q.query(grantsTableDdl('entities'));
    // Each record's first review falls due by its retention class (services/kernel/records.ts).
    for (const subject of ['Observation', 'Link'] as const) await q.query(reviewDueDefaultDdl(subject));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE entities.grants`);
    await q.query(`DROP TABLE entities.links`);
    await q.query(`DROP TABLE entities.observations`);
    await q.query(`DROP TABLE entities.entities`);
  }
}
