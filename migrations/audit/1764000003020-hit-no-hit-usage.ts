import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hit/no-hit quota's day windows from a count per minute, so that a request's check costs the
 * same at the end of a busy day as at its start.
 *
 * `audit.hit_no_hit_window_wait` (…2100) summed the agency's answered hit/no-hit events of the last
 * day through their partial index: one index entry per request, so 2.3 ms per check at 19,000
 * requests in the day, under the agency's lock and the chain's, which every append in the hub waits
 * for. Now `audit.hit_no_hit_usage` holds, per agency, minute and user, the identifiers its answered
 * events counted: derived from the events (a trigger on their insert adds each one's
 * `hit_no_hit_answered` to its minute's row; the fact stays in the events, as for an index), and
 * holding at most a day and two minutes before the newest event it counted (a new minute's row
 * removes the agency's older ones). A check reads the minute windows from the events as before
 * (a minute of them at most), and a day window as the whole minutes after the one where the day
 * starts, from the counts, plus the events of that one minute that fall within the day
 * (`audit.hit_no_hit_used`): the same sums, exactly, for a time no earlier than the trail's newest
 * event (the time a request is counted at). Over a quota, the wait is worked out from the events, as
 * before, and is 0 where they say the request fits.
 *
 * Minutes are `date_bin('1 minute', at, '2000-01-01 UTC')`, which does not depend on the session's
 * time zone. An event without a user counts under the nil uuid, which is no user's id: for its
 * agency's windows only, as before. The application role has no privilege on the table.
 */
const NO_USER = `'00000000-0000-0000-0000-000000000000'::uuid`;
const MINUTE_OF = (at: string) => `date_bin('1 minute', ${at}, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;

export class AuditHitNoHitUsage1764000003020 implements MigrationInterface {
  name = 'AuditHitNoHitUsage1764000003020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit.hit_no_hit_usage (
        agency_id uuid NOT NULL,
        minute timestamptz NOT NULL,
        user_id uuid NOT NULL,
        asked bigint NOT NULL,
        PRIMARY KEY (agency_id, minute, user_id)
      )`);
    await q.query(`CREATE FUNCTION audit.count_hit_no_hit_usage() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        added boolean;
      BEGIN
        INSERT INTO audit.hit_no_hit_usage AS u (agency_id, minute, user_id, asked)
          VALUES (NEW.actor_agency_id, ${MINUTE_OF('NEW.at')}, coalesce(NEW.actor_user_id, ${NO_USER}), NEW.hit_no_hit_answered)
          ON CONFLICT (agency_id, minute, user_id) DO UPDATE SET asked = u.asked + EXCLUDED.asked
          RETURNING (xmax = 0) INTO added;
        IF added THEN
          DELETE FROM audit.hit_no_hit_usage u WHERE u.agency_id = NEW.actor_agency_id AND u.minute < NEW.at - interval '1 day 2 minutes';
        END IF;
        RETURN NULL;
      END
    $$`);
    await q.query('REVOKE ALL ON FUNCTION audit.count_hit_no_hit_usage() FROM PUBLIC');
    await q.query(`CREATE TRIGGER events_hit_no_hit_usage AFTER INSERT ON audit.events
      FOR EACH ROW WHEN (NEW.hit_no_hit_answered IS NOT NULL AND NEW.actor_agency_id IS NOT NULL) EXECUTE FUNCTION audit.count_hit_no_hit_usage()`);
    // The counts of the events already on the trail that a check can still read.
    await q.query(`INSERT INTO audit.hit_no_hit_usage (agency_id, minute, user_id, asked)
      SELECT e.actor_agency_id, ${MINUTE_OF('e.at')}, coalesce(e.actor_user_id, ${NO_USER}), sum(e.hit_no_hit_answered)
        FROM audit.events e
       WHERE e.hit_no_hit_answered IS NOT NULL AND e.actor_agency_id IS NOT NULL
         AND e.at >= (SELECT max(x.at) FROM audit.events x) - interval '1 day 2 minutes'
       GROUP BY 1, 2, 3`);
    await q.query(USED);
    await q.query('REVOKE ALL ON FUNCTION audit.hit_no_hit_used(uuid, uuid, timestamptz) FROM PUBLIC');
    await q.query(windowWait('counted'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(windowWait('events'));
    await q.query('DROP FUNCTION audit.hit_no_hit_used(uuid, uuid, timestamptz)');
    await q.query('DROP TRIGGER events_hit_no_hit_usage ON audit.events');
    await q.query('DROP FUNCTION audit.count_hit_no_hit_usage()');
    await q.query('DROP TABLE audit.hit_no_hit_usage');
  }
}

/**
 * What an agency and one of its users were counted in the minute and the day before `now_at`:
 * [user's minute, user's day, agency's minute, agency's day]. The minutes from the events (a minute
 * of them at most); a day as the whole minutes after the one in which it starts, counted, plus the
 * events of that minute within the day.
 */
const USED = `CREATE FUNCTION audit.hit_no_hit_used(agency uuid, usr uuid, now_at timestamptz)
      RETURNS int[] LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        edge timestamptz := ${MINUTE_OF(`now_at - interval '1 day'`)};
        used int[];
        user_minutes bigint;
        agency_minutes bigint;
      BEGIN
        SELECT ARRAY[coalesce(sum(e.hit_no_hit_answered) FILTER (WHERE e.actor_user_id = usr AND e.at > now_at - interval '1 minute'), 0),
                     coalesce(sum(e.hit_no_hit_answered) FILTER (WHERE e.actor_user_id = usr AND e.at < edge + interval '1 minute'), 0),
                     coalesce(sum(e.hit_no_hit_answered) FILTER (WHERE e.at > now_at - interval '1 minute'), 0),
                     coalesce(sum(e.hit_no_hit_answered) FILTER (WHERE e.at < edge + interval '1 minute'), 0)]::int[]
          INTO used
          FROM audit.events e
         WHERE e.hit_no_hit_answered IS NOT NULL AND e.actor_agency_id = agency AND e.at > now_at - interval '1 day'
           AND (e.at > now_at - interval '1 minute' OR e.at < edge + interval '1 minute');
        SELECT coalesce(sum(u.asked) FILTER (WHERE u.user_id = usr), 0), coalesce(sum(u.asked), 0) INTO user_minutes, agency_minutes
          FROM audit.hit_no_hit_usage u
         WHERE u.agency_id = agency AND u.minute > edge;
        RETURN ARRAY[used[1], used[2] + user_minutes, used[3], used[4] + agency_minutes];
      END
    $$`;

/** …2100's function; `counted`: what was used from audit.hit_no_hit_used. */
function windowWait(days: 'counted' | 'events'): string {
  const used =
    days === 'events'
      ? `SELECT ARRAY[coalesce(sum(e.hit_no_hit_answered) FILTER (WHERE e.actor_user_id = usr AND e.at > now_at - interval '1 minute'), 0),
                     coalesce(sum(e.hit_no_hit_answered) FILTER (WHERE e.actor_user_id = usr), 0),
                     coalesce(sum(e.hit_no_hit_answered) FILTER (WHERE e.at > now_at - interval '1 minute'), 0),
                     coalesce(sum(e.hit_no_hit_answered), 0)]::int[]
          INTO used
          FROM audit.events e
         WHERE e.hit_no_hit_answered IS NOT NULL AND e.actor_agency_id = agency AND e.at > now_at - interval '1 day';`
      : `used := audit.hit_no_hit_used(agency, usr, now_at);`;
  return `CREATE OR REPLACE FUNCTION audit.hit_no_hit_window_wait(agency uuid, usr uuid, asked int, user_per_minute int, user_per_day int, agency_per_minute int, agency_per_day int, now_at timestamptz)
      RETURNS int LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        used int[];
        wait int;
      BEGIN
        IF asked > least(user_per_minute, user_per_day, agency_per_minute, agency_per_day) THEN
          RETURN NULL;
        END IF;
        ${used}
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
    $$`;
}
