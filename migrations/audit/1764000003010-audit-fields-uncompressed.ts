import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * audit.events.fields is stored out of line without compression (`STORAGE EXTERNAL`). The large
 * lists in it are hit/no-hit's and screening's keyed hashes (a screening chunk's event lists up to
 * 50,000), which pglz compressed at 30 ms for a chunk's 40,000 hashes (2.2 ms uncompressed), inside
 * the append, so under the chain's lock, which every other append in the hub waits for. Hex
 * compresses about twice, so such an event takes about twice the space; the other events' lists of
 * field names are too short to be compressed at all.
 */
export class AuditFieldsUncompressed1764000003010 implements MigrationInterface {
  name = 'AuditFieldsUncompressed1764000003010';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit.events ALTER COLUMN fields SET STORAGE EXTERNAL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit.events ALTER COLUMN fields SET STORAGE EXTENDED');
  }
}
