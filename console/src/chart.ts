import cytoscape, { type Core } from 'cytoscape';
import type { NetEdge, NetNode, NetworkAnswer } from './network';

/** Neighbours of one kind drawn as one node ("+312 BANK_ACCOUNT"); expanding it pages its members in. */
export interface Aggregate {
  id: string;
  parent: string;
  category: string;
  /** Neighbours of `parent` in it, not drawn yet, in the order they page in. */
  members: string[];
}

/** What is drawn: every node with who holds it (the seed, the node whose expansion drew it, the path), and the aggregates. */
export interface View {
  drawn: Set<string>;
  owners: Map<string, Set<string>>;
  aggregates: Map<string, Aggregate>;
}

export const SEED_OWNER = '#seed';
export const PATH_OWNER = '#path';

/**
 * The chart's model: everything fetched (one step beyond what is drawn, so each drawn node knows how
 * many of its neighbours are not drawn yet) and the view of it. No DOM: `drawChart` puts it on a
 * cytoscape instance.
 */
export class ChartModel {
  nodes = new Map<string, NetNode>();
  edges = new Map<string, NetEdge>();
  private adjacency = new Map<string, NetEdge[]>();
  labels = new Map<string, string>();
  /** The API's truncation of any answer merged so far. */
  truncation = { reasons: new Set<string>(), at: new Set<string>(), text: undefined as string | undefined };
  view: View = { drawn: new Set(), owners: new Map(), aggregates: new Map() };

  merge(net: Pick<NetworkAnswer, 'nodes' | 'edges'> & Partial<NetworkAnswer>, label: (n: NetNode, index: number) => string): void {
    net.nodes.forEach((n, i) => {
      this.nodes.set(n.id, n);
      this.labels.set(n.id, label(n, i));
    });
    for (const e of net.edges) {
      if (this.edges.has(e.id)) continue;
      this.edges.set(e.id, e);
      for (const end of [e.source, e.target]) {
        const list = this.adjacency.get(end);
        if (list) list.push(e);
        else this.adjacency.set(end, [e]);
      }
    }
    if (net.truncated) {
      for (const r of net.reasons ?? []) this.truncation.reasons.add(r);
      for (const id of net.truncatedAt ?? []) this.truncation.at.add(id);
      this.truncation.text = net.reason ?? this.truncation.text;
    }
  }

  label(id: string): string {
    const agg = this.view.aggregates.get(id);
    if (agg) return `+${agg.members.length} ${agg.category}`;
    return this.labels.get(id) ?? id;
  }

  edgesOf(id: string): NetEdge[] {
    return this.adjacency.get(id) ?? [];
  }

  neighbours(id: string, kind?: string): string[] {
    const out = new Set<string>();
    for (const e of this.edgesOf(id)) if (!kind || e.kind === kind) out.add(e.source === id ? e.target : e.source);
    out.delete(id);
    return [...out];
  }

  /** What a neighbour is grouped by: its identifier kind, else its node type. */
  category(id: string): string {
    const n = this.nodes.get(id);
    return n?.entity?.kind ?? n?.type ?? 'ENTITY';
  }

  private inOwnAggregates(id: string): Set<string> {
    const s = new Set<string>();
    for (const a of this.view.aggregates.values()) if (a.parent === id) a.members.forEach((m) => s.add(m));
    return s;
  }

  /** Neighbours of `id` neither drawn nor in one of its aggregates, plus those a hub has beyond what was fetched. */
  hidden(id: string): number {
    const n = this.nodes.get(id);
    const grouped = this.inOwnAggregates(id);
    const all = this.neighbours(id);
    const notDrawn = all.filter((x) => !this.view.drawn.has(x) && !grouped.has(x)).length;
    return notDrawn + (n?.hub && n.hubCount ? Math.max(0, n.hubCount - all.length) : 0);
  }

  /** The link kinds leading to neighbours of `id` not drawn yet, with how many. */
  hiddenKinds(id: string): Array<[string, number]> {
    const counts = new Map<string, Set<string>>();
    for (const e of this.edgesOf(id)) {
      const other = e.source === id ? e.target : e.source;
      if (other === id || this.view.drawn.has(other)) continue;
      counts.set(e.kind, (counts.get(e.kind) ?? new Set()).add(other));
    }
    return [...counts].map(([k, s]) => [k, s.size]);
  }

