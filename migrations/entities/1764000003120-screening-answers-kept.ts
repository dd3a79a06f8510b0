import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A screening chunk's identifiers and answers (a bank's customers, in clear) are kept for a set time
 * after they were answered, then erased: `entities.erase_screening_answers(kept)` empties the arrays
 * of every chunk answered longer ago than `kept` and answers how many it emptied. The chunk's row
 * stays with its counts and request hash (the job's totals, the agency's daily quota). It runs past
 * row-level security (the hub's background work has no actor) and takes nothing a caller could
 * turn into a read.
 */
export class EntitiesScreeningAnswersKept1764000003120 implements MigrationInterface {
  name = 'EntitiesScreeningAnswersKept1764000003120';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX screening_chunks_answered_idx ON entities.screening_chunks (created_at) WHERE cardinality(kinds) > 0`);
    await q.query(`CREATE FUNCTION entities.erase_screening_answers(kept interval) RETURNS int
      LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        WITH erased AS (
          UPDATE entities.screening_chunks
             SET kinds = '{}', vals = '{}', known_items = '{}', holder_counts = '{}', contactable = '[]'
           WHERE cardinality(kinds) > 0 AND created_at < now() - greatest(kept, interval '1 day')
          RETURNING 1)
        SELECT count(*)::int FROM erased
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION entities.erase_screening_answers(interval) FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION entities.erase_screening_answers(interval)`);
    await q.query(`DROP INDEX entities.screening_chunks_answered_idx`);
  }
}
