import { reachSql } from '../../policies/reach';
import type { PolicyRecord } from '../../policies/subjects';
import { metaAttributes, metaColumns, withMeta } from '../kernel/marked-record';
import { ref } from '../kernel/references';
import type { SubjectTable } from '../kernel/repository';
import { type EntityKind, maskIdentifier } from './identifier';

const GRANTS = 'entities.grants';

/**
 * Entities are unmarked shared ground, but one reaches a caller only if at least one statement
 * about it (an observation) reaches them by TLP, ownership, sharing or grant. Who said what is then
 * governed by the Observation rules, not by this.
 */
export const entityTable: SubjectTable = {
  subject: 'Entity',
  table: 'entities.entities',
  alias: 'en',
  // First seen as far as the caller can tell: a covert earlier sighting must not show through the date.
  columns: (ctx, params) =>
    `en.id, en.kind, en.value, (SELECT min(fo.observed_at) FROM entities.observations fo
      WHERE fo.entity_id = en.id AND ${reachSql(ctx.actor, 'fo', 'entities.grants', params)}) AS "firstSeenAt"`,
  reach: (ctx, params) => `EXISTS (SELECT 1 FROM entities.observations o WHERE o.entity_id = en.id AND ${reachSql(ctx.actor, 'o', GRANTS, params)})`,
  attributes: (ctx, params) => ({
    id: () => 'en.id',
    kind: () => 'en.kind',
    // A bank reads the full value only of identifiers it reported itself, in a report that reaches
    // this user (a colleague's RED report does not unmask the value for everyone in the bank).
    linkedToOwnReport: () => `EXISTS (SELECT 1 FROM entities.observations o2 WHERE o2.entity_id = en.id
      AND o2.owner_agency_id = ${params.add(ctx.actor.agencyId)} AND o2.source_type = 'TRANSACTION_REPORT'
      AND ${reachSql(ctx.actor, 'o2', GRANTS, params)})`,
  }),
  map: (row) =>
    Object.assign(row, {
      __typename: 'Entity' as const,
      maskedValue: maskIdentifier(row.kind as EntityKind, row.value as string),
    }),
};

export const observationTable: SubjectTable = {
  subject: 'Observation',
  table: 'entities.observations',
  alias: 'o',
  grantsTable: GRANTS,
  columns: `${metaColumns('o')}, o.entity_id AS "entityId", o.source_type AS "sourceType", o.source_id AS "sourceId", o.observed_at AS "observedAt", o.note`,
  attributes: (ctx, params) => metaAttributes('o', ctx.actor, params, GRANTS),
  map: (row) => withMeta('Observation', row) as PolicyRecord,
};

/** `fromEntityId`/`toEntityId` stay on the raw record as relation keys; persons are federation references. */
export const linkTable: SubjectTable = {
  subject: 'Link',
  table: 'entities.links',
  alias: 'l',
  grantsTable: GRANTS,
  columns: `${metaColumns('l')}, l.kind, l.from_entity_id AS "fromEntityId", l.from_person_id AS "fromPersonId", l.to_entity_id AS "toEntityId",
    l.to_person_id AS "toPersonId", l.valid_from::text AS "validFrom", l.valid_to::text AS "validTo", l.source_type AS "sourceType", l.source_id AS "sourceId"`,
  attributes: (ctx, params) => metaAttributes('l', ctx.actor, params, GRANTS),
  map: (row) =>
    withMeta(
      'Link',
      Object.assign(row, {
        fromPerson: ref('Person', row.fromPersonId as string | null),
        toPerson: ref('Person', row.toPersonId as string | null),
      }),
    ) as PolicyRecord,
};
