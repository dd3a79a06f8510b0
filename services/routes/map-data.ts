import { REDACTED } from '../../policies/enforce';
import type { RequestContext } from '../kernel/context';
import type { ExploitationType } from '../kernel/taxonomy';
import { hotspots, routeAggregates } from './aggregate.service';
import { locationOf, type Projected, transitOf } from './route.service';

/** A place as a map draws it: only what the Location policy released to the caller. */
export interface MapPlace {
  name: string;
  countryCode: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** A count as released to the caller: a number, or null when it was withheld (fewer than k). */
export interface MapCounts {
  caseCount: number | null;
  victimCount: number | null;
  countSuppressed: boolean;
}

export interface MapRoute extends MapCounts {
  origin: MapPlace | null;
  transit: MapPlace[];
  destination: MapPlace | null;
  periodStart: string | null;
  periodEnd: string | null;
}

export interface MapHotspot extends MapCounts {
  location: MapPlace | null;
  periodStart: string | null;
  periodEnd: string | null;
}

const value = <T>(v: unknown): T | null => (v === REDACTED || v === undefined ? null : (v as T));

function mapPlace(p: Projected | null): MapPlace | null {
  if (!p) return null;
  const num = (v: unknown) => (value<number | string>(v) === null ? null : Number(v));
  return { name: String(value(p.name) ?? ''), countryCode: value<string>(p.countryCode), latitude: num(p.latitude), longitude: num(p.longitude) };
}

function counts(p: Projected): MapCounts {
  return { caseCount: value<number>(p.caseCount), victimCount: value<number>(p.victimCount), countSuppressed: value<boolean>(p.countSuppressed) === true };
}

/**
 * The route aggregates and hotspots of a period exactly as the caller reads them through `routeAggregates`
 * and `hotspots` (the same services: reach, agency-type rules, disclosure control), with their places,
 * for drawing a map or a table of them elsewhere (an intelligence report's visuals).
 */
export async function routeMapData(
  ctx: RequestContext,
  args: { periodFrom: string; periodTo: string; exploitationType?: ExploitationType },
): Promise<{ periodFrom: string; periodTo: string; routes: MapRoute[]; hotspots: MapHotspot[] }> {
  const aggregates = await routeAggregates(ctx, args);
  const routes: MapRoute[] = [];
  for (const r of aggregates.nodes) {
    routes.push({
      ...counts(r),
      origin: mapPlace(await locationOf(ctx, r, 'originLocationId')),
      transit: (await transitOf(ctx, r)).map((p) => mapPlace(p)!),
      destination: mapPlace(await locationOf(ctx, r, 'destinationLocationId')),
      periodStart: value<string>(r.periodStart),
      periodEnd: value<string>(r.periodEnd),
    });
  }
  const places: MapHotspot[] = [];
  for (const h of await hotspots(ctx, args.periodFrom, args.periodTo, args.exploitationType)) {
    places.push({
      ...counts(h),
      location: mapPlace(await locationOf(ctx, h, 'locationId')),
      periodStart: value<string>(h.periodStart),
      periodEnd: value<string>(h.periodEnd),
    });
  }
  return { periodFrom: aggregates.periodFrom, periodTo: aggregates.periodTo, routes, hotspots: places };
}
