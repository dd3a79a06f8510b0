import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The gazetteer is reference data every deployment needs, not demo data: [slug, name, country, latitude, longitude]. */
const GAZETTEER: ReadonlyArray<readonly [string, string, string, number, number]> = [
  ['constanta', 'Constanța', 'RO', 44.1733, 28.6383],
  ['bucuresti', 'București', 'RO', 44.4268, 26.1025],
  ['iasi', 'Iași', 'RO', 47.1585, 27.6014],
  ['brasov', 'Brașov', 'RO', 45.6427, 25.5887],
  ['timisoara', 'Timișoara', 'RO', 45.7489, 21.2087],
  ['targu-jiu', 'Târgu Jiu', 'RO', 45.0342, 23.2747],
  ['craiova', 'Craiova', 'RO', 44.3302, 23.7949],
  ['london', 'London', 'GB', 51.5072, -0.1276],
  ['luton', 'Luton', 'GB', 51.8787, -0.42],
  ['birmingham', 'Birmingham', 'GB', 52.4862, -1.8904],
  ['leicester', 'Leicester', 'GB', 52.6369, -1.1398],
  ['bedford', 'Bedford', 'GB', 52.1386, -0.4668],
  ['sheffield', 'Sheffield', 'GB', 53.3811, -1.4701],
  ['coventry', 'Coventry', 'GB', 52.4068, -1.5197],
  ['manchester', 'Manchester', 'GB', 53.4808, -2.2426],
];

export class RoutesInit1764000000050 implements MigrationInterface {
  name = 'RoutesInit1764000000050';

  async up(q: QueryRunner): Promise<void> {
    // Users type Romanian names with or without diacritics and with the old cedilla forms (ş ţ).
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    // unaccent is named by the schema it was installed in, so the function is independent of search_path.
    const [unaccent] = (await q.query(`SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'unaccent'`)) as Array<{ schema: string }>;
    const s = unaccent!.schema;
    await q.query(`CREATE FUNCTION routes.fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(${s}.unaccent('${s}.unaccent'::regdictionary, translate($1, 'şţŞŢ', 'șțȘȚ'))) $$`);
    await q.query(`CREATE TABLE routes.locations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text UNIQUE NOT NULL,
      name text NOT NULL,
      city text,
      country_code char(2) NOT NULL,
      latitude double precision,
      longitude double precision
    )`);
    await q.query(`CREATE INDEX locations_name_trgm_idx ON routes.locations USING gin (routes.fold(name) gin_trgm_ops)`);
    const values = GAZETTEER.map((_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`);
    await q.query(`INSERT INTO routes.locations (slug, name, city, country_code, latitude, longitude) VALUES ${values.join(', ')}`, GAZETTEER.flat());
    await q.query(`CREATE TABLE routes.routes (
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
      CHECK (handling_code <> 'C' OR handling_conditions IS NOT NULL),
      origin_location_id uuid NOT NULL REFERENCES routes.locations(id),
      transit_location_ids uuid[] NOT NULL DEFAULT '{}',
      destination_location_id uuid NOT NULL REFERENCES routes.locations(id),
      exploitation_types text[] NOT NULL DEFAULT '{}',
      period_start date,
      period_end date,
      victim_count int NOT NULL CHECK (victim_count >= 0),
      case_count int NOT NULL CHECK (case_count >= 0),
      CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start)
    )`);
    await q.query(`CREATE INDEX routes_routes_owner_idx ON routes.routes (owner_agency_id);
      CREATE INDEX routes_routes_marking_idx ON routes.routes (marking)`);
    await q.query(`CREATE TABLE routes.grants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      record_id uuid NOT NULL,
      grantee_agency_id uuid NOT NULL,
      granted_by_user_id uuid NOT NULL,
      purpose text NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ON routes.grants (record_id, grantee_agency_id)`);
    // Each record's first review falls due by its retention class (services/kernel/records.ts).
    await q.query(`ALTER TABLE routes.routes ALTER COLUMN review_due SET DEFAULT (now() + interval '1 years')::date`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE routes.grants`);
    await q.query(`DROP TABLE routes.routes`);
    await q.query(`DROP TABLE routes.locations`);
    await q.query(`DROP FUNCTION routes.fold(text)`);
    // pg_trgm and unaccent stay: other schemas use them too.
  }
}
