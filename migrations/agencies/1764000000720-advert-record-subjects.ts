import type { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = `('Case','Person','TraffickingEvent','Observation','Link','Route','Typology','TransactionReport','Narrative')`;
const AFTER = `('Case','Person','TraffickingEvent','Observation','Link','Route','Typology','TransactionReport','Narrative','Advert','AdvertLead')`;

/** Adverts and advert leads (the adverts schema) are records that access grants and retention reviews name. */
export class AgenciesAdvertRecordSubjects1764000000720 implements MigrationInterface {
  name = 'AgenciesAdvertRecordSubjects1764000000720';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['access_request_grants', 'retention_reviews']) {
      await q.query(`ALTER TABLE agencies.${table} DROP CONSTRAINT ${table}_subject_type_check`);
      await q.query(`ALTER TABLE agencies.${table} ADD CONSTRAINT ${table}_subject_type_check CHECK (subject_type IN ${AFTER})`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['access_request_grants', 'retention_reviews']) {
      await q.query(`ALTER TABLE agencies.${table} DROP CONSTRAINT ${table}_subject_type_check`);
      await q.query(`ALTER TABLE agencies.${table} ADD CONSTRAINT ${table}_subject_type_check CHECK (subject_type IN ${BEFORE})`);
    }
  }
}
