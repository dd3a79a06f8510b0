import { performance } from 'node:perf_hooks';
import { auditAppendDuration } from '../../services/kernel/metrics';
import { postGraphQL } from '../graphql';
import { percentile } from '../load';
import type { Result } from '../report';
import { type Measure, supergraphHas } from './common';
import { PERSONA } from './gateway-overhead';

/**
 * A 1-, 2- and 3-hop network around one entity through the API, vs the same traversal as one raw
 * SQL query (a recursive CTE, without the policy: the database floor). Sequential requests, p50 and
 * p95.
 *
 * With `Query.network` in the supergraph, the API side is `network(seeds: [id], depth: k,
 * observations: false)` (links only, both directions, entities and persons), and the baseline
 * walks the same links breadth-first and returns the same nodes (entity labels) and edges. Without
 * it, the closest path is the nested traversal `entity(id) { links { toEntity { links { ... } } } }`
 * and the baseline enumerates the same paths. Start entities are chosen deterministically among
 * entities whose 3-hop neighbourhood is neither empty nor capped (no hub on the way), so both sides
 * do the whole walk.
 */
const HOPS = [1, 2, 3];
const STARTS = 8;
const CANDIDATES = 300;

interface Path {
  describe: string;
  /** GraphQL for a walk of `hops`, variable $id; `labels: false` leaves out the entities' values (and so their consultation record). */
  query(hops: number, labels?: boolean): string;
  /** What the response holds, for the notes (nodes or links, and edges where they are apart), and whether it was cut short. */
  size(data: Record<string, unknown>): { items: number; edges?: number; truncated: boolean };
  /** One SQL statement for the same walk: $1 start id, $2 hops. */
  sql: string;
  /** Items (and edges) in the SQL result, comparable with size(). */
  sqlSize(rows: Array<{ t?: string }>): { items: number; edges?: number };
  /** A note's statement: the same walk without a part of the answer that costs the database apart. */
  partSql?: { sql: string; describe: string };
  /** One row `{ n }`: the walk's size for picking start entities, stopping early past 3000 (hubs). */
  boundSql: string;
  unit: string;
}

/** Breadth-first over links in both directions (entity and person ends): (node, depth) pairs within $2 hops. */
const NETWORK_WALK = `WITH RECURSIVE walk(node, depth) AS (
    SELECT $1::uuid, 0
    UNION
    SELECT CASE WHEN w.node IN (l.from_entity_id, l.from_person_id) THEN coalesce(l.to_entity_id, l.to_person_id)
                ELSE coalesce(l.from_entity_id, l.from_person_id) END, w.depth + 1
    FROM walk w JOIN entities.links l
      ON l.from_entity_id = w.node OR l.to_entity_id = w.node OR l.from_person_id = w.node OR l.to_person_id = w.node
    WHERE w.depth < $2
  )`;

/** The walk's nodes (with entity labels) and its edges: `edges` is the SQL of the CTEs that end with one named `edges`. */
const networkSql = (edges: string) => `${NETWORK_WALK},
  nodes AS (SELECT node, min(depth) AS depth FROM walk GROUP BY node),
  ${edges}
  SELECT 'node' AS t, n.node AS id, n.depth, e.kind, e.value, NULL::uuid AS source, NULL::uuid AS target
    FROM nodes n LEFT JOIN entities.entities e ON e.id = n.node
  UNION ALL
  SELECT 'edge', id, NULL, kind, NULL, source, target FROM edges`;

/**
 * The nodes within $2 hops and every link between two of them, as the network query returns them:
 * the links of the nodes expanded, and those among the last layer's nodes (two accounts that paid
 * each other, both at the last depth). As one condition on both ends of a link over the held ids,
 * which Postgres answers with a BitmapAnd of the four link-end indexes.
 */
