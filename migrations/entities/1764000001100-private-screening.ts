import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Private screening (services/entities/private-screening.service.ts):
 * - entities.private_screening_batches: one row per batch of blinded elements a bank's user had the
 *   hub evaluate — how many and when, never what (the hub cannot know) — for the agency's daily
 *   quota. Rows of one agency (services/entities/tables.ts).
 * - entities.private_screening_identifiers(seen): the identifiers the filter of a caller holds: every
 *   identifier with a statement the caller has not seen, by the clear mode's own rule — it asks
 *   entities.identifier_holders about every entity, with the statements the caller sees (computed as
 *   the caller, under row-level security) as `seen`. Kind and value only: no count, no holder.
 */
export class EntitiesPrivateScreening1764000001100 implements MigrationInterface {
  name = 'EntitiesPrivateScreening1764000001100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE entities.private_screening_batches (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_agency_id uuid NOT NULL,
      user_id uuid NOT NULL,
      element_count int NOT NULL CHECK (element_count > 0),
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX private_screening_batches_quota_idx ON entities.private_screening_batches (owner_agency_id, created_at)`);
    await q.query(`CREATE FUNCTION entities.private_screening_identifiers(seen uuid[])
      RETURNS TABLE (kind text, value text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
      AS $$
        SELECT h.kind, h.value
          FROM (SELECT coalesce(array_agg(en.kind), '{}') AS kinds, coalesce(array_agg(en.value), '{}') AS vals FROM entities.entities en) AS every,
               entities.identifier_holders(every.kinds, every.vals, seen) AS h
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION entities.private_screening_identifiers(uuid[]) FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION entities.private_screening_identifiers(uuid[])`);
    await q.query(`DROP TABLE entities.private_screening_batches`);
  }
}
