import { fieldReadableSql } from '../../policies/enforce';
import { SqlParams } from '../../policies/sql';
import type { RequestContext } from '../kernel/context';
import { badInput } from '../kernel/errors';
import { assertUuid } from '../kernel/marked-record';
import { projectAll, projectOne, visibleWhere } from '../kernel/policy';
import { selectVisible, visibleLoader } from '../kernel/repository';
import { isoDate, period } from '../kernel/validate';
import { entityTable, observationTableAs } from './entity.repository';
import { type EdgeFilter, type EdgeRow, edgesOf, expandLevel, incidentOf } from './graph';
import type { NetworkEdgeType, NetworkNodeKind, NetworkNodeType, NetworkTruncation, NetworkType } from './network.type';
import { LINK_KINDS, type LinkKind } from './observe';

type Projected = Record<string, unknown>;
type NodeKind = NetworkNodeKind | 'UNKNOWN';

export const NETWORK_LIMITS = { maxSeeds: 100, maxDepth: 3, maxNodeLimit: 1000, maxDegreeCap: 500, maxPathDepth: 6 } as const;

/** Bounds on a shortest-path search, so a path through supernodes cannot exhaust the server. */
const PATH_SEARCH = { maxEdgesPerStep: 20000, maxVisited: 20000 } as const;

export interface NetworkArgs {
  seeds: string[];
  depth: number;
  linkKinds?: LinkKind[] | null;
  observations?: boolean | null;
  from?: string | null;
  to?: string | null;
  nodeLimit: number;
  degreeCap: number;
}

function intBetween(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(field, `must be between ${min} and ${max}`);
  return value;
}

function edgeFilter(args: { linkKinds?: LinkKind[] | null; observations?: boolean | null; from?: string | null; to?: string | null }): EdgeFilter {
  const from = isoDate('from', args.from);
  const to = isoDate('to', args.to);
  period('to', from, to);
  for (const [i, k] of (args.linkKinds ?? []).entries()) {
    if (!(LINK_KINDS as readonly string[]).includes(k)) throw badInput(`linkKinds[${i}]`, `must be one of ${LINK_KINDS.join(', ')}`);
  }
  return { linkKinds: args.linkKinds ?? null, observations: args.observations ?? true, from, to };
}

/**
 * The seeds that are entities reaching the caller (one statement, through the Entity policy); the
 * rest may be persons or cases, whose type the edges will tell. A seed that is neither, or that the
 * caller may not see, simply has no node: "missing" and "not for you" look alike.
 */
async function typeSeeds(ctx: RequestContext, ids: string[]): Promise<Map<string, NodeKind>> {
  const loaded = await visibleLoader(ctx, entityTable, 'id').loadMany(ids);
  const types = new Map<string, NodeKind>();
  ids.forEach((id, i) => {
    const rows = loaded[i];
    types.set(id, Array.isArray(rows) && rows.length ? 'ENTITY' : 'UNKNOWN');
  });
  return types;
}

interface NodeState {
  id: string;
  type: NetworkNodeKind;
  depth: number;
  hub: boolean;
  hubCount: number | null;
}

/** Entity labels from the projected Entity (value where readable, else the mask); one statement for all. */
async function materialise(ctx: RequestContext, nodes: NodeState[], edges: EdgeRow[]): Promise<{ nodes: NetworkNodeType[]; edges: NetworkEdgeType[] }> {
  const entityIds = nodes.filter((n) => n.type === 'ENTITY').map((n) => n.id);
  const loaded = await visibleLoader(ctx, entityTable, 'id').loadMany(entityIds);
  const entities = new Map<string, Projected>();
  entityIds.forEach((id, i) => {
    const rows = loaded[i];
    if (Array.isArray(rows) && rows[0]) entities.set(id, projectOne(ctx, rows[0]));
  });
  // An entity that does not reach the caller is no node, and no edge leads to it (the SQL already ensures this).
  const kept = nodes.filter((n) => n.type !== 'ENTITY' || entities.has(n.id));
  const keptIds = new Set(kept.map((n) => n.id));
  const keptEdges = edges.filter((e) => keptIds.has(e.sourceId) && keptIds.has(e.targetId));
  const degree = new Map<string, number>();
  for (const e of keptEdges) {
    degree.set(e.sourceId, (degree.get(e.sourceId) ?? 0) + 1);
    if (e.targetId !== e.sourceId) degree.set(e.targetId, (degree.get(e.targetId) ?? 0) + 1);
  }
  return {
    nodes: kept.map((n) => {
      const entity = entities.get(n.id) ?? null;
      return {
        id: n.id,
        type: n.type,
        depth: n.depth,
        degree: degree.get(n.id) ?? 0,
        hub: n.hub,
        hubCount: n.hubCount,
        entity,
        person: n.type === 'PERSON' ? { __typename: 'Person' as const, id: n.id } : null,
        case: n.type === 'CASE' ? { __typename: 'Case' as const, id: n.id } : null,
      };
    }),
    edges: keptEdges.map((e) => ({
      id: e.edgeId,
      source: e.sourceId,
      target: e.targetId,
      kind: e.kind,
      subject: e.subject,
    })),
  };
}

