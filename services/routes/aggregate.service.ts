import DataLoader from 'dataloader';
import type { PolicyRecord } from '../../policies/subjects';
import { type ChainStep, type CountableCase, countableCases } from '../cases/api';
import type { RequestContext } from '../kernel/context';
import { mayReadAny, projectOne } from '../kernel/policy';
import type { ExploitationType } from '../kernel/taxonomy';
import { isoDate, period } from '../kernel/validate';
import { type CountRequest, disclose, type DisclosurePolicy, disclosurePolicy, type LiveCell, type Member } from './disclosure';
import { countryCode, type Projected } from './route.service';

interface Place {
  id: string;
  countryCode: string;
  name: string;
}

/** The counted cases and the places their events name. */
interface Counted {
  /** Each with only its events at a known place. */
  cases: CountableCase[];
  places: Map<string, Place>;
}

/**
 * The cases that may move an aggregate, each with its trafficking events in date order (same-day
 * steps in travel order: recruitment, transit, exploitation), read through the cases subgraph's API
 * (`countableCases`, one statement, mostly from the read model it keeps per case): the counts follow
 * the cases as they change, and no case row leaves the routes service, only counts.
 * Only events, cases and victims that reach the caller are counted (the same reach as every read):
 * an aggregate is derived from its sources and takes their marking, so an AMBER case moves the
 * counts of the agencies it was shared with and of nobody else. Owners who want the hub's analysts
 * to count a case share it with them.
 * Events without a date or a known place cannot be placed on a route and are left out.
 * All time and no filter, applied per cell in disclose(). Read once per request, for all the
 * aggregates it asks for (the console's map asks for routes and hotspots together).
 */
function countedCases(ctx: RequestContext): Promise<Counted> {
  const once = () =>
    new DataLoader<'all', Counted>(async (keys) => {
      const counted = await readCountedCases(ctx);
      return keys.map(() => counted);
    });
  return ctx.loader('routes.countedCases', once).load('all');
}

async function readCountedCases(ctx: RequestContext): Promise<Counted> {
  const cases = await countableCases(ctx);
  const ids = new Set<string>();
  for (const c of cases) for (const step of c.events) ids.add(step[2]);
  const rows = await ctx.db.query<Place>(`SELECT id::text AS id, country_code AS "countryCode", name FROM routes.locations WHERE id = ANY($1::uuid[])`, [
    [...ids],
  ]);
  const places = new Map(rows.map((p) => [p.id, p]));
  for (const c of cases) if (!c.events.every((s) => places.has(s[2]))) c.events = c.events.filter((s) => places.has(s[2]));
  return { cases, places };
}

function countRequest(periodFrom: string, periodTo: string, exploitationType: ExploitationType | undefined): CountRequest {
  const from = isoDate('periodFrom', periodFrom) as string;
  const to = isoDate('periodTo', periodTo) as string;
  period('periodTo', from, to);
  return { periodFrom: from, periodTo: to, exploitationType: exploitationType ?? null };
}

const byPlace = (a: Place, b: Place) => a.countryCode.localeCompare(b.countryCode) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/** An aggregate record through the field policy; `exactCounts` has done its work in disclosurePolicy. */
function projectAggregate(ctx: RequestContext, record: PolicyRecord): Projected {
  const projected = projectOne(ctx, record);
  delete projected.exactCounts;
  return projected;
}

// ---- hotspots -----------------------------------------------------------------------------

interface PlaceCell extends LiveCell {
  location: Place;
}

/**
 * Places of exploitation: a case counts at a place if one of its EXPLOITATION events there falls
 * in the period (and it has the exploitation type asked for). Counts go through disclose(), which
 * for agency types without exact counts widens the period to quarters and perturbs counts and
 * withholds small ones; places are ordered by country and name, never by count, so the order
 * says nothing about a suppressed count.
 */
