import type { SqlParams } from '../../policies/sql';
import type { RequestContext } from '../kernel/context';
import { reaches } from '../kernel/policy';

/**
 * What the entities subgraph offers the other subgraphs: the only module of services/entities/ they
 * may import (eslint.config.mjs). Other subgraphs record and erase statements about identifiers
 * through the write API (observe.ts, inside their own transaction), and read the entities schema
 * only through the SQL fragments below, which this subgraph writes and keeps.
 */
export {
  confirmedFromNarrativeNote,
  eraseStatements,
  eraseStatementsOfNarrative,
  type ErasedStatements,
  type IdentifierInput,
  type LinkKind,
  normaliseIdentifiers,
  observe,
  type ObservationSource,
  recordObservations,
  recordObservationsBySource,
  recordLinksBySource,
  type SourceType,
} from './observe';

/** Reference-scenario identifiers other subgraphs' demo data name. */
export { DEMO_S1_IBAN_GB, DEMO_S1_PHONE_RO } from './demo-data';

/**
 * SQL condition: the person `personIdSql` holds an account (a HOLDS_ACCOUNT link) that the caller's
 * agency reported in a transaction report (its observation). The cases subgraph's `linkedToOwnReport`
 * policy attribute. Both statements must themselves reach the caller: a covert police link must not
 * unmask a name.
 */
export function holdsAccountReportedByCallerSql(personIdSql: string, ctx: RequestContext, params: SqlParams): string {
  return `EXISTS (SELECT 1 FROM entities.links l JOIN entities.observations o ON o.entity_id = l.to_entity_id
      WHERE l.from_person_id = ${personIdSql} AND l.kind = 'HOLDS_ACCOUNT'
        AND o.owner_agency_id = ${params.add(ctx.actor.agencyId)} AND o.source_type = 'TRANSACTION_REPORT'
        AND ${reaches(ctx, 'l', 'entities.grants', params)} AND ${reaches(ctx, 'o', 'entities.grants', params)})`;
}

/** SQL of a subquery: the id of the entity of this kind and normalised value (both SQL expressions), if there is one. */
export function entityIdsSql(kindSql: string, valueSql: string): string {
  return `SELECT id FROM entities.entities WHERE kind = ${kindSql} AND value = ${valueSql}`;
}

/**
 * The entities of these identifiers (kind and normalised value) that reach the caller: keyed
 * `<kind>:<value>`. Entity reach is row-level security's (an observation of it reaches the caller),
 * so an identifier only another agency's covert statement names is not known here.
 */
export async function knownEntities(ctx: RequestContext, identifiers: ReadonlyArray<{ kind: string; value: string }>): Promise<Map<string, string>> {
  const known = new Map<string, string>();
  if (!identifiers.length) return known;
  const rows = await ctx.db.query<{ id: string; kind: string; value: string }>(
    `SELECT e.id, e.kind, e.value FROM entities.entities e JOIN unnest($1::text[], $2::text[]) AS i(kind, value) ON e.kind = i.kind AND e.value = i.value`,
    [identifiers.map((i) => i.kind), identifiers.map((i) => i.value)],
  );
  for (const r of rows) known.set(`${r.kind}:${r.value}`, r.id);
  return known;
}

/** The network around some seeds as the caller reads it, for a chart drawn elsewhere. */
export { type ChartEdge, type ChartNode, networkChartData } from './chart-data';
