import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lists of cases and persons come newest first by default: an index in that order lets a page
 * read its rows in order and stop when the page is full (the policy decides on each row read),
 * instead of reading and sorting every row the caller reaches.
 */
export class CasesNewestFirstIndexes1764000003060 implements MigrationInterface {
  name = 'CasesNewestFirstIndexes1764000003060';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX cases_newest_idx ON cases.cases (created_at DESC, id)`);
    await q.query(`CREATE INDEX persons_newest_idx ON cases.persons (created_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX cases.persons_newest_idx`);
    await q.query(`DROP INDEX cases.cases_newest_idx`);
  }
}