export async function hotspots(
  ctx: RequestContext,
  periodFrom: string,
  periodTo: string,
  exploitationType: ExploitationType | undefined,
): Promise<Projected[]> {
  const request = countRequest(periodFrom, periodTo, exploitationType);
  if (!mayReadAny(ctx, 'Hotspot')) return [];
  const disclosed = disclose(placeCells(await countedCases(ctx), 'EXPLOITATION'), request, disclosurePolicy(ctx, 'Hotspot'));
  return disclosed.cells.map((d) =>
    projectAggregate(ctx, {
      __typename: 'Hotspot',
      locationId: d.cell.location.id,
      periodStart: disclosed.periodFrom,
      periodEnd: disclosed.periodTo,
      caseCount: d.caseCount,
      victimCount: d.victimCount,
      countSuppressed: d.countSuppressed,
      exactCounts: true,
    }),
  );
}

/**
 * One cell per place where a counted case has events of `type` (of the places `only` names, if
 * given), ordered by country and name: the case is a member through those events, whose dates
 * place it in a period.
 */
function placeCells({ cases, places }: Counted, type: ChainStep[0], only?: readonly string[]): PlaceCell[] {
  const cells = new Map<string, PlaceCell>();
  for (const c of cases) {
    const atPlace = new Map<string, { dates: string[] } & Member>();
    for (const [stepType, occurredOn, locationId] of c.events) {
      if (stepType !== type || (only && !only.includes(locationId))) continue;
      let member = atPlace.get(locationId);
      if (!member) {
        atPlace.set(locationId, (member = { id: c.caseId, dates: [], exploitationTypes: c.exploitationTypes, victims: c.victims }));
        let cell = cells.get(locationId);
        if (!cell) cells.set(locationId, (cell = { location: places.get(locationId)!, members: [] }));
        (cell.members as Member[]).push(member);
      }
      member.dates.push(occurredOn);
    }
  }
  return [...cells.values()].sort((a, b) => byPlace(a.location, b.location));
}

// ---- route aggregates ---------------------------------------------------------------------

interface RouteCell extends LiveCell {
  origin: Place;
  destination: Place;
}

/**
 * Each case's route, from its countable events in date order: the first RECRUITMENT is the origin,
 * each place of EXPLOITATION after it a destination (one route per destination), and the TRANSIT
 * steps between the origin and the first exploitation at that destination its transit. The dates
 * that place the case on that route are those of the origin, those transits and the exploitation
 * events at the destination. A case without a recruitment, or with no exploitation after it, has
 * no route (its exploitation still shows in hotspots).
 */
function routesOfCase(c: CountableCase, places: Map<string, Place>): Array<{ origin: Place; destination: Place; member: Member }> {
  const steps = c.events;
  const o = steps.findIndex(([type]) => type === 'RECRUITMENT');
  if (o < 0) return [];
  const [, originDay, originId] = steps[o]!;
  const firstAt = new Map<string, number>();
  for (let i = o + 1; i < steps.length; i++) {
    const [type, , placeId] = steps[i]!;
    if (type === 'EXPLOITATION' && !firstAt.has(placeId)) firstAt.set(placeId, i);
  }
  const routes: Array<{ origin: Place; destination: Place; member: Member }> = [];
  for (const [destinationId, first] of firstAt) {
    const dates = [originDay];
    // Transit places in travel order, a place repeated on consecutive steps once.
    const transit: string[] = [];
    for (let i = o + 1; i < first; i++) {
      const [type, day, placeId] = steps[i]!;
      if (type !== 'TRANSIT') continue;
      dates.push(day);
      if (transit[transit.length - 1] !== placeId) transit.push(placeId);
    }
    for (let i = first; i < steps.length; i++) {
      const [type, day, placeId] = steps[i]!;
      if (type === 'EXPLOITATION' && placeId === destinationId) dates.push(day);
    }
    routes.push({
      origin: places.get(originId)!,
      destination: places.get(destinationId)!,
      member: { id: c.caseId, dates, exploitationTypes: c.exploitationTypes, victims: c.victims, transit },
    });
  }
  return routes;
}

/**
 * Routes aggregated live from the cases' trafficking events, grouped by origin and destination,
 * with the counted cases, their distinct victims, their period and exploitation types. Counts go
 * through disclose() over every route (the country filters pick whole routes, so they are applied
 * after it and never change a cell's counts).
 */
