import { fieldReadableSql, policyAttributeColumns, REDACTED } from '../../policies/enforce';
import { SqlParams } from '../../policies/sql';
import type { PolicyRecord, SubjectType } from '../../policies/subjects';
import type { RequestContext } from '../kernel/context';
import { forbiddenField } from '../kernel/errors';
import { projectOne, visibleWhere } from '../kernel/policy';
import type { SubjectTable } from '../kernel/repository';
import { entityTable, linkTableAs, observationTableAs } from './entity.repository';
import type { NetworkEdgeKind, NetworkNodeKind } from './network.type';
import type { LinkKind } from './observe';

/**
 * The graph a caller may see, one batched statement per step. Edges are statements: a link between
 * two entities or persons, or an observation of an entity in a case (OBSERVED_IN). An edge exists for
 * the caller only if the statement is a visible row under its own subject's rules (TLP reach AND the
 * agency type's read rule, through the same SubjectTable attribute maps as every list), the fields the
 * edge is made of (kind, person ends, source case) are readable on it, and its entity ends are entities
 * that reach the caller. A bank therefore walks only its own statements, an NGO only its own.
 */

const LINKS = linkTableAs('l');
const OBSERVATIONS = observationTableAs('o');

export interface EdgeFilter {
  /** Only links of these kinds (null: every kind). */
  linkKinds?: LinkKind[] | null;
  /** Whether entity–case observations are edges (OBSERVED_IN). */
  observations: boolean;
  /** YYYY-MM-DD: links valid and observations made within the period. */
  from?: string | null;
  to?: string | null;
}

/** Node ids by the role they can play: entity ids, person ids, case ids. An id of unknown type goes in persons and cases. */
export interface Incident {
  entities: string[];
  persons: string[];
  cases: string[];
}

export interface EdgeRow {
  subject: 'Link' | 'Observation';
  edgeId: string;
  kind: NetworkEdgeKind;
  sourceType: NetworkNodeKind;
  sourceId: string;
  targetType: NetworkNodeKind;
  targetId: string;
  /** The statement as the policy projected it (present when fetched with records). */
  record?: Record<string, unknown>;
}

/** The rows on which a structural field of an edge is readable; 'FALSE' if on none (the edge is then not there). */
function structural(ctx: RequestContext, subject: SubjectType, field: string, t: SubjectTable, params: SqlParams): string {
  return fieldReadableSql(ctx.ability, subject, field, t.attributes(ctx, params), params);
}

/** A filter the caller asked for: refused if the field is never readable, else confined to rows where it is (as selectVisible does). */
function filterable(ctx: RequestContext, subject: SubjectType, field: string, t: SubjectTable, params: SqlParams): string {
  const sql = fieldReadableSql(ctx.ability, subject, field, t.attributes(ctx, params), params);
  if (sql === 'FALSE') {
    const err = forbiddenField(subject, field);
    err.message = `You may not filter on ${subject}.${field}`;
    throw err;
  }
  return sql;
}

/** An entity end: none (a person end), or an entity that reaches the caller under the Entity rules. */
function entityEndVisible(ctx: RequestContext, params: SqlParams, column: string): string {
  const visible = visibleWhere(ctx, 'Entity', { alias: entityTable.alias, attributes: entityTable.attributes(ctx, params) }, params);
  if (visible === 'FALSE') return `${column} IS NULL`;
  return `(${column} IS NULL OR EXISTS (SELECT 1 FROM ${entityTable.table} ${entityTable.alias} WHERE ${entityTable.alias}.id = ${column}
    AND (${visible}) AND (${entityTable.reach!(ctx, params)})))`;
}

/** `(SELECT to_jsonb(r) FROM (SELECT <columns> <policy attributes>) r)`: the statement's policy record, read off the current row. */
function recordJson(ctx: RequestContext, t: SubjectTable, params: SqlParams): string {
  const columns = typeof t.columns === 'function' ? t.columns(ctx, params) : t.columns;
  return `(SELECT to_jsonb(r) FROM (SELECT ${columns}${policyAttributeColumns(ctx.ability, t.subject, t.attributes(ctx, params))}) r)`;
}

const and = (parts: string[]) => parts.filter((p) => p !== 'TRUE').map((p) => `(${p})`).join(' AND ') || 'TRUE';

/**
 * One SELECT (a UNION ALL of links and observations) of the caller's visible edges incident to the
 * given nodes, with uniform columns: subject, edge_id, kind, source_type, source_id, target_type,
 * target_id, and the statement's record as JSON when `withRecords`. Null when nothing can match.
 */
