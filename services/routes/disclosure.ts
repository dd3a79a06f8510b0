import { createHmac } from 'node:crypto';
import { readableOnEveryRow } from '../../policies/enforce';
import type { SubjectType } from '../../policies/subjects';
import { loadConfig } from '../kernel/config';
import type { RequestContext } from '../kernel/context';
import { hubSecret } from '../kernel/hub-secret';

/** One case as an aggregate cell sees it: what places it in the cell, and what it adds to the counts. */
export interface Member {
  /** The case's id: its record key (and its victims') derive from it. */
  id: string;
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
  members: readonly Member[];
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
  /** The hub's cell-key secret (cellKeySecret): record keys derive from it. */
  secret: Buffer;
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
  /** Transit locations in travel order; without exact counts only those whose perturbed count of counted cases is released. */
  transitLocationIds: string[];
}

export interface Disclosed<C> {
  /** The period actually counted: the requested one, or for callers without exact counts that period widened to whole calendar quarters. */
  periodFrom: string;
  periodTo: string;
  /** The cells with at least one counted case, in the order given. */
  cells: Array<DisclosedCell<C>>;
}

/**
 * The hub's cell-key secret: TESSERA_CELL_KEY_SECRET (base64url, at least 32 bytes) when set, else
 * made once under the data directory. It is not in the database: whoever reads the tables (a
 * backup, an insider) still cannot tell which noise a published count carries. Changing it
 * re-draws every cell's noise, so a caller holding answers from before and after gets two
 * independent draws of each count: change it only if it leaked.
 */
export function cellKeySecret(dataDir: string): Buffer {
  return hubSecret(dataDir, 'cell-key-secret', 'TESSERA_CELL_KEY_SECRET');
}

/** The caller's disclosure policy: exact counts only where the field policy grants `exactCounts` on every row. */
export function disclosurePolicy(ctx: RequestContext, subject: SubjectType): DisclosurePolicy {
  const config = loadConfig();
  return { exact: readableOnEveryRow(ctx.ability, subject, 'exactCounts'), k: config.kAnonymity, secret: cellKeySecret(config.dataDir) };
}

// ---- the cell-key method ------------------------------------------------------------------

/** The largest noise added to or taken from a released count (D). */
export const MAX_NOISE = 2;

/**
 * How many of the 256 cell keys give each noise −2 … +2: P(0) = 102/256 ≈ 0.40, P(±1) = 60/256 ≈
 * 0.23, P(±2) = 17/256 ≈ 0.066. Symmetric, so every row sums to zero (unbiased), with variance
 * (2·60·1 + 2·17·4)/256 = 1.
 */
const SLOTS: ReadonlyArray<readonly [noise: number, keys: number]> = [
  [-2, 17],
  [-1, 60],
  [0, 102],
  [1, 60],
  [2, 17],
];
const LAYOUT: readonly number[] = SLOTS.flatMap(([noise, keys]) => Array<number>(keys).fill(noise));

/**
 * The perturbation table: the noise of a cell of true value `value` and cell key `cellKey`. Zero
 * stays zero; for every other value the row is LAYOUT rotated by an offset of the value (167 is
 * odd, so consecutive values start far apart): two cells with the same key but different values,
 * such as a cell and the same cell plus one record whose key is 0, draw unrelated noise.
 */
export function noiseOf(value: number, cellKey: number): number {
  if (value === 0) return 0;
  return LAYOUT[(cellKey + value * 167) % 256]!;
}

const keyCache = new WeakMap<Buffer, Map<string, number>>();
const KEY_CACHE_SIZE = 200_000;

/** The first byte of HMAC-SHA256(secret, record). */
const hashedKey = (secret: Buffer, record: string) => createHmac('sha256', secret).update(record).digest()[0]!;

/**
 * A record's key, 0–255: the first byte of HMAC-SHA256(secret, record), fixed for the record's
 * life. Kept in memory per secret (up to KEY_CACHE_SIZE records, then started afresh), so a
 * repeated query does not hash every case again.
 */
export function recordKey(secret: Buffer, record: string): number {
  let cache = keyCache.get(secret);
  if (!cache) keyCache.set(secret, (cache = new Map()));
  let key = cache.get(record);
  if (key === undefined) {
    if (cache.size >= KEY_CACHE_SIZE) cache.clear();
    key = hashedKey(secret, record);
    cache.set(record, key);
  }
  return key;
}