export async function routeAggregates(
  ctx: RequestContext,
  args: { periodFrom: string; periodTo: string; exploitationType?: ExploitationType; originCountry?: string; destinationCountry?: string },
): Promise<{ periodFrom: string; periodTo: string; disclosureThreshold: number | null; nodes: Projected[] }> {
  const request = countRequest(args.periodFrom, args.periodTo, args.exploitationType);
  const originCountry = countryCode('originCountry', args.originCountry);
  const destinationCountry = countryCode('destinationCountry', args.destinationCountry);
  const policy = disclosurePolicy(ctx, 'Route');
  const disclosureThreshold = policy.exact ? null : policy.k;
  if (!mayReadAny(ctx, 'Route')) {
    const empty = disclose([], request, policy);
    return { periodFrom: empty.periodFrom, periodTo: empty.periodTo, disclosureThreshold, nodes: [] };
  }
  const cells = new Map<string, RouteCell>();
  const counted = await countedCases(ctx);
  for (const c of counted.cases) {
    for (const { origin, destination, member } of routesOfCase(c, counted.places)) {
      const key = `${origin.id}>${destination.id}`;
      let cell = cells.get(key);
      if (!cell) cells.set(key, (cell = { origin, destination, members: [] }));
      (cell.members as Member[]).push(member);
    }
  }
  const ordered = [...cells.values()].sort((a, b) => byPlace(a.origin, b.origin) || byPlace(a.destination, b.destination));
  const disclosed = disclose(ordered, request, policy);
  const nodes = disclosed.cells
    .filter(
      (d) => (!originCountry || d.cell.origin.countryCode === originCountry) && (!destinationCountry || d.cell.destination.countryCode === destinationCountry),
    )
    .map((d) =>
      projectAggregate(ctx, {
        __typename: 'Route',
        originLocationId: d.cell.origin.id,
        destinationLocationId: d.cell.destination.id,
        transitLocationIds: d.transitLocationIds,
        exploitationTypes: d.exploitationTypes,
        periodStart: d.periodStart,
        periodEnd: d.periodEnd,
        caseCount: d.caseCount,
        victimCount: d.victimCount,
        countSuppressed: d.countSuppressed,
        exactCounts: true,
      }),
    );
  return { periodFrom: disclosed.periodFrom, periodTo: disclosed.periodTo, disclosureThreshold, nodes };
}

// ---- recruitment areas (campaign targeting) ------------------------------------------------

/** A place of recruitment with its disclosed counts. */
export interface DisclosedArea {
  locationId: string;
  periodStart: string;
  periodEnd: string;
  caseCount: number | null;
  victimCount: number | null;
  countSuppressed: boolean;
}

/**
 * Places where victims were recruited: the origins of the routes aggregated live (a case's first
 * RECRUITMENT) and every other place of recruitment (recruitment hotspots), with the cases
 * recruited there in the period and their victims. A case counts at a place if one of its
 * RECRUITMENT events there falls in the period. Counts go through disclose() under `policy`, as
 * hotspots and route aggregates do; `only` keeps the given places, listed with zero counts when
 * no counted case was recruited there. Ordered by country and name, never by count.
 */
export async function recruitmentAreas(
  ctx: RequestContext,
  request: { periodFrom: string; periodTo: string },
  policy: DisclosurePolicy,
  only?: readonly string[],
): Promise<{ periodFrom: string; periodTo: string; areas: DisclosedArea[] }> {
  const cells = placeCells(await countedCases(ctx), 'RECRUITMENT', only);
  const disclosed = disclose(cells, { ...request, exploitationType: null }, policy);
  const areas: DisclosedArea[] = disclosed.cells.map((d) => ({
    locationId: d.cell.location.id,
    periodStart: disclosed.periodFrom,
    periodEnd: disclosed.periodTo,
    caseCount: d.caseCount,
    victimCount: d.victimCount,
    countSuppressed: d.countSuppressed,
  }));
  for (const id of only ?? []) {
    if (!areas.some((a) => a.locationId === id)) {
      areas.push({ locationId: id, periodStart: disclosed.periodFrom, periodEnd: disclosed.periodTo, caseCount: 0, victimCount: 0, countSuppressed: false });
    }
  }
  return { periodFrom: disclosed.periodFrom, periodTo: disclosed.periodTo, areas };
}
