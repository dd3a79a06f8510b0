import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A supervisor's records due for review (services/agencies/retention.service.ts) are the agency's own
 * whose `review_due` is up to a date, earliest first: an index on (owner_agency_id, review_due) finds
 * them without reading every row the agency owns. It replaces the index on owner_agency_id alone,
 * which its first column serves as well.
 */
export class EntitiesOwnerReviewDueIndexes1764000003100 implements MigrationInterface {
  name = 'EntitiesOwnerReviewDueIndexes1764000003100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX entities_observations_owner_due_idx ON entities.observations (owner_agency_id, review_due)`);
    await q.query(`DROP INDEX entities.entities_observations_owner_idx`);
    await q.query(`CREATE INDEX entities_links_owner_due_idx ON entities.links (owner_agency_id, review_due)`);
    await q.query(`DROP INDEX entities.entities_links_owner_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX entities_observations_owner_idx ON entities.observations (owner_agency_id)`);
    await q.query(`DROP INDEX entities.entities_observations_owner_due_idx`);
    await q.query(`CREATE INDEX entities_links_owner_idx ON entities.links (owner_agency_id)`);
    await q.query(`DROP INDEX entities.entities_links_owner_due_idx`);
  }
}