/**
 * The network around the seeds, level by level, one statement per level: it counts each frontier
 * node's visible edges (a node above degreeCap is a hub: returned with its count, not expanded) and
 * returns the edges of the others; the edges among the last layer's nodes and the nodes already
 * returned come with the last level's statement. Stops at nodeLimit and says where. Only statements the caller may
 * see are followed (see graph.ts).
 */
export async function network(ctx: RequestContext, args: NetworkArgs): Promise<NetworkType> {
  if (args.seeds.length < 1 || args.seeds.length > NETWORK_LIMITS.maxSeeds) throw badInput('seeds', `name 1 to ${NETWORK_LIMITS.maxSeeds} ids`);
  args.seeds.forEach((s, i) => assertUuid(`seeds[${i}]`, s));
  const depth = intBetween('depth', args.depth, 1, NETWORK_LIMITS.maxDepth);
  const nodeLimit = intBetween('nodeLimit', args.nodeLimit, 1, NETWORK_LIMITS.maxNodeLimit);
  const degreeCap = intBetween('degreeCap', args.degreeCap, 1, NETWORK_LIMITS.maxDegreeCap);
  const filter = edgeFilter(args);

  const seeds = [...new Set(args.seeds.map((s) => s.toLowerCase()))];
  const seedTypes = await typeSeeds(ctx, seeds);
  const nodes = new Map<string, NodeState>();
  const edges = new Map<string, EdgeRow>();
  const truncatedAt = new Set<string>();
  const reasons = new Set<NetworkTruncation>();
  const hubs: string[] = [];
  let limitHit = false;

  const addNode = (id: string, type: NetworkNodeKind, d: number): boolean => {
    if (nodes.has(id)) return true;
    if (nodes.size >= nodeLimit) return false;
    nodes.set(id, { id, type, depth: d, hub: false, hubCount: null });
    return true;
  };
  // Entity seeds are nodes whatever their edges; other seeds become nodes when an edge shows what they are.
  for (const id of seeds) if (seedTypes.get(id) === 'ENTITY') addNode(id, 'ENTITY', 0);

  let frontier: Array<{ id: string; type: NodeKind }> = seeds.map((id) => ({ id, type: seedTypes.get(id)! }));
  // The edges between returned nodes at which the walk stops (graph.ts, Among), from the level statement that stops it.
  let among: EdgeRow[] = [];
  for (let level = 1; level <= depth && frontier.length > 0; level++) {
    const known = [...new Set([...nodes.keys(), ...frontier.map((f) => f.id)])];
    const walked = await expandLevel(ctx, filter, incidentOf(frontier), degreeCap, { known, last: level === depth });
    const counted = walked.degrees;
    const expand: Array<{ id: string; type: NodeKind }> = [];
    for (const f of frontier) {
      const c = counted.get(f.id);
      if (!c) continue;
      const type = f.type === 'UNKNOWN' ? c.type : f.type;
      if (!nodes.has(f.id) && !addNode(f.id, type, 0)) {
        limitHit = true;
        continue;
      }
      if (c.degree > degreeCap) {
        const node = nodes.get(f.id)!;
        node.hub = true;
        node.hubCount = c.degree;
        truncatedAt.add(f.id);
        reasons.add('DEGREE_CAP');
        hubs.push(f.id);
      } else {
        expand.push({ id: f.id, type });
      }
    }
    if (expand.length === 0) {
      among = walked.amongKnown;
      break;
    }
    const expanding = new Set(expand.map((e) => e.id));
    const next: Array<{ id: string; type: NodeKind }> = [];
    for (const e of walked.edges) {
      // Edges of nodes the node limit kept out of the graph are not followed.
      if (edges.has(e.edgeId) || !(expanding.has(e.sourceId) || expanding.has(e.targetId))) continue;
      const ends: Array<[string, NetworkNodeKind]> = [
        [e.sourceId, e.sourceType],
        [e.targetId, e.targetType],
      ];
      const at = expanding.has(e.sourceId) ? e.sourceId : e.targetId;
      let complete = true;
      for (const [id, type] of ends) {
        if (nodes.has(id)) continue;
        if (!addNode(id, type, level)) {
          complete = false;
          break;
        }
        next.push({ id, type });
      }
      if (!complete) {
        truncatedAt.add(at);
        reasons.add('NODE_LIMIT');
        limitHit = true;
        continue;
      }
      edges.set(e.edgeId, e);
    }
    frontier = next;
    among = walked.lastLayer;
  }
  // The last layer is not expanded, but the edges between nodes already returned (two accounts that
  // paid each other, a phone and its advert, both at the last depth) belong in the answer.
  if (frontier.length > 0) {
    for (const e of among) if (!edges.has(e.edgeId) && nodes.has(e.sourceId) && nodes.has(e.targetId)) edges.set(e.edgeId, e);
  }

  const graph = await materialise(ctx, [...nodes.values()], [...edges.values()]);
  const words: string[] = [];
  if (hubs.length) words.push(`${hubs.length} node(s) with more than ${degreeCap} edges returned as hubs and not expanded`);
  if (limitHit) {
    reasons.add('NODE_LIMIT');
    words.push(`stopped at the node limit of ${nodeLimit}`);
  }
  return {
    ...graph,
    truncated: truncatedAt.size > 0 || limitHit,
    truncatedAt: [...truncatedAt],
    reasons: [...reasons],
    reason: words.length ? words.join('; ') : null,
  };
}

