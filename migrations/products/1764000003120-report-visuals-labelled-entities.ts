import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rendering's network chart shows identifier values as its labels: the entities whose value it
 * shows are kept with it (`labelled_entity_ids`), so that every reading of the visuals or the PDF is
 * a consultation of those entities on the audit trail, as reading them through `network` is.
 * Renderings made before have none listed (their readings were recorded as readings of the version).
 */
export class ProductsReportVisualsLabelledEntities1764000003120 implements MigrationInterface {
  name = 'ProductsReportVisualsLabelledEntities1764000003120';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE products.report_visuals ADD COLUMN labelled_entity_ids uuid[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE products.report_visuals DROP COLUMN labelled_entity_ids`);
  }
}
