import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A screening chunk's answers kept as arrays in the chunk's own row instead of one
 * `entities.screening_results` row per identifier: inserting 50,000 rows (and their primary-key
 * index entries) was the largest share of answering a chunk. The chunk's row now holds, in the
 * order asked, the normalised identifiers (`kinds`, `vals`), and for the known ones only (most of a
 * bank's book is unknown to the hub): their indexes in the chunk (`known_items`, ascending), holder
 * counts (`holder_counts`) and the nameable holders (`contactable`, a JSON array per known item,
 * each an array of agency ids). What a result holds is unchanged (entities.identifier_holders
 * computes it); the chunk's row is the job's owner's alone under row-level security, as before.
 * Existing results are moved into their chunks.
 */
export class EntitiesScreeningChunkAnswers1764000001000 implements MigrationInterface {
  name = 'EntitiesScreeningChunkAnswers1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE entities.screening_chunks
      ADD COLUMN kinds text[], ADD COLUMN vals text[], ADD COLUMN known_items int[], ADD COLUMN holder_counts int[], ADD COLUMN contactable jsonb`);
    await q.query(`UPDATE entities.screening_chunks c
         SET kinds = r.kinds, vals = r.vals, known_items = r.known_items, holder_counts = r.holder_counts, contactable = r.contactable
        FROM (SELECT job_id, chunk_number, array_agg(kind ORDER BY item) AS kinds, array_agg(value ORDER BY item) AS vals,
                     coalesce(array_agg(item ORDER BY item) FILTER (WHERE known), '{}') AS known_items,
                     coalesce(array_agg(holder_count ORDER BY item) FILTER (WHERE known), '{}') AS holder_counts,
                     coalesce(jsonb_agg(to_jsonb(contactable::text[]) ORDER BY item) FILTER (WHERE known), '[]') AS contactable
                FROM entities.screening_results GROUP BY job_id, chunk_number) AS r
       WHERE r.job_id = c.job_id AND r.chunk_number = c.chunk_number`);
    await q.query(`UPDATE entities.screening_chunks SET kinds = '{}', vals = '{}', known_items = '{}', holder_counts = '{}', contactable = '[]' WHERE kinds IS NULL`);
    await q.query(`ALTER TABLE entities.screening_chunks
      ALTER COLUMN kinds SET NOT NULL, ALTER COLUMN vals SET NOT NULL, ALTER COLUMN known_items SET NOT NULL,
      ALTER COLUMN holder_counts SET NOT NULL, ALTER COLUMN contactable SET NOT NULL,
      ADD CONSTRAINT screening_chunks_answers_check CHECK (cardinality(kinds) = cardinality(vals)
        AND cardinality(known_items) = cardinality(holder_counts) AND jsonb_array_length(contactable) = cardinality(known_items))`);
    await q.query(`DROP TABLE entities.screening_results`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE entities.screening_results (
      job_id uuid NOT NULL,
      chunk_number int NOT NULL,
      item int NOT NULL,
      owner_agency_id uuid NOT NULL,
      kind text NOT NULL,
      value text NOT NULL,
      known boolean NOT NULL,
      holder_count int NOT NULL,
      contactable uuid[] NOT NULL,
      PRIMARY KEY (job_id, chunk_number, item)
    )`);
    await q.query(`INSERT INTO entities.screening_results (job_id, chunk_number, item, owner_agency_id, kind, value, known, holder_count, contactable)
      SELECT c.job_id, c.chunk_number, (a.n - 1)::int, c.owner_agency_id, a.kind, a.value, k.item IS NOT NULL, coalesce(k.holders, 0),
             coalesce(ARRAY(SELECT jsonb_array_elements_text(k.contactable))::uuid[], '{}')
        FROM entities.screening_chunks c
        CROSS JOIN LATERAL unnest(c.kinds, c.vals) WITH ORDINALITY AS a(kind, value, n)
        LEFT JOIN LATERAL ROWS FROM (unnest(c.known_items), unnest(c.holder_counts), jsonb_array_elements(c.contactable)) AS k(item, holders, contactable)
          ON k.item = a.n - 1`);
    await q.query(`ALTER TABLE entities.screening_chunks DROP CONSTRAINT screening_chunks_answers_check,
      DROP COLUMN kinds, DROP COLUMN vals, DROP COLUMN known_items, DROP COLUMN holder_counts, DROP COLUMN contactable`);
  }
}
