import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  caseRecord,
  cellKeyOf,
  cellKeySecret,
  type CountRequest,
  disclose,
  MAX_NOISE,
  type Member,
  noiseOf,
  perturbed,
  quarterEnd,
  quarterOf,
  quarterStart,
  recordKey,
  RESOLUTION,
  victimRecord,
} from './disclosure';
import { tempDir } from '../../test/support/temp-dir';

const K = 5;
const SECRET = Buffer.alloc(32, 7);
const EXACT = { exact: true, k: K, secret: SECRET };
const SUPPRESSED = { exact: false, k: K, secret: SECRET };
/** The largest |released − true| of a released count. */
const MAX_ERROR = MAX_NOISE + Math.floor(RESOLUTION / 2);

let ids = 0;
const member = (dates: string[], types: string[] = ['SEXUAL'], victims = 1, transit: string[] = []): Member => ({
  id: `case-${++ids}`,
  dates,
  exploitationTypes: types,
  victims,
  transit,
});
const times = (n: number, m: () => Member) => Array.from({ length: n }, m);
const request = (periodFrom: string, periodTo: string, exploitationType?: string): CountRequest => ({ periodFrom, periodTo, exploitationType });
const YEAR = request('2024-01-01', '2024-12-31');
const secrets = (n: number) => Array.from({ length: n }, () => randomBytes(32));

describe('calendar quarters', () => {
  test('a date falls in its quarter, and a quarter has a first and a last day', () => {
    expect(quarterStart(quarterOf('2024-05-02'))).toBe('2024-04-01');
    expect(quarterEnd(quarterOf('2024-05-02'))).toBe('2024-06-30');
    expect(quarterEnd(quarterOf('2023-12-31'))).toBe('2023-12-31');
    expect(quarterOf('2024-01-01') - quarterOf('2023-12-31')).toBe(1);
  });
});

describe('the perturbation table', () => {
  const keys = Array.from({ length: 256 }, (_, c) => c);
  test('zero stays zero; every other row is unbiased (sums to zero), bounded by D = 2, with variance 1', () => {
    expect(keys.every((c) => noiseOf(0, c) === 0)).toBe(true);
    for (let value = 1; value <= 300; value++) {
      const row = keys.map((c) => noiseOf(value, c));
      expect(row.reduce((a, b) => a + b, 0)).toBe(0);
      expect(Math.max(...row.map(Math.abs))).toBe(MAX_NOISE);
      expect(row.reduce((a, b) => a + b * b, 0) / 256).toBe(1);
    }
  });

  test('a cell key gives unrelated noise at neighbouring values (one more record with key 0 does not keep the noise)', () => {
    for (let value = 1; value <= 50; value++) {
      const same = keys.filter((c) => noiseOf(value, c) === noiseOf(value + 1, c)).length;
      expect(same).toBeLessThan(160); // independent draws agree on ≈ 0.40² + 2·0.23² + 2·0.066² ≈ 27% of keys
    }
  });

  test('a record key is fixed by the record and the secret, and spreads over 0 … 255', () => {
    expect(recordKey(SECRET, caseRecord('a'))).toBe(recordKey(SECRET, caseRecord('a')));
    const spread = new Set(Array.from({ length: 4000 }, (_, i) => recordKey(SECRET, caseRecord(`c${i}`))));
    expect(spread.size).toBe(256);
    expect(cellKeyOf([200, 100, 3])).toBe(47);
  });
});

describe('the hub secret', () => {
  const saved = process.env.TESSERA_CELL_KEY_SECRET;
  afterEach(() => {
    if (saved === undefined) delete process.env.TESSERA_CELL_KEY_SECRET;
    else process.env.TESSERA_CELL_KEY_SECRET = saved;
  });

  test('made once under the data directory, readable by the owner only, and the same on every call', () => {
    delete process.env.TESSERA_CELL_KEY_SECRET;
    const dir = tempDir('cellkey');
    const first = cellKeySecret(dir);
    expect(first.length).toBe(32);
    expect(fs.statSync(path.join(dir, 'keys', 'cell-key-secret')).mode & 0o777).toBe(0o600);
    expect(cellKeySecret(dir).equals(first)).toBe(true);
    expect(cellKeySecret(tempDir('cellkey')).equals(first)).toBe(false);
  });

  test('TESSERA_CELL_KEY_SECRET when set, refused when shorter than 32 bytes', () => {
    const secret = randomBytes(32);
    process.env.TESSERA_CELL_KEY_SECRET = secret.toString('base64url');
    expect(cellKeySecret('/nonexistent').equals(secret)).toBe(true);
    process.env.TESSERA_CELL_KEY_SECRET = randomBytes(16).toString('base64url');
    expect(() => cellKeySecret('/nonexistent')).toThrow(/at least 32 bytes/);
  });
});

