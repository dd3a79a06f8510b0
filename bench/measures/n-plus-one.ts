import { type FieldNode, Kind, parse, type SelectionSetNode } from 'graphql';
import { MAX_PAGE } from '../../services/kernel/pagination';
import { postGraphQL } from '../graphql';
import type { Measure } from './common';
import { ALLOWED, PERSONA } from './gateway-overhead';

/**
 * SQL statements per GraphQL request (the stack's probe on the in-process hub's pool: every
 * subgraph's statements go through it) for a list of cases with nested events, their locations and the
 * entities observed in them, as the list widens. The baseline is the number of (field, depth)
 * levels of the query: one statement per level is what DataLoaders and joins should achieve.
 */
/** 10..1000 items, and a full page if pages are smaller (deduplicated: MAX_PAGE is 1000 now). */
const WIDTHS = [...new Set([10, 100, MAX_PAGE, 1000])].sort((a, b) => a - b);
/** Without personal fields; with them, each request also writes its audit events (noted separately). */
const SELECTION = `nodes { id reference events { type occurredOn location { name countryCode } } entities { kind maskedValue } }`;
const PERSONAL_SELECTION = SELECTION.replace('maskedValue', 'value');

/** (field, depth) pairs with a selection set; connection `nodes` adds no level, aliased copies of a field count once. */
export function levels(query: string): number {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, depth: number) => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind !== Kind.FIELD) continue;
      const f = sel as FieldNode;
      if (!f.selectionSet) continue;
      if (f.name.value === 'nodes') walk(f.selectionSet, depth);
      else {
        seen.add(`${depth}:${f.name.value}`);
        walk(f.selectionSet, depth + 1);
      }
    }
  };
  for (const def of parse(query).definitions) if (def.kind === Kind.OPERATION_DEFINITION) walk(def.selectionSet, 1);
  return seen.size;
}

export const nPlusOne: Measure = {
  id: 'n-plus-one',
  describe: 'SQL statements per request for 10..1000 cases with nested events, locations, entities / (field, depth) levels',
  async run({ stack }) {
    const auth = await stack.authorization(PERSONA);
    // Cursors of the pages of MAX_PAGE (pages are the product's unit; with smaller pages, 1000 items are aliased pages).
    const cursors: Array<string | null> = [null];
    while (cursors.length * MAX_PAGE < Math.max(...WIDTHS)) {
      const r = await postGraphQL<{ cases: { pageInfo: { endCursor: string | null; hasNextPage: boolean } } }>(
        stack.hub.url,
        auth,
        `query($after: String) { cases(first: ${MAX_PAGE}, after: $after) { pageInfo { endCursor hasNextPage } } }`,
        { after: cursors[cursors.length - 1] },
      );
      if (!r.data.cases.pageInfo.hasNextPage) throw new Error(`${PERSONA} sees fewer than ${Math.max(...WIDTHS)} cases; use a larger scale`);
      cursors.push(r.data.cases.pageInfo.endCursor);
    }
    const queryFor = (width: number, selection: string): string => {
      if (width <= MAX_PAGE) return `{ cases(first: ${width}) { ${selection} } }`;
      const pages = Math.ceil(width / MAX_PAGE);
      const fields = Array.from({ length: pages }, (_, p) => {
        const after = cursors[p] ? `, after: ${JSON.stringify(cursors[p])}` : '';
        return `p${p}: cases(first: ${Math.min(MAX_PAGE, width - p * MAX_PAGE)}${after}) { ${selection} }`;
      });
      return `{ ${fields.join('\n')} }`;
    };
    const statementsFor = async (query: string, width: number): Promise<number> => {
      let best = Infinity;
      for (let attempt = 0; attempt < 4; attempt++) {
        // Nothing else runs in this process now; the minimum leaves out the gateway's periodic user lookup.
        const before = stack.probe.statements;
        const r = await postGraphQL<Record<string, { nodes: unknown[] }>>(stack.hub.url, auth, query, undefined, ALLOWED);
        const after = stack.probe.statements;
        const items = Object.values(r.data).reduce((n, c) => n + c.nodes.length, 0);
        if (items !== width) throw new Error(`asked for ${width} cases, got ${items}`);
        if (attempt > 0) best = Math.min(best, after - before); // attempt 0 warms caches
      }
      return best;
    };
    const counts: Array<{ width: number; statements: number; levels: number }> = [];
    const personal: Array<{ width: number; statements: number }> = [];
    for (const width of WIDTHS) {
      const query = queryFor(width, SELECTION);
      counts.push({ width, statements: await statementsFor(query, width), levels: levels(query) });
      personal.push({ width, statements: await statementsFor(queryFor(width, PERSONAL_SELECTION), width) });
    }
    const widest = counts[counts.length - 1]!;
    const singlePage = counts.filter((c) => c.width <= MAX_PAGE);
    const flat = counts.every((c) => c.statements === counts[0]!.statements);
    const flatPerPage = singlePage.every((c) => c.statements === singlePage[0]!.statements);
    return [
      {
        id: 'n-plus-one',
        value: widest.statements,
        unit: 'stmt/req',
        baseline: widest.levels,
        baselineUnit: 'levels',
        ratio: widest.statements / widest.levels,
        target: 'flat 10..1000',
        pass: flat,
        notes: [
          `statements per request by list width: ${counts.map((c) => `${c.width}: ${c.statements}`).join(', ')} (levels ${widest.levels}: cases, events, location, entities; no personal field)`,
          `with entities { value } (personal: the request also writes its audit events): ${personal.map((c) => `${c.width}: ${c.statements}`).join(', ')}`,
          `first is capped at ${MAX_PAGE} (services/kernel/pagination.ts MAX_PAGE), so 1000 cases are ${Math.ceil(1000 / MAX_PAGE) === 1 ? 'one page' : `${Math.ceil(1000 / MAX_PAGE)} aliased pages`} in one request ` +
            `(and cost more than the gateway's default TESSERA_MAX_COST; the bench sets ${process.env.TESSERA_MAX_COST}); ` +
            (flatPerPage ? `flat within a page (10..${MAX_PAGE})` : `NOT flat within a page (10..${MAX_PAGE})`),
        ],
      },
    ];
  },
};