const NETWORK_SQL = networkSql(`held AS MATERIALIZED (SELECT array_agg(node) AS ids FROM nodes),
  edges AS (
    SELECT l.id, l.kind, coalesce(l.from_entity_id, l.from_person_id) AS source, coalesce(l.to_entity_id, l.to_person_id) AS target
    FROM entities.links l
    WHERE (l.from_entity_id = ANY((SELECT ids FROM held)::uuid[]) OR l.from_person_id = ANY((SELECT ids FROM held)::uuid[]))
      AND (l.to_entity_id = ANY((SELECT ids FROM held)::uuid[]) OR l.to_person_id = ANY((SELECT ids FROM held)::uuid[]))
  )`);

/** The same with the links of the nodes expanded only: what the walk costs without the last layer's links among themselves. */
const EXPANDED_ONLY_SQL = networkSql(`edges AS (
    SELECT DISTINCT l.id, l.kind, coalesce(l.from_entity_id, l.from_person_id) AS source, coalesce(l.to_entity_id, l.to_person_id) AS target
    FROM nodes n JOIN entities.links l
      ON n.depth < $2 AND (l.from_entity_id = n.node OR l.to_entity_id = n.node OR l.from_person_id = n.node OR l.to_person_id = n.node)
  )`);

const NETWORK: Path = {
  describe:
    'API = network(seeds: [id], depth, observations: false); baseline = the same breadth-first walk over links as one recursive CTE returning the same nodes and every link among them, no policy',
  query: (_, labels = true) => `query Network($id: ID!, $depth: Int!) {
    network(seeds: [$id], depth: $depth, observations: false, degreeCap: 500, nodeLimit: 1000) {
      nodes { id type ${labels ? 'label ' : ''}depth degree hub } edges { id source target kind } truncated
    }
  }`,
  size: (data) => {
    const n = data.network as { nodes: unknown[]; edges: unknown[]; truncated: boolean };
    return { items: n.nodes.length, edges: n.edges.length, truncated: n.truncated };
  },
  sql: NETWORK_SQL,
  sqlSize: (rows) => ({ items: rows.filter((r) => r.t === 'node').length, edges: rows.filter((r) => r.t === 'edge').length }),
  partSql: { sql: EXPANDED_ONLY_SQL, describe: "the expanded nodes' links only (not the last layer's among themselves)" },
  boundSql: `${NETWORK_WALK} SELECT CASE WHEN count(*) >= 3000 THEN 1000000 ELSE count(DISTINCT node) END AS n FROM (SELECT node FROM walk LIMIT 3000) w`,
  unit: 'nodes',
};

/** Every link of a node, either direction, to its toEntity: the paths the nested GraphQL traversal enumerates. */
const NESTED_WALK = `WITH RECURSIVE walk(depth, link_id, entity_id) AS (
    SELECT 0, NULL::uuid, $1::uuid
    UNION ALL
    SELECT w.depth + 1, l.id, l.to_entity_id
    FROM walk w JOIN entities.links l ON l.from_entity_id = w.entity_id OR l.to_entity_id = w.entity_id
    WHERE w.depth < $2
  )`;
const NESTED_SQL = `${NESTED_WALK}
  SELECT w.depth, w.link_id, l.kind AS link_kind, e.id, e.kind, e.value
  FROM walk w LEFT JOIN entities.links l ON l.id = w.link_id LEFT JOIN entities.entities e ON e.id = w.entity_id`;

interface AppendTimes {
  count: number;
  sum: number;
  /** Appends that took at most 10 ms, at most 25 ms (histogram buckets). */
  le10ms: number;
  le25ms: number;
  start?: AppendTimes;
}

/** The process's audit append histogram (the hub runs in this process): how many appends, how long in all. */
async function appendTimes(): Promise<AppendTimes> {
  const { values } = await auditAppendDuration.get();
  const find = (name: string, le?: number) => values.find((v) => v.metricName === name && (le === undefined || v.labels.le === le))?.value ?? 0;
  return {
    count: find('tessera_audit_append_duration_seconds_count'),
    sum: find('tessera_audit_append_duration_seconds_sum'),
    le10ms: find('tessera_audit_append_duration_seconds_bucket', 0.01),
    le25ms: find('tessera_audit_append_duration_seconds_bucket', 0.025),
  };
}