export function visibleEdgesSql(ctx: RequestContext, params: SqlParams, filter: EdgeFilter, incident: Incident, withRecords: boolean): string | null {
  const branches: string[] = [];
  // Every placeholder is added only when a branch uses it: Postgres refuses parameters a statement does not reference.
  const once = (make: () => string | null): (() => string | null) => {
    let made: string | null | undefined;
    return () => (made === undefined ? (made = make()) : made);
  };
  const E = once(() => (incident.entities.length ? `${params.add(incident.entities)}::uuid[]` : null));
  const P = once(() => (incident.persons.length ? `${params.add(incident.persons)}::uuid[]` : null));
  const C = once(() => (incident.cases.length ? `${params.add(incident.cases)}::uuid[]` : null));
  const fromDate = once(() => (filter.from ? `${params.add(filter.from)}::date` : null));
  const toDate = once(() => (filter.to ? `${params.add(filter.to)}::date` : null));

  const linksWanted = (incident.entities.length || incident.persons.length) && (filter.linkKinds === undefined || filter.linkKinds === null || filter.linkKinds.length > 0);
  const linkVisible = linksWanted ? visibleWhere(ctx, 'Link', { alias: LINKS.alias, attributes: LINKS.attributes(ctx, params), grantsTable: LINKS.grantsTable }, params) : 'FALSE';
  if (linkVisible !== 'FALSE') {
    const linkTouches = [
      ...(E() ? [`l.from_entity_id = ANY(${E()})`, `l.to_entity_id = ANY(${E()})`] : []),
      ...(P() ? [`l.from_person_id = ANY(${P()})`, `l.to_person_id = ANY(${P()})`] : []),
    ];
    const from = fromDate();
    const to = toDate();
    const conditions = [
      linkVisible,
      structural(ctx, 'Link', 'kind', LINKS, params),
      `l.from_person_id IS NULL OR (${structural(ctx, 'Link', 'fromPerson', LINKS, params)})`,
      `l.to_person_id IS NULL OR (${structural(ctx, 'Link', 'toPerson', LINKS, params)})`,
      ...(filter.linkKinds?.length ? [filterable(ctx, 'Link', 'kind', LINKS, params), `l.kind = ANY(${params.add(filter.linkKinds)}::text[])`] : []),
      ...(from ? [filterable(ctx, 'Link', 'validTo', LINKS, params), `l.valid_to IS NULL OR l.valid_to >= ${from}`] : []),
      ...(to ? [filterable(ctx, 'Link', 'validFrom', LINKS, params), `l.valid_from IS NULL OR l.valid_from <= ${to}`] : []),
      entityEndVisible(ctx, params, 'l.from_entity_id'),
      entityEndVisible(ctx, params, 'l.to_entity_id'),
      linkTouches.join(' OR '),
    ];
    branches.push(`SELECT 'Link' AS subject, l.id AS edge_id, l.kind AS kind,
        CASE WHEN l.from_entity_id IS NULL THEN 'PERSON' ELSE 'ENTITY' END AS source_type, coalesce(l.from_entity_id, l.from_person_id) AS source_id,
        CASE WHEN l.to_entity_id IS NULL THEN 'PERSON' ELSE 'ENTITY' END AS target_type, coalesce(l.to_entity_id, l.to_person_id) AS target_id
        ${withRecords ? `, ${recordJson(ctx, LINKS, params)} AS rec` : ''}
      FROM ${LINKS.table} l WHERE ${and(conditions)}`);
  }

  const observationsWanted = filter.observations && (incident.entities.length || incident.cases.length);
  const observationVisible = observationsWanted
    ? visibleWhere(ctx, 'Observation', { alias: OBSERVATIONS.alias, attributes: OBSERVATIONS.attributes(ctx, params), grantsTable: OBSERVATIONS.grantsTable }, params)
    : 'FALSE';
  if (observationVisible !== 'FALSE') {
    const observationTouches = [...(E() ? [`o.entity_id = ANY(${E()})`] : []), ...(C() ? [`o.source_id = ANY(${C()})`] : [])];
    const from = fromDate();
    const to = toDate();
    const conditions = [
      observationVisible,
      `o.source_type = 'CASE'`,
      structural(ctx, 'Observation', 'sourceType', OBSERVATIONS, params),
      structural(ctx, 'Observation', 'sourceId', OBSERVATIONS, params),
      ...(from || to ? [filterable(ctx, 'Observation', 'observedAt', OBSERVATIONS, params)] : []),
      ...(from ? [`o.observed_at >= ${from}`] : []),
      ...(to ? [`o.observed_at < ${to} + 1`] : []),
      entityEndVisible(ctx, params, 'o.entity_id'),
      observationTouches.join(' OR '),
    ];
    branches.push(`SELECT 'Observation' AS subject, o.id AS edge_id, 'OBSERVED_IN' AS kind,
        'ENTITY' AS source_type, o.entity_id AS source_id, 'CASE' AS target_type, o.source_id AS target_id
        ${withRecords ? `, ${recordJson(ctx, OBSERVATIONS, params)} AS rec` : ''}
      FROM ${OBSERVATIONS.table} o WHERE ${and(conditions)}`);
  }
  return branches.length ? branches.join('\nUNION ALL\n') : null;
}

