import { REDACTED, rawOf } from '../../policies/enforce';
import { SqlParams } from '../../policies/sql';
import { loadConfig } from '../kernel/config';
import type { RequestContext } from '../kernel/context';
import { badInput, notFound } from '../kernel/errors';
import { assertUuid, handlingInsert, validateHandling } from '../kernel/marked-record';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanCreate, mayReadAny, projectOne } from '../kernel/policy';
import { findVisible, selectVisible, visibleLoader } from '../kernel/repository';
import type { ExploitationType } from '../kernel/taxonomy';
import { isoDate, period, text } from '../kernel/validate';
import type { PublishRouteInput, RouteFilter } from './route.input';
import { locationTable, routeTable } from './route.repository';

type Projected = Record<string, unknown>;

function countryCode(field: string, value: string | null | undefined): string | null {
  if (!value) return null;
  if (!/^[A-Z]{2}$/.test(value)) throw badInput(field, 'must be an ISO 3166-1 alpha-2 code');
  return value;
}

/** Visible raw record by id, or undefined: "does not exist" and "does not reach you" are one answer. */
/**
 * Small-count disclosure control, the one place it happens for routes and hotspots alike. Only
 * agency types whose policy grants the `exactCounts` capability (it survives projection) see
 * exact counts; for the others a count below k could single out victims, so it is withheld as
 * null and `countSuppressed` says so.
 */
function discloseCounts(projected: Projected): Projected {
  const exact = projected.exactCounts !== REDACTED;
  delete projected.exactCounts;
  const k = loadConfig().kAnonymity;
  let suppressed = false;
  for (const field of ['victimCount', 'caseCount']) {
    const value = projected[field];
    if (!exact && typeof value === 'number' && value < k) {
      projected[field] = null;
      suppressed = true;
    }
  }
  if (projected.countSuppressed !== REDACTED) projected.countSuppressed = suppressed;
  return projected;
}

// ---- locations ----------------------------------------------------------------------------

export async function getLocation(ctx: RequestContext, id: string): Promise<Projected> {
  const row = await findVisible(ctx, locationTable, id);
  if (!row) throw notFound('Location');
  return projectOne(ctx, row);
}

async function visibleLocations(ctx: RequestContext, ids: string[]): Promise<Projected[]> {
  const loader = visibleLoader(ctx, locationTable, 'id');
  const found = await Promise.all(ids.map((id) => loader.load(id)));
  return found.flatMap((rows) => rows.map((row) => projectOne(ctx, row)));
}

/** The location a route or hotspot points at, read through the Location policy like any other read. */
export async function locationOf(ctx: RequestContext, parent: object, key: 'originLocationId' | 'destinationLocationId' | 'locationId'): Promise<Projected | null> {
  const id = rawOf(parent)[key] as string | null;
  if (!id) return null;
  const [location] = await visibleLocations(ctx, [id]);
  return location ?? null;
}

export async function transitOf(ctx: RequestContext, route: object): Promise<Projected[]> {
  return visibleLocations(ctx, rawOf(route).transitLocationIds as string[]);
}

/** Gazetteer search: names match typed with or without diacritics, or with the cedilla forms ş ţ. */
export async function listLocations(ctx: RequestContext, search: string | undefined, country: string | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const term = text('search', search, { max: 100 });
  const cc = countryCode('countryCode', country);
  const params = new SqlParams();
  const termParam = term ? params.add(term) : '';
  const { rows, total } = await selectVisible(ctx, locationTable, {
    filterFields: [...(term ? ['name'] : []), ...(cc ? ['countryCode'] : [])],
    params,
    withTotal: true,
    where: (p) => [
      ...(term
        ? [`(routes.fold(l.name) ILIKE '%' || routes.fold(${p.add(term.replace(/[%_\\]/g, '\\$&'))}) || '%'
            OR similarity(routes.fold(l.name), routes.fold(${termParam})) > 0.3)`]
        : []),
      ...(cc ? [`l.country_code = ${p.add(cc)}`] : []),
    ],
    orderBy: term ? `similarity(routes.fold(l.name), routes.fold(${termParam})) DESC, l.name, l.id` : 'l.country_code, l.name, l.id',
    limit: window.limit,
    offset: window.offset,
  });
  return toPage(rows.map((row) => projectOne(ctx, row)), total, window);
}

// ---- routes -------------------------------------------------------------------------------

export async function getRoute(ctx: RequestContext, id: string): Promise<Projected> {
  const row = await findVisible(ctx, routeTable, id);
  if (!row) throw notFound('Route');
  return discloseCounts(projectOne(ctx, row));
}

export async function listRoutes(ctx: RequestContext, filter: RouteFilter | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const f = filter ?? {};
  const origin = countryCode('filter.originCountry', f.originCountry);
  const destination = countryCode('filter.destinationCountry', f.destinationCountry);
  const inCountry = (column: string, code: string) => `EXISTS (SELECT 1 FROM routes.locations l WHERE l.id = r.${column} AND l.country_code = ${code})`;
  const { rows, total } = await selectVisible(ctx, routeTable, {
    filterFields: f.exploitationType ? ['exploitationTypes'] : [],
    withTotal: true,
    where: (p) => [
      ...(f.exploitationType ? [`${p.add(f.exploitationType)} = ANY(r.exploitation_types)`] : []),
      ...(origin ? [inCountry('origin_location_id', p.add(origin))] : []),
      ...(destination ? [inCountry('destination_location_id', p.add(destination))] : []),
    ],
    orderBy: 'r.created_at DESC, r.id',
    limit: window.limit,
    offset: window.offset,
  });
  return toPage(rows.map((row) => discloseCounts(projectOne(ctx, row))), total, window);
}

