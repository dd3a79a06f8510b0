import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hit/no-hit quota (audit.hit_no_hit_wait, …0470) without reading the events' `fields`.
 *
 * It summed `identifiers:<n>` over an agency's answered hit/no-hit events of the last day by
 * unnesting `fields`: a request's event holds one `hmac:` per identifier asked, ~4 kB stored out of
 * line, so every request read back every earlier one of the day, four times over, while holding the
 * audit chain's lock (5–7 ms per window at 235 events of 100 identifiers, growing with the day).
 *
 * Now the number is a stored generated column, `hit_no_hit_answered`, computed by the database from
 * `fields` when the event is inserted (the fact stays in `fields`; the column is derived from it, as
 * an index is): the distinct identifiers an ANSWERED hit/no-hit event counted, NULL for every other
 * event. A partial index covers the agency's events by time with the user and the number, so the
 * function reads one small index range once and computes the four windows from it. Same arguments,
 * same answers: 0 when `asked` more fit now, the seconds until they fit, NULL when they never can.
 */
export class AuditHitNoHitQuotaColumn1764000001000 implements MigrationInterface {
  name = 'AuditHitNoHitQuotaColumn1764000001000';

  async up(q: QueryRunner): Promise<void> {
    // What an event's fields say it counted against the quota: `identifiers:<n>` of an ANSWERED one.
    await q.query(`CREATE FUNCTION audit.hit_no_hit_answered(fields text[]) RETURNS int
      LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog AS $$
        SELECT CASE WHEN 'outcome:ANSWERED' = ANY (fields)
                    THEN (SELECT substr(f, 13)::int FROM unnest(fields) AS f WHERE f LIKE 'identifiers:%' LIMIT 1) END
      $$`);
    await q.query(`ALTER TABLE audit.events ADD COLUMN hit_no_hit_answered int
      GENERATED ALWAYS AS (CASE WHEN subject_type = 'HitNoHit' THEN audit.hit_no_hit_answered(fields) END) STORED`);
    await q.query(`CREATE INDEX events_hit_no_hit_answered_idx ON audit.events (actor_agency_id, at)
      INCLUDE (actor_user_id, seq, hit_no_hit_answered) WHERE hit_no_hit_answered IS NOT NULL`);

    await q.query(`CREATE OR REPLACE FUNCTION audit.hit_no_hit_wait(lock_key bigint, asked int, user_per_minute int, user_per_day int, agency_per_minute int, agency_per_day int)
      RETURNS int LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        agency uuid := nullif(current_setting('tessera.agency_id', true), '')::uuid;
        usr uuid := nullif(current_setting('tessera.user_id', true), '')::uuid;
        now_at timestamptz;
        used int[];
        wait int;
      BEGIN
        IF agency IS NULL OR usr IS NULL THEN
          RAISE EXCEPTION 'audit.hit_no_hit_wait: no actor in the session' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF asked > least(user_per_minute, user_per_day, agency_per_minute, agency_per_day) THEN
          RETURN NULL;
        END IF;
        PERFORM pg_advisory_xact_lock(lock_key);
        now_at := clock_timestamp();
        -- A statement after the lock: its snapshot holds every event committed before the lock was granted.
        SELECT ARRAY[coalesce(sum(e.hit_no_hit_answered) FILTER (WHERE e.actor_user_id = usr AND e.at > now_at - interval '1 minute'), 0),
                     coalesce(sum(e.hit_no_hit_answered) FILTER (WHERE e.actor_user_id = usr), 0),
                     coalesce(sum(e.hit_no_hit_answered) FILTER (WHERE e.at > now_at - interval '1 minute'), 0),
                     coalesce(sum(e.hit_no_hit_answered), 0)]::int[]
          INTO used
          FROM audit.events e
         WHERE e.hit_no_hit_answered IS NOT NULL AND e.actor_agency_id = agency AND e.at > now_at - interval '1 day';
        IF used[1] + asked <= user_per_minute AND used[2] + asked <= user_per_day
           AND used[3] + asked <= agency_per_minute AND used[4] + asked <= agency_per_day THEN
          RETURN 0;
        END IF;
        -- Over a quota: events leave the window oldest first; after event e leaves, what is still counted
        -- is what was asked after it (newer). The wait ends when the oldest event whose newer + asked fits leaves.
        SELECT max(w) INTO wait FROM (
          SELECT CASE WHEN coalesce(max(r.total), 0) + asked <= q.quota THEN 0
                      ELSE greatest(1, ceil(extract(epoch FROM min(r.at) FILTER (WHERE r.newer + asked <= q.quota) + q.span - now_at)))::int END AS w
            FROM (VALUES (1, true, interval '1 minute', user_per_minute), (2, true, interval '1 day', user_per_day),
                         (3, false, interval '1 minute', agency_per_minute), (4, false, interval '1 day', agency_per_day)) AS q(k, own, span, quota)
            LEFT JOIN LATERAL (
              SELECT ev.at, sum(ev.n) OVER () AS total,
                     coalesce(sum(ev.n) OVER (ORDER BY ev.at DESC, ev.seq DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS newer
                FROM (SELECT e.seq, e.at, e.hit_no_hit_answered AS n FROM audit.events e
                       WHERE e.hit_no_hit_answered IS NOT NULL AND e.actor_agency_id = agency AND e.at > now_at - q.span
                         AND (NOT q.own OR e.actor_user_id = usr)) AS ev) AS r ON true
           GROUP BY q.k, q.quota, q.span) AS waits;
        RETURN wait;
      END
    $$`);
    await q.query(`REVOKE ALL ON FUNCTION audit.hit_no_hit_wait(bigint, int, int, int, int, int) FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The previous function (…0470), which reads `fields` itself.
    await q.query(`CREATE OR REPLACE FUNCTION audit.hit_no_hit_wait(lock_key bigint, asked int, user_per_minute int, user_per_day int, agency_per_minute int, agency_per_day int)
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
    await q.query(`DROP INDEX audit.events_hit_no_hit_answered_idx`);
    await q.query(`ALTER TABLE audit.events DROP COLUMN hit_no_hit_answered`);
    await q.query(`DROP FUNCTION audit.hit_no_hit_answered(text[])`);
  }
}
