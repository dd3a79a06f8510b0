import type { PolicyRecord } from '../../policies/subjects';
import { metaAttributes, metaColumns, withMeta } from '../kernel/marked-record';
import type { SubjectTable } from '../kernel/repository';

const GRANTS = 'routes.grants';

/** The gazetteer: unmarked public reference data, so no grants table and no reach beyond the agency-type rules. */
export const locationTable: SubjectTable = {
  subject: 'Location',
  table: 'routes.locations',
  alias: 'l',
  columns: `l.id, l.name, l.city, l.country_code AS "countryCode", l.latitude, l.longitude`,
  attributes: () => ({ id: () => 'l.id' }),
  map: (row) => ({ ...row, __typename: 'Location' }) as PolicyRecord,
};

/**
 * `exactCounts` is a capability, not a column: every row offers it, and the field policy decides
 * whether it survives projection (see discloseCounts in the service).
 */
export const routeTable: SubjectTable = {
  subject: 'Route',
  table: 'routes.routes',
  alias: 'r',
  grantsTable: GRANTS,
  columns: `${metaColumns('r')}, r.origin_location_id AS "originLocationId", r.transit_location_ids::text[] AS "transitLocationIds",
    r.destination_location_id AS "destinationLocationId", r.exploitation_types AS "exploitationTypes",
    r.period_start::text AS "periodStart", r.period_end::text AS "periodEnd", r.victim_count AS "victimCount", r.case_count AS "caseCount"`,
  attributes: (ctx, params) => metaAttributes('r', ctx.actor, params, GRANTS),
  map: (row) => withMeta('Route', Object.assign(row, { exactCounts: true })) as PolicyRecord,
};
