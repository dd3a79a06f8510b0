import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A supervisor's records due for review (services/agencies/retention.service.ts) are the agency's own
 * whose `review_due` is up to a date, earliest first: an index on (owner_agency_id, review_due) finds
 * them without reading every row the agency owns. It replaces the index on owner_agency_id alone,
 * which its first column serves as well.
 */
export class CasesOwnerReviewDueIndexes1764000003100 implements MigrationInterface {
  name = 'CasesOwnerReviewDueIndexes1764000003100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX cases_cases_owner_due_idx ON cases.cases (owner_agency_id, review_due)`);
    await q.query(`DROP INDEX cases.cases_cases_owner_idx`);
    await q.query(`CREATE INDEX cases_persons_owner_due_idx ON cases.persons (owner_agency_id, review_due)`);
    await q.query(`DROP INDEX cases.cases_persons_owner_idx`);
    await q.query(`CREATE INDEX cases_events_owner_due_idx ON cases.events (owner_agency_id, review_due)`);
    await q.query(`DROP INDEX cases.cases_events_owner_idx`);
    await q.query(`CREATE INDEX cases_referral_stages_owner_due_idx ON cases.referral_stages (owner_agency_id, review_due)`);
    await q.query(`DROP INDEX cases.cases_referral_stages_owner_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX cases_cases_owner_idx ON cases.cases (owner_agency_id)`);
    await q.query(`DROP INDEX cases.cases_cases_owner_due_idx`);
    await q.query(`CREATE INDEX cases_persons_owner_idx ON cases.persons (owner_agency_id)`);
    await q.query(`DROP INDEX cases.cases_persons_owner_due_idx`);
    await q.query(`CREATE INDEX cases_events_owner_idx ON cases.events (owner_agency_id)`);
    await q.query(`DROP INDEX cases.cases_events_owner_due_idx`);
    await q.query(`CREATE INDEX cases_referral_stages_owner_idx ON cases.referral_stages (owner_agency_id)`);
    await q.query(`DROP INDEX cases.cases_referral_stages_owner_due_idx`);
  }
}
