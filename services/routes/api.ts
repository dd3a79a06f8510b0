import { SqlParams } from '../../policies/sql';
import type { RequestContext } from '../kernel/context';
import { selectVisible } from '../kernel/repository';
import { locationTable } from './route.repository';

/**
 * What the routes subgraph offers the other subgraphs: the only module of services/routes/ they may
 * import (eslint.config.mjs).
 */

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
  const { rows } = await selectVisible(
    ctx,
    { ...locationTable, table: `(SELECT l.*, t.n, t.body FROM routes.locations l CROSS JOIN unnest(${bodies}::text[]) WITH ORDINALITY AS t(body, n))` },
    {
      params,
      extraColumns: 'l.n AS "__text"',
      where: () => [`strpos(${words('l.body')}, ${words('l.name')}) > 0`],
      orderBy: 'l.n, length(l.name) DESC, l.name',
    },
  );
  for (const r of rows) out[Number(r.__text) - 1]!.push({ id: r.id as string, name: r.name as string });
  return out;
}
