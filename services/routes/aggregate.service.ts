import DataLoader from 'dataloader';
import { SqlParams } from '../../policies/sql';
import type { PolicyRecord } from '../../policies/subjects';
import { reachedCaseEventsSql } from '../cases/api';
import type { RequestContext } from '../kernel/context';
import { mayReadAny, projectOne } from '../kernel/policy';
import type { ExploitationType } from '../kernel/taxonomy';
import { isoDate, period } from '../kernel/validate';
import { type CountRequest, disclose, type DisclosurePolicy, disclosurePolicy, type LiveCell, type Member } from './disclosure';
import { countryCode, type Projected } from './route.service';

type EventType = 'RECRUITMENT' | 'TRANSIT' | 'EXPLOITATION';

interface CountableEvent {
  caseId: string;
  type: EventType;
  occurredOn: string;
  locationId: string;
  countryCode: string;
  locationName: string;
  exploitationTypes: string[];
  victims: number;
}

interface Place {
  id: string;
  countryCode: string;
  name: string;
}

/**
 * The trafficking events that may move an aggregate, in each case's date order (same-day steps in
 * travel order: recruitment, transit, exploitation), read through the cases subgraph's API
 * (`reachedCaseEventsSql`, one set-based statement): the counts follow the cases as they change,
 * and no case row leaves the routes service, only counts.
 * Only events, cases and victims that reach the caller are counted (the same reach as every read):
 * an aggregate is derived from its sources and takes their marking, so an AMBER case moves the
 * counts of the agencies it was shared with and of nobody else. Owners who want the hub's analysts
 * to count a case share it with them.
 * Events without a date or a known place cannot be placed on a route and are left out.
 * All time and no filter, applied per cell in disclose(); at a much larger scale this becomes a
 * read model kept per case, not a scan.
 *
 * Read once per request for all the aggregates it asks for (the console's map asks for routes and
 * hotspots together): the event types the request's aggregates ask for in one tick are read in one
 * statement, and each gets its own types' events, in the same order.
 */
function countableEvents(ctx: RequestContext, types: readonly EventType[]): Promise<CountableEvent[]> {
  const loader = ctx.loader('routes.countableEvents', () => new DataLoader<string, CountableEvent[]>(readCountableEvents));
  return loader.load([...types].sort().join(','));
  async function readCountableEvents(keys: readonly string[]): Promise<CountableEvent[][]> {
    const asked = keys.map((k) => k.split(',') as EventType[]);
    const events = await readEvents(ctx, [...new Set(asked.flat())]);
    return asked.map((types) => events.filter((e) => types.includes(e.type)));
  }
}

async function readEvents(ctx: RequestContext, types: EventType[]): Promise<CountableEvent[]> {
  const params = new SqlParams();
  return ctx.db.query<CountableEvent>(
    `SELECT e.case_id::text AS "caseId", e.type, e.occurred_on::text AS "occurredOn", l.id::text AS "locationId",
       l.country_code AS "countryCode", l.name AS "locationName", e.exploitation_types AS "exploitationTypes", e.victims
     FROM (${reachedCaseEventsSql(ctx, params, types)}) e
     JOIN routes.locations l ON l.id = e.location_id
     ORDER BY e.case_id, e.occurred_on, array_position(ARRAY['RECRUITMENT', 'TRANSIT', 'EXPLOITATION'], e.type), e.created_at, e.id`,
    params.values,
  );
}

function countRequest(periodFrom: string, periodTo: string, exploitationType: ExploitationType | undefined): CountRequest {
  const from = isoDate('periodFrom', periodFrom) as string;
  const to = isoDate('periodTo', periodTo) as string;
  period('periodTo', from, to);
  return { periodFrom: from, periodTo: to, exploitationType: exploitationType ?? null };
}

function byCase(events: CountableEvent[]): CountableEvent[][] {
  const cases: CountableEvent[][] = [];
  for (const e of events) {
    const last = cases[cases.length - 1];
    if (last && last[0]!.caseId === e.caseId) last.push(e);
    else cases.push([e]);
  }
  return cases;
}

