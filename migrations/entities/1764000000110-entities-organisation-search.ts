import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisation name search: `entities.fold(text)` (lower-case, unaccented, cedilla ş ţ read as
 * comma-below ș ț) backs a trigram index over organisation names only, so "Asociatia", "Asociaţia"
 * and "Asociația" find one another, and small misspellings still match.
 */
export class EntitiesOrganisationSearch1764000000110 implements MigrationInterface {
  name = 'EntitiesOrganisationSearch1764000000110';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    // unaccent is named by the schema it was installed in, so the function is independent of search_path.
    const [unaccent] = (await q.query(`SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'unaccent'`)) as Array<{ schema: string }>;
    const s = unaccent!.schema;
    await q.query(`CREATE FUNCTION entities.fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(${s}.unaccent('${s}.unaccent'::regdictionary, translate($1, 'şţŞŢ', 'șțȘȚ'))) $$`);
    await q.query(`CREATE INDEX entities_organisation_name_trgm_idx ON entities.entities
      USING gin (entities.fold(value) gin_trgm_ops) WHERE kind = 'ORGANISATION'`);
    // Correlation alerts ask "what did others state since T": statements by creation time.
    await q.query(`CREATE INDEX observations_created_idx ON entities.observations (created_at)`);
    await q.query(`CREATE INDEX links_created_idx ON entities.links (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX entities.links_created_idx`);
    await q.query(`DROP INDEX entities.observations_created_idx`);
    await q.query(`DROP INDEX entities.entities_organisation_name_trgm_idx`);
    await q.query(`DROP FUNCTION entities.fold(text)`);
  }
}