  /** `x` drawn, held by `owner`; it leaves any aggregate it was waiting in. */
  hold(x: string, owner: string): void {
    const v = this.view;
    v.drawn.add(x);
    const set = v.owners.get(x);
    if (set) set.add(owner);
    else v.owners.set(x, new Set([owner]));
    for (const a of [...v.aggregates.values()]) {
      const i = a.members.indexOf(x);
      if (i >= 0) a.members.splice(i, 1);
      if (!a.members.length) v.aggregates.delete(a.id);
    }
  }

  /**
   * Draws the neighbours of `id` (of one link kind, or all). Where more than `groupAbove` of them are
   * of one category, they are drawn as one aggregate node instead.
   */
  expand(id: string, groupAbove: number, kind?: string): void {
    const v = this.view;
    const byCategory = new Map<string, string[]>();
    for (const x of this.neighbours(id, kind)) {
      if (v.drawn.has(x)) {
        v.owners.get(x)?.add(id);
        continue;
      }
      const c = this.category(x);
      const list = byCategory.get(c);
      if (list) list.push(x);
      else byCategory.set(c, [x]);
    }
    for (const [category, xs] of byCategory) {
      if (xs.length <= groupAbove) {
        for (const x of xs) this.hold(x, id);
        continue;
      }
      const aggId = `agg:${id}:${category}`;
      const agg = v.aggregates.get(aggId) ?? { id: aggId, parent: id, category, members: [] };
      const known = new Set(agg.members);
      agg.members.push(...xs.filter((x) => !known.has(x)));
      v.aggregates.set(aggId, agg);
    }
  }

  /** Draws the next `page` members of an aggregate, held by its parent; answers them. */
  pageIn(aggId: string, page: number): string[] {
    const agg = this.view.aggregates.get(aggId);
    if (!agg) return [];
    const paged = agg.members.slice(0, Math.max(1, page));
    for (const x of paged) this.hold(x, agg.parent);
    return paged;
  }

  canCollapse(id: string): boolean {
    for (const a of this.view.aggregates.values()) if (a.parent === id) return true;
    for (const [x, set] of this.view.owners) if (x !== id && set.has(id)) return true;
    return false;
  }

  /** Takes back what `id`'s expansions drew that nothing else holds (and, in turn, what those held). */
  collapse(id: string): void {
    this.release(id);
  }

  /** `owner` no longer holds anything: what only it held leaves the chart. */
  release(owner: string): void {
    const v = this.view;
    for (const a of [...v.aggregates.values()]) if (a.parent === owner) v.aggregates.delete(a.id);
    const orphans: string[] = [];
    for (const [x, set] of v.owners) if (set.delete(owner) && set.size === 0) orphans.push(x);
    for (const x of orphans) {
      if (!v.drawn.has(x)) continue;
      v.drawn.delete(x);
      v.owners.delete(x);
      this.release(x);
    }
  }

  snapshot(): View {
    const v = this.view;
    return {
      drawn: new Set(v.drawn),
      owners: new Map([...v.owners].map(([k, s]) => [k, new Set(s)])),
      aggregates: new Map([...v.aggregates].map(([k, a]) => [k, { ...a, members: [...a.members] }])),
    };
  }
}

const COLOURS = { PERSON: '#1f5fa8', ENTITY: '#2e7d32', CASE: '#8a4b00' };

/**
 * Above this many nodes the chart draws cheaply: no edge labels, straight "haystack" edges, node
 * labels only once zoomed in, and positions computed here (rings by degree) instead of a layout run.
 */
export const LARGE = 150;
/** On a large chart, node labels show from this zoom on (below it they are too small to read, and measuring them costs). */
export const LABEL_ZOOM = 0.6;
const SPACING = 44;

