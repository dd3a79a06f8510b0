import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Row-level security hides an entity from an agency no statement about it reaches
 * (services/kernel/security.ts). Contributing an identifier another agency already holds must still
 * find that entity, so entities are created or found through this one function, which runs as the
 * tables' owner and answers only the ids of the identifiers the caller itself submitted.
 */
export class EntitiesEnsureEntities1764000000140 implements MigrationInterface {
  name = 'EntitiesEnsureEntities1764000000140';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION entities.ensure_entities(kinds text[], vals text[])
      RETURNS TABLE (entity_id uuid, entity_kind text, entity_value text)
      LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
      AS $$
        INSERT INTO entities.entities (kind, value) SELECT * FROM unnest(kinds, vals)
        ON CONFLICT (kind, value) DO UPDATE SET kind = EXCLUDED.kind
        RETURNING id, kind, value
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION entities.ensure_entities(text[], text[]) FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION entities.ensure_entities(text[], text[])`);
  }
}