function appendsSince(a: AppendTimes, b: AppendTimes) {
  const count = b.count - a.count;
  return {
    count,
    meanMs: count ? ((b.sum - a.sum) / count) * 1000 : 0,
    over10ms: count - (b.le10ms - a.le10ms),
    over25ms: count - (b.le25ms - a.le25ms),
  };
}

function countLinks(node: unknown): number {
  if (!node || typeof node !== 'object') return 0;
  const links = (node as { links?: Array<{ toEntity?: unknown }> }).links ?? [];
  return links.reduce((n, l) => n + 1 + countLinks(l.toEntity), 0);
}

const NESTED: Path = {
  describe: 'no network query in the supergraph: API = nested entity { links { toEntity { ... } } }, baseline = the same paths as one recursive CTE, no policy',
  query: (hops) => {
    const hop = (k: number): string => (k === 0 ? '' : `links { id kind toEntity { id kind value ${hop(k - 1)} } }`);
    return `query Walk($id: ID!) { entity(id: $id) { id kind value ${hop(hops)} } }`;
  },
  size: (data) => ({ items: countLinks(data.entity), truncated: false }),
  sql: NESTED_SQL,
  sqlSize: (rows) => ({ items: rows.length - 1 }),
  boundSql: `${NESTED_WALK} SELECT count(*) - 1 AS n FROM (SELECT 1 FROM walk LIMIT 3000) w`,
  unit: 'links',
};