function stylesheet(large: boolean, labels: boolean): cytoscape.StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        'background-color': 'data(colour)',
        label: labels ? 'data(label)' : '',
        'text-wrap': 'wrap',
        'font-size': 11,
        'text-valign': 'bottom',
        'text-margin-y': 4,
        color: '#1b1f24',
      },
    },
    { selector: 'node.hub', style: { shape: 'round-rectangle', width: 40, height: 40 } },
    {
      selector: 'node.aggregate',
      style: {
        shape: 'round-rectangle',
        label: 'data(label)',
        width: 'label',
        height: 26,
        padding: '6px',
        'background-color': '#4a5568',
        color: '#ffffff',
        'text-valign': 'center',
        'text-margin-y': 0,
        'font-weight': 'bold',
      },
    },
    { selector: 'node.path', style: { 'border-width': 4, 'border-color': '#d93025' } },
    { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#ffb000' } },
    large
      ? { selector: 'edge', style: { width: 1, 'line-color': '#a0a6ad', 'curve-style': 'haystack', 'haystack-radius': 0 } }
      : {
          selector: 'edge',
          style: {
            width: 1.5,
            'line-color': '#8a9099',
            'curve-style': 'bezier',
            label: 'data(label)',
            'font-size': 8,
            color: '#4a4f57',
            'min-zoomed-font-size': 6,
          },
        },
    { selector: 'edge.aggregate', style: { 'line-style': 'dashed' } },
    { selector: 'edge.path', style: { width: 4, 'line-color': '#d93025', 'z-index': 10 } },
  ];
}

/** The stylesheet for the chart's size and zoom, applied again only when one of them changes what it says. */
function restyle(cy: Core, large = cy.nodes().length > LARGE): void {
  const labels = !large || cy.zoom() >= LABEL_ZOOM;
  const key = `${large}:${labels}`;
  if (cy.scratch('styled') === key) return;
  cy.scratch('styled', key);
  cy.style(stylesheet(large, labels));
}

/** A cytoscape instance set up to stay usable at thousands of nodes (no animation, textures while panning, edges hidden while moving). */
export function createCytoscape(container: HTMLElement): Core {
  const cy = cytoscape({
    container,
    style: stylesheet(false, true),
    wheelSensitivity: 0.3,
    minZoom: 0.02,
    maxZoom: 2,
    textureOnViewport: true,
    hideEdgesOnViewport: true,
    motionBlur: false,
    pixelRatio: 1,
    boxSelectionEnabled: false,
  });
  cy.scratch('styled', 'false:true');
  cy.on('zoom', () => restyle(cy));
  return cy;
}

/**
 * Rings around the centre by degree, the busiest nodes innermost, each ring as full as its
 * circumference allows: O(n log n), no layout iterations, no measuring of labels.
 */
function ringPositions(ids: string[], degree: (id: string) => number): Map<string, { x: number; y: number }> {
  const sorted = [...ids].sort((a, b) => degree(b) - degree(a));
  const out = new Map<string, { x: number; y: number }>();
  let i = 0;
  for (let ring = 0; i < sorted.length; ring++) {
    const r = ring * SPACING;
    const capacity = ring === 0 ? 1 : Math.floor((2 * Math.PI * r) / SPACING);
    const n = Math.min(capacity, sorted.length - i);
    for (let k = 0; k < n; k++, i++) {
      const a = (2 * Math.PI * k) / n;
      out.set(sorted[i]!, { x: r * Math.cos(a), y: r * Math.sin(a) });
    }
  }
  return out;
}

/**
 * Puts the model's view on `cy`: removes what left, adds what came (placed around the node that
 * holds it), and lays the chart out: a small one force-directed (cose), a large new one on rings by
 * degree computed here. Calls `done` after the layout's `layoutstop` (a large new chart: once its
 * elements are placed) and the frame after it (`requestAnimationFrame` then a task: what
 * `npm run bench`'s link-chart measure calls drawn).
 */
