import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's name as the name search compares it (`cases.fold`: lower-case, unaccented), kept by
 * the database as a generated column, so a name is folded once when it is written instead of three
 * to five times for every person at every search. Under row-level security the search's trigram
 * match cannot be an index condition (pg_trgm's operators are not leakproof), so a search reads every
 * person the caller reaches; folding was about two thirds of that. Derived from `full_name` as the
 * trigram index is, never written by anyone: erasing the name erases it. The index moves to it.
 */
export class PersonsFoldedName1764000003040 implements MigrationInterface {
  name = 'PersonsFoldedName1764000003040';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases.persons ADD COLUMN full_name_folded text GENERATED ALWAYS AS (cases.fold(full_name)) STORED`);
    await q.query(`DROP INDEX cases.persons_name_trgm_idx`);
    await q.query(`CREATE INDEX persons_name_trgm_idx ON cases.persons USING gin (full_name_folded gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX cases.persons_name_trgm_idx`);
    await q.query(`ALTER TABLE cases.persons DROP COLUMN full_name_folded`);
    await q.query(`CREATE INDEX persons_name_trgm_idx ON cases.persons USING gin (cases.fold(full_name) gin_trgm_ops)`);
  }
}
