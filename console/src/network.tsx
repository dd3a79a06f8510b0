import type { CombinedError } from '@urql/core';
import cytoscape, { type Core } from 'cytoscape';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Loading, NotFound, Problems, PurposeForm, PurposeLine } from './common';
import { client, needsPurpose, setPurpose, statedPurpose, withheldPaths } from './graphql';
import { t } from './i18n';

const NETWORK = `query Network($seeds: [ID!]!) {
  network(seeds: $seeds, depth: 2, nodeLimit: 300) {
    truncated reason truncatedAt
    nodes {
      id type depth hub hubCount label
      person { pseudonym fullName role }
      case { reference }
      entity { kind value }
    }
    edges { id source target kind }
  }
}`;

interface Node {
  id: string;
  type: 'ENTITY' | 'PERSON' | 'CASE';
  depth: number;
  hub: boolean;
  hubCount: number | null;
  label: string | null;
  person: { pseudonym: string | null; fullName: string | null; role: string | null } | null;
  case: { reference: string | null } | null;
  entity: { kind: string | null; value: string | null } | null;
}
interface Edge {
  id: string;
  source: string;
  target: string;
  kind: string;
}
interface NetworkResult {
  truncated: boolean;
  reason: string | null;
  truncatedAt: string[];
  nodes: Node[];
  edges: Edge[];
}

/** Everything fetched (one step beyond what is drawn, so each drawn node knows how many neighbours are not drawn yet). */
class Graph {
  nodes = new Map<string, Node>();
  edges = new Map<string, Edge>();
  drawn = new Set<string>();
  truncated: string | undefined;

  merge(net: NetworkResult): void {
    for (const n of net.nodes) this.nodes.set(n.id, n);
    for (const e of net.edges) this.edges.set(e.id, e);
    if (net.truncated) this.truncated = net.reason ?? 'truncated';
  }
  neighbours(id: string, kind?: string): string[] {
    const out: string[] = [];
    for (const e of this.edges.values()) {
      if (kind && e.kind !== kind) continue;
      if (e.source === id) out.push(e.target);
      else if (e.target === id) out.push(e.source);
    }
    return out;
  }
  /** The link kinds leading to neighbours of `id` not drawn yet, with how many. */
  hiddenKinds(id: string): Array<[string, number]> {
    const counts = new Map<string, Set<string>>();
    for (const e of this.edges.values()) {
      const other = e.source === id ? e.target : e.target === id ? e.source : undefined;
      if (!other || this.drawn.has(other)) continue;
      counts.set(e.kind, (counts.get(e.kind) ?? new Set()).add(other));
    }
    return [...counts].map(([k, s]) => [k, s.size]);
  }
  hidden(id: string): number {
    const n = this.nodes.get(id);
    const notDrawn = new Set(this.neighbours(id).filter((x) => !this.drawn.has(x))).size;
    return notDrawn + (n?.hub && n.hubCount ? Math.max(0, n.hubCount - this.neighbours(id).length) : 0);
  }
}

function nodeLabel(n: Node, withheld: Set<string>, index: number): string {
  if (n.type === 'PERSON') {
    const nameWithheld = withheld.has(`network.nodes.${index}.person.fullName`);
    return n.person?.fullName ?? (nameWithheld ? `${n.person?.pseudonym ?? ''} (${t('common.withheld')})` : (n.person?.pseudonym ?? n.id));
  }
  if (n.type === 'CASE') return n.case?.reference ?? n.id;
  // An identifier whose value policy withholds: its masked form, and the word.
  if (withheld.has(`network.nodes.${index}.entity.value`)) return `${n.label ?? ''} (${t('common.withheld')})`;
  return n.entity?.value ?? n.label ?? n.id;
}

const COLOURS = { PERSON: '#1f5fa8', ENTITY: '#2e7d32', CASE: '#8a4b00' };

