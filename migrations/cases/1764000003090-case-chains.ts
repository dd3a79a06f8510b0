import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A read model for the aggregates (routes, hotspots, recruitment areas): for each case, its dated
 * and placed trafficking events in travel order and its number of VICTIM persons, kept by triggers
 * in the transaction of every write to the case, its events, its persons and the grants on them.
 *
 * `uniform`: every event and VICTIM person of the case carries the case's own reach (marking,
 * owner, contributor, sharing, RED recipients) and no grant names the case. A record's reach is a
 * function of exactly those and the grants naming it, so every caller such a case reaches reaches
 * all of its events and victims (a grant naming one of them adds nothing a caller of the case does
 * not already reach), and its chain is what any of them would count. Other cases are counted from
 * their rows, per caller (services/cases/case.repository.ts `countableCases`).
 *
 * Writers of one case take turns on the case's row (FOR NO KEY UPDATE, which inserting an event or
 * a person does not wait for), and each statement of the refresh reads with a fresh snapshot (READ
 * COMMITTED): the last writer's refresh sees every committed write before its own. The triggers are
 * ENABLE ALWAYS, so a bulk load under `session_replication_role = replica` (which skips the
 * foreign-key checks) still keeps the read model: a case without its row would be counted by nobody.
 */
export class CaseChains1764000003090 implements MigrationInterface {
  name = 'CaseChains1764000003090';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE cases.case_chains (
      case_id uuid PRIMARY KEY REFERENCES cases.cases(id) ON DELETE CASCADE,
      uniform boolean NOT NULL,
      victims int NOT NULL,
      events jsonb NOT NULL
    )`);
    await q.query(`CREATE INDEX case_chains_mixed_idx ON cases.case_chains (case_id) WHERE NOT uniform`);
    await q.query(`CREATE FUNCTION cases.refresh_case_chains(ids uuid[]) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      BEGIN
        PERFORM 1 FROM cases.cases c WHERE c.id = ANY(ids) ORDER BY c.id FOR NO KEY UPDATE;
        DELETE FROM cases.case_chains WHERE case_id = ANY(ids);
        INSERT INTO cases.case_chains (case_id, uniform, victims, events)
        SELECT c.id,
          NOT EXISTS (SELECT 1 FROM cases.events e WHERE e.case_id = c.id
              AND (e.marking, e.owner_agency_id, e.contributor_user_id, e.shared_with_agency_ids, e.shared_with_group_ids, e.red_recipient_user_ids)
                IS DISTINCT FROM (c.marking, c.owner_agency_id, c.contributor_user_id, c.shared_with_agency_ids, c.shared_with_group_ids, c.red_recipient_user_ids))
            AND NOT EXISTS (SELECT 1 FROM cases.persons p WHERE p.case_id = c.id AND p.role = 'VICTIM'
              AND (p.marking, p.owner_agency_id, p.contributor_user_id, p.shared_with_agency_ids, p.shared_with_group_ids, p.red_recipient_user_ids)
                IS DISTINCT FROM (c.marking, c.owner_agency_id, c.contributor_user_id, c.shared_with_agency_ids, c.shared_with_group_ids, c.red_recipient_user_ids))
            AND NOT EXISTS (SELECT 1 FROM cases.grants g WHERE g.record_id = c.id),
          (SELECT count(*)::int FROM cases.persons p WHERE p.case_id = c.id AND p.role = 'VICTIM'),
          coalesce((SELECT jsonb_agg(jsonb_build_array(e.type, e.occurred_on, e.location_id)
              ORDER BY e.occurred_on, array_position(ARRAY['RECRUITMENT', 'TRANSIT', 'EXPLOITATION'], e.type), e.created_at, e.id)
            FROM cases.events e WHERE e.case_id = c.id AND e.occurred_on IS NOT NULL AND e.location_id IS NOT NULL), '[]')
        FROM cases.cases c WHERE c.id = ANY(ids);
      END $fn$`);
    // One function per table: each reads the case ids its statement touched from the transition tables.
    await q.query(`CREATE FUNCTION cases.case_chains_of_cases() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      BEGIN
        PERFORM cases.refresh_case_chains(ARRAY(SELECT id FROM new_rows));
        RETURN NULL;
      END $fn$`);
    await q.query(`CREATE FUNCTION cases.case_chains_of_parts() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM cases.refresh_case_chains(ARRAY(SELECT DISTINCT case_id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM cases.refresh_case_chains(ARRAY(SELECT case_id FROM new_rows UNION SELECT case_id FROM old_rows));
        ELSE
          PERFORM cases.refresh_case_chains(ARRAY(SELECT DISTINCT case_id FROM old_rows));
        END IF;
        RETURN NULL;
      END $fn$`);
    await q.query(`CREATE FUNCTION cases.case_chains_of_grants() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
      DECLARE
        records uuid[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          records := ARRAY(SELECT record_id FROM new_rows);
        ELSIF TG_OP = 'UPDATE' THEN
          records := ARRAY(SELECT record_id FROM new_rows UNION SELECT record_id FROM old_rows);
        ELSE
          records := ARRAY(SELECT record_id FROM old_rows);
        END IF;
        PERFORM cases.refresh_case_chains(ARRAY(
          SELECT id FROM cases.cases WHERE id = ANY(records)
          UNION SELECT case_id FROM cases.events WHERE id = ANY(records)
          UNION SELECT case_id FROM cases.persons WHERE id = ANY(records)));
        RETURN NULL;
      END $fn$`);
    await q.query(`CREATE TRIGGER case_chains_after_insert AFTER INSERT ON cases.cases
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cases.case_chains_of_cases()`);
    await q.query(`CREATE TRIGGER case_chains_after_update AFTER UPDATE ON cases.cases
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cases.case_chains_of_cases()`);
    for (const op of ['insert', 'update']) await q.query(`ALTER TABLE cases.cases ENABLE ALWAYS TRIGGER case_chains_after_${op}`);
    for (const [table, fn] of [
      ['events', 'case_chains_of_parts'],
      ['persons', 'case_chains_of_parts'],
      ['grants', 'case_chains_of_grants'],
    ] as const) {
      await q.query(`CREATE TRIGGER case_chains_after_insert AFTER INSERT ON cases.${table}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cases.${fn}()`);
      await q.query(`CREATE TRIGGER case_chains_after_update AFTER UPDATE ON cases.${table}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cases.${fn}()`);
      await q.query(`CREATE TRIGGER case_chains_after_delete AFTER DELETE ON cases.${table}
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cases.${fn}()`);
      for (const op of ['insert', 'update', 'delete']) await q.query(`ALTER TABLE cases.${table} ENABLE ALWAYS TRIGGER case_chains_after_${op}`);
    }
    await q.query(`SELECT cases.refresh_case_chains(ARRAY(SELECT id FROM cases.cases))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['cases', 'events', 'persons', 'grants']) {
      for (const op of ['insert', 'update', 'delete']) await q.query(`DROP TRIGGER IF EXISTS case_chains_after_${op} ON cases.${table}`);
    }
    await q.query(`DROP FUNCTION cases.case_chains_of_grants()`);
    await q.query(`DROP FUNCTION cases.case_chains_of_parts()`);
    await q.query(`DROP FUNCTION cases.case_chains_of_cases()`);
    await q.query(`DROP FUNCTION cases.refresh_case_chains(uuid[])`);
    await q.query(`DROP TABLE cases.case_chains`);
  }
}
