import { readableOnEveryRow } from '../../policies/enforce';
import type { SubjectType } from '../../policies/subjects';
import { loadConfig } from '../kernel/config';
import type { RequestContext } from '../kernel/context';

/** One case as an aggregate cell sees it: what places it in the cell, and what it adds to the counts. */
export interface Member {
  /** Dates (YYYY-MM-DD) of the events that place this case in the cell; the case counts in a period if one of them falls in it. */
  dates: readonly string[];
  /** The case's exploitation types (the exploitationType filter matches any of them). */
  exploitationTypes: readonly string[];
  /** Distinct VICTIM persons of the case that may move an aggregate. */
  victims: number;
  /** Transit locations in travel order (routes only). */
  transit?: readonly string[];
}

/** A cell aggregated live from case events: a place (hotspot) or an origin → destination pair (route). */
export interface LiveCell {
  /** Every case of the cell, over all time and with no filter: the complements are checked against them. */
  members: readonly Member[];
  /**
   * Cells of one group add up to a total that another query releases (route cells to one
   * destination add up to that destination's hotspot), given to disclose() as `totals`; see
   * secondary suppression there.
   */
  group?: string;
}

/** A cell whose counts are given, not derived here: a route the hub published. */
export interface FixedCell {
  counts: { caseCount: number; victimCount: number };
}

export interface CountRequest {
  periodFrom: string;
  periodTo: string;
  exploitationType?: string | null;
}

export interface DisclosurePolicy {
  /** Whether the caller's agency type holds the `exactCounts` capability. */
  exact: boolean;
  /** The disclosure threshold (TESSERA_K_ANONYMITY). */
  k: number;
}

export interface DisclosedCounts {
  caseCount: number | null;
  victimCount: number | null;
  countSuppressed: boolean;
}

export interface DisclosedCell<C> extends DisclosedCounts {
  cell: C;
  /** First and last date of the counted cases' events in the cell (whole quarters without exact counts). */
  periodStart: string;
  periodEnd: string;
  exploitationTypes: string[];
  /** Transit locations in travel order; without exact counts only those at least k counted cases passed through. */
  transitLocationIds: string[];
}

export interface Disclosed<C> {
  /** The period actually counted: the requested one, or for callers without exact counts that period widened to whole calendar quarters. */
  periodFrom: string;
  periodTo: string;
  /** The cells with at least one counted case, in the order given. */
  cells: Array<DisclosedCell<C>>;
}

/** The caller's disclosure policy: exact counts only where the field policy grants `exactCounts` on every row. */
export function disclosurePolicy(ctx: RequestContext, subject: SubjectType): DisclosurePolicy {
  return { exact: readableOnEveryRow(ctx.ability, subject, 'exactCounts'), k: loadConfig().kAnonymity };
}

/** Calendar quarters as integers (year * 4 + quarter - 1), so a run of quarters is a range. */
export function quarterOf(date: string): number {
  return Number(date.slice(0, 4)) * 4 + Math.floor((Number(date.slice(5, 7)) - 1) / 3);
}

export function quarterStart(q: number): string {
  return `${String(Math.floor(q / 4)).padStart(4, '0')}-${String((q % 4) * 3 + 1).padStart(2, '0')}-01`;
}

export function quarterEnd(q: number): string {
  return `${String(Math.floor(q / 4)).padStart(4, '0')}-${['03-31', '06-30', '09-30', '12-31'][q % 4]}`;
}

