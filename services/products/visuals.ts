import fs from 'node:fs';
import { geoMercator, geoPath } from 'd3-geo';
import type { FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import type { ChartEdge, ChartNode } from '../entities/api';
import type { MapCounts, MapHotspot, MapPlace, MapRoute } from '../routes/api';

/**
 * The visuals of an intelligence report as SVG, drawn server-side from data already read through the
 * policy of the audience (report.service.ts renders them as the audience's reader): a route map on
 * the world atlas (d3-geo, world-atlas, offline) and a network chart. Every text is escaped; no
 * script, no style attribute, no external reference: the console shows them as images and the PDF
 * draws them.
 */

export const MAP_SIZE = { width: 640, height: 420 } as const;
export const CHART_SIZE = { width: 640, height: 420 } as const;

/** A count as a reader sees it: the number, or "fewer than k" where the disclosure control withheld it. */
export function countText(c: MapCounts, k: number, noun: 'victims' | 'cases' = 'victims'): string {
  const n = noun === 'victims' ? c.victimCount : c.caseCount;
  if (n === null) return c.countSuppressed ? `fewer than ${k} ${noun}` : `${noun}: withheld`;
  return `${n} ${noun}`;
}

export function escapeXml(s: string): string {
  return s
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

let countries: FeatureCollection<Geometry> | undefined;
function worldCountries(): FeatureCollection<Geometry> {
  if (!countries) {
    const topology = JSON.parse(fs.readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8')) as Topology;
    countries = feature(topology, topology.objects.countries!) as unknown as FeatureCollection<Geometry>;
  }
  return countries;
}

const located = (p: MapPlace | null): p is MapPlace & { latitude: number; longitude: number } => !!p && p.latitude !== null && p.longitude !== null;
const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

/**
 * The route map: countries, each route as a line from its origin through its transits to its
 * destination, its places as dots, and its victim count (or "fewer than k") at the destination.
 * Framed on the places shown (Europe when there are none).
 */
export function routeMapSvg(routes: MapRoute[], hotspots: MapHotspot[], k: number): string {
  const { width, height } = MAP_SIZE;
  const places = [...routes.flatMap((r) => [r.origin, ...r.transit, r.destination]), ...hotspots.map((h) => h.location)].filter(located);
  const lons = places.map((p) => p.longitude);
  const lats = places.map((p) => p.latitude);
  const frame: [number, number][] = places.length
    ? [
        [Math.min(...lons) - 4, Math.min(...lats) - 3],
        [Math.max(...lons) + 4, Math.max(...lats) + 3],
      ]
    : [
        [-12, 35],
        [32, 62],
      ];
  const projection = geoMercator()
    .fitExtent(
      [
        [16, 16],
        [width - 16, height - 16],
      ],
      { type: 'MultiPoint', coordinates: frame },
    )
    .clipExtent([
      [0, 0],
      [width, height],
    ]);
  const path = geoPath(projection);
  const xy = (p: MapPlace & { latitude: number; longitude: number }) => projection([p.longitude, p.latitude])!;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Route map">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#dbe9f6"/>`,
  ];
  for (const f of worldCountries().features) {
    const d = path(f);
    if (d) out.push(`<path d="${d}" fill="#f3efe4" stroke="#9a9a8f" stroke-width="0.5"/>`);
  }
  routes.forEach((r) => {
    const stops = [r.origin, ...r.transit, r.destination].filter(located).map(xy);
    if (stops.length < 2) return;
    out.push(
      `<polyline points="${stops.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ')}" fill="none" stroke="#b3261e" stroke-width="2.5" stroke-opacity="0.85"/>`,
    );
  });
  const labelled = new Set<string>();
  const dot = (p: MapPlace & { latitude: number; longitude: number }, colour: string) => {
    const [x, y] = xy(p);
    out.push(`<circle cx="${fmt(x)}" cy="${fmt(y)}" r="4" fill="${colour}" stroke="#ffffff" stroke-width="1"/>`);
    const key = `${p.name}|${fmt(x)}`;
    if (!labelled.has(key)) {
      labelled.add(key);
      out.push(
        `<text x="${fmt(x + 6)}" y="${fmt(y - 6)}" font-family="Helvetica, Arial, sans-serif" font-size="11" fill="#1f1f1f">${escapeXml(p.name)}</text>`,
      );
    }
  };
  for (const r of routes) {
    for (const p of [r.origin, ...r.transit].filter(located)) dot(p, '#1d4f91');
    if (located(r.destination)) {
      dot(r.destination, '#b3261e');
      const [x, y] = xy(r.destination);
      out.push(
        `<text x="${fmt(x + 6)}" y="${fmt(y + 12)}" font-family="Helvetica, Arial, sans-serif" font-size="11" font-weight="bold" fill="#b3261e">${escapeXml(countText(r, k))}</text>`,
      );
    }
  }
  for (const h of hotspots) if (located(h.location)) dot(h.location, '#b3261e');
  if (!routes.length && !hotspots.length) {
    out.push(
      `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="14" fill="#1f1f1f">No route to show</text>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}

const NODE_COLOURS: Record<ChartNode['type'], string> = { ENTITY: '#1d4f91', PERSON: '#b3261e', CASE: '#3b6e22' };

/**
 * The network chart: nodes on a circle (cases, then persons, then identifiers), edges as lines,
 * identifiers labelled with what the reader may read of them (value or mask), persons and cases by
 * their kind only.
 */
export function networkChartSvg(nodes: ChartNode[], edges: ChartEdge[]): string {
  const { width, height } = CHART_SIZE;
  const order: ChartNode['type'][] = ['CASE', 'PERSON', 'ENTITY'];
  const sorted = [...nodes].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type) || a.id.localeCompare(b.id));
  const cx = width / 2;
  const cy = height / 2;
  const radius = Math.min(width, height) / 2 - 70;
  const at = new Map<string, [number, number]>();
  sorted.forEach((n, i) => {
    const angle = (2 * Math.PI * i) / Math.max(sorted.length, 1) - Math.PI / 2;
    at.set(n.id, sorted.length === 1 ? [cx, cy] : [cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)]);
  });
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Network chart">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff" stroke="#c8c8c8"/>`,
  ];
  for (const e of edges) {
    const a = at.get(e.source);
    const b = at.get(e.target);
    if (a && b) out.push(`<line x1="${fmt(a[0])}" y1="${fmt(a[1])}" x2="${fmt(b[0])}" y2="${fmt(b[1])}" stroke="#8a8a8a" stroke-width="1.2"/>`);
  }
  for (const n of sorted) {
    const [x, y] = at.get(n.id)!;
    out.push(`<circle cx="${fmt(x)}" cy="${fmt(y)}" r="${n.hub ? 9 : 6}" fill="${NODE_COLOURS[n.type]}" stroke="#ffffff" stroke-width="1"/>`);
    const label = n.type === 'ENTITY' ? `${n.kind ?? 'Identifier'}: ${n.label ?? ''}` : n.type === 'PERSON' ? 'Person' : 'Case';
    const anchor = x < cx - 5 ? 'end' : x > cx + 5 ? 'start' : 'middle';
    const dx = anchor === 'end' ? -9 : anchor === 'start' ? 9 : 0;
    out.push(
      `<text x="${fmt(x + dx)}" y="${fmt(y + 4)}" text-anchor="${anchor}" font-family="Helvetica, Arial, sans-serif" font-size="10" fill="#1f1f1f">${escapeXml(label)}</text>`,
    );
  }
  if (!nodes.length) {
    out.push(
      `<text x="${cx}" y="${cy}" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="14" fill="#1f1f1f">No network to show</text>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}
