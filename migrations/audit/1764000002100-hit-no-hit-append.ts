import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit.append_hit_no_hit(...)`: hit/no-hit requests metered against their quotas and recorded on
 * the chain in one statement (services/kernel/audit-metered.ts). Until now a request took five round
 * trips in series in its appender's transaction (the quota's lock, the quota, the chain's head, the
 * insert, the commit), each after the one before had come back.
 *
 * For each request, in the order given: the quota (the sliding windows of `hit_no_hit_wait`, now in
 * `audit.hit_no_hit_window_wait`, counted at the event's time), then its event, chained on the one
 * before: ANSWERED if the quota admits it, else RATE_LIMITED. The two events differ in their fields
 * only, so the caller sends the canonical JSON of both (services/kernel/audit.ts `canonicalJson`) cut
 * around the value of `at`; the function stamps `at` with the database's clock under the chain's
 * lock, puts it between the two halves and hashes, as the chain's rule says: sha256(prev_hash ||
 * canonical JSON), hex. Every request's agency lock (`hashtextextended(lock, 0)`, sorted) is taken
 * first, then the chain's: a process of the previous release, which counts under the agency's lock
 * and appends later, is excluded as before, and the count sees every event committed before the
 * chain's lock was granted; the statement's own commit releases both, so the next count sees these
 * events. A plpgsql statement sees what the ones before it in the function inserted, so requests
 * of one agency in one call count each other.
 *
 * `audit.hit_no_hit_wait` (the previous path, kept for a process of the previous release during a
 * rolling deployment) now counts through the same window function: same arguments, same answers.
 */
const APPEND = `audit.append_hit_no_hit(bigint, text[], uuid[], uuid[], text[], text[], int[], int[], int[], int[], int[], jsonb[], jsonb[], text[], text[], text[])`;
const WINDOW = 'audit.hit_no_hit_window_wait(uuid, uuid, int, int, int, int, int, timestamptz)';

export class AuditHitNoHitAppend1764000002100 implements MigrationInterface {
  name = 'AuditHitNoHitAppend1764000002100';

  async up(q: QueryRunner): Promise<void> {
    // The windows of …1000's hit_no_hit_wait, for an agency and user given and at a time given.
    // VOLATILE: each of its statements takes a fresh snapshot (what committed, and what its caller's
    // statement inserted before calling it).
    await q.query(`CREATE FUNCTION audit.hit_no_hit_window_wait(agency uuid, usr uuid, asked int, user_per_minute int, user_per_day int, agency_per_minute int, agency_per_day int, now_at timestamptz)
      RETURNS int LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        used int[];
        wait int;
      BEGIN
        IF asked > least(user_per_minute, user_per_day, agency_per_minute, agency_per_day) THEN
          RETURN NULL;
        END IF;
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

    await q.query(`CREATE OR REPLACE FUNCTION audit.hit_no_hit_wait(lock_key bigint, asked int, user_per_minute int, user_per_day int, agency_per_minute int, agency_per_day int)
      RETURNS int LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        agency uuid := nullif(current_setting('tessera.agency_id', true), '')::uuid;
        usr uuid := nullif(current_setting('tessera.user_id', true), '')::uuid;
      BEGIN
        IF agency IS NULL OR usr IS NULL THEN
          RAISE EXCEPTION 'audit.hit_no_hit_wait: no actor in the session' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF asked > least(user_per_minute, user_per_day, agency_per_minute, agency_per_day) THEN
          RETURN NULL;
        END IF;
        PERFORM pg_advisory_xact_lock(lock_key);
        -- A statement after the lock (the window function is VOLATILE): it sees every event committed before the lock was granted.
        RETURN audit.hit_no_hit_window_wait(agency, usr, asked, user_per_minute, user_per_day, agency_per_minute, agency_per_day, clock_timestamp());
      END
    $$`);

    await q.query(`CREATE FUNCTION audit.append_hit_no_hit(
        chain_lock bigint, locks text[], actor_user_ids uuid[], actor_agency_ids uuid[], purposes text[], request_ids text[],
        asked int[], user_per_minute int[], user_per_day int[], agency_per_minute int[], agency_per_day int[],
        fields_answered jsonb[], fields_refused jsonb[], canonical_before_at text[], canonical_after_at_answered text[], canonical_after_at_refused text[])
      RETURNS TABLE (wait int, event_seq text, event_hash text)
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        n int := cardinality(request_ids);
        k bigint;
        prev text;
        at_ts timestamptz;
        at_text text;
        w int;
        answered boolean;
        canonical text;
        h text;
        s bigint;
      BEGIN
        IF n = 0 OR cardinality(locks) <> n OR cardinality(actor_user_ids) <> n OR cardinality(actor_agency_ids) <> n OR cardinality(purposes) <> n
           OR cardinality(asked) <> n OR cardinality(user_per_minute) <> n OR cardinality(user_per_day) <> n OR cardinality(agency_per_minute) <> n
           OR cardinality(agency_per_day) <> n OR cardinality(fields_answered) <> n OR cardinality(fields_refused) <> n
           OR cardinality(canonical_before_at) <> n OR cardinality(canonical_after_at_answered) <> n OR cardinality(canonical_after_at_refused) <> n THEN
          RAISE EXCEPTION 'audit.append_hit_no_hit: one value per request in every array' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF EXISTS (SELECT 1 FROM unnest(actor_agency_ids, actor_user_ids) AS a(agency, usr) WHERE a.agency IS NULL OR a.usr IS NULL) THEN
          RAISE EXCEPTION 'audit.append_hit_no_hit: every request names its agency and user' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        FOR k IN SELECT DISTINCT hashtextextended(l, 0) FROM unnest(locks) AS l ORDER BY 1 LOOP
          PERFORM pg_advisory_xact_lock(k);
        END LOOP;
        PERFORM pg_advisory_xact_lock(chain_lock);
        -- Statements after the locks: they see every event committed before the locks were granted.
        SELECT e.hash, greatest(e.at, clock_timestamp()) INTO prev, at_ts FROM audit.events e ORDER BY e.seq DESC LIMIT 1;
        prev := coalesce(prev, repeat('0', 64));
        at_ts := coalesce(at_ts, clock_timestamp());
        at_text := to_char(at_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
        FOR i IN 1..n LOOP
          w := audit.hit_no_hit_window_wait(actor_agency_ids[i], actor_user_ids[i], asked[i], user_per_minute[i], user_per_day[i],
                                            agency_per_minute[i], agency_per_day[i], at_ts);
          answered := w IS NOT DISTINCT FROM 0;
          canonical := canonical_before_at[i] || at_text || CASE WHEN answered THEN canonical_after_at_answered[i] ELSE canonical_after_at_refused[i] END;
          h := encode(sha256(convert_to(prev || canonical, 'UTF8')), 'hex');
          INSERT INTO audit.events (at, action, actor_user_id, actor_agency_id, subject_type, subject_id, record_owner_agency_id, recipients, purpose, fields, request_id, prev_hash, hash)
          VALUES (at_ts, 'CONSULT', actor_user_ids[i], actor_agency_ids[i], 'HitNoHit', request_ids[i], NULL, '{}', purposes[i],
                  ARRAY(SELECT f FROM jsonb_array_elements_text(CASE WHEN answered THEN fields_answered[i] ELSE fields_refused[i] END) WITH ORDINALITY AS x(f, o) ORDER BY o),
                  request_ids[i], prev, h)
          RETURNING seq INTO s;
          prev := h;
          wait := w;
          event_seq := s::text;
          event_hash := h;
          RETURN NEXT;
        END LOOP;
      END
    $$`);
    for (const fn of [APPEND, WINDOW]) await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ${APPEND}`);
    // …1000's function, which counts itself.
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
    await q.query(`DROP FUNCTION ${WINDOW}`);
  }
}