export const linkAnalysis: Measure = {
  id: 'link-analysis',
  describe: '1/2/3-hop network p50/p95 through the API / the same traversal as one recursive CTE',
  async run({ stack, budget }) {
    const path = supergraphHas('Query', 'network') ? NETWORK : NESTED;
    const sql = await stack.rawClient();
    const auth = await stack.authorization(PERSONA);
    const ask = (hops: number, id: string, labels = true) =>
      postGraphQL<Record<string, unknown>>(stack.hub.url, auth, path.query(hops, labels), { id, depth: hops }, ['FORBIDDEN_FIELD', 'PURPOSE_REQUIRED']);

    // Deterministic starts: entities with links, a 3-hop walk of 20..1000 items (SQL), not cut short by the API.
    const candidates = await sql.query<{ id: string }>(
      `SELECT DISTINCT l.from_entity_id AS id FROM entities.links l WHERE l.from_entity_id IS NOT NULL ORDER BY 1 LIMIT ${CANDIDATES}`,
    );
    const starts: string[] = [];
    for (const c of candidates.rows) {
      if (starts.length >= STARTS) break;
      const size = Number((await sql.query<{ n: string }>(path.boundSql, [c.id, 3])).rows[0]!.n);
      if (size < 20 || size > 1000) continue;
      const r = await ask(3, c.id);
      const s = path.size(r.data);
      if (s.items > 1 && !s.truncated) starts.push(c.id);
    }
    if (starts.length === 0) throw new Error('No start entity with a bounded 3-hop neighbourhood reaches the persona');

    const results: Result[] = [];
    for (const hops of HOPS) {
      const api: number[] = [];
      const floor: number[] = [];
      const counted = { api: { items: 0, edges: 0 }, sql: { items: 0, edges: 0 } };
      // What the lawful consultation record of the labels costs: the same walks without them (3 hops,
      // NETWORK only), each right after its labelled twin so that the machine's load falls on both.
      const unlabelled: number[] = [];
      const withoutLabels = hops === 3 && path === NETWORK;
      // The statement of path.partSql, each right after the baseline's (3 hops).
      const part: number[] = [];
      const partSql = hops === 3 ? path.partSql : undefined;
      const warmup = Math.min(10, budget.samples);
      const appends = await appendTimes();
      for (let i = 0; i < warmup + budget.samples; i++) {
        const id = starts[i % starts.length]!;
        let t = performance.now();
        const r = await ask(hops, id);
        const apiMs = performance.now() - t;
        t = performance.now();
        if (withoutLabels) await ask(hops, id, false);
        const unlabelledMs = performance.now() - t;
        t = performance.now();
        const rows = await sql.query(path.sql, [id, hops]);
        const sqlMs = performance.now() - t;
        t = performance.now();
        if (partSql) await sql.query(partSql.sql, [id, hops]);
        const partMs = performance.now() - t;
        if (i === warmup - 1) appends.start = await appendTimes();
        if (i < warmup) continue;
        api.push(apiMs);
        floor.push(sqlMs);
        if (withoutLabels) unlabelled.push(unlabelledMs);
        if (partSql) part.push(partMs);
        const [a, b] = [path.size(r.data), path.sqlSize(rows.rows as Array<{ t?: string }>)];
        counted.api.items += a.items;
        counted.api.edges += a.edges ?? 0;
        counted.sql.items += b.items;
        counted.sql.edges += b.edges ?? 0;
      }
      unlabelled.sort((a, b) => a - b);
      part.sort((a, b) => a - b);
      const perWalk = (n: number) => (n / budget.samples).toFixed(0);
      const appended = appendsSince(appends.start ?? appends, await appendTimes());
      api.sort((a, b) => a - b);
      floor.sort((a, b) => a - b);
      const [a50, a95, s50, s95] = [percentile(api, 50), percentile(api, 95), percentile(floor, 50), percentile(floor, 95)];
      results.push({
        id: `link-analysis ${hops}-hop`,
        value: a50,
        unit: 'ms',
        baseline: s50,
        valueText: `${a50.toFixed(1)} / ${a95.toFixed(1)} ms`,
        baselineText: `${s50.toFixed(1)} / ${s95.toFixed(1)} ms`,
        // The target is on the p95 of the 3-hop query at the `large` scale; at smaller ones a walk is a
        // few milliseconds, fixed costs dominate, and the ratio is noted without a verdict.
        ratio: a95 / s95,
        ...(hops === 3 ? { target: '<= 2 (p95; at large)', ...(stack.scale === 'large' ? { pass: a95 / s95 <= 2 } : {}) } : {}),
        notes: [
          `p50 / p95 of ${budget.samples} sequential walks from ${starts.length} start entities as ${PERSONA}; ${path.unit} per walk: API ${perWalk(counted.api.items)} (what reaches the persona), SQL ${perWalk(counted.sql.items)} (all)` +
            (counted.sql.edges ? `; edges per walk: API ${perWalk(counted.api.edges)}, SQL ${perWalk(counted.sql.edges)}` : ''),
          ...(hops === 1 ? [path.describe] : []),
          ...(partSql
            ? [
                `baseline with ${partSql.describe}, each right after the baseline: ${percentile(part, 50).toFixed(1)} / ${percentile(part, 95).toFixed(1)} ms; the API's p95 is ${(a95 / percentile(part, 95)).toFixed(2)} of it`,
              ]
            : []),
          ...(unlabelled.length
            ? [
                `without node labels (no entity value shown, so no CONSULT/DISCLOSE audit events written), each right after its labelled twin: ${percentile(unlabelled, 50).toFixed(1)} / ${percentile(unlabelled, 95).toFixed(1)} ms, ratio ${(percentile(unlabelled, 95) / s95).toFixed(2)} (p95)`,
              ]
            : []),
          ...(appended.count
            ? [
                `consultation appends during the measured walks (tessera_audit_append_duration_seconds): ${appended.count}, mean ${appended.meanMs.toFixed(1)} ms, ${appended.over10ms} over 10 ms, ${appended.over25ms} over 25 ms`,
              ]
            : []),
        ],
      });
    }
    return results;
  },
};
