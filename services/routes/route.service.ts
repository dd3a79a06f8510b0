import { rawOf } from '../../policies/enforce';
import { SqlParams } from '../../policies/sql';
import type { PolicyRecord } from '../../policies/subjects';
import { appendAudit, ownRecordEvent, writtenFields } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import { badInput, notFound } from '../kernel/errors';
import { assertUuid, handlingInsert, validateHandling } from '../kernel/marked-record';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanCreate, projectOne } from '../kernel/policy';
import { findVisible, selectPage, selectVisible, visibleLoader } from '../kernel/repository';
import { isoDate, period, text } from '../kernel/validate';
import { disclose, disclosurePolicy } from './disclosure';
import type { PublishRouteInput, RouteFilter } from './route.input';
import { locationTable, routeTable } from './route.repository';

export type Projected = Record<string, unknown>;

export function countryCode(field: string, value: string | null | undefined): string | null {
  if (!value) return null;
  if (!/^[A-Z]{2}$/.test(value)) throw badInput(field, 'must be an ISO 3166-1 alpha-2 code');
  return value;
}

/**
 * A published route's counts through the one disclosure control (disclosure.ts): the hub chose
 * them, so only the threshold applies; the live aggregates are in aggregate.service.ts.
 */
function withDisclosedCounts(ctx: RequestContext, row: PolicyRecord): Projected {
  const [counts] = disclose([{ counts: { caseCount: row.caseCount as number, victimCount: row.victimCount as number } }], null, disclosurePolicy(ctx, 'Route'));
  const projected = projectOne(ctx, { ...row, ...counts });
  delete projected.exactCounts;
  return projected;
}

// ---- locations ----------------------------------------------------------------------------

export async function getLocation(ctx: RequestContext, id: string): Promise<Projected> {
  const row = await findVisible(ctx, locationTable, id);
  if (!row) throw notFound('Location');
  return projectOne(ctx, row);
}

export async function visibleLocations(ctx: RequestContext, ids: string[]): Promise<Projected[]> {
  const loader = visibleLoader(ctx, locationTable, 'id');
  const found = await Promise.all(ids.map((id) => loader.load(id)));
  return found.flatMap((rows) => rows.map((row) => projectOne(ctx, row)));
}

/** The location a route or hotspot points at, read through the Location policy like any other read. */
export async function locationOf(
  ctx: RequestContext,
  parent: object,
  key: 'originLocationId' | 'destinationLocationId' | 'locationId',
): Promise<Projected | null> {
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
  const { rows, ...rest } = await selectPage(ctx, locationTable, window, {
    filterFields: [...(term ? ['name'] : []), ...(cc ? ['countryCode'] : [])],
    params,
    where: (p) => [
      ...(term
        ? [
            `(routes.fold(l.name) ILIKE '%' || routes.fold(${p.add(term.replace(/[%_\\]/g, '\\$&'))}) || '%'
            OR similarity(routes.fold(l.name), routes.fold(${termParam})) > 0.3)`,
          ]
        : []),
      ...(cc ? [`l.country_code = ${p.add(cc)}`] : []),
    ],
    orderBy: term ? `similarity(routes.fold(l.name), routes.fold(${termParam})) DESC, l.name, l.id` : 'l.country_code, l.name, l.id',
  });
  return toPage(
    rows.map((row) => projectOne(ctx, row)),
    rest,
    window,
  );
}

// ---- routes -------------------------------------------------------------------------------

export async function getRoute(ctx: RequestContext, id: string): Promise<Projected> {
  const row = await findVisible(ctx, routeTable, id);
  if (!row) throw notFound('Route');
  return withDisclosedCounts(ctx, row);
}

export async function listRoutes(ctx: RequestContext, filter: RouteFilter | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const f = filter ?? {};
  const origin = countryCode('filter.originCountry', f.originCountry);
  const destination = countryCode('filter.destinationCountry', f.destinationCountry);
  const inCountry = (column: string, code: string) => `EXISTS (SELECT 1 FROM routes.locations l WHERE l.id = r.${column} AND l.country_code = ${code})`;
  const { rows, ...rest } = await selectPage(ctx, routeTable, window, {
    filterFields: f.exploitationType ? ['exploitationTypes'] : [],
    where: (p) => [
      ...(f.exploitationType ? [`${p.add(f.exploitationType)} = ANY(r.exploitation_types)`] : []),
      ...(origin ? [inCountry('origin_location_id', p.add(origin))] : []),
      ...(destination ? [inCountry('destination_location_id', p.add(destination))] : []),
    ],
    orderBy: 'r.created_at DESC, r.id',
  });
  return toPage(
    rows.map((row) => withDisclosedCounts(ctx, row)),
    rest,
    window,
  );
}

/** The published routes that reach the caller and start at a place (batched per request), with their disclosed counts. */
export async function routesFrom(ctx: RequestContext, locationId: string): Promise<Projected[]> {
  const rows = await visibleLoader(ctx, routeTable, 'origin_location_id', 'r.created_at DESC, r.id').load(locationId);
  return rows.map((row) => withDisclosedCounts(ctx, row));
}

/** Origins of the published routes that reach the caller. */
export async function publishedOrigins(ctx: RequestContext): Promise<string[]> {
  const { rows } = await selectVisible(ctx, routeTable, { orderBy: 'r.id' });
  return [...new Set(rows.map((r) => r.originLocationId as string))];
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
  const id = await ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO routes.routes (${meta.columns}, origin_location_id, transit_location_ids, destination_location_id, exploitation_types,
         period_start, period_end, victim_count, case_count)
       VALUES (${meta.values}, ${params.add(input.originLocationId)}, ${params.add(input.transitLocationIds ?? [])}::uuid[],
         ${params.add(input.destinationLocationId)}, ${params.add(input.exploitationTypes)}, ${params.add(start)}, ${params.add(end)},
         ${params.add(input.victimCount)}, ${params.add(input.caseCount)}) RETURNING id`,
      params.values,
    );
    const fields = writtenFields({
      origin: input.originLocationId,
      transit: input.transitLocationIds,
      destination: input.destinationLocationId,
      exploitationTypes: input.exploitationTypes,
      periodStart: start,
      periodEnd: end,
      victimCount: input.victimCount,
      caseCount: input.caseCount,
    });
    await appendAudit(tx, ctx, [ownRecordEvent(ctx, 'COLLECT', 'Route', row!.id, fields)]);
    return row!.id;
  });
  ctx.log.info({ routeId: id, op: 'publishRoute' }, 'route published');
  return getRoute(ctx, id);
}
