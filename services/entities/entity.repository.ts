import type { SqlParams } from '../../policies/sql';
import type { RequestContext } from '../kernel/context';
import type { PolicyRecord } from '../../policies/subjects';
import { metaAttributes, metaColumns, withMeta } from '../kernel/marked-record';
import { ref } from '../kernel/references';
import type { SubjectTable } from '../kernel/repository';
import { type EntityKind, maskIdentifier } from '../kernel/identifier';
import { reaches } from '../kernel/policy';

const GRANTS = 'entities.grants';

/**
 * Whether the entity `id` (SQL) reaches the caller: some statement about it (an observation) does.
 * For a query that refers to entities by id without reading the entities table (edge ends).
 */
export function entityReach(ctx: RequestContext, params: SqlParams, id: string): string {
  return `EXISTS (SELECT 1 FROM entities.observations o WHERE o.entity_id = ${id} AND ${reaches(ctx, 'o', GRANTS, params)})`;
}

/** An entity's columns as every read selects them, its first sighting (as far as the caller can tell) given as SQL. */
const entityColumns = (firstSeenAt: string) => `en.id, en.kind, en.value, ${firstSeenAt} AS "firstSeenAt"`;

/**
 * Entities are unmarked shared ground, but one reaches a caller only if at least one statement
 * about it (an observation) reaches them by TLP, ownership, sharing or grant. Who said what is then
 * governed by the Observation rules, not by this. That reach is enforced on every read of this table
 * by row-level security (services/kernel/security.ts, REACHED_THROUGH), which binds every connection
 * the hub serves on (assertBoundByRowLevelSecurity): an application-side copy of the same EXISTS
 * led the planner into a semi-join over every visible observation (6 s for 4,500 entities).
 */
export const entityTable: SubjectTable = {
  subject: 'Entity',
  table: 'entities.entities',
  alias: 'en',
  // First seen as far as the caller can tell: a covert earlier sighting must not show through the date.
  columns: (ctx, params) =>
    entityColumns(`(SELECT fo.observed_at FROM entities.observations fo
      WHERE fo.entity_id = en.id AND ${reaches(ctx, 'fo', 'entities.grants', params)}
      ORDER BY fo.observed_at LIMIT 1)`),
  attributes: (ctx, params) => ({
    id: () => 'en.id',
    kind: () => 'en.kind',
    // A bank reads the full value only of identifiers it reported itself, in a report that reaches
    // this user (a colleague's RED report does not unmask the value for everyone in the bank). A
    // probe per entity, not EXISTS: Postgres may answer an EXISTS with a hashed subplan that reads
    // every report observation of the bank (120,000 at `large`, 130 ms) for a page of 20 entities.
    linkedToOwnReport: () => `((SELECT 1 FROM entities.observations o2 WHERE o2.entity_id = en.id
      AND o2.owner_agency_id = ${params.add(ctx.actor.agencyId)} AND o2.source_type = 'TRANSACTION_REPORT'
      AND ${reaches(ctx, 'o2', GRANTS, params)} LIMIT 1) IS NOT NULL)`,
  }),
  map: (row) =>
    Object.assign(row, {
      __typename: 'Entity' as const,
      maskedValue: maskIdentifier(row.kind as EntityKind, row.value as string),
    }),
};

/**
 * The entities the caller reaches as a list reads them: each with its first sighting as far as the
 * caller can tell (`first_seen_by_caller`, the `firstSeenAt` the list is ordered by), taken from its
 * earliest observation that reaches the caller (the lowest id among equal times). Read from the
 * observations newest first, a page in that order reads a few observations instead of finding the
 * first sighting of every entity the caller reaches. `params` must be the read's own.
 */
export function entitiesByFirstSighting(ctx: RequestContext, params: SqlParams): SubjectTable {
  return {
    ...entityTable,
    // The first sighting is the row's own: not looked up again per entity.
    columns: entityColumns('en.first_seen_by_caller'),
    table: `(SELECT en.*, f.observed_at AS first_seen_by_caller
      FROM entities.observations f JOIN entities.entities en ON en.id = f.entity_id
      WHERE ${reaches(ctx, 'f', GRANTS, params)}
        AND NOT EXISTS (SELECT 1 FROM entities.observations e WHERE e.entity_id = f.entity_id
          AND (e.observed_at < f.observed_at OR (e.observed_at = f.observed_at AND e.id < f.id)) AND ${reaches(ctx, 'e', GRANTS, params)}))`,
  };
}

/**
 * Observations under any alias, so a statement can be checked against other statements in one
 * query (correlations, shared entities) with the very same attribute map and visibility rule.
 */
export function observationTableAs(a: string): SubjectTable {
  return {
    subject: 'Observation',
    table: 'entities.observations',
    alias: a,
    grantsTable: GRANTS,
    columns: `${metaColumns(a)}, ${a}.entity_id AS "entityId", ${a}.source_type AS "sourceType", ${a}.source_id AS "sourceId", ${a}.observed_at AS "observedAt", ${a}.note`,
    attributes: (ctx, params) => metaAttributes(a, ctx.actor, params, GRANTS),
    map: (row) => withMeta('Observation', row) as PolicyRecord,
  };
}

export const observationTable: SubjectTable = observationTableAs('o');

/** `fromEntityId`/`toEntityId` stay on the raw record as relation keys; persons are federation references. */
export function linkTableAs(a: string): SubjectTable {
  return {
    subject: 'Link',
    table: 'entities.links',
    alias: a,
    grantsTable: GRANTS,
    columns: `${metaColumns(a)}, ${a}.kind, ${a}.from_entity_id AS "fromEntityId", ${a}.from_person_id AS "fromPersonId", ${a}.to_entity_id AS "toEntityId",
    ${a}.to_person_id AS "toPersonId", ${a}.valid_from::text AS "validFrom", ${a}.valid_to::text AS "validTo", ${a}.source_type AS "sourceType", ${a}.source_id AS "sourceId"`,
    attributes: (ctx, params) => metaAttributes(a, ctx.actor, params, GRANTS),
    map: (row) =>
      withMeta(
        'Link',
        Object.assign(row, {
          fromPerson: ref('Person', row.fromPersonId as string | null),
          toPerson: ref('Person', row.toPersonId as string | null),
        }),
      ) as PolicyRecord,
  };
}

export const linkTable: SubjectTable = linkTableAs('l');
