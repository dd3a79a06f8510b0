import { SqlParams } from '../../policies/sql';
import type { PolicyRecord } from '../../policies/subjects';
import { holdsAccountReportedByCallerSql } from '../entities/api';
import type { RequestContext } from '../kernel/context';
import { metaAttributes, metaColumns, withMeta } from '../kernel/marked-record';
import { ref } from '../kernel/references';
import type { SubjectTable } from '../kernel/repository';
import { reaches } from '../kernel/policy';

const GRANTS = 'cases.grants';

/**
 * SQL of a case's NRM stage, derived from its victims' UK referral stages that reach the caller (the
 * agency types that read a case's NRM stage read every stage that reaches them): CONCLUSIVE_GROUNDS
 * once a conclusive-grounds decision (or support after it) is recorded for one of them,
 * REASONABLE_GROUNDS once a reasonable-grounds decision is, else NONE (no victim referred, or
 * referred and awaiting the first decision). A stage is recorded only on a victim (docs/nrm.md).
 */
export function caseNrmStageSql(ctx: RequestContext, params: SqlParams, caseId = 'c.id'): string {
  return `(SELECT CASE max(CASE s.stage WHEN 'REASONABLE_GROUNDS' THEN 1 WHEN 'CONCLUSIVE_GROUNDS' THEN 2 WHEN 'SUPPORT_PROVIDED' THEN 2 ELSE 0 END)
      WHEN 2 THEN 'CONCLUSIVE_GROUNDS' WHEN 1 THEN 'REASONABLE_GROUNDS' ELSE 'NONE' END
    FROM cases.referral_stages s WHERE s.case_id = ${caseId} AND s.mechanism = 'UK_NRM' AND ${reaches(ctx, 's', GRANTS, params)})`;
}

export const caseTable: SubjectTable = {
  subject: 'Case',
  table: 'cases.cases',
  alias: 'c',
  grantsTable: GRANTS,
  columns: (ctx, params) => `${metaColumns('c')}, c.reference, c.summary, c.status, c.exploitation_types AS "exploitationTypes",
    ${caseNrmStageSql(ctx, params)} AS "nrmStage", c.period_start::text AS "periodStart", c.period_end::text AS "periodEnd", c.indicators`,
  attributes: (ctx: RequestContext, params: SqlParams) => metaAttributes('c', ctx.actor, params, GRANTS),
  map: (row) => withMeta('Case', row) as PolicyRecord,
};

export const personTable: SubjectTable = {
  subject: 'Person',
  table: 'cases.persons',
  alias: 'p',
  grantsTable: GRANTS,
  columns: `${metaColumns('p')}, p.case_id AS "caseId", p.role, p.pseudonym, p.age_band AS "ageBand", p.gender, p.nationality,
    p.full_name AS "fullName", p.date_of_birth::text AS "dateOfBirth", p.contact, p.documents`,
  attributes: (ctx, params) => ({
    ...metaAttributes('p', ctx.actor, params, GRANTS),
    role: () => 'p.role',
    // The person holds an account the caller's agency reported: a fact of the entities schema, read through its API.
    linkedToOwnReport: () => holdsAccountReportedByCallerSql('p.id', ctx, params),
  }),
  map: (row) => withMeta('Person', row) as PolicyRecord,
};

export const eventTable: SubjectTable = {
  subject: 'TraffickingEvent',
  table: 'cases.events',
  alias: 'e',
  grantsTable: GRANTS,
  columns: `${metaColumns('e')}, e.case_id AS "caseId", e.type, e.occurred_on::text AS "occurredOn", e.location_id AS "locationId", e.description`,
  attributes: (ctx, params) => metaAttributes('e', ctx.actor, params, GRANTS),
  map: (row) => withMeta('TraffickingEvent', Object.assign(row, { location: ref('Location', row.locationId as string | null) })) as PolicyRecord,
};

// ---- reads other subgraphs make of cases, through services/cases/api.ts ----------------------

/** SQL condition: the case whose id is `caseIdSql` is owned by the agency `agencyIdSql` (both SQL expressions). */
export function caseOwnedBySql(caseIdSql: string, agencyIdSql: string): string {
  return `EXISTS (SELECT 1 FROM cases.cases owned_case WHERE owned_case.id = ${caseIdSql} AND owned_case.owner_agency_id = ${agencyIdSql})`;
}