describe('disclose', () => {
  test('exact counts over exactly the period asked for', () => {
    const cell = { members: [member(['2024-04-10']), member(['2024-04-20'], ['LABOUR'], 2), member(['2024-07-01'])] };
    const r = disclose([cell], request('2024-04-05', '2024-04-30'), EXACT);
    expect(r.periodFrom).toBe('2024-04-05');
    expect(r.periodTo).toBe('2024-04-30');
    expect(r.cells).toEqual([
      expect.objectContaining({
        caseCount: 2,
        victimCount: 3,
        countSuppressed: false,
        periodStart: '2024-04-10',
        periodEnd: '2024-04-20',
        exploitationTypes: ['LABOUR', 'SEXUAL'],
      }),
    ]);
  });

  test('without exact counts the period widens to whole quarters and counts are perturbed, rounded, and withheld below k', () => {
    const small = { members: times(2, () => member(['2024-04-10'])) };
    const big = { members: times(30, () => member(['2024-05-10'], ['SEXUAL'], 2)) };
    const r = disclose([small, big], request('2024-04-15', '2024-06-01'), SUPPRESSED);
    expect([r.periodFrom, r.periodTo]).toEqual(['2024-04-01', '2024-06-30']);
    expect(r.cells.map((c) => [c.caseCount, c.victimCount, c.countSuppressed])).toEqual([
      [null, null, true],
      [perturbed(30, cellKeyOf(big.members.map((m) => recordKey(SECRET, caseRecord(m.id)))), K), expect.any(Number), false],
    ]);
    for (const n of [r.cells[1]!.caseCount!, r.cells[1]!.victimCount!]) expect(n % RESOLUTION).toBe(0);
    expect(Math.abs(r.cells[1]!.caseCount! - 30)).toBeLessThanOrEqual(MAX_ERROR);
    expect(Math.abs(r.cells[1]!.victimCount! - 60)).toBeLessThanOrEqual(MAX_ERROR);
    expect([r.cells[1]!.periodStart, r.cells[1]!.periodEnd]).toEqual(['2024-04-01', '2024-06-30']);
  });

  test("a cell's counts are keyed by its cases' records, whatever the victims each caller reaches and however often a case passes a place", () => {
    // Counts near k, where the key decides whether a count is released; many sets of cases, so a wrong key shows.
    for (let round = 0; round < 40; round++) {
      const cases = times(5, () => member(['2024-05-10'], ['SEXUAL'], 2, ['t-1', 't-2', 't-1']));
      const caseKey = cellKeyOf(cases.map((m) => recordKey(SECRET, caseRecord(m.id))));
      const expected = (victims: number) => ({
        caseCount: perturbed(5, caseKey, K),
        // Released only beside the case count.
        victimCount:
          perturbed(5, caseKey, K) === null ? null : perturbed(5 * victims, cellKeyOf(cases.map((m) => recordKey(SECRET, victimRecord(m.id, victims)))), K),
        // Both transit places are passed by the five cases (t-1 twice by each): released as the cell's own case count is.
        transitLocationIds: perturbed(5, caseKey, K) === null ? [] : ['t-1', 't-2'],
      });
      // One caller reaches two victims of each case, another three, then the first again.
      for (const victims of [2, 3, 2]) {
        const r = disclose([{ members: cases.map((m) => ({ ...m, victims })) }], YEAR, SUPPRESSED);
        expect(r.cells.map((c) => ({ caseCount: c.caseCount, victimCount: c.victimCount, transitLocationIds: c.transitLocationIds }))).toEqual([
          expected(victims),
        ]);
      }
    }
  });

  test('victims are released only beside their case count: one case with many victims is withheld whole', () => {
    for (const secret of secrets(50)) {
      const policy = { ...SUPPRESSED, secret };
      const alone = disclose([{ members: [member(['2024-05-10'], ['SEXUAL'], 12)] }], YEAR, policy).cells[0]!;
      expect(alone).toMatchObject({ caseCount: null, victimCount: null, countSuppressed: true });
      // Enough cases: both are released, the victims as the method releases any count.
      const many = disclose([{ members: times(12, () => member(['2024-05-10'], ['SEXUAL'], 3)) }], YEAR, policy).cells[0]!;
      expect(many.caseCount).not.toBeNull();
      expect(Math.abs(many.victimCount! - 36)).toBeLessThanOrEqual(3);
    }
  });

  test('zero victims are released as zero', () => {
    const cell = { members: times(12, () => member(['2024-05-10'], ['SEXUAL'], 0)) };
    expect(disclose([cell], YEAR, SUPPRESSED).cells[0]!.victimCount).toBe(0);
  });

  test('a cell with nothing counted is not listed', () => {
    expect(disclose([{ members: [member(['2020-01-01'])] }], YEAR, SUPPRESSED).cells).toEqual([]);
  });

  test('the same set of records gets the same counts in every table, whatever the query, the order or the cell', () => {
    for (const secret of secrets(50)) {
      const policy = { ...SUPPRESSED, secret };
      const cases = times(9, () => member(['2024-05-01'], ['SEXUAL'], 2));
      const hotspot = { members: [...cases, member(['2023-02-01'])] };
      const route = { members: [...cases].reverse() };
      const a = disclose([hotspot], request('2024-04-01', '2024-06-30'), policy).cells[0]!;
      const b = disclose([route], YEAR, policy).cells[0]!;
      const c = disclose([route], request('2024-01-01', '2024-12-31', 'SEXUAL'), policy).cells[0]!;
      expect([b.caseCount, b.victimCount]).toEqual([a.caseCount, a.victimCount]);
      expect([c.caseCount, c.victimCount]).toEqual([a.caseCount, a.victimCount]);
    }
  });

  test('a cell below k is never released as its true count, and is mostly withheld', () => {
    let released = 0;
    for (const secret of secrets(400)) {
      for (let n = 1; n < K; n++) {
        const [c] = disclose([{ members: times(n, () => member(['2024-05-01'], ['SEXUAL'], 1)) }], YEAR, { ...SUPPRESSED, secret }).cells;
        for (const count of [c!.caseCount, c!.victimCount]) {
          if (count === null) continue;
          released++;
          expect(count).not.toBe(n);
          expect(count).toBeGreaterThanOrEqual(K);
        }
        if (n <= K - 1 - MAX_NOISE) expect([c!.caseCount, c!.victimCount]).toEqual([null, null]);
      }
    }
    expect(released).toBeLessThan(400 * 2 * 2 * 0.3); // only 3 and 4 can show, and only with noise +2 (or +1 for 4)
  });

  test('utility: every released count is within 3 of the truth, unbiased, and released from k + 2 up', () => {
    let sum = 0;
    let n = 0;
    for (const secret of secrets(20)) {
      for (let value = K; value <= 120; value++) {
        const [c] = disclose([{ members: times(value, () => member(['2024-05-01'], ['SEXUAL'], 0)) }], YEAR, { ...SUPPRESSED, secret }).cells;
        if (value >= K + MAX_NOISE) expect(c!.caseCount).not.toBeNull();
        if (c!.caseCount === null) continue;
        expect(Math.abs(c!.caseCount - value)).toBeLessThanOrEqual(MAX_ERROR);
        sum += c!.caseCount - value;
        n++;
      }
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.15);
  });

  test('transit places are listed when the perturbed count of counted cases through them is released; all with exact counts', () => {
    for (const secret of secrets(30)) {
      const cell = {
        members: [
          ...times(10, () => member(['2024-05-01'], ['SEXUAL'], 1, ['bucuresti', 'luton'])),
          ...times(2, () => member(['2024-05-01'], ['SEXUAL'], 1, ['budapest'])),
        ],
      };
      expect(disclose([cell], YEAR, { ...SUPPRESSED, secret }).cells[0]!.transitLocationIds).toEqual(['bucuresti', 'luton']);
      expect(disclose([cell], YEAR, { ...EXACT, secret }).cells[0]!.transitLocationIds).toEqual(['bucuresti', 'budapest', 'luton']);
    }
  });

  test('published counts: only the threshold', () => {
    const fixed = [{ counts: { caseCount: 3, victimCount: 7 } }, { counts: { caseCount: 0, victimCount: 0 } }];
    expect(disclose(fixed, null, SUPPRESSED)).toEqual([
      { caseCount: null, victimCount: 7, countSuppressed: true },
      { caseCount: 0, victimCount: 0, countSuppressed: false },
    ]);
    expect(disclose(fixed, null, EXACT)[0]).toEqual({ caseCount: 3, victimCount: 7, countSuppressed: false });
  });
});