const place = (e: CountableEvent): Place => ({ id: e.locationId, countryCode: e.countryCode, name: e.locationName });
const byPlace = (a: Place, b: Place) => a.countryCode.localeCompare(b.countryCode) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/** An aggregate record through the field policy; `exactCounts` has done its work in disclosurePolicy. */
function projectAggregate(ctx: RequestContext, record: PolicyRecord): Projected {
  const projected = projectOne(ctx, record);
  delete projected.exactCounts;
  return projected;
}

// ---- hotspots -----------------------------------------------------------------------------

interface HotspotCell extends LiveCell {
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
  const ordered = [...hotspotCells(await countableEvents(ctx, ['EXPLOITATION'])).values()].sort((a, b) => byPlace(a.location, b.location));
  const disclosed = disclose(ordered, request, disclosurePolicy(ctx, 'Hotspot'));
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

/** One cell per place of exploitation; a case is a member through its EXPLOITATION events there. */
function hotspotCells(events: CountableEvent[]): Map<string, HotspotCell> {
  const cells = new Map<string, HotspotCell>();
  const members = new Map<string, { dates: string[] } & Member>();
  for (const e of events) {
    if (e.type !== 'EXPLOITATION') continue;
    let cell = cells.get(e.locationId);
    if (!cell) cells.set(e.locationId, (cell = { location: place(e), members: [] }));
    const key = `${e.locationId}|${e.caseId}`;
    let member = members.get(key);
    if (!member) {
      members.set(key, (member = { id: e.caseId, dates: [], exploitationTypes: e.exploitationTypes, victims: e.victims }));
      (cell.members as Member[]).push(member);
    }
    member.dates.push(e.occurredOn);
  }
  return cells;
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
function routesOfCase(events: CountableEvent[]): Array<{ origin: Place; destination: Place; member: Member }> {
  const o = events.findIndex((e) => e.type === 'RECRUITMENT');
  if (o < 0) return [];
  const origin = events[o]!;
  const firstAt = new Map<string, number>();
  events.forEach((e, i) => {
    if (i > o && e.type === 'EXPLOITATION' && !firstAt.has(e.locationId)) firstAt.set(e.locationId, i);
  });
  return [...firstAt].map(([destinationId, first]) => {
    const transit = events.slice(o + 1, first).filter((e) => e.type === 'TRANSIT');
    const exploitation = events.slice(first).filter((e) => e.type === 'EXPLOITATION' && e.locationId === destinationId);
    const transitIds = transit.map((e) => e.locationId).filter((id, i, ids) => i === 0 || ids[i - 1] !== id);
    return {
      origin: place(origin),
      destination: place(events[first]!),
      member: {
        id: origin.caseId,
        dates: [origin.occurredOn, ...transit.map((e) => e.occurredOn), ...exploitation.map((e) => e.occurredOn)],
        exploitationTypes: origin.exploitationTypes,
        victims: origin.victims,
        transit: transitIds,
      },
    };
  });
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
  const events = await countableEvents(ctx, ['RECRUITMENT', 'TRANSIT', 'EXPLOITATION']);
  const cells = new Map<string, RouteCell>();
  for (const chain of byCase(events)) {
    for (const { origin, destination, member } of routesOfCase(chain)) {
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

interface AreaCell extends LiveCell {
  location: Place;
}

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
  const events = await countableEvents(ctx, ['RECRUITMENT']);
  const cells = new Map<string, AreaCell>();
  const members = new Map<string, Member & { dates: string[] }>();
  for (const e of events) {
    if (only && !only.includes(e.locationId)) continue;
    let cell = cells.get(e.locationId);
    if (!cell) cells.set(e.locationId, (cell = { location: place(e), members: [] }));
    const key = `${e.locationId}|${e.caseId}`;
    let member = members.get(key);
    if (!member) {
      members.set(key, (member = { id: e.caseId, dates: [], exploitationTypes: e.exploitationTypes, victims: e.victims }));
      (cell.members as Member[]).push(member);
    }
    member.dates.push(e.occurredOn);
  }
  const ordered = [...cells.values()].sort((a, b) => byPlace(a.location, b.location));
  const disclosed = disclose(ordered, { ...request, exploitationType: null }, policy);
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
