import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Intelligence products: reports the hub's analysts publish to an audience (agency types, sharing
 * groups, named agencies), their versions with the visuals rendered for each audience agency type,
 * and the recipients' feedback.
 */
export class ProductsInit1764000000600 implements MigrationInterface {
  name = 'ProductsInit1764000000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE products.reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_agency_id uuid NOT NULL,
      author_user_id uuid NOT NULL,
      marking text NOT NULL CHECK (marking IN ('CLEAR','GREEN','AMBER','AMBER_STRICT')),
      audience_agency_types text[] NOT NULL DEFAULT '{}',
      audience_agency_ids uuid[] NOT NULL DEFAULT '{}',
      audience_group_ids uuid[] NOT NULL DEFAULT '{}',
      version_count int NOT NULL DEFAULT 1 CHECK (version_count >= 1),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      withdrawn_at timestamptz,
      withdrawn_by_user_id uuid,
      withdrawal_reason text CHECK (length(withdrawal_reason) <= 2000),
      idempotency_key text NOT NULL,
      request_hash text NOT NULL,
      UNIQUE (owner_agency_id, idempotency_key),
      CHECK (cardinality(audience_agency_types) + cardinality(audience_agency_ids) + cardinality(audience_group_ids) > 0),
      CHECK ((withdrawn_at IS NULL) = (withdrawal_reason IS NULL))
    )`);
    await q.query(`CREATE INDEX reports_feed_idx ON products.reports (updated_at DESC, id) WHERE withdrawn_at IS NULL`);
    await q.query(`CREATE TABLE products.report_versions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      report_id uuid NOT NULL REFERENCES products.reports(id),
      owner_agency_id uuid NOT NULL,
      version int NOT NULL CHECK (version >= 1),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
      summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 5000),
      key_judgements text[] NOT NULL DEFAULT '{}',
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 100000),
      linked_case_ids uuid[] NOT NULL DEFAULT '{}',
      linked_route_ids uuid[] NOT NULL DEFAULT '{}',
      linked_typology_ids uuid[] NOT NULL DEFAULT '{}',
      hotspot_location_ids uuid[] NOT NULL DEFAULT '{}',
      network_seed_ids uuid[] NOT NULL DEFAULT '{}',
      period_start date NOT NULL,
      period_end date NOT NULL,
      exploitation_type text,
      published_by_user_id uuid NOT NULL,
      published_at timestamptz NOT NULL DEFAULT now(),
      idempotency_key text NOT NULL,
      request_hash text NOT NULL,
      UNIQUE (report_id, version),
      UNIQUE (owner_agency_id, idempotency_key),
      CHECK (period_start <= period_end)
    )`);
    // What each audience agency type was shown, rendered when the version was published and never again.
    await q.query(`CREATE TABLE products.report_visuals (
      version_id uuid NOT NULL REFERENCES products.report_versions(id),
      owner_agency_id uuid NOT NULL,
      agency_type text NOT NULL,
      route_map_svg text NOT NULL,
      network_svg text NOT NULL,
      hotspots jsonb NOT NULL,
      routes jsonb NOT NULL,
      period_start date NOT NULL,
      period_end date NOT NULL,
      PRIMARY KEY (version_id, agency_type)
    )`);
    await q.query(`CREATE TABLE products.feedback (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      report_id uuid NOT NULL REFERENCES products.reports(id),
      agency_id uuid NOT NULL,
      user_id uuid NOT NULL,
      useful boolean NOT NULL,
      safeguarded_persons int NOT NULL DEFAULT 0 CHECK (safeguarded_persons BETWEEN 0 AND 100000),
      arrests int NOT NULL DEFAULT 0 CHECK (arrests BETWEEN 0 AND 100000),
      accounts_closed int NOT NULL DEFAULT 0 CHECK (accounts_closed BETWEEN 0 AND 100000),
      adverts_disrupted int NOT NULL DEFAULT 0 CHECK (adverts_disrupted BETWEEN 0 AND 100000),
      note text CHECK (length(note) <= 2000),
      created_at timestamptz NOT NULL DEFAULT now(),
      idempotency_key text NOT NULL,
      request_hash text NOT NULL,
      UNIQUE (agency_id, idempotency_key)
    )`);
    await q.query(`CREATE INDEX feedback_report_idx ON products.feedback (report_id, created_at)`);
    // The hub's totals over every agency's feedback: sums per report and quarter, never who gave them.
    await q.query(`CREATE FUNCTION products.feedback_totals(from_date date, to_date date)
      RETURNS TABLE (report_id uuid, quarter text, feedback_count int, useful_count int, safeguarded_persons int, arrests int, accounts_closed int, adverts_disrupted int)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $fn$
        SELECT f.report_id, to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-"Q"Q'), count(*)::int, count(*) FILTER (WHERE f.useful)::int,
          sum(f.safeguarded_persons)::int, sum(f.arrests)::int, sum(f.accounts_closed)::int, sum(f.adverts_disrupted)::int
        FROM products.feedback f
        WHERE (f.created_at AT TIME ZONE 'UTC')::date BETWEEN from_date AND to_date
          AND current_setting('tessera.agency_type', true) = 'HUB_ANALYST'
        GROUP BY 1, 2 ORDER BY 2, 1
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION products.feedback_totals(date, date)');
    await q.query('DROP TABLE products.feedback, products.report_visuals, products.report_versions, products.reports');
  }
}
