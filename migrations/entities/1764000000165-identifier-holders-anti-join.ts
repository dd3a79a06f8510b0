import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * entities.identifier_holders (…0120) as before, with the statements the caller has seen left out
 * by an anti-join instead of `NOT (o.id = ANY(seen))`, which compares every statement with every
 * element of `seen`: a bank screening 50,000 identifiers has seen thousands of its own statements
 * about them. Same arguments, same answer.
 */
export class EntitiesIdentifierHoldersAntiJoin1764000000165 implements MigrationInterface {
  name = 'EntitiesIdentifierHoldersAntiJoin1764000000165';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE FUNCTION entities.identifier_holders(kinds text[], vals text[], seen uuid[])
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
          AND NOT EXISTS (SELECT 1 FROM unnest(seen) AS s(id) WHERE s.id = o.id)
        GROUP BY en.kind, en.value
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE FUNCTION entities.identifier_holders(kinds text[], vals text[], seen uuid[])
      RETURNS TABLE (kind text, value text, holders int, contactable text[])
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
      AS $$
        SELECT en.kind, en.value, count(DISTINCT o.owner_agency_id)::int,
          coalesce(array_agg(DISTINCT o.owner_agency_id::text)
            FILTER (WHERE o.marking NOT IN ('RED', 'AMBER_STRICT') AND a.accepts_access_requests), '{}')
        FROM entities.entities en
        JOIN entities.observations o ON o.entity_id = en.id
        LEFT JOIN agencies.agencies a ON a.id = o.owner_agency_id
        WHERE (en.kind, en.value) IN (SELECT * FROM unnest(kinds, vals))
          AND NOT (o.id = ANY(seen))
        GROUP BY en.kind, en.value
      $$`);
  }
}
