import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Observations and links may be made on an advert (the hub's advert feed, services/adverts): the
 * phones and handles an advert names are observed with the advert as their source.
 */
export class EntitiesAdvertSource1764000000700 implements MigrationInterface {
  name = 'EntitiesAdvertSource1764000000700';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['observations', 'links']) {
      await q.query(`ALTER TABLE entities.${table} DROP CONSTRAINT ${table}_source_type_check`);
      await q.query(
        `ALTER TABLE entities.${table} ADD CONSTRAINT ${table}_source_type_check CHECK (source_type IN ('CASE','TRANSACTION_REPORT','NARRATIVE','TYPOLOGY','ADVERT'))`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['observations', 'links']) {
      await q.query(`ALTER TABLE entities.${table} DROP CONSTRAINT ${table}_source_type_check`);
      await q.query(`ALTER TABLE entities.${table} ADD CONSTRAINT ${table}_source_type_check CHECK (source_type IN ('CASE','TRANSACTION_REPORT','NARRATIVE','TYPOLOGY'))`);
    }
  }
}
