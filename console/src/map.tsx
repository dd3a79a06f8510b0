import type { CombinedError } from '@urql/core';
import { geoAzimuthalEqualArea, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { navigate } from './app';
import { Loading, Problems } from './common';
import { client } from './graphql';
import { graphql, type ResultOf, type VariablesOf } from './gql';
import { t } from './i18n';

const PLACE = graphql(`
  fragment Place on Location {
    id
    name
    countryCode
    latitude
    longitude
  }
`);
const MAP = graphql(
  `
    query Map($from: String!, $to: String!, $type: ExploitationType, $filter: RouteFilter) {
      routeAggregates(periodFrom: $from, periodTo: $to, exploitationType: $type) {
        periodFrom
        periodTo
        disclosureThreshold
        nodes {
          origin {
            ...Place
          }
          transit {
            ...Place
          }
          destination {
            ...Place
          }
          exploitationTypes
          periodStart
          periodEnd
          caseCount
          victimCount
          countSuppressed
        }
      }
      hotspots(periodFrom: $from, periodTo: $to, exploitationType: $type) {
        location {
          ...Place
        }
        periodStart
        periodEnd
        caseCount
        victimCount
        countSuppressed
      }
      routes(first: 100, filter: $filter) {
        nodes {
          id
          origin {
            ...Place
          }
          transit {
            ...Place
          }
          destination {
            ...Place
          }
          exploitationTypes
          periodStart
          periodEnd
          caseCount
          victimCount
          countSuppressed
        }
      }
    }
  `,
  [PLACE],
);

type MapData = ResultOf<typeof MAP>;
type Place = ResultOf<typeof PLACE>;
type Hotspot = MapData['hotspots'][number];
/** A flow: a route of the live aggregates, or a published route. */
type Flow = MapData['routeAggregates']['nodes'][number] | MapData['routes']['nodes'][number];
type Counts = Pick<Hotspot, 'caseCount' | 'victimCount' | 'countSuppressed' | 'periodStart' | 'periodEnd'>;

type ExploitationType = NonNullable<VariablesOf<typeof MAP>['type']>;
export const EXPLOITATION_TYPES: ExploitationType[] = ['SEXUAL', 'LABOUR', 'CRIMINAL', 'DOMESTIC_SERVITUDE', 'ORGAN_HARVESTING'];

/** The default period: from the start of last year to the end of this one. */
export function defaultPeriod(today = new Date()): { from: string; to: string } {
  const y = today.getUTCFullYear();
  return { from: `${y - 1}-01-01`, to: `${y}-12-31` };
}

// ---- the map ------------------------------------------------------------------------------

const W = 960;
const H = 640;

/**
 * Country outlines from Natural Earth (world-atlas, 1:50m), bundled as a chunk of the console's own:
 * loaded from this origin when the map first opens, never from a tile server.
 */
let countries: Promise<Array<Feature<Geometry, { name: string }>>> | undefined;
function loadCountries(): Promise<Array<Feature<Geometry, { name: string }>>> {
  countries ??= import('world-atlas/countries-50m.json').then((m) => {
    const topology = (m.default ?? m) as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
    return (feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>).features;
  });
  return countries;
}

/**
 * Europe in its Lambert azimuthal equal-area projection (centred at 10°E 52°N, as ETRS89-LAEA),
 * fitted to the British Isles and Romania and to every place drawn, so the Romania → UK story
 * always fits.
 */
function projectionFor(places: Place[]) {
  const frame: Array<[number, number]> = [
    [-10.5, 50],
    [-3, 58.7],
    [29.7, 45.2],
    [26, 48.3],
  ];
  for (const p of places) if (p.longitude !== null && p.latitude !== null) frame.push([p.longitude, p.latitude]);
  return geoAzimuthalEqualArea()
    .rotate([-10, -52])
    .clipAngle(60)
    .fitExtent(
      [
        [40, 30],
        [W - 40, H - 30],
      ],
      { type: 'MultiPoint', coordinates: frame },
    )
    .clipExtent([
      [0, 0],
      [W, H],
    ]);
}

const uniquePlaces = (places: Place[]) => [...new Map(places.map((p) => [p.id, p])).values()];

type Projector = (p: Place | null) => [number, number] | undefined;

/** A flow's arc through its places: one gentle curve per leg, bulging to the left of travel. */
function arcPath(points: Array<[number, number]>): string {
  let d = `M${points[0]![0].toFixed(1)},${points[0]![1].toFixed(1)}`;
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1]!;
    const [x1, y1] = points[i]!;
    const cx = (x0 + x1) / 2 + (y1 - y0) * 0.18;
    const cy = (y0 + y1) / 2 - (x1 - x0) * 0.18;
    d += ` Q${cx.toFixed(1)},${cy.toFixed(1)} ${x1.toFixed(1)},${y1.toFixed(1)}`;
  }
  return d;
}