export function NetworkPage({ seed }: { seed: string }) {
  const [asking, setAsking] = useState(!statedPurpose());
  const [status, setStatus] = useState<{ loading: boolean; error?: CombinedError; empty?: boolean }>({ loading: true });
  const [, setVersion] = useState(0);
  const [selected, setSelected] = useState<string>();
  const graph = useRef(new Graph());
  const labels = useRef(new Map<string, string>());
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core>();
  const history = useRef<string[][]>([]);

  const fetchAround = async (id: string) => {
    const r = await client.query<{ network: NetworkResult }>(NETWORK, { seeds: [id] }).toPromise();
    if (needsPurpose(r.error)) {
      setPurpose(undefined);
      setAsking(true);
      return undefined;
    }
    if (r.data?.network) {
      const withheld = withheldPaths(r.error);
      r.data.network.nodes.forEach((n, i) => labels.current.set(n.id, nodeLabel(n, withheld, i)));
      graph.current.merge(r.data.network);
    }
    return r;
  };

  const redraw = () => {
    const g = graph.current;
    const c = cy.current;
    if (!c) return;
    const elements: cytoscape.ElementDefinition[] = [];
    for (const id of g.drawn) {
      const n = g.nodes.get(id)!;
      const hidden = g.hidden(id);
      elements.push({
        data: { id, label: `${labels.current.get(id) ?? id}${hidden ? `\n+${hidden}` : ''}`, colour: COLOURS[n.type], type: n.type },
        classes: n.hub ? 'hub' : '',
      });
    }
    for (const e of g.edges.values()) {
      if (g.drawn.has(e.source) && g.drawn.has(e.target)) elements.push({ data: { id: `e:${e.id}`, source: e.source, target: e.target, label: e.kind } });
    }
    c.elements().remove();
    c.add(elements);
    c.layout({ name: 'cose', animate: false, randomize: false, nodeDimensionsIncludeLabels: true } as cytoscape.LayoutOptions).run();
    setVersion((v) => v + 1);
  };

  /** Draws the neighbours of `id` (of one link kind, or all); the nodes it added can be taken back by undo. */
  const expand = async (id: string, kind?: string) => {
    const g = graph.current;
    const added = g.neighbours(id, kind).filter((x) => !g.drawn.has(x));
    for (const x of added) g.drawn.add(x);
    history.current.push(added);
    await fetchAround(id);
    redraw();
  };
  const undo = () => {
    const added = history.current.pop();
    if (!added) return;
    for (const x of added) graph.current.drawn.delete(x);
    redraw();
  };

  useEffect(() => {
    if (asking || !container.current) return;
    graph.current = new Graph();
    history.current = [];
    cy.current?.destroy();
    cy.current = cytoscape({
      container: container.current,
      wheelSensitivity: 0.3,
      minZoom: 0.1,
      maxZoom: 1.5,
      style: [
        {
          selector: 'node',
          style: {
            'background-color': 'data(colour)',
            label: 'data(label)',
            'text-wrap': 'wrap',
            'font-size': 11,
            'text-valign': 'bottom',
            'text-margin-y': 4,
            color: '#1b1f24',
          },
        },
        { selector: 'node.hub', style: { shape: 'round-rectangle', width: 40, height: 40 } },
        { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#ffb000' } },
        {
          selector: 'edge',
          style: { width: 1.5, 'line-color': '#8a9099', 'curve-style': 'bezier', label: 'data(label)', 'font-size': 8, color: '#4a4f57' },
        },
      ],
    });
    cy.current.on('tap', 'node', (e) => setSelected(e.target.id() as string));
    setStatus({ loading: true });
    void fetchAround(seed).then((r) => {
      if (!r) return;
      const g = graph.current;
      const seedNode = g.nodes.get(seed);
      if (!seedNode) return setStatus({ loading: false, error: r.error, empty: true });
      for (const n of g.nodes.values()) if (n.depth <= 1) g.drawn.add(n.id);
      setStatus({ loading: false, error: r.error });
      redraw();
    });
    return () => cy.current?.destroy();
  }, [seed, asking]);

  if (asking) return <PurposeForm onDone={() => setAsking(false)} />;
  const g = graph.current;
  const exportPng = async () => {
    const blob = (await cy.current!.png({ output: 'blob-promise', full: true, bg: '#ffffff', scale: 2 })) as Blob;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `tessera-network-${seed}.png`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  /** The drawn chart as CSV, one row per link (i2 Analyst's Notebook imports it with a link import specification). */
  const exportCsv = () => {
    const q = (v: string) => `"${v.replace(/"/g, '""')}"`;
    const rows = [['From ID', 'From label', 'From type', 'Link type', 'To ID', 'To label', 'To type'].map(q).join(',')];
    for (const e of g.edges.values()) {
      if (!g.drawn.has(e.source) || !g.drawn.has(e.target)) continue;
      const end = (id: string) => [id, labels.current.get(id) ?? id, g.nodes.get(id)?.type ?? ''];
      rows.push([...end(e.source), e.kind, ...end(e.target)].map(q).join(','));
    }
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([`${rows.join('\r\n')}\r\n`], { type: 'text/csv' }));
    a.download = `tessera-network-${seed}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  return (
    <section class="network">
      <h1>{t('network.title')}</h1>
      <PurposeLine onChange={() => setAsking(true)} />
      {status.loading && <Loading />}
      <Problems error={status.error} />
      {status.empty && <NotFound />}
      {g.truncated && (
        <p class="warning" role="status">
          {t('network.truncated', { reason: g.truncated })}
        </p>
      )}
      <div class="toolbar">
        <span data-testid="drawn-count">{t('network.nodes', { count: g.drawn.size })}</span>
        <button type="button" onClick={() => void exportPng()} disabled={!g.drawn.size}>
          {t('network.exportPng')}
        </button>
        <button type="button" onClick={exportCsv} disabled={!g.drawn.size}>
          {t('network.exportCsv')}
        </button>
        <button type="button" class="secondary" onClick={undo} disabled={!history.current.length}>
          {t('network.undo')}
        </button>
        {selected && (
          <button type="button" onClick={() => void expand(selected)} disabled={!g.hidden(selected)}>
            {t('network.expand')}: {labels.current.get(selected)}
          </button>
        )}
        {selected &&
          g.hiddenKinds(selected).map(([kind, n]) => (
            <button key={kind} type="button" class="small" onClick={() => void expand(selected, kind)}>
              {t('network.expandKind', { kind, count: n })}
            </button>
          ))}
      </div>
      <div class="chart" ref={container} role="img" aria-label={t('network.title')} data-testid="chart" />
      <p class="muted">{t('network.selectHint')}</p>
      <table class="nodes" data-testid="node-table">
        <caption>{t('network.list')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('network.label')}</th>
            <th scope="col">{t('network.type')}</th>
            <th scope="col">{t('network.hidden')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('network.expand')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {[...g.drawn].map((id) => {
            const hidden = g.hidden(id);
            return (
              <tr key={id} data-node={id}>
                <td>{labels.current.get(id)}</td>
                <td>{g.nodes.get(id)?.type}</td>
                <td>{hidden ? t('network.more', { count: hidden }) : '0'}</td>
                <td>
                  {hidden > 0 && (
                    <button type="button" class="small" onClick={() => void expand(id)}>
                      {t('network.expand')}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