/**
 * Small-count disclosure control: the one place it happens for published routes, route
 * aggregates and hotspots alike. Agency types whose policy grants `exactCounts` (law enforcement,
 * hub analysts) get exact counts over exactly the period they asked for. For the others (banks,
 * NGOs) no count may single out a small group of victims, neither directly nor by differencing
 * two queries, so:
 *
 * (a) The period is widened to whole calendar quarters (and echoed as periodFrom/periodTo), and
 *     each cell's own period is rounded out to quarters: two requests that differ by a few days
 *     count the same cases, so no difference can isolate those days.
 *
 * (b) A count is released only if it is 0 or at least k; otherwise it is null and
 *     `countSuppressed` says so. caseCount and victimCount are judged separately.
 *
 * (c) Differencing. A caller who gets |A| and |B| for two nested sets of cases A ⊂ B learns
 *     |B \ A|, a group no query described. The queries a caller can make over one cell are
 *     (period of whole quarters, exploitationType or none); their case sets nest when the period
 *     is contained in the other's and the filter is the same or dropped. So a count for
 *     (W, f) is released only if, for every such superset query (W'' ⊇ W, f'' ∈ {f, none}),
 *     count(W'', f'') − count(W, f) is 0 or at least k. For f'' = none and W'' = W this is the
 *     filtered-vs-unfiltered complement; for W'' ⊋ W it covers overlapping periods (asking for
 *     2024 Q2 and for 2024 Q2–Q3 would otherwise give Q3-only cases). Every nested pair is
 *     checked at its smaller side, so no two released counts of nested queries differ by 1 … k−1
 *     (disclosure.test.ts checks this by brute force over every query on random cells). Only
 *     boundaries where the cell has events change a count, so the supersets checked are the
 *     windows from W out to each earlier and each later event quarter of the cell (a window
 *     beyond the data counts the same as the data's own span). Country filters pick whole cells
 *     (the origin and destination are the cell), so they add no nested pair: they are applied by
 *     the caller after disclosure, which therefore never depends on them.
 *
 * (d) Totals and secondary suppression. No total is released to these callers (no totalCount,
 *     no sums), so a suppressed cell cannot be recovered as "total minus the others" within a
 *     result. Across results it can: route cells to one destination add up (over all time) to
 *     that destination's hotspot less the cases with no known origin, and the hotspot is released
 *     by another query. So cells may name a `group` whose total is given in `totals`; the total is
 *     judged here by the same rules for the same request. While it is released and it minus the
 *     group's released counts leaves something that is either 1 … k−1 (a few small cells, or a
 *     few cases on no route) or exactly one suppressed cell (which may have been withheld for
 *     differencing at any size), the smallest released count of the group is suppressed too.
 *     A group of one cell has nothing beside it to withhold: its total is that cell plus the
 *     cases at the place on no route, with events on other dates, judged on its own.
 *
 * (e) Transit places are listed only when at least k counted cases passed through them; the
 *     counted cases' exploitation types and the cell's existence are shown, never a count below k.
 *
 * What this does not stop: sums of three or more released counts (inclusion–exclusion across
 * exploitation types or partly overlapping periods) can still narrow a suppressed cell; closing
 * that needs noise or a fixed set of published tables. Rows are ordered by place, never by count.
 */