function countLabel(c: Counts, k: number | null, short: boolean): string {
  if (c.countSuppressed || c.caseCount === null) {
    return short ? t('map.fewerThanShort', { k: k ?? '?' }) : t('map.fewerThan', { k: k ?? '?' });
  }
  return short ? String(c.caseCount) : t('map.cases', { count: c.caseCount });
}

const width = (c: Counts) => (c.countSuppressed || c.caseCount === null ? 1.5 : 1.5 + Math.sqrt(c.caseCount) * 1.4);
const radius = (c: Counts) => (c.countSuppressed || c.caseCount === null ? 5 : 4 + Math.sqrt(c.caseCount) * 3);

function FlowArc({ flow, project, k, kind }: { flow: Flow; project: Projector; k: number | null; kind: 'live' | 'published' }) {
  const points = [flow.origin, ...flow.transit, flow.destination].map(project).filter((p): p is [number, number] => !!p);
  if (points.length < 2) return null;
  const d = arcPath(points);
  const suppressed = !!flow.countSuppressed || flow.caseCount === null;
  const names = [flow.origin, ...flow.transit, flow.destination].map((p) => p?.name ?? '?').join(' → ');
  // The count sits at the middle of the last leg, where flows into one place part.
  const [x0, y0] = points[points.length - 2]!;
  const [x1, y1] = points[points.length - 1]!;
  const lx = (x0 + x1) / 2 + (y1 - y0) * 0.09;
  const ly = (y0 + y1) / 2 - (x1 - x0) * 0.09;
  return (
    <g class={`flow ${kind}${suppressed ? ' suppressed' : ''}`} data-flow={names}>
      <title>{`${names}: ${countLabel(flow, k, false)}`}</title>
      <path d={d} stroke-width={width(flow)} marker-end={`url(#arrow-${kind})`} />
      {points.map(([x, y], i) => (
        <circle key={i} class="stop" cx={x} cy={y} r={2.5} />
      ))}
      <text class="count" x={lx} y={ly}>
        {countLabel(flow, k, true)}
      </text>
    </g>
  );
}