/** Publishes a route owned by the caller's agency (the hub's analysts). */
export async function publishRoute(ctx: RequestContext, input: PublishRouteInput): Promise<Projected> {
  validateHandling(input.handling, 'input.handling');
  const locations: Array<[string, string]> = [
    ['input.originLocationId', input.originLocationId],
    ...(input.transitLocationIds ?? []).map((id, i): [string, string] => [`input.transitLocationIds[${i}]`, id]),
    ['input.destinationLocationId', input.destinationLocationId],
  ];
  for (const [field, id] of locations) assertUuid(field, id);
  if (input.exploitationTypes.length === 0) throw badInput('input.exploitationTypes', 'name at least one exploitation type');
  const start = isoDate('input.periodStart', input.periodStart);
  const end = isoDate('input.periodEnd', input.periodEnd);
  period('input.periodEnd', start, end);
  if (input.victimCount < 0) throw badInput('input.victimCount', 'must not be negative');
  if (input.caseCount < 0) throw badInput('input.caseCount', 'must not be negative');
  assertCanCreate(ctx, { __typename: 'Route', ownerAgencyId: ctx.actor.agencyId });
  const loader = visibleLoader(ctx, locationTable, 'id');
  const found = await Promise.all(locations.map(([, id]) => loader.load(id)));
  const missing = found.findIndex((rows) => rows.length === 0);
  if (missing >= 0) throw badInput(locations[missing]![0], 'is not a known location');

  const params = new SqlParams();
  const meta = handlingInsert(ctx.actor, input.handling, params);
  const [row] = await ctx.db.query<{ id: string }>(
    `INSERT INTO routes.routes (${meta.columns}, origin_location_id, transit_location_ids, destination_location_id, exploitation_types,
       period_start, period_end, victim_count, case_count)
     VALUES (${meta.values}, ${params.add(input.originLocationId)}, ${params.add(input.transitLocationIds ?? [])}::uuid[],
       ${params.add(input.destinationLocationId)}, ${params.add(input.exploitationTypes)}, ${params.add(start)}, ${params.add(end)},
       ${params.add(input.victimCount)}, ${params.add(input.caseCount)}) RETURNING id`,
    params.values,
  );
  ctx.log.info({ routeId: row!.id, op: 'publishRoute' }, 'route published');
  return getRoute(ctx, row!.id);
}

// ---- hotspots -----------------------------------------------------------------------------

/**
 * Hotspots are aggregated live from the cases schema (a deliberate cross-schema read: the counts
 * must follow the cases as they change, and no case row leaves this statement, only counts per
 * location). Only EXPLOITATION events in the period are counted, and only from events, cases and
 * victim records marked CLEAR, GREEN or AMBER: AMBER_STRICT and RED intelligence stays with its
 * owners and never moves an aggregate another agency sees. Counts below k are then suppressed by
 * discloseCounts for agency types without exact counts; places are ordered by country and name,
 * never by count, so the order says nothing about a suppressed count.
 */
export async function hotspots(ctx: RequestContext, periodFrom: string, periodTo: string, exploitationType: ExploitationType | undefined): Promise<Projected[]> {
  const from = isoDate('periodFrom', periodFrom) as string;
  const to = isoDate('periodTo', periodTo) as string;
  period('periodTo', from, to);
  if (!mayReadAny(ctx, 'Hotspot')) return [];
  const rows = await ctx.db.query<{ locationId: string; caseCount: number; victimCount: number }>(
    `WITH counted AS (
       SELECT DISTINCT e.location_id, e.case_id
       FROM cases.events e JOIN cases.cases c ON c.id = e.case_id
       WHERE e.type = 'EXPLOITATION' AND e.occurred_on BETWEEN $1 AND $2
         AND e.marking IN ('CLEAR', 'GREEN', 'AMBER') AND c.marking IN ('CLEAR', 'GREEN', 'AMBER')
         AND ($3::text IS NULL OR $3::text = ANY(c.exploitation_types))
     )
     SELECT l.id AS "locationId", count(DISTINCT k.case_id)::int AS "caseCount", count(DISTINCT p.id)::int AS "victimCount"
     FROM counted k
     JOIN routes.locations l ON l.id = k.location_id
     LEFT JOIN cases.persons p ON p.case_id = k.case_id AND p.role = 'VICTIM' AND p.marking IN ('CLEAR', 'GREEN', 'AMBER')
     GROUP BY l.id
     ORDER BY l.country_code, l.name`,
    [from, to, exploitationType ?? null],
  );
  return rows.map((row) => discloseCounts(projectOne(ctx, { __typename: 'Hotspot', ...row, periodStart: from, periodEnd: to, exactCounts: true })));
}
