import { REDACTED } from '../../policies/enforce';
import type { RequestContext } from '../kernel/context';
import { network } from './network.service';

export interface ChartNode {
  id: string;
  type: 'ENTITY' | 'PERSON' | 'CASE';
  /** An entity's value where the caller may read it, else its mask ("+44 77•• ••• 123"); persons and cases are unlabelled. */
  label: string | null;
  /** Whether the label is the entity's value (a consultation of it, for whoever is shown the chart). */
  valueShown: boolean;
  kind: string | null;
  hub: boolean;
}

export interface ChartEdge {
  source: string;
  target: string;
  kind: string;
}

/**
 * The network around `seeds` exactly as the caller reads it through `network` (only statements that
 * reach it, entity values through the Entity policy), shaped for drawing a chart elsewhere (an
 * intelligence report's visuals). Nothing of a person or a case but that it is one.
 */
export async function networkChartData(
  ctx: RequestContext,
  seeds: string[],
  depth = 2,
  nodeLimit = 60,
): Promise<{ nodes: ChartNode[]; edges: ChartEdge[]; truncated: boolean }> {
  if (seeds.length === 0) return { nodes: [], edges: [], truncated: false };
  const graph = await network(ctx, { seeds, depth, nodeLimit, degreeCap: 25, observations: true });
  const text = (v: unknown) => (v === REDACTED || v === undefined || v === null ? null : String(v));
  return {
    nodes: graph.nodes.map((n) => ({
      id: n.id,
      type: n.type,
      label: n.entity ? (text(n.entity.value) ?? text(n.entity.maskedValue)) : null,
      valueShown: !!n.entity && text(n.entity.value) !== null,
      kind: n.entity ? text(n.entity.kind) : null,
      hub: n.hub,
    })),
    edges: graph.edges.map((e) => ({ source: e.source, target: e.target, kind: e.kind })),
    truncated: graph.truncated,
  };
}
