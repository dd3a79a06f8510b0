import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports from the public (no account: no address, user agent or device is ever a column) and
 * frontline notifications with their referral.
 */
export class IntakeInit1764000000500 implements MigrationInterface {
  name = 'IntakeInit1764000000500';

  async up(q: QueryRunner): Promise<void> {
    // received_at is kept to the hour: the exact second would tie a report to the traffic that carried it.
    await q.query(`CREATE TABLE intake.public_reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      received_at timestamptz NOT NULL DEFAULT date_trunc('hour', now()),
      story text NOT NULL CHECK (length(story) BETWEEN 1 AND 20000),
      occurred_when text CHECK (length(occurred_when) <= 200),
      place text CHECK (length(place) <= 200),
      latitude numeric(5,2) CHECK (latitude BETWEEN -90 AND 90),
      longitude numeric(5,2) CHECK (longitude BETWEEN -180 AND 180),
      situation_kind text CHECK (situation_kind IN ('SEXUAL','LABOUR','CRIMINAL','DOMESTIC_SERVITUDE','ORGAN_HARVESTING','CHILD','UNSURE')),
      language text NOT NULL CHECK (length(language) BETWEEN 1 AND 35),
      contact text CHECK (length(contact) <= 500),
      receipt_hash bytea NOT NULL UNIQUE,
      fingerprint bytea NOT NULL,
      duplicate_of uuid REFERENCES intake.public_reports(id),
      status text NOT NULL DEFAULT 'RECEIVED' CHECK (status IN ('RECEIVED','IN_REVIEW','CLOSED')),
      review_due date NOT NULL DEFAULT (now() + interval '2 years')::date,
      CHECK ((latitude IS NULL) = (longitude IS NULL))
    )`);
    await q.query(`CREATE INDEX public_reports_received_idx ON intake.public_reports (received_at DESC, id)`);
    await q.query(`CREATE INDEX public_reports_fingerprint_idx ON intake.public_reports (fingerprint, received_at)`);
    // Photos as re-encoded on receipt (JPEG, no metadata); the original bytes are never stored.
    await q.query(`CREATE TABLE intake.public_report_photos (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      report_id uuid NOT NULL REFERENCES intake.public_reports(id) ON DELETE CASCADE,
      position int NOT NULL CHECK (position >= 0),
      media_type text NOT NULL CHECK (media_type = 'image/jpeg'),
      width int NOT NULL CHECK (width > 0),
      height int NOT NULL CHECK (height > 0),
      content bytea NOT NULL,
      UNIQUE (report_id, position)
    )`);
    await q.query(`CREATE TABLE intake.public_report_additions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      report_id uuid NOT NULL REFERENCES intake.public_reports(id) ON DELETE CASCADE,
      added_at timestamptz NOT NULL DEFAULT date_trunc('hour', now()),
      text text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000)
    )`);
    await q.query(`CREATE INDEX public_report_additions_report_idx ON intake.public_report_additions (report_id, added_at)`);
    // Proof-of-work challenges already answered, until they expire: each is good for one submission.
    await q.query(`CREATE TABLE intake.spent_challenges (
      id text PRIMARY KEY CHECK (length(id) <= 64),
      expires_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE INDEX spent_challenges_expiry_idx ON intake.spent_challenges (expires_at)`);
    // The public reads no table: a receipt code (its hash) opens exactly these answers.
    await q.query(`CREATE FUNCTION intake.spend_challenge(challenge text, expires timestamptz) RETURNS boolean
      LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
        WITH pruned AS (DELETE FROM intake.spent_challenges WHERE expires_at < now() - interval '1 minute'),
             spent AS (INSERT INTO intake.spent_challenges (id, expires_at) VALUES (challenge, expires) ON CONFLICT (id) DO NOTHING RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM spent) $fn$`);
    await q.query(`CREATE FUNCTION intake.receipt(hash bytea) RETURNS TABLE (report_id uuid, received_on date, status text, addition_count int)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
        SELECT r.id, (r.received_at AT TIME ZONE 'UTC')::date, r.status,
          (SELECT count(*)::int FROM intake.public_report_additions a WHERE a.report_id = r.id)
        FROM intake.public_reports r WHERE r.receipt_hash = hash $fn$`);
    // The first report of a text (every copy names it), and how many copies arrived since `since`.
    await q.query(`CREATE FUNCTION intake.recent_fingerprints(fp bytea, since timestamptz) RETURNS TABLE (first_id uuid, n int)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
        SELECT (array_agg(coalesce(duplicate_of, id) ORDER BY received_at, id))[1], count(*)::int FROM intake.public_reports WHERE fingerprint = fp AND received_at >= since $fn$`);

    await q.query(`CREATE TABLE intake.notifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      notifier_agency_id uuid NOT NULL,
      notifier_user_id uuid NOT NULL,
      destination_agency_id uuid NOT NULL,
      indicators text[] NOT NULL DEFAULT '{}',
      exploitation_types text[] NOT NULL DEFAULT '{}',
      child_involved boolean NOT NULL,
      imminent_risk boolean NOT NULL,
      summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 5000),
      place text CHECK (length(place) <= 200),
      occurred_when text CHECK (length(occurred_when) <= 200),
      status text NOT NULL DEFAULT 'NOTIFIED' CHECK (status IN ('NOTIFIED','RECEIVED','ASSESSED','REFERRED_TO_NRM','CLOSED')),
      outcome text CHECK (length(outcome) <= 2000),
      due_on date NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      review_due date NOT NULL DEFAULT (now() + interval '2 years')::date,
      idempotency_key text,
      request_hash text,
      CHECK (notifier_agency_id <> destination_agency_id),
      CHECK (cardinality(indicators) > 0)
    )`);
    await q.query(`CREATE UNIQUE INDEX notifications_idempotency_idx ON intake.notifications (notifier_agency_id, idempotency_key)`);
    await q.query(`CREATE INDEX notifications_notifier_idx ON intake.notifications (notifier_agency_id, created_at DESC)`);
    await q.query(`CREATE INDEX notifications_destination_idx ON intake.notifications (destination_agency_id, status, due_on)`);
    // Every status change of a referral, by the destination agency: the notifier follows it.
    await q.query(`CREATE TABLE intake.notification_updates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      notification_id uuid NOT NULL REFERENCES intake.notifications(id),
      by_agency_id uuid NOT NULL,
      notifier_agency_id uuid NOT NULL,
      by_user_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('RECEIVED','ASSESSED','REFERRED_TO_NRM','CLOSED')),
      outcome text CHECK (length(outcome) <= 2000),
      at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX notification_updates_idx ON intake.notification_updates (notification_id, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE intake.notification_updates`);
    await q.query(`DROP TABLE intake.notifications`);
    await q.query(`DROP FUNCTION intake.recent_fingerprints(bytea, timestamptz)`);
    await q.query(`DROP FUNCTION intake.receipt(bytea)`);
    await q.query(`DROP FUNCTION intake.spend_challenge(text, timestamptz)`);
    await q.query(`DROP TABLE intake.spent_challenges`);
    await q.query(`DROP TABLE intake.public_report_additions`);
    await q.query(`DROP TABLE intake.public_report_photos`);
    await q.query(`DROP TABLE intake.public_reports`);
  }
}