/** A trafficking event as the aggregates place it: `[type, occurredOn (YYYY-MM-DD), locationId]`. */
export type ChainStep = [type: 'RECRUITMENT' | 'TRANSIT' | 'EXPLOITATION', occurredOn: string, locationId: string];

/** A case as the aggregates (routes, hotspots) count it. */
export interface CountableCase {
  caseId: string;
  exploitationTypes: string[];
  /** Its VICTIM persons that reach the caller. */
  victims: number;
  /** Its dated and placed events that reach the caller, by date, same-day steps in travel order (recruitment, transit, exploitation). */
  events: ChainStep[];
}

/**
 * Every case that reaches the caller, as the aggregates count it, in one statement. A case whose
 * events and victims all carry its own reach (`uniform`) reaches a caller whole or not at all, so
 * its chain comes from the read model the schema's triggers keep (cases.case_chains,
 * migrations/cases/1764000003090-case-chains.ts): one row, where the case reaches the caller. The
 * others' events and victims are read and checked one by one, in the read model's order.
 */
export async function countableCases(ctx: RequestContext): Promise<CountableCase[]> {
  const params = new SqlParams();
  const reach = (alias: string) => reaches(ctx, alias, GRANTS, params);
  return ctx.db.query<CountableCase>(
    `SELECT ch.case_id::text AS "caseId", c.exploitation_types AS "exploitationTypes", ch.victims, ch.events
       FROM cases.case_chains ch JOIN cases.cases c ON c.id = ch.case_id
      WHERE ch.uniform AND ${reach('c')}
     UNION ALL
     SELECT c.id::text, c.exploitation_types,
       (SELECT count(*)::int FROM cases.persons p WHERE p.case_id = c.id AND p.role = 'VICTIM' AND ${reach('p')}),
       jsonb_agg(jsonb_build_array(e.type, e.occurred_on, e.location_id)
         ORDER BY e.occurred_on, array_position(ARRAY['RECRUITMENT', 'TRANSIT', 'EXPLOITATION'], e.type), e.created_at, e.id)
       FROM cases.case_chains mixed
       JOIN cases.cases c ON c.id = mixed.case_id
       JOIN cases.events e ON e.case_id = c.id
      WHERE NOT mixed.uniform AND e.occurred_on IS NOT NULL AND e.location_id IS NOT NULL AND ${reach('e')} AND ${reach('c')}
      GROUP BY c.id`,
    params.values,
  );
}

export const referralStageTable: SubjectTable = {
  subject: 'ReferralStage',
  table: 'cases.referral_stages',
  alias: 'rs',
  grantsTable: GRANTS,
  columns: `${metaColumns('rs')}, rs.case_id AS "caseId", rs.person_id AS "personId", rs.mechanism, rs.stage, rs.outcome, rs.occurred_on::text AS "occurredOn"`,
  attributes: (ctx, params) => metaAttributes('rs', ctx.actor, params, GRANTS),
  map: (row) => withMeta('ReferralStage', row) as PolicyRecord,
};
/**
 * Case openings with at least one VICTIM person that reaches the caller, placed at each area the
 * case's RECRUITMENT events name, opened (created) in [from, to]: `{ caseId, day, locationId }`,
 * one row per case and recruitment place. Only cases that reach the caller count. Used as the
 * referral figure of a campaign's indicators while the national referral mechanisms' stages are
 * not recorded: a case opened with a victim is a person identified and taken on.
 */
export async function caseOpeningsWithVictimsByPlace(
  ctx: RequestContext,
  locationIds: readonly string[],
  from: string,
  to: string,
): Promise<Array<{ caseId: string; day: string; locationId: string }>> {
  if (!locationIds.length) return [];
  const params = new SqlParams();
  const reach = (alias: string) => reaches(ctx, alias, GRANTS, params);
  return ctx.db.query(
    `SELECT DISTINCT c.id::text AS "caseId", to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, e.location_id::text AS "locationId"
     FROM cases.cases c JOIN cases.events e ON e.case_id = c.id
     WHERE e.type = 'RECRUITMENT' AND e.location_id = ANY(${params.add(locationIds)}::uuid[])
       AND (c.created_at AT TIME ZONE 'UTC')::date BETWEEN ${params.add(from)}::date AND ${params.add(to)}::date
       AND ${reach('c')} AND ${reach('e')}
       AND EXISTS (SELECT 1 FROM cases.persons p WHERE p.case_id = c.id AND p.role = 'VICTIM' AND ${reach('p')})`,
    params.values,
  );
}
