import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An entity's statements in date order: an entity's first sighting as the caller can tell
 * (`firstSeenAt`, on every entity read) stops at the first observation that reaches the caller
 * instead of aggregating all of them (a shared phone has thousands). It serves lookups by entity
 * alone too, so it replaces the index on entity_id.
 */
export class EntitiesObservationsByEntityAndDate1764000000130 implements MigrationInterface {
  name = 'EntitiesObservationsByEntityAndDate1764000000130';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX observations_entity_observed_idx ON entities.observations (entity_id, observed_at)`);
    await q.query(`DROP INDEX entities.observations_entity_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX observations_entity_idx ON entities.observations (entity_id)`);
    await q.query(`DROP INDEX entities.observations_entity_observed_idx`);
  }
}
