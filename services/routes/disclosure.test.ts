import { type CountRequest, disclose, type LiveCell, type Member, quarterEnd, quarterOf, quarterStart } from './disclosure';

const EXACT = { exact: true, k: 5 };
const SUPPRESSED = { exact: false, k: 5 };

const member = (dates: string[], types: string[] = ['SEXUAL'], victims = 1, transit: string[] = []): Member => ({ dates, exploitationTypes: types, victims, transit });
const times = (n: number, m: () => Member) => Array.from({ length: n }, m);
const request = (periodFrom: string, periodTo: string, exploitationType?: string): CountRequest => ({ periodFrom, periodTo, exploitationType });

describe('calendar quarters', () => {
  test('a date falls in its quarter, and a quarter has a first and a last day', () => {
    expect(quarterStart(quarterOf('2024-05-02'))).toBe('2024-04-01');
    expect(quarterEnd(quarterOf('2024-05-02'))).toBe('2024-06-30');
    expect(quarterEnd(quarterOf('2023-12-31'))).toBe('2023-12-31');
    expect(quarterOf('2024-01-01') - quarterOf('2023-12-31')).toBe(1);
  });
});

describe('disclose', () => {
  test('exact counts over exactly the period asked for', () => {
    const cell = { members: [member(['2024-04-10']), member(['2024-04-20'], ['LABOUR'], 2), member(['2024-07-01'])] };
    const r = disclose([cell], request('2024-04-05', '2024-04-30'), EXACT);
    expect(r.periodFrom).toBe('2024-04-05');
    expect(r.periodTo).toBe('2024-04-30');
    expect(r.cells).toEqual([
      expect.objectContaining({ caseCount: 2, victimCount: 3, countSuppressed: false, periodStart: '2024-04-10', periodEnd: '2024-04-20', exploitationTypes: ['LABOUR', 'SEXUAL'] }),
    ]);
  });

  test('without exact counts the period widens to whole quarters and small counts are withheld', () => {
    const small = { members: times(2, () => member(['2024-04-10'])) };
    const big = { members: times(6, () => member(['2024-05-10'])) };
    const r = disclose([small, big], request('2024-04-15', '2024-06-01'), SUPPRESSED);
    expect([r.periodFrom, r.periodTo]).toEqual(['2024-04-01', '2024-06-30']);
    expect(r.cells.map((c) => [c.caseCount, c.victimCount, c.countSuppressed])).toEqual([
      [null, null, true],
      [6, 6, false],
    ]);
    expect([r.cells[1]!.periodStart, r.cells[1]!.periodEnd]).toEqual(['2024-04-01', '2024-06-30']);
  });

  test('a cell with nothing counted is not listed', () => {
    expect(disclose([{ members: [member(['2020-01-01'])] }], request('2024-01-01', '2024-12-31'), SUPPRESSED).cells).toEqual([]);
  });

  test('a filtered count whose complement in the unfiltered cell is below k is withheld', () => {
    const cell = { members: [...times(5, () => member(['2024-05-01'], ['SEXUAL'])), member(['2024-05-01'], ['LABOUR'])] };
    const all = disclose([cell], request('2024-01-01', '2024-12-31'), SUPPRESSED).cells[0]!;
    const sexual = disclose([cell], request('2024-01-01', '2024-12-31', 'SEXUAL'), SUPPRESSED).cells[0]!;
    expect(all.caseCount).toBe(6);
    expect(sexual.caseCount).toBeNull(); // 6 − 5 would single out the one LABOUR case
    expect(disclose([cell], request('2024-01-01', '2024-12-31', 'SEXUAL'), EXACT).cells[0]!.caseCount).toBe(5);
    // A filter that takes the whole cell has an empty complement: released.
    const allSexual = { members: times(6, () => member(['2024-05-01'], ['SEXUAL', 'LABOUR'])) };
    expect(disclose([allSexual], request('2024-01-01', '2024-12-31', 'SEXUAL'), SUPPRESSED).cells[0]!.caseCount).toBe(6);
  });

  test('a count for a period is withheld when a longer period differs from it by fewer than k', () => {
    const cell = { members: [...times(5, () => member(['2024-05-01'])), member(['2024-08-01'])] };
    const q2 = disclose([cell], request('2024-04-01', '2024-06-30'), SUPPRESSED).cells[0]!;
    const q2q3 = disclose([cell], request('2024-04-01', '2024-09-30'), SUPPRESSED).cells[0]!;
    expect(q2.caseCount).toBeNull();
    expect(q2q3.caseCount).toBe(6);
    // Victims are judged on their own: 5 and 6 + 5 = 11 differ by 6.
    const victims = { members: [...times(5, () => member(['2024-05-01'])), member(['2024-08-01'], ['SEXUAL'], 6)] };
    const v = disclose([victims], request('2024-04-01', '2024-06-30'), SUPPRESSED).cells[0]!;
    expect([v.caseCount, v.victimCount]).toEqual([null, 5]);
  });

  test('secondary suppression: a released total minus the released cells must not leave 1 … k−1', () => {
    const cells = [
      { group: 'london', members: times(2, () => member(['2024-05-01'])) },
      { group: 'london', members: times(7, () => member(['2024-05-01'])) },
      { group: 'london', members: times(9, () => member(['2024-05-01'])) },
      { group: 'leeds', members: times(6, () => member(['2024-05-01'])) },
    ];
    const year = request('2024-01-01', '2024-12-31');
    const totals = new Map([
      ['london', { members: cells.slice(0, 3).flatMap((c) => c.members) }],
      ['leeds', { members: [...cells[3]!.members, member(['2024-05-01'])] }], // one case on no route
    ]);
    const r = disclose(cells, year, SUPPRESSED, totals);
    // London: 18 − 7 − 9 would give the 2 away; Leeds: 7 − 6 would give the case on no route away.
    expect(r.cells.map((c) => c.caseCount)).toEqual([null, null, 9, null]);
    expect(r.cells.map((c) => c.countSuppressed)).toEqual([true, true, false, true]);
    expect(disclose(cells, year, SUPPRESSED).cells.map((c) => c.caseCount)).toEqual([null, 7, 9, 6]);
    expect(disclose(cells, year, EXACT, totals).cells.map((c) => c.caseCount)).toEqual([2, 7, 9, 6]);
  });

  test('no secondary suppression where the group total is itself withheld', () => {
    const cells = [
      { group: 'manchester', members: times(6, () => member(['2024-05-01'])) },
      { group: 'manchester', members: [...times(5, () => member(['2024-05-01'])), member(['2024-08-01'])] },
    ];
    const total = { members: cells.flatMap((c) => c.members) };
    const q2 = request('2024-04-01', '2024-06-30');
    // Q2: the second cell (5, but 6 over Q2–Q3) is withheld; the total (11, but 12 over Q2–Q3) too.
    expect(disclose(cells, q2, SUPPRESSED, new Map([['manchester', total]])).cells.map((c) => c.caseCount)).toEqual([6, null]);
    // With a released total, 11 − 6 would give the withheld 5 away.
    const released = { members: times(11, () => member(['2024-05-01'])) };
    expect(disclose(cells, q2, SUPPRESSED, new Map([['manchester', released]])).cells.map((c) => c.caseCount)).toEqual([null, null]);
  });

  test('transit places fewer than k counted cases passed through are not listed without exact counts', () => {
    const cell = { members: [...times(5, () => member(['2024-05-01'], ['SEXUAL'], 1, ['bucuresti', 'luton'])), member(['2024-05-01'], ['SEXUAL'], 1, ['budapest'])] };
    expect(disclose([cell], request('2024-01-01', '2024-12-31'), SUPPRESSED).cells[0]!.transitLocationIds).toEqual(['bucuresti', 'luton']);
    expect(disclose([cell], request('2024-01-01', '2024-12-31'), EXACT).cells[0]!.transitLocationIds).toEqual(['bucuresti', 'budapest', 'luton']);
  });

  test('published counts: only the threshold', () => {
    const fixed = [{ counts: { caseCount: 3, victimCount: 7 } }, { counts: { caseCount: 0, victimCount: 0 } }];
    expect(disclose(fixed, null, SUPPRESSED)).toEqual([
      { caseCount: null, victimCount: 7, countSuppressed: true },
      { caseCount: 0, victimCount: 0, countSuppressed: false },
    ]);
    expect(disclose(fixed, null, EXACT)[0]).toEqual({ caseCount: 3, victimCount: 7, countSuppressed: false });
  });

  test('a released group total never leaves 1 … k−1, or exactly one withheld cell, as the remainder', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const quarters = ['2024-02-01', '2024-05-01', '2024-08-01', '2024-11-01'];
    let checked = 0;
    for (let trial = 0; trial < 200; trial++) {
      const cells = Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
        group: 'd',
        members: Array.from({ length: 1 + Math.floor(random() * 9) }, () => member([quarters[Math.floor(random() * 4)]!], random() < 0.8 ? ['SEXUAL'] : ['LABOUR'])),
      }));
      const noRoute = Array.from({ length: Math.floor(random() * 3) }, () => member([quarters[Math.floor(random() * 4)]!]));
      const totals = new Map([['d', { members: [...cells.flatMap((c) => c.members), ...noRoute] }]]);
      for (const r of [request('2024-01-01', '2024-12-31'), request('2024-04-01', '2024-09-30'), request('2024-01-01', '2024-12-31', 'SEXUAL')]) {
        const [total] = disclose([totals.get('d')!], r, SUPPRESSED).cells;
        const shown = disclose(cells, r, SUPPRESSED, totals).cells;
        for (const field of ['caseCount', 'victimCount'] as const) {
          if (!total || total[field] === null) continue;
          checked++;
          const remainder = total[field]! - shown.reduce((n, c) => n + (c[field] ?? 0), 0);
          const hidden = shown.filter((c) => c[field] === null).length;
          // Unless nothing is left to withhold beside it (a one-cell group: see disclose()).
          const nothingLeft = shown.every((c) => !c[field]);
          expect(remainder <= 0 || (remainder >= 5 && hidden !== 1) || nothingLeft).toBe(true);
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  /**
   * The guarantee itself, by brute force: over random cells, ask every query a caller could make
   * (every run of whole quarters in a span, with and without each filter) and check that no two
   * released counts of nested queries differ by 1 … k−1.
   */
  test('no two released counts of nested queries differ by less than k', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    const quarters = Array.from({ length: 8 }, (_, i) => quarterOf('2023-01-01') + i);
    const types = ['SEXUAL', 'LABOUR', 'CRIMINAL'];
    let checkedPairs = 0;
    for (let trial = 0; trial < 30; trial++) {
      const cell: LiveCell = {
        members: Array.from({ length: 3 + Math.floor(random() * 25) }, () =>
          member(
            Array.from({ length: 1 + Math.floor(random() * 3) }, () => quarterStart(pick(quarters))),
            types.filter(() => random() < 0.5).concat(random() < 0.3 ? [] : [pick(types)]),
            Math.floor(random() * 3),
          ),
        ),
      };
      const released: Array<{ lo: number; hi: number; f: string | undefined; cases: number | null; victims: number | null }> = [];
      for (const lo of quarters) {
        for (const hi of quarters.filter((q) => q >= lo)) {
          for (const f of [undefined, ...types]) {
            const [c] = disclose([cell], request(quarterStart(lo), quarterEnd(hi), f), SUPPRESSED).cells;
            released.push({ lo, hi, f, cases: c ? c.caseCount : 0, victims: c ? c.victimCount : 0 });
          }
        }
      }
      for (const a of released) {
        for (const b of released) {
          const nested = b.lo <= a.lo && b.hi >= a.hi && (b.f === undefined || b.f === a.f) && a !== b;
          if (!nested) continue;
          for (const field of ['cases', 'victims'] as const) {
            const [x, y] = [a[field], b[field]];
            if (x === null || y === null) continue;
            checkedPairs++;
            const d = y - x;
            expect(d === 0 || d >= 5).toBe(true);
          }
        }
      }
    }
    expect(checkedPairs).toBeGreaterThan(1000);
  }, 30_000);
});