/** How many visible edges each node has (one statement), with the type the edges give it. */
export async function degrees(ctx: RequestContext, filter: EdgeFilter, incident: Incident): Promise<Map<string, { degree: number; type: NetworkNodeKind }>> {
  const params = new SqlParams();
  const edges = visibleEdgesSql(ctx, params, filter, incident, false);
  const out = new Map<string, { degree: number; type: NetworkNodeKind }>();
  if (!edges) return out;
  const ids = [...new Set([...incident.entities, ...incident.persons, ...incident.cases])];
  const rows = await ctx.db.query<{ id: string; degree: number; type: NetworkNodeKind }>(
    `SELECT n.id::text AS id, count(*)::int AS degree, min(CASE WHEN e.source_id = n.id THEN e.source_type ELSE e.target_type END) AS type
     FROM (${edges}) e JOIN unnest(${params.add(ids)}::uuid[]) AS n(id) ON n.id = e.source_id OR n.id = e.target_id
     GROUP BY n.id`,
    params.values,
  );
  for (const r of rows) out.set(r.id, { degree: r.degree, type: r.type });
  return out;
}

const DATE_FIELDS = ['createdAt', 'updatedAt', 'observedAt'];

/** A statement's JSON row back into the policy record its SubjectTable makes, projected for the caller. */
function projectStatement(ctx: RequestContext, subject: 'Link' | 'Observation', json: Record<string, unknown>): Record<string, unknown> {
  for (const f of DATE_FIELDS) if (typeof json[f] === 'string') json[f] = new Date(json[f] as string);
  const record = (subject === 'Link' ? LINKS : OBSERVATIONS).map(json) as PolicyRecord;
  return projectOne(ctx, record);
}

/**
 * The visible edges incident to the nodes (one statement), each with its statement projected. An
 * edge whose structural fields the projection redacts is dropped (defence in depth: the SQL already
 * confines edges to rows where they are readable). Ordered, so truncation is deterministic.
 */
export async function edgesOf(ctx: RequestContext, filter: EdgeFilter, incident: Incident, limit?: number): Promise<EdgeRow[]> {
  const params = new SqlParams();
  const edges = visibleEdgesSql(ctx, params, filter, incident, true);
  if (!edges) return [];
  const rows = await ctx.db.query<{ subject: 'Link' | 'Observation'; edge_id: string; kind: NetworkEdgeKind; source_type: NetworkNodeKind; source_id: string; target_type: NetworkNodeKind; target_id: string; rec: Record<string, unknown> }>(
    `SELECT e.subject, e.edge_id::text, e.kind, e.source_type, e.source_id::text, e.target_type, e.target_id::text, e.rec FROM (${edges}) e
     ORDER BY e.subject, e.kind, e.edge_id${limit ? ` LIMIT ${params.add(limit)}` : ''}`,
    params.values,
  );
  const out: EdgeRow[] = [];
  for (const r of rows) {
    const record = projectStatement(ctx, r.subject, r.rec);
    if (r.subject === 'Link') {
      if (record.kind === REDACTED) continue;
      if (r.source_type === 'PERSON' && record.fromPerson === REDACTED) continue;
      if (r.target_type === 'PERSON' && record.toPerson === REDACTED) continue;
    } else if (record.sourceId === REDACTED || record.sourceType === REDACTED) {
      continue;
    }
    out.push({
      subject: r.subject,
      edgeId: r.edge_id,
      kind: r.subject === 'Link' ? (record.kind as NetworkEdgeKind) : 'OBSERVED_IN',
      sourceType: r.source_type,
      sourceId: r.subject === 'Link' && r.source_type === 'PERSON' ? (record.fromPerson as { id: string }).id : r.source_id,
      targetType: r.target_type,
      targetId:
        r.subject === 'Link' && r.target_type === 'PERSON' ? (record.toPerson as { id: string }).id : r.subject === 'Observation' ? (record.sourceId as string) : r.target_id,
      record,
    });
  }
  return out;
}

/** The incident lists for nodes of known type; ids of unknown type (seeds) may be persons or cases. */
export function incidentOf(nodes: Iterable<{ id: string; type: NetworkNodeKind | 'UNKNOWN' }>): Incident {
  const incident: Incident = { entities: [], persons: [], cases: [] };
  for (const n of nodes) {
    if (n.type === 'ENTITY') incident.entities.push(n.id);
    else if (n.type === 'PERSON') incident.persons.push(n.id);
    else if (n.type === 'CASE') incident.cases.push(n.id);
    else {
      incident.persons.push(n.id);
      incident.cases.push(n.id);
    }
  }
  return incident;
}
