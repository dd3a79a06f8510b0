import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `cases.refresh_case_chains`, keeping the steps and the victims of uniform cases only (`whole`) or of every case. */
const refreshSql = (whole: boolean) => `CREATE OR REPLACE FUNCTION cases.refresh_case_chains(ids uuid[]) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      BEGIN
        PERFORM 1 FROM cases.cases c WHERE c.id = ANY(ids) ORDER BY c.id FOR NO KEY UPDATE;
        DELETE FROM cases.case_chains WHERE case_id = ANY(ids);
        INSERT INTO cases.case_chains (case_id, uniform, victims, events)
        SELECT u.id, u.uniform,
          ${whole ? 'CASE WHEN u.uniform THEN ' : ''}(SELECT count(*)::int FROM cases.persons p WHERE p.case_id = u.id AND p.role = 'VICTIM')${whole ? ' ELSE 0 END' : ''},
          ${whole ? 'CASE WHEN u.uniform THEN ' : ''}coalesce((SELECT jsonb_agg(jsonb_build_array(e.type, e.occurred_on, e.location_id)
              ORDER BY e.occurred_on, array_position(ARRAY['RECRUITMENT', 'TRANSIT', 'EXPLOITATION'], e.type), e.created_at, e.id)
            FROM cases.events e WHERE e.case_id = u.id AND e.occurred_on IS NOT NULL AND e.location_id IS NOT NULL), '[]')${whole ? ` ELSE '[]' END` : ''}
        FROM (SELECT c.id,
          NOT EXISTS (SELECT 1 FROM cases.events e WHERE e.case_id = c.id
              AND (e.marking, e.owner_agency_id, e.contributor_user_id, e.shared_with_agency_ids, e.shared_with_group_ids, e.red_recipient_user_ids)
                IS DISTINCT FROM (c.marking, c.owner_agency_id, c.contributor_user_id, c.shared_with_agency_ids, c.shared_with_group_ids, c.red_recipient_user_ids))
            AND NOT EXISTS (SELECT 1 FROM cases.persons p WHERE p.case_id = c.id AND p.role = 'VICTIM'
              AND (p.marking, p.owner_agency_id, p.contributor_user_id, p.shared_with_agency_ids, p.shared_with_group_ids, p.red_recipient_user_ids)
                IS DISTINCT FROM (c.marking, c.owner_agency_id, c.contributor_user_id, c.shared_with_agency_ids, c.shared_with_group_ids, c.red_recipient_user_ids))
            AND NOT EXISTS (SELECT 1 FROM cases.grants g WHERE g.record_id = c.id) AS uniform
          FROM cases.cases c WHERE c.id = ANY(ids)) AS u;
      END $fn$`;

/**
 * The read model keeps a case's steps and victims only where the case is uniform, the only rows
 * whose steps are read (services/cases/case.repository.ts `countableCases`). Row-level security on
 * cases.case_chains is its case's: a chain row of a case whose events or victims reach fewer callers
 * than the case itself (a RED event, a victim kept AMBER_STRICT) would otherwise hold their dates,
 * places and number for every caller the case reaches, one forgotten `uniform` away from a leak.
 * Mixed cases are counted from their rows, one by one, as before.
 */
export class CaseChainsUniformOnly1764000003120 implements MigrationInterface {
  name = 'CaseChainsUniformOnly1764000003120';

  async up(q: QueryRunner): Promise<void> {
    await q.query(refreshSql(true));
    await q.query(`UPDATE cases.case_chains SET victims = 0, events = '[]' WHERE NOT uniform`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(refreshSql(false));
    await q.query(`SELECT cases.refresh_case_chains(ARRAY(SELECT case_id FROM cases.case_chains WHERE NOT uniform))`);
  }
}
