import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which notifications name a place, for the hub's area indicators: a notification reaches only its
 * notifier and destination, so the hub's analysts count them through this function, which returns
 * each matching notification's id (its record key for disclosure control) and day, never its
 * content, and answers only a HUB_ANALYST actor. In PL/pgSQL, whose body names its tables when it
 * runs: this migration's timestamp sorts before the one that creates intake.notifications.
 */
export class NotificationPlaceCounts1764000000061 implements MigrationInterface {
  name = 'NotificationPlaceCounts1764000000061';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    const [unaccent] = (await q.query(`SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'unaccent'`)) as Array<{ schema: string }>;
    const s = unaccent!.schema;
    await q.query(`CREATE FUNCTION intake.notifications_naming(names text[], from_day date, to_day date)
      RETURNS TABLE (name text, notification_id uuid, day date)
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      BEGIN
        RETURN QUERY SELECT n.needle, x.id, (x.created_at AT TIME ZONE 'UTC')::date
        FROM intake.notifications x
        JOIN unnest(names) AS n(needle)
          ON lower(${s}.unaccent('${s}.unaccent'::regdictionary, translate(x.place, 'şţŞŢ', 'șțȘȚ'))) LIKE '%' || n.needle || '%'
        WHERE current_setting('tessera.agency_type', true) = 'HUB_ANALYST'
          AND x.place IS NOT NULL
          AND (x.created_at AT TIME ZONE 'UTC')::date BETWEEN from_day AND to_day;
      END $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION intake.notifications_naming(text[], date, date)`);
  }
}