interface CaseKeys {
  /** caseRecord's key. */
  caseKey: number;
  /** The victims counted when victimsKey was computed. */
  victims: number;
  /** victimRecord's key for that many victims; 0 for none. */
  victimsKey: number;
}
const caseKeyCache = new WeakMap<Buffer, Map<string, CaseKeys>>();

/**
 * The keys of a case's records, as recordKey gives them, kept by case id (up to KEY_CACHE_SIZE cases,
 * then started afresh): finding them builds no record string, so the counts of every cell of a
 * large aggregate cost a lookup per case.
 */
function keysOfCase(secret: Buffer, caseId: string, victims: number): CaseKeys {
  let cache = caseKeyCache.get(secret);
  if (!cache) caseKeyCache.set(secret, (cache = new Map()));
  let keys = cache.get(caseId);
  if (!keys) {
    if (cache.size >= KEY_CACHE_SIZE) cache.clear();
    cache.set(caseId, (keys = { caseKey: hashedKey(secret, caseRecord(caseId)), victims: 0, victimsKey: 0 }));
  }
  // A case's counted victims depend on the caller's reach: the key follows the count asked for.
  if (keys.victims !== victims) Object.assign(keys, { victims, victimsKey: victims === 0 ? 0 : hashedKey(secret, victimRecord(caseId, victims)) });
  return keys;
}

/** The record a case is in caseCount cells. */
export const caseRecord = (caseId: string) => `case:${caseId}`;
/**
 * The record a case's `victims` counted victims are, together, in victimCount cells: one key for
 * the block (a sum of per-victim keys would be just as uniform, at one hash per victim). A victim
 * more or less makes another block with an unrelated key.
 */
export const victimRecord = (caseId: string, victims: number) => `victims:${caseId}:${victims}`;

/**
 * The record a person is in the cells of the referral-mechanism statistics (services/cases), where
 * each count counts persons (the potential victims referred).
 */
export const personRecord = (personId: string) => `person:${personId}`;

/** A cell's key: the sum of its records' keys mod 256, so the same set of records has the same key in every table. */
export function cellKeyOf(recordKeys: Iterable<number>): number {
  let key = 0;
  for (const k of recordKeys) key = (key + k) % 256;
  return key;
}

/** Released counts are rounded to a multiple of this (after the noise), as IOM's CTDC rounds its published counts. */
export const RESOLUTION = 3;

/**
 * A count as released without exact counts: 0 as 0; otherwise its value plus its noise, withheld
 * (null) when that is below k, else rounded to the nearest multiple of RESOLUTION (and never
 * below k). So a released count is at least k and within MAX_NOISE + ⌊RESOLUTION / 2⌋ = 3 of
 * the truth, a cell below k is never released as its true value, and whether a cell is withheld
 * is itself noisy (a cell of 5 may be withheld, one of 4 shown as 6), so the threshold gives no
 * exact boundary to difference against.
 */
export function perturbed(value: number, cellKey: number, k: number): number | null {
  if (value === 0) return 0;
  const noisy = value + noiseOf(value, cellKey);
  if (noisy < Math.max(k, 1)) return null;
  return Math.max(k, RESOLUTION * Math.round(noisy / RESOLUTION));
}

// ---- calendar quarters --------------------------------------------------------------------

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

// ---- disclosure ---------------------------------------------------------------------------

/**
 * Small-count disclosure control: the one place it happens for published routes, route
 * aggregates and hotspots alike (docs/disclosure-control.md gives the method and its parameters).
 * Agency types whose policy grants `exactCounts` (law enforcement, hub analysts) get exact counts
 * over exactly the period they asked for. For the others (banks, NGOs):
 *
 * (a) The period is widened to whole calendar quarters (and echoed as periodFrom/periodTo), and
 *     each cell's own period is rounded out to quarters: requests that differ by a few days count
 *     the same cases and answer the same.
 *
 * (b) Cell-key perturbation. Each counted record (a case for caseCount, its counted victims for
 *     victimCount) has a fixed key 0–255 derived from its id with the hub's secret;
 *     a cell's key is the sum of its records' keys mod 256, and the perturbation table (noiseOf)
 *     adds −2 … +2 by the cell's value and key. The same set of records gets the same noise in
 *     every table and at every time, so repeating a query averages nothing away; a cell that
 *     differs from another by a few records has an unrelated key, so a difference of two released
 *     counts is the true difference plus noise the caller cannot remove.
 *
 * (c) Threshold and rounding (perturbed). A count is null (and `countSuppressed` says so) when
 *     its perturbed value is below k, otherwise rounded to a multiple of RESOLUTION; zero is
 *     released as zero. caseCount and victimCount are judged separately, each with its own
 *     records' keys.
 *
 * (d) No total is released to these callers (no totalCount, no sums).
 *
 * (e) Transit places are listed only when the count of counted cases that passed through them,
 *     perturbed the same way, would be released; the counted cases' exploitation types and the
 *     cell's existence are shown, never a count. Rows are ordered by place, never by count.
 */
