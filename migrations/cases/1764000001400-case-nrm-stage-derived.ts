import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case's NRM stage is derived from its victims' referral stages (cases.referral_stages,
 * services/cases/case.repository.ts `caseNrmStageSql`): the column that held a second copy of that
 * fact goes. Down restores the column, filled from the stages as the derivation reads them.
 */
export class CaseNrmStageDerived1764000001400 implements MigrationInterface {
  name = 'CaseNrmStageDerived1764000001400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cases.cases DROP COLUMN nrm_stage`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE cases.cases ADD COLUMN nrm_stage text NOT NULL DEFAULT 'NONE' CHECK (nrm_stage IN ('NONE','REASONABLE_GROUNDS','CONCLUSIVE_GROUNDS'))`,
    );
    await q.query(`UPDATE cases.cases c SET nrm_stage = d.stage FROM (
        SELECT case_id, CASE max(CASE stage WHEN 'REASONABLE_GROUNDS' THEN 1 WHEN 'CONCLUSIVE_GROUNDS' THEN 2 WHEN 'SUPPORT_PROVIDED' THEN 2 ELSE 0 END)
          WHEN 2 THEN 'CONCLUSIVE_GROUNDS' WHEN 1 THEN 'REASONABLE_GROUNDS' ELSE 'NONE' END AS stage
        FROM cases.referral_stages WHERE mechanism = 'UK_NRM' GROUP BY case_id) d
      WHERE d.case_id = c.id`);
  }
}
