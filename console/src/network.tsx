import type { CombinedError } from '@urql/core';
import type { Core } from 'cytoscape';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ChartModel, createCytoscape, drawChart, PATH_OWNER, SEED_OWNER, type View } from './chart';
import { Loading, NotFound, Problems, PurposeForm, PurposeLine } from './common';
import { client, needsPurpose, setPurpose, statedPurpose, withheldPaths } from './graphql';
import { graphql, type ResultOf } from './gql';
import { t } from './i18n';

/** What one fetch around a node asks the API for: two steps, so each node drawn knows its neighbours. */
export const NODE_LIMIT = 300;
export const DEGREE_CAP = 50;
/** How many links apart two nodes may be for the shortest path (the API allows 1 to 6). */
export const PATH_DEPTH = 4;
/** Rows of the node table per page: the DOM holds one page, whatever the chart's size. */
export const ROWS_PER_PAGE = 50;
/** By default, more than this many neighbours of one kind are drawn as one aggregate node. */
export const GROUP_ABOVE = 20;

const NODE = graphql(`
  fragment NetNode on NetworkNode {
    id
    type
    depth
    hub
    hubCount
    label
    person {
      pseudonym
      fullName
      role
    }
    case {
      reference
    }
    entity {
      kind
      value
    }
  }
`);
const EDGE = graphql(`
  fragment NetEdge on NetworkEdge {
    id
    source
    target
    kind
  }
`);
/** A hub (more links than DEGREE_CAP) is expanded with the API's widest caps, one step: its neighbours then wait in aggregates. */
export const HUB_DEGREE_CAP = 500;
export const HUB_NODE_LIMIT = 1000;
/** At most this many nodes paged in from an aggregate are fetched around at once (the API takes 100 seeds). */
const SEEDS_PER_FETCH = 100;
const NETWORK = graphql(
  `
    query Network($seeds: [ID!]!, $depth: Int!, $nodeLimit: Int!, $degreeCap: Int!) {
      network(seeds: $seeds, depth: $depth, nodeLimit: $nodeLimit, degreeCap: $degreeCap) {
        truncated
        reason
        reasons
        truncatedAt
        nodes {
          ...NetNode
        }
        edges {
          ...NetEdge
        }
      }
    }
  `,
  [NODE, EDGE],
);
const SHORTEST_PATH = graphql(
  `
    query ShortestPath($from: ID!, $to: ID!, $maxDepth: Int!) {
      shortestPath(from: $from, to: $to, maxDepth: $maxDepth) {
        nodes {
          ...NetNode
        }
        edges {
          ...NetEdge
        }
      }
    }
  `,
  [NODE, EDGE],
);

/** A node and a link of the chart, and one answer around some nodes, as the API answers them. */
export type NetNode = ResultOf<typeof NODE>;
export type NetEdge = ResultOf<typeof EDGE>;
export type NetworkAnswer = ResultOf<typeof NETWORK>['network'];

function nodeLabel(n: NetNode, withheld: Set<string>, base: string): string {
  if (n.type === 'PERSON') {
    const nameWithheld = withheld.has(`${base}.person.fullName`);
    return n.person?.fullName ?? (nameWithheld ? `${n.person?.pseudonym ?? ''} (${t('common.withheld')})` : (n.person?.pseudonym ?? n.id));
  }
  if (n.type === 'CASE') return n.case?.reference ?? n.id;
  // An identifier whose value policy withholds: its masked form, and the word.
  if (withheld.has(`${base}.entity.value`)) return `${n.label ?? ''} (${t('common.withheld')})`;
  return n.entity?.value ?? n.label ?? n.id;
}

interface Path {
  nodes: string[];
  edges: Set<string>;
}

function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/**
 * The link chart around one node. Expanding draws a node's neighbours (all, or of one link kind);
 * more than `groupAbove` of one kind are drawn as one aggregate node that pages them in; collapsing
 * takes back what a node's expansions drew that nothing else holds. The node table is the
 * keyboard's way to everything the chart does, one page at a time.
 */
