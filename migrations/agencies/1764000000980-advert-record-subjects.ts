import type { MigrationInterface, QueryRunner } from 'typeorm';

const RECORDS = `'Case','Person','TraffickingEvent','Observation','Link','Route','Typology','TransactionReport','Narrative'`;
/** Grants name records that can be shared; retention reviews also decide on triaged public reports (1764000000950). */
const BEFORE = { access_request_grants: `(${RECORDS})`, retention_reviews: `(${RECORDS},'PublicReport')` };
const AFTER = { access_request_grants: `(${RECORDS},'Advert','AdvertLead')`, retention_reviews: `(${RECORDS},'PublicReport','Advert','AdvertLead')` };

/** Adverts and advert leads (the adverts schema) are records that access grants and retention reviews name. */
export class AgenciesAdvertRecordSubjects1764000000980 implements MigrationInterface {
  name = 'AgenciesAdvertRecordSubjects1764000000980';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['access_request_grants', 'retention_reviews'] as const) {
      await q.query(`ALTER TABLE agencies.${table} DROP CONSTRAINT ${table}_subject_type_check`);
      await q.query(`ALTER TABLE agencies.${table} ADD CONSTRAINT ${table}_subject_type_check CHECK (subject_type IN ${AFTER[table]})`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['access_request_grants', 'retention_reviews'] as const) {
      await q.query(`ALTER TABLE agencies.${table} DROP CONSTRAINT ${table}_subject_type_check`);
      await q.query(`ALTER TABLE agencies.${table} ADD CONSTRAINT ${table}_subject_type_check CHECK (subject_type IN ${BEFORE[table]})`);
    }
  }
}
