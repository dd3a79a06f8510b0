import type { SqlParams } from '../../policies/sql';
import type { PolicyRecord } from '../../policies/subjects';
import type { RequestContext } from '../kernel/context';
import { metaAttributes, metaColumns, withMeta } from '../kernel/marked-record';
import { ref } from '../kernel/references';
import type { SubjectTable } from '../kernel/repository';
import { reaches } from '../kernel/policy';

const GRANTS = 'cases.grants';

export const caseTable: SubjectTable = {
  subject: 'Case',
  table: 'cases.cases',
  alias: 'c',
  grantsTable: GRANTS,
  columns: `${metaColumns('c')}, c.reference, c.summary, c.status, c.exploitation_types AS "exploitationTypes", c.nrm_stage AS "nrmStage",
    c.period_start::text AS "periodStart", c.period_end::text AS "periodEnd", c.indicators`,
  attributes: (ctx: RequestContext, params: SqlParams) => metaAttributes('c', ctx.actor, params, GRANTS),
  map: (row) => withMeta('Case', row) as PolicyRecord,
};

/**
 * `linkedToOwnReport`: the person holds an account that the caller's agency reported. The fact
 * lives in the entities schema (links and observations), so this policy attribute reads across.
 */
function linkedToOwnReportSql(alias: string, ctx: RequestContext, params: SqlParams): string {
  // Both statements must themselves reach the caller: a covert police link must not unmask a name.
  return `EXISTS (SELECT 1 FROM entities.links l JOIN entities.observations o ON o.entity_id = l.to_entity_id
      WHERE l.from_person_id = ${alias}.id AND l.kind = 'HOLDS_ACCOUNT'
        AND o.owner_agency_id = ${params.add(ctx.actor.agencyId)} AND o.source_type = 'TRANSACTION_REPORT'
        AND ${reaches(ctx, 'l', 'entities.grants', params)} AND ${reaches(ctx, 'o', 'entities.grants', params)})`;
}

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
    linkedToOwnReport: () => linkedToOwnReportSql('p', ctx, params),
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