function EuropeMap({ data, k }: { data: { flows: Flow[]; published: Flow[]; hotspots: Hotspot[] }; k: number | null }) {
  const [shapes, setShapes] = useState<Array<Feature<Geometry, { name: string }>>>();
  useEffect(() => {
    void loadCountries().then(setShapes);
  }, []);
  const places = useMemo(() => {
    const all: Place[] = [];
    for (const f of [...data.flows, ...data.published]) all.push(...[f.origin, ...f.transit, f.destination].filter((p): p is Place => !!p));
    for (const h of data.hotspots) if (h.location) all.push(h.location);
    return all;
  }, [data]);
  const projection = useMemo(() => projectionFor(places), [places]);
  const path = useMemo(() => geoPath(projection), [projection]);
  const outlines = useMemo(
    () => (shapes ?? []).map((f) => ({ name: f.properties.name, id: String(f.id ?? ''), d: path(f) ?? '' })).filter((o) => o.d),
    [shapes, path],
  );
  const project: Projector = (p) => {
    if (!p || p.longitude === null || p.latitude === null) return undefined;
    return projection([p.longitude, p.latitude]) ?? undefined;
  };
  return (
    <svg
      class="europe"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={t('map.mapLabel', { routes: data.flows.length + data.published.length, hotspots: data.hotspots.length })}
      data-testid="map"
    >
      <defs>
        {(['live', 'published'] as const).map((kind) => (
          <marker key={kind} id={`arrow-${kind}`} class={`arrow ${kind}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" />
          </marker>
        ))}
      </defs>
      <rect class="sea" width={W} height={H} />
      <g class="countries">
        {outlines.map((o) => (
          <path key={o.id + o.name} d={o.d} data-country={o.name} data-iso={o.id} />
        ))}
      </g>
      <g class="flows">
        {data.published.map((f, i) => (
          <FlowArc key={`p${i}`} flow={f} project={project} k={k} kind="published" />
        ))}
        {data.flows.map((f, i) => (
          <FlowArc key={`l${i}`} flow={f} project={project} k={k} kind="live" />
        ))}
      </g>
      <g class="places">
        {uniquePlaces(places).map((p) => {
          const at = project(p);
          return at ? (
            <text key={p.id} x={at[0] - 6} y={at[1] - 7} text-anchor="end">
              {p.name}
            </text>
          ) : null;
        })}
      </g>
      <g class="hotspots">
        {data.hotspots.map((h, i) => {
          const at = project(h.location);
          if (!at) return null;
          const suppressed = !!h.countSuppressed || h.caseCount === null;
          const r = radius(h);
          return (
            <g key={i} class={`hotspot${suppressed ? ' suppressed' : ''}`} data-hotspot={h.location?.name ?? ''}>
              <title>{`${h.location?.name ?? ''}: ${countLabel(h, k, false)}`}</title>
              <circle cx={at[0]} cy={at[1]} r={r} />
              <text class="count" x={at[0] + r + 3} y={at[1] + 4}>
                {countLabel(h, k, true)}
              </text>
            </g>
          );
        })}
      </g>
    </svg>
  );
}

// ---- the page -----------------------------------------------------------------------------

function CountCell({ value, row, k }: { value: number | null; row: Counts; k: number | null }) {
  if (row.countSuppressed || value === null) return <span class="suppressed-count">{t('map.fewerThan', { k: k ?? '?' })}</span>;
  return <>{value}</>;
}

const placeName = (p: Place | null) => (p ? `${p.name ?? ''}${p.countryCode ? ` (${p.countryCode})` : ''}` : t('common.none'));
const typeNames = (types: string[] | null) => (types?.length ? types.map((x) => t(`exploitationTypes.${x}`)).join(', ') : t('common.none'));
const periodOf = (c: Counts) => (c.periodStart || c.periodEnd ? `${c.periodStart ?? '…'} – ${c.periodEnd ?? '…'}` : t('common.none'));

function FlowTable({ caption, flows, k, testid }: { caption: string; flows: Flow[]; k: number | null; testid: string }) {
  return (
    <table class="nodes" data-testid={testid}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('map.origin')}</th>
          <th scope="col">{t('map.transit')}</th>
          <th scope="col">{t('map.destination')}</th>
          <th scope="col">{t('map.types')}</th>
          <th scope="col">{t('map.period')}</th>
          <th scope="col">{t('map.caseCount')}</th>
          <th scope="col">{t('map.victimCount')}</th>
        </tr>
      </thead>
      <tbody>
        {flows.map((f, i) => (
          <tr key={'id' in f ? f.id : i}>
            <td>{placeName(f.origin)}</td>
            <td>{f.transit.length ? f.transit.map((p) => p.name).join(' → ') : t('common.none')}</td>
            <td>{placeName(f.destination)}</td>
            <td>{typeNames(f.exploitationTypes)}</td>
            <td>{periodOf(f)}</td>
            <td>
              <CountCell value={f.caseCount} row={f} k={k} />
            </td>
            <td>
              <CountCell value={f.victimCount} row={f} k={k} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const overlaps = (c: Counts, from: string, to: string) => (!c.periodEnd || c.periodEnd >= from) && (!c.periodStart || c.periodStart <= to);

/**
 * Route flows and hotspots on a map of Europe drawn from outlines shipped with the console (no tile
 * server), over the period and exploitation type the API is asked for, with the same numbers in
 * tables beside it. Counts the API withheld read "fewer than k", k as the API states it.
 */
export function MapPage({ query }: { query: URLSearchParams }) {
  const fallback = defaultPeriod();
  const from = query.get('from') || fallback.from;
  const to = query.get('to') || fallback.to;
  const type = query.get('type') || '';
  const [form, setForm] = useState({ from, to, type });
  const [state, setState] = useState<{ loading: boolean; data?: MapData; error?: CombinedError; asked?: string }>({ loading: true });
  const asked = `${from}/${to}/${type}`;
  const [invalid, setInvalid] = useState(false);

  useEffect(() => setForm({ from, to, type }), [from, to, type]);
  useEffect(() => {
    setState({ loading: true });
    void client
      .query(MAP, { from, to, type: (type as ExploitationType) || null, filter: type ? { exploitationType: type as ExploitationType } : null })
      .toPromise()
      .then((r) => setState({ loading: false, data: r.data, error: r.error, asked }));
  }, [from, to, type]);

  const agg = state.data?.routeAggregates;
  const k = agg?.disclosureThreshold ?? null;
  const shown = useMemo(
    () =>
      state.data && agg
        ? {
            flows: agg.nodes,
            published: state.data.routes.nodes.filter((r) => overlaps(r, agg.periodFrom, agg.periodTo)),
            hotspots: state.data.hotspots,
          }
        : undefined,
    [state.data],
  );

  return (
    <section class="map-page">
      <h1>{t('map.title')}</h1>
      <p class="muted">{t('map.intro')}</p>
      <form
        class="period"
        onSubmit={(e) => {
          e.preventDefault();
          if (form.from > form.to) return setInvalid(true);
          setInvalid(false);
          const q = new URLSearchParams({ from: form.from, to: form.to });
          if (form.type) q.set('type', form.type);
          navigate(`/map?${q}`);
        }}
      >
        <div>
          <label for="map-from">{t('map.from')}</label>
          <input id="map-from" type="date" required value={form.from} onInput={(e) => setForm({ ...form, from: (e.target as HTMLInputElement).value })} />
        </div>
        <div>
          <label for="map-to">{t('map.to')}</label>
          <input id="map-to" type="date" required value={form.to} onInput={(e) => setForm({ ...form, to: (e.target as HTMLInputElement).value })} />
        </div>
        <div>
          <label for="map-type">{t('map.type')}</label>
          <select id="map-type" value={form.type} onChange={(e) => setForm({ ...form, type: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('map.allTypes')}</option>
            {EXPLOITATION_TYPES.map((x) => (
              <option key={x} value={x}>
                {t(`exploitationTypes.${x}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('map.apply')}</button>
      </form>
      {invalid && (
        <p class="problem" role="alert">
          {t('map.badPeriod')}
        </p>
      )}
      {state.loading && <Loading />}
      <Problems error={state.error} />
      {agg && shown && (
        <>
          <p data-testid="counted" data-asked={state.asked}>
            {agg.periodFrom === from && agg.periodTo === to
              ? t('map.counted', { from: agg.periodFrom, to: agg.periodTo })
              : t('map.widened', { from: agg.periodFrom, to: agg.periodTo })}{' '}
            {k === null ? t('map.exact') : t('map.threshold', { k })}
          </p>
          <div class="map-frame">
            <EuropeMap data={shown} k={k} />
            <ul class="legend" aria-hidden="true">
              <li class="live">{t('map.legendFlow')}</li>
              <li class="published">{t('map.legendPublished')}</li>
              <li class="hotspot">{t('map.legendHotspot')}</li>
              {k !== null && <li class="suppressed">{t('map.legendSuppressed', { k })}</li>}
            </ul>
          </div>
          <p class="muted hint">{t('map.offline')}</p>
          {!shown.flows.length && !shown.hotspots.length && !shown.published.length && <p>{t('map.none')}</p>}
          <FlowTable caption={t('map.flows')} flows={shown.flows} k={k} testid="flows" />
          <table class="nodes" data-testid="hotspots">
            <caption>{t('map.hotspots')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('map.place')}</th>
                <th scope="col">{t('map.period')}</th>
                <th scope="col">{t('map.caseCount')}</th>
                <th scope="col">{t('map.victimCount')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.hotspots.map((h, i) => (
                <tr key={i}>
                  <td>{placeName(h.location)}</td>
                  <td>{periodOf(h)}</td>
                  <td>
                    <CountCell value={h.caseCount} row={h} k={k} />
                  </td>
                  <td>
                    <CountCell value={h.victimCount} row={h} k={k} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <FlowTable caption={t('map.published')} flows={shown.published} k={k} testid="published" />
          <p class="muted hint">{t('map.publishedNote')}</p>
        </>
      )}
    </section>
  );
}
