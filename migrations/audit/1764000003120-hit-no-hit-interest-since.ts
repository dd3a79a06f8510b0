import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The counts' statement, from `since` (one bound per hash) or from every hash's `from_at`. */
const interestSql = (since: boolean) => `
        SELECT h.hash, substr(t.f, 12), count(*)
          FROM unnest(hashes${since ? ', since' : ''}) AS h(hash${since ? ', since' : ''})
          JOIN audit.events e ON e.subject_type = 'HitNoHit' AND e.fields @> ARRAY[h.hash]
                              AND e.at >= ${since ? 'greatest(from_at, h.since)' : 'from_at'} AND e.at < to_at
          CROSS JOIN LATERAL (SELECT f FROM unnest(e.fields) AS f WHERE f LIKE 'agencyType:%' LIMIT 1) AS t
         WHERE nullif(current_setting('tessera.agency_id', true), '') IS NOT NULL
           AND e.actor_agency_id IS DISTINCT FROM nullif(current_setting('tessera.agency_id', true), '')::uuid
           AND 'outcome:ANSWERED' = ANY (e.fields)
         GROUP BY 1, 2`;

/**
 * Interest in an identifier is told to its holders from the time each began to hold it: the
 * requests about a value asked before an agency held it were asked of the hub, not of that agency,
 * and an agency that could see them by starting to hold any value it likes would watch who asks
 * about it, backwards in time. `audit.hit_no_hit_interest` now takes, beside each hash, the instant
 * from which it counts (services/entities/hit-no-hit.service.ts: the agency's first statement about
 * the identifier that reaches the caller); the form without it is dropped.
 */
export class AuditHitNoHitInterestSince1764000003120 implements MigrationInterface {
  name = 'AuditHitNoHitInterestSince1764000003120';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION audit.hit_no_hit_interest(hashes text[], since timestamptz[], from_at timestamptz, to_at timestamptz)
      RETURNS TABLE (identifier_hash text, agency_type text, queries bigint)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$${interestSql(true)}
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION audit.hit_no_hit_interest(text[], timestamptz[], timestamptz, timestamptz) FROM PUBLIC`);
    await q.query(`DROP FUNCTION audit.hit_no_hit_interest(text[], timestamptz, timestamptz)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION audit.hit_no_hit_interest(hashes text[], from_at timestamptz, to_at timestamptz)
      RETURNS TABLE (identifier_hash text, agency_type text, queries bigint)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$${interestSql(false)}
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION audit.hit_no_hit_interest(text[], timestamptz, timestamptz) FROM PUBLIC`);
    await q.query(`DROP FUNCTION audit.hit_no_hit_interest(text[], timestamptz[], timestamptz, timestamptz)`);
  }
}
