import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Prevention campaigns: a hub agency's campaign run by a partner (an agency of the directory, or a
 * named platform without an account), its target areas (gazetteer places), and the reach and calls
 * the partner records per area and ISO week (one row per campaign, area and week).
 */
export class Campaigns1764000000060 implements MigrationInterface {
  name = 'Campaigns1764000000060';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE routes.campaigns (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_agency_id uuid NOT NULL,
      partner_agency_id uuid,
      platform_name text CHECK (length(platform_name) BETWEEN 1 AND 200),
      created_by_user_id uuid NOT NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      goal text NOT NULL CHECK (length(goal) BETWEEN 1 AND 2000),
      languages text[] NOT NULL CHECK (cardinality(languages) BETWEEN 1 AND 10),
      channels text[] NOT NULL CHECK (cardinality(channels) BETWEEN 1 AND 10),
      starts_on date NOT NULL,
      ends_on date NOT NULL,
      target_location_ids uuid[] NOT NULL CHECK (cardinality(target_location_ids) BETWEEN 1 AND 50),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      review_due date NOT NULL DEFAULT (now() + interval '2 years')::date,
      idempotency_key text NOT NULL,
      request_hash text NOT NULL,
      CHECK (ends_on >= starts_on),
      CHECK ((partner_agency_id IS NULL) <> (platform_name IS NULL)),
      CHECK (partner_agency_id IS NULL OR partner_agency_id <> owner_agency_id)
    )`);
    await q.query(`CREATE UNIQUE INDEX campaigns_idempotency_idx ON routes.campaigns (owner_agency_id, idempotency_key)`);
    await q.query(`CREATE INDEX campaigns_partner_idx ON routes.campaigns (partner_agency_id, starts_on DESC)`);
    // Recorded by the partner agency, or by the campaign's owner for a platform without an account.
    await q.query(`CREATE TABLE routes.campaign_reach (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      campaign_id uuid NOT NULL REFERENCES routes.campaigns(id) ON DELETE CASCADE,
      recorded_by_agency_id uuid NOT NULL,
      owner_agency_id uuid NOT NULL,
      location_id uuid NOT NULL REFERENCES routes.locations(id),
      iso_week text NOT NULL CHECK (iso_week ~ '^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$'),
      people_reached int NOT NULL CHECK (people_reached BETWEEN 0 AND 100000000),
      partner_calls int NOT NULL CHECK (partner_calls BETWEEN 0 AND 1000000),
      recorded_by_user_id uuid NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (campaign_id, location_id, iso_week)
    )`);
    // Below the application's checks: a reach row names its campaign's owner, is recorded by the
    // campaign's partner agency (by the owner for a platform without an account), in a target area.
    await q.query(`CREATE FUNCTION routes.check_campaign_reach() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM routes.campaigns c WHERE c.id = NEW.campaign_id AND c.owner_agency_id = NEW.owner_agency_id
            AND NEW.recorded_by_agency_id = coalesce(c.partner_agency_id, c.owner_agency_id)
            AND NEW.location_id = ANY(c.target_location_ids)) THEN
          RAISE EXCEPTION 'campaign reach must be recorded by the campaign''s partner, in one of its target areas' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $fn$`);
    await q.query(`CREATE TRIGGER campaign_reach_check BEFORE INSERT OR UPDATE ON routes.campaign_reach
      FOR EACH ROW EXECUTE FUNCTION routes.check_campaign_reach()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE routes.campaign_reach`);
    await q.query(`DROP FUNCTION routes.check_campaign_reach()`);
    await q.query(`DROP TABLE routes.campaigns`);
  }
}