export function disclose(cells: readonly FixedCell[], request: null, policy: DisclosurePolicy): DisclosedCounts[];
export function disclose<C extends LiveCell>(
  cells: readonly C[],
  request: CountRequest,
  policy: DisclosurePolicy,
  totals?: ReadonlyMap<string, LiveCell>,
): Disclosed<C>;
export function disclose<C extends LiveCell>(
  cells: readonly (C | FixedCell)[],
  request: CountRequest | null,
  { exact, k }: DisclosurePolicy,
  totals?: ReadonlyMap<string, LiveCell>,
): DisclosedCounts[] | Disclosed<C> {
  const releasable = (n: number) => n === 0 || n >= k;

  // A published route: the hub chose its numbers, there is no detail to difference against.
  if (request === null) {
    return (cells as FixedCell[]).map(({ counts }) => {
      const caseCount = exact || releasable(counts.caseCount) ? counts.caseCount : null;
      const victimCount = exact || releasable(counts.victimCount) ? counts.victimCount : null;
      return { caseCount, victimCount, countSuppressed: caseCount === null || victimCount === null };
    });
  }

  const qa = quarterOf(request.periodFrom);
  const qb = quarterOf(request.periodTo);
  const from = exact ? request.periodFrom : quarterStart(qa);
  const to = exact ? request.periodTo : quarterEnd(qb);
  const filter = request.exploitationType ?? null;
  const matches = (m: Member, f: string | null) => f === null || m.exploitationTypes.includes(f);
  const sumVictims = (ms: readonly Member[]) => ms.reduce((n, m) => n + m.victims, 0);

  const out: Array<DisclosedCell<C>> = [];
  for (const cell of cells as C[]) {
    const counted = cell.members.filter((m) => matches(m, filter) && m.dates.some((d) => d >= from && d <= to));
    if (counted.length === 0) continue;
    const caseCount = counted.length;
    const victimCount = sumVictims(counted);
    let releaseCases = true;
    let releaseVictims = true;

    if (!exact) {
      releaseCases = releasable(caseCount);
      releaseVictims = releasable(victimCount);
      // (c): every superset query over this cell, at its smaller side.
      const outside = cell.members.map((m) => {
        const qs = m.dates.map(quarterOf);
        return {
          m,
          inside: qs.some((q) => q >= qa && q <= qb),
          before: Math.max(-Infinity, ...qs.filter((q) => q < qa)),
          after: Math.min(Infinity, ...qs.filter((q) => q > qb)),
        };
      });
      const lows = [qa, ...new Set(outside.map((o) => o.before).filter(Number.isFinite))];
      const highs = [qb, ...new Set(outside.map((o) => o.after).filter(Number.isFinite))];
      for (const f of new Set([filter, null])) {
        for (const lo of lows) {
          for (const hi of highs) {
            if (!releaseCases && !releaseVictims) break;
            const superset = outside.filter((o) => matches(o.m, f) && (o.inside || o.before >= lo || o.after <= hi)).map((o) => o.m);
            if (!releasable(superset.length - caseCount)) releaseCases = false;
            if (!releasable(sumVictims(superset) - victimCount)) releaseVictims = false;
          }
        }
      }
    }

    // (e) and the cell's own period.
    const dates = counted.flatMap((m) => m.dates).sort();
    const transit = new Map<string, { cases: number; position: number }>();
    for (const m of counted) {
      (m.transit ?? []).forEach((id, position) => {
        const t = transit.get(id) ?? { cases: 0, position };
        transit.set(id, { cases: t.cases + 1, position: Math.min(t.position, position) });
      });
    }
    out.push({
      cell,
      caseCount: releaseCases ? caseCount : null,
      victimCount: releaseVictims ? victimCount : null,
      countSuppressed: !releaseCases || !releaseVictims,
      periodStart: exact ? dates[0]! : quarterStart(quarterOf(dates[0]!)),
      periodEnd: exact ? dates[dates.length - 1]! : quarterEnd(quarterOf(dates[dates.length - 1]!)),
      exploitationTypes: [...new Set(counted.flatMap((m) => m.exploitationTypes))].sort(),
      transitLocationIds: [...transit.entries()]
        .filter(([, t]) => exact || t.cases >= k)
        .sort(([a, x], [b, y]) => x.position - y.position || a.localeCompare(b))
        .map(([id]) => id),
    });
  }

  // (d): secondary suppression within each group whose total another query releases, per count.
  if (!exact && totals) {
    const groups = new Map<string, Array<DisclosedCell<C>>>();
    for (const d of out) {
      if (d.cell.group === undefined || !totals.has(d.cell.group)) continue;
      groups.set(d.cell.group, [...(groups.get(d.cell.group) ?? []), d]);
    }
    for (const [group, members] of groups) {
      const [total] = disclose([totals.get(group)!], request, { exact, k }).cells;
      for (const field of ['caseCount', 'victimCount'] as const) {
        const released = total?.[field];
        if (released === null || released === undefined) continue;
        for (;;) {
          const shown = members.filter((d) => d[field] !== null);
          const hidden = members.length - shown.length;
          const remainder = released - shown.reduce((n, d) => n + d[field]!, 0);
          const next = shown.filter((d) => d[field]! > 0).sort((x, y) => x[field]! - y[field]!)[0];
          if (remainder < 1 || (remainder >= k && hidden !== 1) || !next) break;
          next[field] = null;
          next.countSuppressed = true;
        }
      }
    }
  }

  return { periodFrom: from, periodTo: to, cells: out };
}
