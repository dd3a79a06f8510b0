import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hit/no-hit queries are audit events (services/entities/hit-no-hit.service.ts): one CONSULT per
 * request, subject type 'HitNoHit', subject id the request id, and in `fields`:
 * `agencyType:<type>`, `identifiers:<n>` (distinct identifiers asked), `outcome:ANSWERED` or
 * `outcome:RATE_LIMITED`, and `hmac:<hex>` per identifier asked (a keyed hash; the key is not in the
 * database). Two functions read them past row-level security, each for its caller's agency only:
 *
 * - `audit.hit_no_hit_wait(lock_key, asked, quotas...)`: takes the audit chain's lock (so it counts
 *   every answered query committed before it, and every later one waits for this transaction),
 *   then answers how many seconds the caller must wait before `asked` more identifiers fit in
 *   the user's and the agency's per-minute and per-day quotas: 0 when they fit now, NULL when they
 *   never can (more than a quota on their own). Sliding windows over the events themselves.
 * - `audit.hit_no_hit_interest(hashes, from, to)`: for hashes of identifiers (which the service
 *   computes only for identifiers the caller's agency holds), the number of answered queries by
 *   agency type between two times; the caller's own agency's queries are not counted, and no
 *   agency or user is ever named.
 */
export class AuditHitNoHitQueries1764000000470 implements MigrationInterface {
  name = 'AuditHitNoHitQueries1764000000470';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_hit_no_hit_agency_idx ON audit.events (actor_agency_id, at) WHERE subject_type = 'HitNoHit'`);
    await q.query(`CREATE INDEX events_hit_no_hit_identifiers_idx ON audit.events USING gin (fields) WHERE subject_type = 'HitNoHit'`);

    await q.query(`CREATE FUNCTION audit.hit_no_hit_wait(lock_key bigint, asked int, user_per_minute int, user_per_day int, agency_per_minute int, agency_per_day int)
      RETURNS int LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        agency uuid := nullif(current_setting('tessera.agency_id', true), '')::uuid;
        usr uuid := nullif(current_setting('tessera.user_id', true), '')::uuid;
        now_at timestamptz;
        wait int := 0;
        w int;
        q record;
      BEGIN
        IF agency IS NULL OR usr IS NULL THEN
          RAISE EXCEPTION 'audit.hit_no_hit_wait: no actor in the session' USING ERRCODE = 'insufficient_privilege';
        END IF;
        PERFORM pg_advisory_xact_lock(lock_key);
        now_at := clock_timestamp();
        FOR q IN SELECT * FROM (VALUES (true, interval '1 minute', user_per_minute), (true, interval '1 day', user_per_day),
            (false, interval '1 minute', agency_per_minute), (false, interval '1 day', agency_per_day)) AS x(own, span, quota) LOOP
          IF asked > q.quota THEN
            RETURN NULL;
          END IF;
          -- Events leave the window oldest first; after event e leaves, what is still counted is what
          -- was asked after it (newer). The wait ends when the oldest event whose newer + asked fits leaves.
          SELECT CASE WHEN coalesce(max(r.total), 0) + asked <= q.quota THEN 0
                      ELSE greatest(1, ceil(extract(epoch FROM min(r.at) FILTER (WHERE r.newer + asked <= q.quota) + q.span - now_at)))::int END
            INTO w
            FROM (SELECT ev.at, sum(ev.n) OVER () AS total,
                         coalesce(sum(ev.n) OVER (ORDER BY ev.at DESC, ev.seq DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS newer
                    FROM (SELECT e.seq, e.at, (SELECT substr(f, 13)::int FROM unnest(e.fields) AS f WHERE f LIKE 'identifiers:%' LIMIT 1) AS n
                            FROM audit.events e
                           WHERE e.subject_type = 'HitNoHit' AND e.actor_agency_id = agency AND e.at > now_at - q.span
                             AND (NOT q.own OR e.actor_user_id = usr) AND 'outcome:ANSWERED' = ANY (e.fields)) AS ev) AS r;
          wait := greatest(wait, w);
        END LOOP;
        RETURN wait;
      END
    $$`);

    await q.query(`CREATE FUNCTION audit.hit_no_hit_interest(hashes text[], from_at timestamptz, to_at timestamptz)
      RETURNS TABLE (identifier_hash text, agency_type text, queries bigint)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
        SELECT h.hash, substr(t.f, 12), count(*)
          FROM unnest(hashes) AS h(hash)
          JOIN audit.events e ON e.subject_type = 'HitNoHit' AND e.fields @> ARRAY[h.hash] AND e.at >= from_at AND e.at < to_at
          CROSS JOIN LATERAL (SELECT f FROM unnest(e.fields) AS f WHERE f LIKE 'agencyType:%' LIMIT 1) AS t
         WHERE nullif(current_setting('tessera.agency_id', true), '') IS NOT NULL
           AND e.actor_agency_id IS DISTINCT FROM nullif(current_setting('tessera.agency_id', true), '')::uuid
           AND 'outcome:ANSWERED' = ANY (e.fields)
         GROUP BY 1, 2
      $$`);
    for (const fn of ['audit.hit_no_hit_wait(bigint, int, int, int, int, int)', 'audit.hit_no_hit_interest(text[], timestamptz, timestamptz)']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit.hit_no_hit_interest(text[], timestamptz, timestamptz)`);
    await q.query(`DROP FUNCTION audit.hit_no_hit_wait(bigint, int, int, int, int, int)`);
    await q.query(`DROP INDEX audit.events_hit_no_hit_identifiers_idx`);
    await q.query(`DROP INDEX audit.events_hit_no_hit_agency_idx`);
  }
}
