import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The list of transaction reports comes newest first: an index in that order lets a page read its
 * rows in order and stop when the page is full, instead of reading and sorting every report the
 * caller reaches.
 */
export class TypologiesReportsNewestFirstIndex1764000003070 implements MigrationInterface {
  name = 'TypologiesReportsNewestFirstIndex1764000003070';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX transaction_reports_newest_idx ON typologies.transaction_reports (created_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX typologies.transaction_reports_newest_idx`);
  }
}
