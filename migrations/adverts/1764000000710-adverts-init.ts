import type { MigrationInterface, QueryRunner } from 'typeorm';

const MARKED = `
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_agency_id uuid NOT NULL,
      contributor_user_id uuid NOT NULL,
      marking text NOT NULL CHECK (marking IN ('CLEAR','GREEN','AMBER','AMBER_STRICT','RED')),
      source_evaluation text NOT NULL CHECK (source_evaluation IN ('1','2','3')),
      intelligence_assessment text NOT NULL CHECK (intelligence_assessment IN ('A','B','C','D','E')),
      handling_code text NOT NULL CHECK (handling_code IN ('P','C')),
      handling_conditions text,
      shared_with_agency_ids uuid[] NOT NULL DEFAULT '{}',
      shared_with_group_ids uuid[] NOT NULL DEFAULT '{}',
      red_recipient_user_ids uuid[] NOT NULL DEFAULT '{}',
      review_due date NOT NULL DEFAULT (now() + interval '1 year')::date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (handling_code <> 'C' OR handling_conditions IS NOT NULL)`;

/**
 * The advert feed: adverts collected from adult-services sites by a partner and ingested by the hub
 * (one row per site and advert id, whatever the number of sightings), the files they came in (keyed
 * by their content and handling, so a file sent again writes nothing), and the leads computed from them.
 */
export class AdvertsInit1764000000710 implements MigrationInterface {
  name = 'AdvertsInit1764000000710';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE adverts.imports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_agency_id uuid NOT NULL,
      contributor_user_id uuid NOT NULL,
      file_hash text NOT NULL,
      advert_count int NOT NULL CHECK (advert_count > 0),
      created_count int NOT NULL,
      updated_count int NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (owner_agency_id, file_hash)
    )`);
    await q.query(`CREATE TABLE adverts.adverts (${MARKED},
      site text NOT NULL CHECK (length(site) BETWEEN 1 AND 200),
      advert_ref text NOT NULL CHECK (length(advert_ref) BETWEEN 1 AND 2000),
      url text CHECK (length(url) <= 2000),
      first_seen timestamptz NOT NULL,
      last_seen timestamptz NOT NULL,
      location text CHECK (length(location) <= 200),
      city text CHECK (length(city) <= 200),
      phones text[] NOT NULL DEFAULT '{}',
      handles text[] NOT NULL DEFAULT '{}',
      image_hashes text[] NOT NULL DEFAULT '{}',
      text text CHECK (length(text) <= 20000),
      collector text NOT NULL CHECK (length(collector) BETWEEN 1 AND 200),
      indicators text[] NOT NULL DEFAULT '{}',
      import_id uuid REFERENCES adverts.imports(id) ON DELETE SET NULL,
      UNIQUE (owner_agency_id, site, advert_ref),
      CHECK (last_seen >= first_seen)
    )`);
    await q.query(`CREATE INDEX adverts_owner_idx ON adverts.adverts (owner_agency_id);
      CREATE INDEX adverts_marking_idx ON adverts.adverts (marking);
      CREATE INDEX adverts_phones_idx ON adverts.adverts USING gin (phones);
      CREATE INDEX adverts_image_hashes_idx ON adverts.adverts USING gin (image_hashes);
      CREATE INDEX adverts_last_seen_idx ON adverts.adverts (last_seen DESC, id)`);
    await q.query(`CREATE TABLE adverts.leads (${MARKED},
      kind text NOT NULL CHECK (kind IN ('NETWORK','MOVEMENT')),
      score int NOT NULL CHECK (score >= 0),
      indicators text[] NOT NULL DEFAULT '{}',
      cities text[] NOT NULL DEFAULT '{}',
      advert_ids uuid[] NOT NULL,
      phones text[] NOT NULL DEFAULT '{}',
      image_hashes text[] NOT NULL DEFAULT '{}',
      movements jsonb NOT NULL DEFAULT '[]',
      first_seen timestamptz NOT NULL,
      last_seen timestamptz NOT NULL,
      explanation text NOT NULL
    )`);
    await q.query(`CREATE INDEX leads_owner_idx ON adverts.leads (owner_agency_id);
      CREATE INDEX leads_marking_idx ON adverts.leads (marking);
      CREATE INDEX leads_score_idx ON adverts.leads (score DESC, id)`);
    await q.query(`CREATE TABLE adverts.grants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      record_id uuid NOT NULL,
      grantee_agency_id uuid NOT NULL,
      granted_by_user_id uuid NOT NULL,
      purpose text NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ON adverts.grants (record_id, grantee_agency_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE adverts.grants`);
    await q.query(`DROP TABLE adverts.leads`);
    await q.query(`DROP TABLE adverts.adverts`);
    await q.query(`DROP TABLE adverts.imports`);
  }
}
