import type { MigrationInterface, QueryRunner } from 'typeorm';
import { reviewDueDefaultDdl } from '../../services/kernel/records';
import { createFoldFunction } from '../../services/kernel/text-search';
import { grantsTableDdl, MARKED_COLUMNS_DDL, markedIndexesDdl } from '../../services/kernel/marked-record';

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
    await createFoldFunction(q, 'routes');
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
      ${MARKED_COLUMNS_DDL},
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
    await q.query(markedIndexesDdl('routes.routes'));
    await q.query(grantsTableDdl('routes'));
    // Each record's first review falls due by its retention class (services/kernel/records.ts).
    for (const subject of ['Route'] as const) await q.query(reviewDueDefaultDdl(subject));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE routes.grants`);
    await q.query(`DROP TABLE routes.routes`);
    await q.query(`DROP TABLE routes.locations`);
    await q.query(`DROP FUNCTION routes.fold(text)`);
    // pg_trgm and unaccent stay: other schemas use them too.
  }
}
