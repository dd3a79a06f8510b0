import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `entities.erase_screening_answers(kept)` answers, per job, its owner and how many of its chunks it
 * emptied, for the sweep's audit event of each erasure (services/entities/screening.service.ts
 * `eraseScreeningAnswers`, in the erasure's transaction); it answered only a total before.
 */
export class EntitiesScreeningAnswersErasureAudited1764000003140 implements MigrationInterface {
  name = 'EntitiesScreeningAnswersErasureAudited1764000003140';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION entities.erase_screening_answers(interval)`);
    await q.query(`CREATE FUNCTION entities.erase_screening_answers(kept interval) RETURNS TABLE (job_id uuid, owner_agency_id uuid, chunks int)
      LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        WITH erased AS (
          UPDATE entities.screening_chunks c
             SET kinds = '{}', vals = '{}', known_items = '{}', holder_counts = '{}', contactable = '[]'
           WHERE cardinality(c.kinds) > 0 AND c.created_at < now() - greatest(kept, interval '1 day')
          RETURNING c.job_id, c.owner_agency_id)
        SELECT e.job_id, e.owner_agency_id, count(*)::int FROM erased e GROUP BY e.job_id, e.owner_agency_id
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION entities.erase_screening_answers(interval) FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION entities.erase_screening_answers(interval)`);
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
}