export function drawChart(cy: Core, m: ChartModel, path: { nodes: Set<string>; edges: Set<string> }, done: () => void): void {
  const v = m.view;
  const wanted = new Map<string, cytoscape.ElementDefinition>();
  for (const id of v.drawn) {
    const n = m.nodes.get(id);
    const hidden = m.hidden(id);
    const classes = [n?.hub ? 'hub' : '', path.nodes.has(id) ? 'path' : ''].filter(Boolean).join(' ');
    wanted.set(id, {
      group: 'nodes',
      data: { id, label: `${m.label(id)}${hidden ? `\n+${hidden}` : ''}`, colour: COLOURS[n?.type ?? 'ENTITY'] },
      classes,
    });
  }
  for (const a of v.aggregates.values()) {
    if (!v.drawn.has(a.parent)) continue;
    wanted.set(a.id, { group: 'nodes', data: { id: a.id, label: m.label(a.id) }, classes: 'aggregate' });
    wanted.set(`${a.id}:e`, { group: 'edges', data: { id: `${a.id}:e`, source: a.parent, target: a.id }, classes: 'aggregate' });
  }
  const degree = new Map<string, number>();
  for (const id of v.drawn) {
    for (const e of m.edgesOf(id)) {
      const key = `e:${e.id}`;
      if (wanted.has(key) || !v.drawn.has(e.source) || !v.drawn.has(e.target)) continue;
      wanted.set(key, { group: 'edges', data: { id: key, source: e.source, target: e.target, label: e.kind }, classes: path.edges.has(e.id) ? 'path' : '' });
      degree.set(e.source, (degree.get(e.source) ?? 0) + 1);
      degree.set(e.target, (degree.get(e.target) ?? 0) + 1);
    }
  }
  const nodeCount = [...wanted.values()].filter((d) => d.group === 'nodes').length;
  const large = nodeCount > LARGE;
  const fresh = cy.nodes().length === 0;
  const added: string[] = [];
  let at: Map<string, { x: number; y: number }> | undefined;
  if (large && fresh) {
    // Positions and the viewport first, so the stylesheet for that size and zoom applies once as the elements come.
    at = ringPositions(
      [...wanted.values()].filter((d) => d.group === 'nodes').map((d) => d.data.id!),
      (id) => degree.get(id) ?? 0,
    );
    let extent = 0;
    for (const p of at.values()) extent = Math.max(extent, Math.abs(p.x), Math.abs(p.y));
    // The viewport from the rings' extent: cy.fit() would measure every element's bounding box.
    const w = cy.width();
    const h = cy.height();
    cy.viewport({ zoom: Math.max(cy.minZoom(), Math.min(1, Math.min(w, h) / (2 * extent + 2 * SPACING))), pan: { x: w / 2, y: h / 2 } });
  }
  restyle(cy, large);
  cy.batch(() => {
    cy.elements().forEach((el) => {
      if (!wanted.has(el.id())) el.remove();
    });
    const toAdd: cytoscape.ElementDefinition[] = [];
    for (const [id, def] of wanted) {
      const el = cy.getElementById(id);
      if (el.length) {
        if (el.data('label') !== def.data.label) el.data('label', def.data.label);
        el.classes(def.classes ?? '');
      } else {
        if (at && def.group === 'nodes') def.position = at.get(id);
        toAdd.push(def);
        if (def.group === 'nodes') added.push(id);
      }
    }
    // Nodes before the edges that reference them.
    toAdd.sort((a, b) => (a.group === b.group ? 0 : a.group === 'nodes' ? -1 : 1));
    cy.add(toAdd);
    if (!fresh) placeAround(cy, m, added);
  });
  performance.mark('tessera:chart-elements');
  const finish = () => {
    performance.mark('tessera:chart-layoutstop');
    // The frame after the layout: its animation-frame callbacks (cytoscape's drawing among them) ran, and the task after them.
    requestAnimationFrame(() => {
      performance.mark('tessera:chart-frame');
      setTimeout(done, 0);
    });
  };
  if (large) return finish();
  const layout = cy.layout({ name: 'cose', animate: false, randomize: fresh, nodeDimensionsIncludeLabels: true, numIter: 600 } as cytoscape.LayoutOptions);
  layout.one('layoutstop', finish);
  layout.run();
}

/** New nodes on a circle around the drawn node that holds them (the chart keeps everyone else where they are). */
function placeAround(cy: Core, m: ChartModel, added: string[]): void {
  const byAnchor = new Map<string, string[]>();
  for (const id of added) {
    const agg = m.view.aggregates.get(id);
    const anchor = agg?.parent ?? [...(m.view.owners.get(id) ?? [])].find((o) => cy.getElementById(o).length && !added.includes(o)) ?? '';
    const list = byAnchor.get(anchor);
    if (list) list.push(id);
    else byAnchor.set(anchor, [id]);
  }
  for (const [anchor, ids] of byAnchor) {
    const centre = anchor ? cy.getElementById(anchor).position() : { x: 0, y: 0 };
    const r = 80 + ids.length * 6;
    ids.forEach((id, i) => {
      const a = (2 * Math.PI * i) / ids.length;
      cy.getElementById(id).position({ x: centre.x + r * Math.cos(a), y: centre.y + r * Math.sin(a) });
    });
  }
}
