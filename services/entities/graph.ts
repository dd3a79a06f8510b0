import { fieldReadableSql } from '../../policies/enforce';
import { SqlParams } from '../../policies/sql';
import type { SubjectType } from '../../policies/subjects';
import type { RequestContext } from '../kernel/context';
import { forbiddenField } from '../kernel/errors';
import { visibleWhere } from '../kernel/policy';
import type { SubjectTable } from '../kernel/repository';
import { entityReach, entityTable, linkTableAs, observationTableAs } from './entity.repository';
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

/** The same, as SQL expressions of uuid[] computed by the statement itself (null: none of that role). */
interface IncidentSql {
  sql: { entities: string | null; persons: string | null; cases: string | null };
}

export interface EdgeRow {
  subject: 'Link' | 'Observation';
  edgeId: string;
  kind: NetworkEdgeKind;
  sourceType: NetworkNodeKind;
  sourceId: string;
  targetType: NetworkNodeKind;
  targetId: string;
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

/**
 * An entity end: none (a person end), or an entity that reaches the caller under the Entity rules.
 * Where the agency type reads every entity that reaches it, the reach alone decides, and the
 * entities table (whose values the edge does not read) is not visited. Under the OR the EXISTS
 * stays a probe per id (an index lookup on observations), never a semi-join over every visible
 * observation.
 */
function entityEndVisible(ctx: RequestContext, params: SqlParams, column: string): string {
  const visible = visibleWhere(ctx, 'Entity', { alias: entityTable.alias, attributes: entityTable.attributes(ctx, params) }, params);
  if (visible === 'FALSE') return `${column} IS NULL`;
  const reach = entityReach(ctx, params, column);
  if (visible === 'TRUE') return `(${column} IS NULL OR ${reach})`;
  return `(${column} IS NULL OR (${reach} AND EXISTS (SELECT 1 FROM ${entityTable.table} ${entityTable.alias} WHERE ${entityTable.alias}.id = ${column} AND (${visible}))))`;
}

const and = (parts: string[]) =>
  parts
    .filter((p) => p !== 'TRUE')
    .map((p) => `(${p})`)
    .join(' AND ') || 'TRUE';

/**
 * One query (its own WITH, then a UNION ALL of links and observations) of the caller's visible edges
 * incident to the given nodes, usable as a subquery or a CTE, with uniform columns: subject, edge_id,
 * kind, source_type, source_id, target_type, target_id. Null when nothing can match. The statement behind an edge is not read here: an edge's
 * `link` / `observation` loads it through its own policy when a client selects it.
 */
export function visibleEdgesSql(
  ctx: RequestContext,
  params: SqlParams,
  filter: EdgeFilter,
  incident: Incident | IncidentSql,
  /**
   * SQL of a uuid[]: only edges whose both ends are in it. For links it is an index condition on
   * each end's columns (a link end is an entity or a person, never both), so only the links that
   * meet it are read and checked by the policy; for observations a hashed semi-join.
   */
  bothEndsIn?: string,
): string | null {
  // Every placeholder is added only when a branch uses it: Postgres refuses parameters a statement does not reference.
  const once = (make: () => string | null): (() => string | null) => {
    let made: string | null | undefined;
    return () => (made === undefined ? (made = make()) : made);
  };
  const ids = (role: keyof Incident) => () => {
    if ('sql' in incident) return incident.sql[role];
    return incident[role].length ? `${params.add(incident[role])}::uuid[]` : null;
  };
  const has = (role: keyof Incident) => ('sql' in incident ? incident.sql[role] !== null : incident[role].length > 0);
  const E = once(ids('entities'));
  const P = once(ids('persons'));
  const C = once(ids('cases'));
  const fromDate = once(() => (filter.from ? `${params.add(filter.from)}::date` : null));
  const toDate = once(() => (filter.to ? `${params.add(filter.to)}::date` : null));

  // Each branch first keeps the statements the caller may see (their own subject's rules, the
  // structural fields, the filters, the incidence), then the entity ends are checked once per
  // distinct entity (ve) rather than once per edge end: the busiest nodes of a level are the ends
  // of most of its edges.
  const candidates: string[] = [];
  const selects: string[] = [];
  const entityEnds: string[] = [];
  const linksWanted = (has('entities') || has('persons')) && (filter.linkKinds === undefined || filter.linkKinds === null || filter.linkKinds.length > 0);
  const linkVisible = linksWanted
    ? visibleWhere(ctx, 'Link', { alias: LINKS.alias, attributes: LINKS.attributes(ctx, params), grantsTable: LINKS.grantsTable }, params)
    : 'FALSE';
  if (linkVisible !== 'FALSE') {
    const linkTouches = [
      ...(E() ? [`l.from_entity_id = ANY(${E()})`, `l.to_entity_id = ANY(${E()})`] : []),
      ...(P() ? [`l.from_person_id = ANY(${P()})`, `l.to_person_id = ANY(${P()})`] : []),
    ];
    const from = fromDate();
    const to = toDate();
    const conditions = [
      ...(bothEndsIn
        ? [
            `l.from_entity_id = ANY(${bothEndsIn}) OR l.from_person_id = ANY(${bothEndsIn})`,
            `l.to_entity_id = ANY(${bothEndsIn}) OR l.to_person_id = ANY(${bothEndsIn})`,
          ]
        : []),
      linkVisible,
      structural(ctx, 'Link', 'kind', LINKS, params),
      `l.from_person_id IS NULL OR (${structural(ctx, 'Link', 'fromPerson', LINKS, params)})`,
      `l.to_person_id IS NULL OR (${structural(ctx, 'Link', 'toPerson', LINKS, params)})`,
      ...(filter.linkKinds?.length ? [filterable(ctx, 'Link', 'kind', LINKS, params), `l.kind = ANY(${params.add(filter.linkKinds)}::text[])`] : []),
      ...(from ? [filterable(ctx, 'Link', 'validTo', LINKS, params), `l.valid_to IS NULL OR l.valid_to >= ${from}`] : []),
      ...(to ? [filterable(ctx, 'Link', 'validFrom', LINKS, params), `l.valid_from IS NULL OR l.valid_from <= ${to}`] : []),
      linkTouches.join(' OR '),
    ];
    candidates.push(`vl AS MATERIALIZED (SELECT l.id, l.kind, l.from_entity_id, l.from_person_id, l.to_entity_id, l.to_person_id
      FROM ${LINKS.table} l WHERE ${and(conditions)})`);
    entityEnds.push('SELECT from_entity_id FROM vl', 'SELECT to_entity_id FROM vl');
    selects.push(`SELECT 'Link' AS subject, l.id AS edge_id, l.kind AS kind,
        CASE WHEN l.from_entity_id IS NULL THEN 'PERSON' ELSE 'ENTITY' END AS source_type, coalesce(l.from_entity_id, l.from_person_id) AS source_id,
        CASE WHEN l.to_entity_id IS NULL THEN 'PERSON' ELSE 'ENTITY' END AS target_type, coalesce(l.to_entity_id, l.to_person_id) AS target_id
      FROM vl l WHERE ${and([entityEndReached('l.from_entity_id'), entityEndReached('l.to_entity_id')])}`);
  }

  const observationsWanted = filter.observations && (has('entities') || has('cases'));
  const observationVisible = observationsWanted
    ? visibleWhere(
        ctx,
        'Observation',
        { alias: OBSERVATIONS.alias, attributes: OBSERVATIONS.attributes(ctx, params), grantsTable: OBSERVATIONS.grantsTable },
        params,
      )
    : 'FALSE';
  if (observationVisible !== 'FALSE') {
    const observationTouches = [...(E() ? [`o.entity_id = ANY(${E()})`] : []), ...(C() ? [`o.source_id = ANY(${C()})`] : [])];
    const from = fromDate();
    const to = toDate();
    const conditions = [
      ...(bothEndsIn ? [`o.entity_id IN (SELECT unnest(${bothEndsIn}))`, `o.source_id IN (SELECT unnest(${bothEndsIn}))`] : []),
      observationVisible,
      `o.source_type = 'CASE'`,
      structural(ctx, 'Observation', 'sourceType', OBSERVATIONS, params),
      structural(ctx, 'Observation', 'sourceId', OBSERVATIONS, params),
      ...(from || to ? [filterable(ctx, 'Observation', 'observedAt', OBSERVATIONS, params)] : []),
      ...(from ? [`o.observed_at >= ${from}`] : []),
      ...(to ? [`o.observed_at < ${to} + 1`] : []),
      observationTouches.join(' OR '),
    ];
    candidates.push(`vo AS MATERIALIZED (SELECT o.id, o.entity_id, o.source_id FROM ${OBSERVATIONS.table} o WHERE ${and(conditions)})`);
    entityEnds.push('SELECT entity_id FROM vo');
    selects.push(`SELECT 'Observation' AS subject, o.id AS edge_id, 'OBSERVED_IN' AS kind,
        'ENTITY' AS source_type, o.entity_id AS source_id, 'CASE' AS target_type, o.source_id AS target_id
      FROM vo o WHERE ${entityEndReached('o.entity_id')}`);
  }
  if (selects.length === 0) return null;
  // The distinct entity ends of the candidate statements that are entities reaching the caller.
  const reached = `ve AS MATERIALIZED (SELECT v.id FROM (${entityEnds.join(' UNION ')}) AS v(id)
      WHERE v.id IS NOT NULL AND ${entityEndVisible(ctx, params, 'v.id')})`;
  return `WITH ${[...candidates, reached].join(',\n')}\n${selects.join('\nUNION ALL\n')}`;
}

/** An entity end of a candidate edge: none (a person end), or one of the entities `ve` found reaching the caller. */
const entityEndReached = (column: string) => `${column} IS NULL OR ${column} IN (SELECT id FROM ve)`;

type EdgeSqlRow = {
  subject: 'Link' | 'Observation';
  edge_id: string;
  kind: NetworkEdgeKind;
  source_type: NetworkNodeKind;
  source_id: string;
  target_type: NetworkNodeKind;
  target_id: string;
};

const EDGE_COLUMNS = 'e.subject, e.edge_id::text, e.kind, e.source_type, e.source_id::text, e.target_type, e.target_id::text';
/** Edges come back in this order, so that truncation is deterministic. */
const EDGE_ORDER = 'e.subject, e.kind, e.edge_id';

const edgeRow = (r: EdgeSqlRow): EdgeRow => ({
  subject: r.subject,
  edgeId: r.edge_id,
  kind: r.kind,
  sourceType: r.source_type,
  sourceId: r.source_id,
  targetType: r.target_type,
  targetId: r.target_id,
});

export interface Degree {
  degree: number;
  type: NetworkNodeKind;
}

/**
 * Edges between nodes a walk already returned, without reaching past them, as the level statement
 * finds them for the level after which the walk stops (one of the two applies):
 * - `amongKnown`: when no frontier node is expanded (all hubs), the frontier's edges whose both ends are known;
 * - `lastLayer`: after the last level, the edges of the new layer (the expanded edges' ends not yet
 *   known) whose other end is known or in that layer: two accounts that paid each other, a phone
 *   and its advert, both at the last depth.
 */
export interface Among {
  /** Ids of the nodes the walk holds, the frontier's included. */
  known: string[];
  /** Whether this is the last level (the new layer will not be expanded). */
  last: boolean;
}

/**
 * One level of a walk, in one statement: how many visible edges each frontier node has (with the
 * type the edges give it), and the edges of the nodes with at most `degreeCap` of them (the others
 * are hubs, not expanded); with `among`, the edges between known nodes that the walk returns
 * without expanding them (see Among). `degreeCap` 0: the degrees only.
 */
export async function expandLevel(
  ctx: RequestContext,
  filter: EdgeFilter,
  incident: Incident,
  degreeCap: number,
  among?: Among,
): Promise<{ degrees: Map<string, Degree>; edges: EdgeRow[]; amongKnown: EdgeRow[]; lastLayer: EdgeRow[] }> {
  const params = new SqlParams();
  const edges = visibleEdgesSql(ctx, params, filter, incident);
  const degrees = new Map<string, Degree>();
  if (!edges) return { degrees, edges: [], amongKnown: [], lastLayer: [] };
  const ids = [...new Set([...incident.entities, ...incident.persons, ...incident.cases])];
  const ctes = [
    `e AS MATERIALIZED (${edges})`,
    `d AS (SELECT n.id, count(*)::int AS degree, min(CASE WHEN e.source_id = n.id THEN e.source_type ELSE e.target_type END) AS type
       FROM e JOIN unnest(${params.add(ids)}::uuid[]) AS n(id) ON n.id = e.source_id OR n.id = e.target_id GROUP BY n.id)`,
    `x AS MATERIALIZED (SELECT * FROM e WHERE EXISTS (SELECT 1 FROM d WHERE d.degree <= ${params.add(degreeCap)} AND d.id IN (e.source_id, e.target_id)))`,
  ];
  const parts = [
    `SELECT 'degree' AS part, d.id::text AS node_id, d.degree, d.type AS node_type, NULL AS subject, NULL AS edge_id, NULL AS kind, NULL AS source_type, NULL AS source_id, NULL AS target_type, NULL AS target_id
       FROM d`,
    `SELECT 'edge', NULL, NULL, NULL, ${EDGE_COLUMNS} FROM x e`,
  ];
  if (among) {
    const known = `${params.add(among.known)}::uuid[]`;
    parts.push(`SELECT 'among', NULL, NULL, NULL, ${EDGE_COLUMNS} FROM e
       WHERE NOT EXISTS (SELECT 1 FROM x) AND e.source_id = ANY(${known}) AND e.target_id = ANY(${known})`);
    const layer = (type: NetworkNodeKind) => `ARRAY(SELECT id FROM n WHERE type = '${type}')`;
    // The layer's edges whose both ends are held (known or in the layer), that filter first: the
    // policy then runs on those edges only, not on every edge of the layer's busiest nodes.
    const beyond = among.last
      ? visibleEdgesSql(
          ctx,
          params,
          filter,
          { sql: { entities: layer('ENTITY'), persons: layer('PERSON'), cases: layer('CASE') } },
          '(SELECT held FROM h)::uuid[]',
        )
      : null;
    if (beyond) {
      ctes.push(
        `n AS MATERIALIZED (SELECT DISTINCT v.id, v.type FROM x CROSS JOIN LATERAL (VALUES (x.source_id, x.source_type), (x.target_id, x.target_type)) AS v(id, type)
           WHERE NOT (v.id = ANY(${known})))`,
        `h AS MATERIALIZED (SELECT ${known} || ARRAY(SELECT id FROM n) AS held)`,
        `e2 AS MATERIALIZED (${beyond})`,
      );
      parts.push(`SELECT 'last', NULL, NULL, NULL, ${EDGE_COLUMNS} FROM e2 e`);
    }
  }
  const rows = await ctx.db.query<
    EdgeSqlRow & { part: 'degree' | 'edge' | 'among' | 'last'; node_id: string | null; degree: number; node_type: NetworkNodeKind }
  >(
    `WITH ${ctes.join(',\n')}
     ${parts.join('\nUNION ALL\n')}
     ORDER BY part, node_id, subject, kind, edge_id`,
    params.values,
    { genericPlan: true },
  );
  const out = { degrees, edges: [] as EdgeRow[], amongKnown: [] as EdgeRow[], lastLayer: [] as EdgeRow[] };
  for (const r of rows) {
    if (r.part === 'degree') degrees.set(r.node_id!, { degree: r.degree, type: r.node_type });
    else if (r.part === 'edge') out.edges.push(edgeRow(r));
    else if (r.part === 'among') out.amongKnown.push(edgeRow(r));
    else out.lastLayer.push(edgeRow(r));
  }
  return out;
}

/** The visible edges incident to the nodes (one statement), at most `limit`. */
export async function edgesOf(ctx: RequestContext, filter: EdgeFilter, incident: Incident, limit: number): Promise<EdgeRow[]> {
  const params = new SqlParams();
  const edges = visibleEdgesSql(ctx, params, filter, incident);
  if (!edges) return [];
  const rows = await ctx.db.query<EdgeSqlRow>(`SELECT ${EDGE_COLUMNS} FROM (${edges}) e ORDER BY ${EDGE_ORDER} LIMIT ${params.add(limit)}`, params.values, {
    genericPlan: true,
  });
  return rows.map(edgeRow);
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
