import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Private screening's filter entries, kept (…1100 evaluated them per process, at start-up cost):
 * - entities.private_screening_entries: the hub's own evaluation of each entity under a key (`id` is
 *   the entity's), truncated: a filter entry, computed once per entity and key for the deployment.
 *   Shared ground like the entities themselves, written only by store_private_screening_entries.
 * - entities.private_screening_identifiers(seen, key) replaces (seen): the same identifiers (every
 *   identifier with a statement the caller has not seen, by the clear mode's own
 *   entities.identifier_holders), with the entity's id and its entry under `key` when there is one.
 */
export class EntitiesPrivateScreeningEntries1764000001110 implements MigrationInterface {
  name = 'EntitiesPrivateScreeningEntries1764000001110';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE entities.private_screening_entries (
      key_id text NOT NULL,
      id uuid NOT NULL REFERENCES entities.entities (id) ON DELETE CASCADE,
      entry bytea NOT NULL,
      PRIMARY KEY (key_id, id)
    )`);
    await q.query(`CREATE INDEX private_screening_entries_entity_idx ON entities.private_screening_entries (id)`);
    await q.query(`DROP FUNCTION entities.private_screening_identifiers(uuid[])`);
    await q.query(`CREATE FUNCTION entities.private_screening_identifiers(seen uuid[], key text)
      RETURNS TABLE (entity_id uuid, kind text, value text, entry bytea)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
      AS $$
        SELECT en.id, h.kind, h.value, e.entry
          FROM (SELECT coalesce(array_agg(en.kind), '{}') AS kinds, coalesce(array_agg(en.value), '{}') AS vals FROM entities.entities en) AS every
          CROSS JOIN entities.identifier_holders(every.kinds, every.vals, seen) AS h
          JOIN entities.entities en ON en.kind = h.kind AND en.value = h.value
          LEFT JOIN entities.private_screening_entries e ON e.key_id = key AND e.id = en.id
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION entities.private_screening_identifiers(uuid[], text) FROM PUBLIC`);
    await q.query(`CREATE FUNCTION entities.store_private_screening_entries(key text, ids uuid[], entries bytea[])
      RETURNS void
      LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
      AS $$
        INSERT INTO entities.private_screening_entries (key_id, id, entry)
        SELECT key, s.id, s.entry FROM unnest(ids, entries) AS s(id, entry)
        ON CONFLICT DO NOTHING
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION entities.store_private_screening_entries(text, uuid[], bytea[]) FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION entities.store_private_screening_entries(text, uuid[], bytea[])`);
    await q.query(`DROP FUNCTION entities.private_screening_identifiers(uuid[], text)`);
    await q.query(`CREATE FUNCTION entities.private_screening_identifiers(seen uuid[])
      RETURNS TABLE (kind text, value text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
      AS $$
        SELECT h.kind, h.value
          FROM (SELECT coalesce(array_agg(en.kind), '{}') AS kinds, coalesce(array_agg(en.value), '{}') AS vals FROM entities.entities en) AS every,
               entities.identifier_holders(every.kinds, every.vals, seen) AS h
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION entities.private_screening_identifiers(uuid[]) FROM PUBLIC`);
    await q.query(`DROP TABLE entities.private_screening_entries`);
  }
}
