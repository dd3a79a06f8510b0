import { SqlParams } from '../../policies/sql';
import type { RequestContext } from '../kernel/context';
import { selectVisible, visibleByIds } from '../kernel/repository';
import { locationTable, routeTable } from './route.repository';

/**
 * What the routes subgraph offers the other subgraphs: the only module of services/routes/ they may
 * import (eslint.config.mjs). Its disclosure control is the hub's one way of releasing counts to
 * agency types without exact counts (docs/disclosure-control.md): other aggregates use these
 * functions rather than a copy.
 */
export { cellKeyOf, disclosurePolicy, type DisclosurePolicy, perturbed, personRecord, quarterEnd, quarterOf, quarterStart, recordKey } from './disclosure';
export { type MapCounts, type MapHotspot, type MapPlace, type MapRoute, routeMapData } from './map-data';
export { getLocation } from './route.service';
/**
 * The gazetteer's places each text names, as whole words, compared folded (case, diacritics, the
 * cedilla forms ş ţ): for each text, the places (id and name) through the Location policy, longest
 * names first. One statement for all the texts.
 */
export async function placesNamedIn(ctx: RequestContext, texts: readonly string[]): Promise<Array<Array<{ id: string; name: string }>>> {
  const out: Array<Array<{ id: string; name: string }>> = texts.map(() => []);
  if (!texts.length) return out;
  const params = new SqlParams();
  const bodies = params.add(texts);
  const words = (sql: string) => `' ' || regexp_replace(routes.fold(${sql}), '[^[:alnum:]]+', ' ', 'g') || ' '`;
  // Each text and each name is folded once (OFFSET 0 keeps the planner from folding them again for every pair).
  const pairs = `(SELECT l.*, t.n, t.words AS text_words FROM (SELECT *, ${words('name')} AS name_words FROM routes.locations OFFSET 0) l
    CROSS JOIN (SELECT n, ${words('body')} AS words FROM unnest(${bodies}::text[]) WITH ORDINALITY AS t(body, n) OFFSET 0) t)`;
  const { rows } = await selectVisible(
    ctx,
    { ...locationTable, table: pairs },
    {
      params,
      extraColumns: 'l.n AS "__text"',
      where: () => ['strpos(l.text_words, l.name_words) > 0'],
      orderBy: 'l.n, length(l.name) DESC, l.name',
    },
  );
  for (const r of rows) out[Number(r.__text) - 1]!.push({ id: r.id as string, name: r.name as string });
  return out;
}

/** Of these route ids, those whose route reaches the caller (the Route policy). */
export async function visibleRouteIds(ctx: RequestContext, ids: readonly string[]): Promise<Set<string>> {
  return new Set((await visibleByIds(ctx, routeTable, ids)).keys());
}
