import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An organisation's name as the organisation search compares it (`entities.fold`), kept by the
 * database as a generated column (NULL for every other kind of entity), so a name is folded once
 * when it is written, and the search's candidates can be read through the trigram index by the
 * schema's name-match function (services/kernel/security.ts), which row-level security keeps a
 * query's own match from. The index moves to it.
 */
export class EntitiesOrganisationFoldedName1764000003050 implements MigrationInterface {
  name = 'EntitiesOrganisationFoldedName1764000003050';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE entities.entities ADD COLUMN organisation_name_folded text
      GENERATED ALWAYS AS (CASE WHEN kind = 'ORGANISATION' THEN entities.fold(value) END) STORED`);
    await q.query(`DROP INDEX entities.entities_organisation_name_trgm_idx`);
    await q.query(`CREATE INDEX entities_organisation_name_trgm_idx ON entities.entities
      USING gin (organisation_name_folded gin_trgm_ops) WHERE organisation_name_folded IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX entities.entities_organisation_name_trgm_idx`);
    await q.query(`ALTER TABLE entities.entities DROP COLUMN organisation_name_folded`);
    await q.query(`CREATE INDEX entities_organisation_name_trgm_idx ON entities.entities
      USING gin (entities.fold(value) gin_trgm_ops) WHERE kind = 'ORGANISATION'`);
  }
}
