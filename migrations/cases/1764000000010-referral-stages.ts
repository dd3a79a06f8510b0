import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A victim's path through a national referral mechanism (the UK's NRM, Romania's identification and
 * referral mechanism): one dated row per stage reached, marked like the person it belongs to.
 */
export class ReferralStages1764000000010 implements MigrationInterface {
  name = 'ReferralStages1764000000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cases.referral_stages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_agency_id uuid NOT NULL,
      contributor_user_id uuid NOT NULL,
      marking text NOT NULL CHECK (marking IN ('CLEAR','GREEN','AMBER','AMBER_STRICT','RED')),
      source_evaluation text NOT NULL CHECK (source_evaluation IN ('1','2','3')),
      intelligence_assessment text NOT NULL CHECK (intelligence_assessment IN ('A','B','C','D','E')),
      handling_code text NOT NULL CHECK (handling_code IN ('P','C')),
      handling_conditions text,
      shared_with_agency_ids uuid[] NOT NULL DEFAULT '{}',
      shared_with_group_ids uuid[] NOT NULL DEFAULT '{}',
      red_recipient_user_ids uuid[] NOT NULL DEFAULT '{}',
      review_due date NOT NULL DEFAULT (now() + interval '6 years')::date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (handling_code <> 'C' OR handling_conditions IS NOT NULL),
      case_id uuid NOT NULL REFERENCES cases.cases(id) ON DELETE CASCADE,
      person_id uuid NOT NULL REFERENCES cases.persons(id) ON DELETE CASCADE,
      mechanism text NOT NULL CHECK (mechanism IN ('UK_NRM','RO_MNIR')),
      stage text NOT NULL CHECK (stage IN ('REFERRAL','REASONABLE_GROUNDS','CONCLUSIVE_GROUNDS','SUPPORT_PROVIDED',
        'SIGNALLING','IDENTIFICATION','REFERRAL_TO_ASSISTANCE','ASSISTANCE')),
      outcome text CHECK (outcome IN ('POSITIVE','NEGATIVE')),
      occurred_on date NOT NULL,
      UNIQUE (person_id, mechanism, stage)
    )`);
    await q.query(`CREATE INDEX cases_referral_stages_owner_idx ON cases.referral_stages (owner_agency_id);
      CREATE INDEX cases_referral_stages_marking_idx ON cases.referral_stages (marking);
      CREATE INDEX referral_stages_case_idx ON cases.referral_stages (case_id);
      CREATE INDEX referral_stages_mechanism_idx ON cases.referral_stages (mechanism, stage, occurred_on)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE cases.referral_stages`);
  }
}
