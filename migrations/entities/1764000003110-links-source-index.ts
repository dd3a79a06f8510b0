import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Links by the record they were stated on, as observations already are (`observations_source_idx`):
 * a retention decision on a case, a report or a narrative finds the owner's statements made on it
 * (to keep them with it, or erase them with it) by this index instead of reading every link the
 * owner made.
 */
export class EntitiesLinksSourceIndex1764000003110 implements MigrationInterface {
  name = 'EntitiesLinksSourceIndex1764000003110';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX links_source_idx ON entities.links (source_type, source_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX entities.links_source_idx`);
  }
}