interface Side {
  parent: Map<string, { edge: EdgeRow; prev: string } | null>;
  depth: Map<string, number>;
  type: Map<string, NodeKind>;
  frontier: string[];
}

/**
 * The shortest chain of visible statements between two nodes (entity, person or case ids), by
 * bidirectional breadth-first search: each step expands the smaller frontier by one level with one
 * statement. Null when there is no path of at most maxDepth edges (or either end does not reach you).
 */
export async function shortestPath(
  ctx: RequestContext,
  args: { from: string; to: string; maxDepth: number; linkKinds?: LinkKind[] | null },
): Promise<NetworkType | null> {
  assertUuid('from', args.from);
  assertUuid('to', args.to);
  const maxDepth = intBetween('maxDepth', args.maxDepth, 1, NETWORK_LIMITS.maxPathDepth);
  const filter = edgeFilter({ linkKinds: args.linkKinds });
  const from = args.from.toLowerCase();
  const to = args.to.toLowerCase();
  const seedTypes = await typeSeeds(ctx, [...new Set([from, to])]);

  const side = (id: string): Side => ({ parent: new Map([[id, null]]), depth: new Map([[id, 0]]), type: new Map([[id, seedTypes.get(id)!]]), frontier: [id] });
  const F = side(from);
  const B = side(to);
  const empty = (): NetworkType => ({ nodes: [], edges: [], truncated: false, truncatedAt: [], reasons: [], reason: null });

  if (from === to) {
    if (seedTypes.get(from) === 'ENTITY')
      return { ...empty(), ...(await materialise(ctx, [{ id: from, type: 'ENTITY', depth: 0, hub: false, hubCount: null }], [])) };
    const c = (await expandLevel(ctx, filter, incidentOf([{ id: from, type: 'UNKNOWN' }]), 0)).degrees.get(from);
    return c ? { ...empty(), ...(await materialise(ctx, [{ id: from, type: c.type, depth: 0, hub: false, hubCount: null }], [])) } : null;
  }

  let steps = 0;
  while (steps < maxDepth && F.frontier.length && B.frontier.length) {
    const [me, other] = F.frontier.length <= B.frontier.length ? [F, B] : [B, F];
    const frontierSet = new Set(me.frontier);
    const rows = await edgesOf(ctx, filter, incidentOf(me.frontier.map((id) => ({ id, type: me.type.get(id)! }))), PATH_SEARCH.maxEdgesPerStep);
    steps++;
    const next: string[] = [];
    const meets: string[] = [];
    for (const e of rows) {
      for (const [here, there, thereType, hereType] of [
        [e.sourceId, e.targetId, e.targetType, e.sourceType],
        [e.targetId, e.sourceId, e.sourceType, e.targetType],
      ] as const) {
        if (!frontierSet.has(here)) continue;
        if (me.type.get(here) === 'UNKNOWN') me.type.set(here, hereType);
        if (other.type.get(here) === 'UNKNOWN') other.type.set(here, hereType);
        if (me.depth.has(there)) continue;
        me.depth.set(there, me.depth.get(here)! + 1);
        me.parent.set(there, { edge: e, prev: here });
        me.type.set(there, thereType);
        next.push(there);
        if (other.depth.has(there)) meets.push(there);
      }
    }
    if (meets.length) {
      const best = meets.sort((a, b) => F.depth.get(a)! + B.depth.get(a)! - (F.depth.get(b)! + B.depth.get(b)!) || (a < b ? -1 : 1))[0]!;
      return pathThrough(ctx, F, B, best);
    }
    me.frontier = next;
    if (F.depth.size + B.depth.size > PATH_SEARCH.maxVisited) break;
  }
  return null;
}

