import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hub's triage of a public report: one decision per report (link to a case, open a case,
 * intelligence only, discard with a reason), graded 3x5x2 unless discarded. A source other than
 * "untested" (2) needs the corroboration that supports it written down.
 */
export class TriageDecisions1764000000510 implements MigrationInterface {
  name = 'TriageDecisions1764000000510';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE intake.triage_decisions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      report_id uuid NOT NULL UNIQUE REFERENCES intake.public_reports(id) ON DELETE CASCADE,
      agency_id uuid NOT NULL,
      decided_by_user_id uuid NOT NULL,
      decided_at timestamptz NOT NULL DEFAULT now(),
      decision text NOT NULL CHECK (decision IN ('LINK_CASE','OPEN_CASE','INTELLIGENCE_ONLY','DISCARD')),
      case_id uuid,
      reason text CHECK (length(reason) BETWEEN 1 AND 2000),
      source_evaluation text CHECK (source_evaluation IN ('1','2','3')),
      intelligence_assessment text CHECK (intelligence_assessment IN ('A','B','C','D','E')),
      handling_code text CHECK (handling_code IN ('P','C')),
      handling_conditions text CHECK (length(handling_conditions) BETWEEN 1 AND 2000),
      corroboration text CHECK (length(corroboration) BETWEEN 1 AND 2000),
      request_hash text NOT NULL,
      CHECK ((decision IN ('LINK_CASE','OPEN_CASE')) = (case_id IS NOT NULL)),
      CHECK (decision <> 'DISCARD' OR reason IS NOT NULL),
      CHECK ((decision = 'DISCARD') = (source_evaluation IS NULL)),
      CHECK ((source_evaluation IS NULL) = (intelligence_assessment IS NULL) AND (source_evaluation IS NULL) = (handling_code IS NULL)),
      CHECK (source_evaluation IS NULL OR source_evaluation = '2' OR corroboration IS NOT NULL),
      CHECK (handling_code IS DISTINCT FROM 'C' OR handling_conditions IS NOT NULL)
    )`);
    await q.query(`CREATE INDEX triage_decisions_case_idx ON intake.triage_decisions (case_id) WHERE case_id IS NOT NULL`);
    // The queue reads the reports no one has decided yet.
    await q.query(`CREATE INDEX public_reports_open_idx ON intake.public_reports (received_at DESC, id) WHERE status <> 'CLOSED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX intake.public_reports_open_idx`);
    await q.query(`DROP TABLE intake.triage_decisions`);
  }
}