export function NetworkPage({ seed, group }: { seed: string; group?: string | null }) {
  const [asking, setAsking] = useState(!statedPurpose());
  const [status, setStatus] = useState<{ loading: boolean; error?: CombinedError; empty?: boolean }>({ loading: true });
  const [, setVersion] = useState(0);
  const [selected, setSelected] = useState<string>();
  const [groupAbove, setGroupAbove] = useState(() => (group && Number(group) >= 1 ? Math.floor(Number(group)) : GROUP_ABOVE));
  const [pageNo, setPageNo] = useState(0);
  const [pathEnds, setPathEnds] = useState<string[]>([]);
  const [path, setPath] = useState<Path | null>();
  const [busy, setBusy] = useState(false);
  const model = useRef(new ChartModel());
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core>();
  const history = useRef<View[]>([]);
  const pathRef = useRef<Path | null>();

  /** Two steps around `ids` by default (so what gets drawn knows its own neighbours); around a hub one step, with the widest caps. */
  const fetchAround = async (ids: string[], opts: { depth?: number; hub?: boolean } = {}) => {
    const r = await client
      .query(NETWORK, {
        seeds: ids,
        depth: opts.depth ?? (opts.hub ? 1 : 2),
        nodeLimit: opts.hub ? HUB_NODE_LIMIT : NODE_LIMIT,
        degreeCap: opts.hub ? HUB_DEGREE_CAP : DEGREE_CAP,
      })
      .toPromise();
    if (needsPurpose(r.error)) {
      setPurpose(undefined);
      setAsking(true);
      return undefined;
    }
    if (r.data?.network) {
      const withheld = withheldPaths(r.error);
      model.current.merge(r.data.network, (n, i) => nodeLabel(n, withheld, `network.nodes.${i}`));
    }
    if (r.error) setStatus((s) => ({ ...s, error: r.error }));
    return r;
  };

  const redraw = () => {
    const c = cy.current;
    if (!c) return;
    const p = pathRef.current;
    // The mark `npm run bench` (link-chart) times the chart by.
    drawChart(c, model.current, { nodes: new Set(p?.nodes ?? []), edges: p?.edges ?? new Set() }, () => performance.mark('tessera:chart-drawn'));
    setVersion((v) => v + 1);
  };

  const change = async (f: (m: ChartModel) => void | Promise<void>) => {
    setBusy(true);
    history.current.push(model.current.snapshot());
    await f(model.current);
    setBusy(false);
    redraw();
  };
  const expand = (id: string, kind?: string) =>
    change(async (m) => {
      await fetchAround([id], { hub: !!m.nodes.get(id)?.hub });
      m.expand(id, groupAbove, kind);
    });
  const pageIn = (aggId: string) =>
    change(async (m) => {
      // Members of a hub's aggregate came from a one-step fetch: what they link to is asked as they are drawn.
      const paged = m.pageIn(aggId, groupAbove);
      if (paged.length) await fetchAround(paged.slice(0, SEEDS_PER_FETCH), { depth: 1 });
    });
  const collapse = (id: string) => {
    model.current.collapse(id);
    if (selected && !model.current.view.drawn.has(selected) && !model.current.view.aggregates.has(selected)) setSelected(undefined);
    redraw();
  };
  const undo = () => {
    const before = history.current.pop();
    if (!before) return;
    model.current.view = before;
    redraw();
  };

  const togglePathEnd = (id: string) => setPathEnds((ends) => (ends.includes(id) ? ends.filter((x) => x !== id) : [...ends, id].slice(-2)));
  const findPath = async () => {
    const [from, to] = pathEnds;
    if (!from || !to) return;
    setBusy(true);
    const r = await client.query(SHORTEST_PATH, { from, to, maxDepth: PATH_DEPTH }).toPromise();
    setBusy(false);
    if (needsPurpose(r.error)) {
      setPurpose(undefined);
      setAsking(true);
      return;
    }
    const m = model.current;
    m.release(PATH_OWNER);
    const found = r.data?.shortestPath;
    if (!found) {
      pathRef.current = null;
      setPath(null);
      if (r.error) setStatus((s) => ({ ...s, error: r.error }));
      redraw();
      return;
    }
    const withheld = withheldPaths(r.error);
    m.merge(found, (n, i) => nodeLabel(n, withheld, `shortestPath.nodes.${i}`));
    // The path's nodes are drawn (held by the path) where they were not already.
    for (const n of found.nodes) if (!m.view.drawn.has(n.id)) m.hold(n.id, PATH_OWNER);
    pathRef.current = { nodes: found.nodes.map((n) => n.id), edges: new Set(found.edges.map((e) => e.id)) };
    setPath(pathRef.current);
    redraw();
  };
  const clearPath = () => {
    model.current.release(PATH_OWNER);
    pathRef.current = undefined;
    setPath(undefined);
    redraw();
  };

  useEffect(() => {
    if (asking || !container.current) return;
    model.current = new ChartModel();
    history.current = [];
    pathRef.current = undefined;
    setPath(undefined);
    setPathEnds([]);
    setPageNo(0);
    cy.current?.destroy();
    cy.current = createCytoscape(container.current);
    cy.current.on('tap', 'node', (e) => setSelected(e.target.id() as string));
    setStatus({ loading: true });
    void fetchAround([seed]).then((r) => {
      if (!r) return;
      performance.mark('tessera:chart-answered');
      const m = model.current;
      if (!m.nodes.get(seed)) return setStatus({ loading: false, error: r.error, empty: true });
      m.hold(seed, SEED_OWNER);
      m.expand(seed, groupAbove);
      setStatus({ loading: false, error: r.error });
      redraw();
    });
    return () => cy.current?.destroy();
  }, [seed, asking]);

  if (asking) return <PurposeForm onDone={() => setAsking(false)} />;
  const m = model.current;
  const v = m.view;
  const exportPng = async () => {
    const blob = (await cy.current!.png({ output: 'blob-promise', full: true, bg: '#ffffff', scale: 2 })) as Blob;
    download(`tessera-network-${seed}.png`, blob);
  };
  /** The drawn chart as CSV, one row per link (i2 Analyst's Notebook imports it with a link import specification). */
  const exportCsv = () => {
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const rows = [['From ID', 'From label', 'From type', 'Link type', 'To ID', 'To label', 'To type'].map(q).join(',')];
    for (const e of m.edges.values()) {
      if (!v.drawn.has(e.source) || !v.drawn.has(e.target)) continue;
      const end = (id: string) => [id, m.label(id), m.nodes.get(id)?.type ?? ''];
      rows.push([...end(e.source), e.kind, ...end(e.target)].map(q).join(','));
    }
    download(`tessera-network-${seed}.csv`, new Blob([`${rows.join('\r\n')}\r\n`], { type: 'text/csv' }));
  };

  // The table: aggregates first (they are where the chart is waiting for a decision), then the drawn nodes.
  const rows = [...[...v.aggregates.values()].filter((a) => v.drawn.has(a.parent)).map((a) => a.id), ...v.drawn];
  const pages = Math.max(1, Math.ceil(rows.length / ROWS_PER_PAGE));
  const page = Math.min(pageNo, pages - 1);
  const shown = rows.slice(page * ROWS_PER_PAGE, (page + 1) * ROWS_PER_PAGE);
  const onPath = (id: string) => path?.nodes.indexOf(id) ?? -1;
  const sel = selected && (v.drawn.has(selected) || v.aggregates.has(selected)) ? selected : undefined;
  const truncation = m.truncation;
  return (
    <section class="network">
      <h1>{t('network.title')}</h1>
      <PurposeLine onChange={() => setAsking(true)} />
      {status.loading && <Loading />}
      <Problems error={status.error} />
      {status.empty && <NotFound />}
      {(truncation.text || truncation.reasons.size > 0) && (
        <div class="warning" role="status" data-testid="truncation">
          <p>{t('network.truncated', { reason: truncation.text ?? '' })}</p>
          <ul>
            {truncation.reasons.has('DEGREE_CAP') && <li>{t('network.degreeCap', { cap: DEGREE_CAP })}</li>}
            {truncation.reasons.has('NODE_LIMIT') && <li>{t('network.nodeLimit', { limit: NODE_LIMIT })}</li>}
            {truncation.at.size > 0 && <li>{t('network.truncatedAt', { count: truncation.at.size })}</li>}
          </ul>
        </div>
      )}
      <div class="toolbar">
        <span data-testid="drawn-count">{t('network.nodes', { count: v.drawn.size })}</span>
        <button type="button" onClick={() => void exportPng()} disabled={!v.drawn.size}>
          {t('network.exportPng')}
        </button>
        <button type="button" onClick={exportCsv} disabled={!v.drawn.size}>
          {t('network.exportCsv')}
        </button>
        <button type="button" class="secondary" onClick={undo} disabled={!history.current.length || busy}>
          {t('network.undo')}
        </button>
        <label class="inline">
          {t('network.groupAbove')}{' '}
          <input
            type="number"
            min={1}
            value={groupAbove}
            onInput={(e) => {
              const n = Math.floor(Number((e.target as HTMLInputElement).value));
              if (n >= 1) setGroupAbove(n);
            }}
          />
        </label>
      </div>
      {sel && (
        <div class="toolbar" data-testid="selection">
          <strong data-testid="selected">{t('network.selected', { label: m.label(sel) })}</strong>
          {v.aggregates.has(sel) ? (
            <button type="button" onClick={() => void pageIn(sel)} disabled={busy}>
              {t('network.pageIn', { count: Math.min(groupAbove, v.aggregates.get(sel)!.members.length) })}
            </button>
          ) : (
            <>
              <button type="button" onClick={() => void expand(sel)} disabled={busy || !m.hidden(sel)}>
                {t('network.expand')}
              </button>
              {m.hiddenKinds(sel).map(([kind, n]) => (
                <button key={kind} type="button" class="small" onClick={() => void expand(sel, kind)} disabled={busy}>
                  {t('network.expandKind', { kind, count: n })}
                </button>
              ))}
              <button type="button" class="secondary" onClick={() => collapse(sel)} disabled={!m.canCollapse(sel)}>
                {t('network.collapse')}
              </button>
              <button type="button" class="secondary" onClick={() => togglePathEnd(sel)} aria-pressed={pathEnds.includes(sel)}>
                {t('network.pathEnd')}
              </button>
            </>
          )}
        </div>
      )}
      <div class="toolbar" data-testid="path-tools">
        <span>{pathEnds.length ? t('network.pathEnds', { ends: pathEnds.map((id) => m.label(id)).join(' → ') }) : t('network.pathHint')}</span>
        <button type="button" onClick={() => void findPath()} disabled={pathEnds.length !== 2 || busy}>
          {t('network.findPath')}
        </button>
        {path !== undefined && (
          <button type="button" class="secondary" onClick={clearPath}>
            {t('network.clearPath')}
          </button>
        )}
        {path === null && (
          <span role="status" data-testid="no-path">
            {t('network.noPath', { depth: PATH_DEPTH })}
          </span>
        )}
        {path && (
          <span role="status" data-testid="path-found">
            {t('network.pathFound', { count: path.nodes.length - 1 })}
          </span>
        )}
      </div>
      <div class="chart" ref={container} role="img" aria-label={t('network.title')} data-testid="chart" />
      <p class="muted">{t('network.selectHint')}</p>
      <table class="nodes" data-testid="node-table">
        <caption>
          {t('network.list')}{' '}
          <span class="muted">
            {t('network.rows', { from: rows.length ? page * ROWS_PER_PAGE + 1 : 0, to: page * ROWS_PER_PAGE + shown.length, count: rows.length })}
          </span>
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('network.label')}</th>
            <th scope="col">{t('network.type')}</th>
            <th scope="col">{t('network.hidden')}</th>
            <th scope="col">{t('network.onPath')}</th>
            <th scope="col">{t('network.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((id) => {
            const agg = v.aggregates.get(id);
            const label = m.label(id);
            if (agg) {
              return (
                <tr key={id} data-node={id} class="aggregate">
                  <th scope="row">{label}</th>
                  <td>{t('network.aggregate', { label: m.label(agg.parent) })}</td>
                  <td>{agg.members.length}</td>
                  <td />
                  <td>
                    <button type="button" class="small" onClick={() => void pageIn(id)} disabled={busy}>
                      {t('network.pageIn', { count: Math.min(groupAbove, agg.members.length) })}
                      <span class="visually-hidden"> ({label})</span>
                    </button>
                  </td>
                </tr>
              );
            }
            const hidden = m.hidden(id);
            const at = onPath(id);
            return (
              <tr key={id} data-node={id} data-path={at >= 0 ? 'true' : undefined} class={at >= 0 ? 'path' : undefined}>
                <th scope="row">{label}</th>
                <td>{m.nodes.get(id)?.type}</td>
                <td>{hidden ? t('network.more', { count: hidden }) : '0'}</td>
                <td>
                  {at >= 0 && (
                    <span class="path-marker" data-testid="path-marker">
                      {t('network.pathStep', { step: at + 1, count: path!.nodes.length })}
                    </span>
                  )}
                </td>
                <td class="actions">
                  <label class="inline">
                    <input type="checkbox" checked={pathEnds.includes(id)} onChange={() => togglePathEnd(id)} /> {t('network.pathEnd')}
                    <span class="visually-hidden"> ({label})</span>
                  </label>
                  <button type="button" class="small secondary" onClick={() => setSelected(id)} aria-pressed={sel === id}>
                    {t('network.select')}
                    <span class="visually-hidden"> ({label})</span>
                  </button>
                  {hidden > 0 && (
                    <button type="button" class="small" onClick={() => void expand(id)} disabled={busy}>
                      {t('network.expand')}
                      <span class="visually-hidden"> ({label})</span>
                    </button>
                  )}
                  {m.canCollapse(id) && (
                    <button type="button" class="small secondary" onClick={() => collapse(id)}>
                      {t('network.collapse')}
                      <span class="visually-hidden"> ({label})</span>
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {pages > 1 && (
        <nav class="pager" aria-label={t('network.pages')}>
          <button type="button" class="small secondary" onClick={() => setPageNo(page - 1)} disabled={page === 0}>
            {t('network.previous')}
          </button>
          <span>{t('network.page', { page: page + 1, pages })}</span>
          <button type="button" class="small secondary" onClick={() => setPageNo(page + 1)} disabled={page >= pages - 1}>
            {t('network.next')}
          </button>
        </nav>
      )}
    </section>
  );
}