async function pathThrough(ctx: RequestContext, F: Side, B: Side, meet: string): Promise<NetworkType> {
  const chain: string[] = [meet];
  const edges: EdgeRow[] = [];
  for (let at = meet, step = F.parent.get(at); step; at = step.prev, step = F.parent.get(at)) {
    chain.unshift(step.prev);
    edges.unshift(step.edge);
  }
  for (let at = meet, step = B.parent.get(at); step; at = step.prev, step = B.parent.get(at)) {
    chain.push(step.prev);
    edges.push(step.edge);
  }
  const typeOf = (id: string): NetworkNodeKind => {
    for (const t of [F.type.get(id), B.type.get(id)]) if (t && t !== 'UNKNOWN') return t;
    throw new Error(`shortestPath: node ${id} on a path has no type`);
  };
  const nodes = chain.map((id, i) => ({ id, type: typeOf(id), depth: i, hub: false, hubCount: null }));
  const graph = await materialise(ctx, nodes, edges);
  // A path with a gap is no path: should an entity on it not reach the caller, there is none to show.
  if (graph.nodes.length !== nodes.length || graph.edges.length !== edges.length)
    return { nodes: [], edges: [], truncated: false, truncatedAt: [], reasons: [], reason: null };
  return { ...graph, truncated: false, truncatedAt: [], reasons: [], reason: null };
}

/**
 * Entities observed in both cases, by observations that reach the caller and whose source it may
 * read (one statement); each entity through the Entity policy.
 */
export async function sharedEntities(ctx: RequestContext, caseA: string, caseB: string): Promise<Projected[]> {
  assertUuid('caseA', caseA);
  assertUuid('caseB', caseB);
  const params = new SqlParams();
  const observedIn = (alias: string, caseId: string): string => {
    const t = observationTableAs(alias);
    const attributes = t.attributes(ctx, params);
    const visible = visibleWhere(ctx, 'Observation', { alias, attributes, grantsTable: t.grantsTable }, params);
    if (visible === 'FALSE') return 'FALSE';
    const readable = ['sourceType', 'sourceId'].map((f) => fieldReadableSql(ctx.ability, 'Observation', f, attributes, params));
    return `EXISTS (SELECT 1 FROM ${t.table} ${alias} WHERE ${alias}.entity_id = en.id AND ${alias}.source_type = 'CASE'
      AND ${alias}.source_id = ${params.add(caseId)} AND (${visible}) AND ${readable.map((r) => `(${r})`).join(' AND ')})`;
  };
  const inA = observedIn('oa', caseA);
  const inB = observedIn('ob', caseB);
  if (inA === 'FALSE' || inB === 'FALSE') return [];
  const { rows } = await selectVisible(ctx, entityTable, {
    params,
    where: () => [inA, inB],
    orderBy: 'en.kind, "firstSeenAt" NULLS LAST, en.id',
    limit: 1000,
  });
  return projectAll(ctx, rows);
}
