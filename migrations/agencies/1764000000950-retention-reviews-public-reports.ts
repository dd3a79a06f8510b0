import type { MigrationInterface, QueryRunner } from 'typeorm';

const SUBJECTS = `('Case','Person','TraffickingEvent','Observation','Link','Route','Typology','TransactionReport','Narrative','PublicReport')`;

/** Retention reviews also decide on triaged public reports (kept by the hub agency that triaged them). */
export class RetentionReviewsPublicReports1764000000950 implements MigrationInterface {
  name = 'RetentionReviewsPublicReports1764000000950';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agencies.retention_reviews DROP CONSTRAINT retention_reviews_subject_type_check`);
    await q.query(`ALTER TABLE agencies.retention_reviews ADD CONSTRAINT retention_reviews_subject_type_check CHECK (subject_type IN ${SUBJECTS})`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agencies.retention_reviews DROP CONSTRAINT retention_reviews_subject_type_check`);
    await q.query(
      `ALTER TABLE agencies.retention_reviews ADD CONSTRAINT retention_reviews_subject_type_check CHECK (subject_type IN ('Case','Person','TraffickingEvent','Observation','Link','Route','Typology','TransactionReport','Narrative'))`,
    );
  }
}
