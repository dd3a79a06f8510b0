import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure leaves nothing derived only from the erased record: when the last observation or link
 * naming an entity goes, so does the entity (its value is an identifier taken from that record).
 * The application role may not delete entities (row-level security gives it no DELETE policy on
 * entities.entities), so it asks this function, which runs as the tables' owner and deletes, of the
 * ids it is given, only those no observation and no link names any more; it answers their ids.
 * The rows are locked first and checked in a later statement, so an observation committed by a
 * concurrent writer meanwhile is seen and its entity kept.
 */
export class EntitiesForgetOrphans1764000000150 implements MigrationInterface {
  name = 'EntitiesForgetOrphans1764000000150';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION entities.forget_orphans(ids uuid[])
      RETURNS SETOF uuid
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
      AS $$
      BEGIN
        PERFORM 1 FROM entities.entities e WHERE e.id = ANY(ids) ORDER BY e.id FOR UPDATE;
        RETURN QUERY
          WITH forgotten AS (
            DELETE FROM entities.entities e
            WHERE e.id = ANY(ids)
              AND NOT EXISTS (SELECT 1 FROM entities.observations o WHERE o.entity_id = e.id)
              AND NOT EXISTS (SELECT 1 FROM entities.links l WHERE l.from_entity_id = e.id OR l.to_entity_id = e.id)
            RETURNING e.id)
          SELECT f.id FROM forgotten f;
      END
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION entities.forget_orphans(uuid[]) FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION entities.forget_orphans(uuid[])`);
  }
}
