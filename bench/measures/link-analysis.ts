import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SUPERGRAPH_PATH } from '../../gateway/hub';
import { postGraphQL } from '../graphql';
import { percentile } from '../load';
import type { Result } from '../report';
import type { Measure } from './common';
import { PERSONA } from './gateway-overhead';

/**
 * A 1-, 2- and 3-hop walk of the link graph from one entity. There is no network/neighbourhood
 * query in the API yet, so the API side is the closest existing path, nested traversal
 * `entity(id) { links { toEntity { links { toEntity { ... } } } } }` (every link of a node, in
 * either direction, to its toEntity), and the baseline is the same walk as one recursive CTE,
 * without the policy (the database floor). Sequential requests, p50 and p95.
 */
const HOPS = [1, 2, 3];
/** Start entities whose 3-hop walk (SQL, unfiltered) has this many paths: no hubs, no dead ends. */
const MIN_PATHS = 30;
const MAX_PATHS = 1500;
const STARTS = 8;

const WALK_SQL = `WITH RECURSIVE walk(depth, link_id, entity_id) AS (
    SELECT 0, NULL::uuid, $1::uuid
    UNION ALL
    SELECT w.depth + 1, l.id, l.to_entity_id
    FROM walk w JOIN entities.links l ON l.from_entity_id = w.entity_id OR l.to_entity_id = w.entity_id
    WHERE w.depth < $2
  )
  SELECT w.depth, w.link_id, l.kind AS link_kind, e.id, e.kind, e.value
  FROM walk w LEFT JOIN entities.links l ON l.id = w.link_id LEFT JOIN entities.entities e ON e.id = w.entity_id`;

function apiQuery(hops: number): string {
  const hop = (k: number): string => (k === 0 ? '' : `links { id kind toEntity { id kind value ${hop(k - 1)} } }`);
  return `query Walk($id: ID!) { entity(id: $id) { id kind value ${hop(hops)} } }`;
}

/** Link nodes in a nested result. */
function countLinks(node: unknown): number {
  if (!node || typeof node !== 'object') return 0;
  const links = (node as { links?: Array<{ toEntity?: unknown }> }).links ?? [];
  return links.reduce((n, l) => n + 1 + countLinks(l.toEntity), 0);
}

export function networkQueryExists(): string | undefined {
  const sdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const query = /type Query[^{]*\{([\s\S]*?)\n\}/.exec(sdl)?.[1] ?? '';
  return /^\s*(network|neighbou?rhood|linkAnalysis)\s*\(/m.exec(query)?.[1];
}

export const linkAnalysis: Measure = {
  id: 'link-analysis',
  describe: '1/2/3-hop walk p50/p95 through the API (nested traversal) / one recursive CTE',
  async run({ stack, budget }) {
    const sql = await stack.rawClient();
    const auth = await stack.authorization(PERSONA);
    // Deterministic start entities: non-hub entities with entity-to-entity links and a bounded 3-hop neighbourhood.
    const candidates = await sql.query<{ id: string; paths: string }>(
      `SELECT c.id, (SELECT count(*) FROM (${WALK_SQL.replace('$1::uuid', 'c.id').replace('$2', '3')} LIMIT ${MAX_PATHS + 1}) w) AS paths
       FROM (SELECT DISTINCT l.from_entity_id AS id FROM entities.links l WHERE l.from_entity_id IS NOT NULL ORDER BY 1 LIMIT 200) c`,
    );
    const starts: string[] = [];
    for (const c of candidates.rows) {
      if (starts.length >= STARTS) break;
      if (Number(c.paths) < MIN_PATHS || Number(c.paths) > MAX_PATHS) continue;
      const r = await postGraphQL<{ entity: unknown }>(stack.hub.url, auth, apiQuery(1), { id: c.id }, ['NOT_FOUND', 'FORBIDDEN_FIELD']);
      if (r.data.entity) starts.push(c.id);
    }
    if (starts.length === 0) throw new Error('No start entity with a bounded 3-hop neighbourhood reaches the persona');
    const existing = networkQueryExists();
    const results: Result[] = [];
    for (const hops of HOPS) {
      const query = apiQuery(hops);
      const api: number[] = [];
      const floor: number[] = [];
      let apiLinks = 0;
      let sqlLinks = 0;
      const warmup = Math.min(10, budget.samples);
      for (let i = 0; i < warmup + budget.samples; i++) {
        const id = starts[i % starts.length]!;
        let t = performance.now();
        const r = await postGraphQL<{ entity: unknown }>(stack.hub.url, auth, query, { id }, ['FORBIDDEN_FIELD']);
        const apiMs = performance.now() - t;
        t = performance.now();
        const rows = await sql.query(WALK_SQL, [id, hops]);
        const sqlMs = performance.now() - t;
        if (i < warmup) continue;
        api.push(apiMs);
        floor.push(sqlMs);
        apiLinks += countLinks(r.data.entity);
        sqlLinks += rows.rowCount! - 1;
      }
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
        ratio: a50 / s50,
        notes: [
          `p50 / p95, ${budget.samples} sequential walks from ${starts.length} start entities as ${PERSONA}; links per walk: API ${(apiLinks / budget.samples).toFixed(0)} (what reaches the persona), SQL ${(sqlLinks / budget.samples).toFixed(0)} (all)`,
          ...(hops === 1
            ? [
                existing
                  ? `NOTE: the supergraph now has Query.${existing}; this measure still uses the nested entity/links/toEntity traversal`
                  : 'no network query in the supergraph: API side is nested entity { links { toEntity { ... } } }, baseline a recursive CTE',
              ]
            : []),
        ],
      });
    }
    return results;
  },
};