/**
 * The attacker's view, exactly: it knows the perturbation table and the method, not the record
 * keys (which look uniform without the secret, so the keys of cells that differ by a record it
 * cannot see are independent). For every true count and every small difference d = 1 … k−1, each
 * answer it can get is consistent with at least two values of d, whether it knows nothing of d or
 * knows that d is below k: no answer tells it the small count with certainty.
 */
describe('differencing, against the table itself', () => {
  /** The answers a true value can give, over the 256 cell keys ('absent': a cell with nothing counted is not listed). */
  const table = Array.from({ length: 100 }, (_, value) =>
    value === 0 ? ['absent'] : [...new Set(Array.from({ length: 256 }, (_, c) => String(perturbed(value, c, K))))],
  );
  const answers = (value: number) => table[value]!;
  const consistent = (sets: Map<string, Set<number>>, key: string, d: number) => {
    let s = sets.get(key);
    if (!s) sets.set(key, (s = new Set()));
    s.add(d);
  };

  test('over time, or a longer period: a cell asked for before and after d records joined it', () => {
    for (const maxD of [K - 1, 30]) {
      const sets = new Map<string, Set<number>>();
      for (let a = 0; a <= 60; a++)
        for (let d = 1; d <= maxD; d++) for (const pa of answers(a)) for (const pb of answers(a + d)) consistent(sets, `${pa}|${pb}`, d);
      let checked = 0;
      for (let a = 0; a <= 40; a++) {
        for (let d = 1; d < K; d++) {
          for (const pa of answers(a)) {
            for (const pb of answers(a + d)) {
              checked++;
              expect([a, d, pa, pb, sets.get(`${pa}|${pb}`)!.size >= 2]).toEqual([a, d, pa, pb, true]);
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(400);
    }
  });

  test('complementary filters: all = SEXUAL + LABOUR + x, for x = 1 … k−1', () => {
    for (const maxX of [K - 1, 12]) {
      const sets = new Map<string, Set<number>>();
      for (let s = 0; s <= 25; s++)
        for (let l = 0; l <= 25; l++)
          for (let x = 1; x <= maxX; x++)
            for (const ps of answers(s)) for (const pl of answers(l)) for (const pa of answers(s + l + x)) consistent(sets, `${ps}|${pl}|${pa}`, x);
      const pinned: string[] = [];
      for (let s = 0; s <= 18; s++)
        for (let l = 0; l <= 18; l++)
          for (let x = 1; x < K; x++)
            for (const ps of answers(s))
              for (const pl of answers(l))
                for (const pa of answers(s + l + x)) if (sets.get(`${ps}|${pl}|${pa}`)!.size < 2) pinned.push(`${s}+${l}+${x}: ${ps}|${pl}|${pa}`);
      expect(pinned).toEqual([]);
    }
  });

  test('without the rounding, or with withholding by the true count, an answer can pin a small difference (why the method is as it is)', () => {
    const pins = (publish: (value: number, key: number) => number | null) => {
      const out = (v: number) => (v === 0 ? ['absent'] : [...new Set(Array.from({ length: 256 }, (_, c) => String(publish(v, c))))]);
      const sets = new Map<string, Set<number>>();
      for (let a = 0; a <= 40; a++) for (let d = 1; d < K; d++) for (const pa of out(a)) for (const pb of out(a + d)) consistent(sets, `${pa}|${pb}`, d);
      return [...sets.values()].some((s) => s.size < 2);
    };
    const noisy = (v: number, c: number) => v + noiseOf(v, c);
    expect(pins((v, c) => (noisy(v, c) < K ? null : noisy(v, c)))).toBe(true);
    expect(pins((v, c) => (v < K || noisy(v, c) < K ? null : Math.max(K, RESOLUTION * Math.round(noisy(v, c) / RESOLUTION))))).toBe(true);
    expect(pins((v, c) => perturbed(v, c, K))).toBe(false);
  });
});
