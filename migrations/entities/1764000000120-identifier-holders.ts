import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hit/no-hit must count statements the caller cannot see, which row-level security hides from the
 * application role. This function is the one, narrow exception: it runs as the tables' owner and
 * returns only, per identifier asked, how many agencies hold statements the caller has not seen
 * and which of them may be named and accept access requests. Never a statement, id, marking or date.
 */
export class EntitiesIdentifierHolders1764000000120 implements MigrationInterface {
  name = 'EntitiesIdentifierHolders1764000000120';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION entities.identifier_holders(kinds text[], vals text[], seen uuid[])
      RETURNS TABLE (kind text, value text, holders int, contactable text[])
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
      AS $$
        SELECT en.kind, en.value, count(DISTINCT o.owner_agency_id)::int,
          -- RED and AMBER_STRICT statements count as known; their holders are never named.
          coalesce(array_agg(DISTINCT o.owner_agency_id::text)
            FILTER (WHERE o.marking NOT IN ('RED', 'AMBER_STRICT') AND a.accepts_access_requests), '{}')
        FROM entities.entities en
        JOIN entities.observations o ON o.entity_id = en.id
        LEFT JOIN agencies.agencies a ON a.id = o.owner_agency_id
        WHERE (en.kind, en.value) IN (SELECT * FROM unnest(kinds, vals))
          AND NOT (o.id = ANY(seen))
        GROUP BY en.kind, en.value
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION entities.identifier_holders(text[], text[], uuid[]) FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION entities.identifier_holders(text[], text[], uuid[])`);
  }
}