export function disclose(cells: readonly FixedCell[], request: null, policy: DisclosurePolicy): DisclosedCounts[];
export function disclose<C extends LiveCell>(cells: readonly C[], request: CountRequest, policy: DisclosurePolicy): Disclosed<C>;
export function disclose<C extends LiveCell>(
  cells: readonly (C | FixedCell)[],
  request: CountRequest | null,
  { exact, k, secret }: DisclosurePolicy,
): DisclosedCounts[] | Disclosed<C> {
  // A published route: the hub chose its numbers (they are no set of records), so only the threshold applies.
  if (request === null) {
    const releasable = (n: number) => n === 0 || n >= k;
    return (cells as FixedCell[]).map(({ counts }) => {
      const caseCount = exact || releasable(counts.caseCount) ? counts.caseCount : null;
      const victimCount = exact || releasable(counts.victimCount) ? counts.victimCount : null;
      return { caseCount, victimCount, countSuppressed: caseCount === null || victimCount === null };
    });
  }

  const from = exact ? request.periodFrom : quarterStart(quarterOf(request.periodFrom));
  const to = exact ? request.periodTo : quarterEnd(quarterOf(request.periodTo));
  const filter = request.exploitationType ?? null;
  /** A count of `size` cases whose keys sum to `key`, as released. */
  const caseCount = (size: number, key: number) => (exact ? size : perturbed(size, key, k));
  const counts = (m: Member) => (filter === null || m.exploitationTypes.includes(filter)) && m.dates.some((d) => d >= from && d <= to);

  const out: Array<DisclosedCell<C>> = [];
  for (const cell of cells as C[]) {
    const counted: Member[] = [];
    for (const m of cell.members) if (counts(m)) counted.push(m);
    if (counted.length === 0) continue;
    let victims = 0;
    let caseKey = 0;
    let victimKey = 0;
    let first = counted[0]!.dates[0]!;
    let last = first;
    const exploitationTypes = new Set<string>();
    // Per transit place: its cases (a case may pass a place twice) and the sum of their keys. Keys
    // are summed mod 256 as the cases come, as cellKeyOf sums them.
    const transit = new Map<string, { members: Set<Member>; key: number; position: number }>();
    for (const m of counted) {
      victims += m.victims;
      const keys = exact ? undefined : keysOfCase(secret, m.id, m.victims);
      if (keys) {
        caseKey = (caseKey + keys.caseKey) % 256;
        victimKey = (victimKey + keys.victimsKey) % 256;
      }
      for (const d of m.dates) {
        if (d < first) first = d;
        if (d > last) last = d;
      }
      for (const type of m.exploitationTypes) exploitationTypes.add(type);
      const ids = m.transit ?? [];
      for (let position = 0; position < ids.length; position++) {
        const id = ids[position]!;
        let t = transit.get(id);
        if (!t) transit.set(id, (t = { members: new Set(), key: 0, position }));
        if (position < t.position) t.position = position;
        if (t.members.has(m)) continue;
        t.members.add(m);
        if (keys) t.key = (t.key + keys.caseKey) % 256;
      }
    }
    const cases = caseCount(counted.length, caseKey);
    // Victims only beside a released case count: a cell of fewer than k cases with many victims would
    // otherwise tell one case's victims to a caller who knows which cases the cell holds (a bank reads
    // cases' overviews and events, never their victims).
    const victimCount = exact ? victims : cases === null ? null : perturbed(victims, victimKey, k);
    out.push({
      cell,
      caseCount: cases,
      victimCount,
      countSuppressed: cases === null || victimCount === null,
      periodStart: exact ? first : quarterStart(quarterOf(first)),
      periodEnd: exact ? last : quarterEnd(quarterOf(last)),
      exploitationTypes: [...exploitationTypes].sort(),
      transitLocationIds: [...transit.entries()]
        .filter(([, t]) => caseCount(t.members.size, t.key) !== null)
        .sort(([a, x], [b, y]) => x.position - y.position || a.localeCompare(b))
        .map(([id]) => id),
    });
  }
  return { periodFrom: from, periodTo: to, cells: out };
}
