import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Observations newest first: the list of entities is read from them in that order (each entity
 * from its first sighting the caller can see), so a page reads a few observations instead of
 * finding the first sighting of every entity the caller reaches.
 */
export class EntitiesObservationsNewestFirstIndex1764000003080 implements MigrationInterface {
  name = 'EntitiesObservationsNewestFirstIndex1764000003080';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX observations_newest_idx ON entities.observations (observed_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX entities.observations_newest_idx`);
  }
}
