import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Frontline services (social services, health, schools, faith groups) are an agency type: they notify suspected cases. */
export class FrontlineAgencyType1764000000036 implements MigrationInterface {
  name = 'FrontlineAgencyType1764000000036';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agencies.agencies DROP CONSTRAINT agencies_type_check`);
    await q.query(`ALTER TABLE agencies.agencies ADD CONSTRAINT agencies_type_check
      CHECK (type IN ('LAW_ENFORCEMENT','FINANCIAL_INSTITUTION','NGO','FRONTLINE','HUB_ANALYST','HUB_ADMIN'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agencies.agencies DROP CONSTRAINT agencies_type_check`);
    await q.query(`ALTER TABLE agencies.agencies ADD CONSTRAINT agencies_type_check
      CHECK (type IN ('LAW_ENFORCEMENT','FINANCIAL_INSTITUTION','NGO','HUB_ANALYST','HUB_ADMIN'))`);
  }
}
