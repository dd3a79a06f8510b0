import { MAX_NOISE, perturbed, RESOLUTION } from '../../services/routes/disclosure';
import { startTestHub, type TestHub } from '../support/hub';

jest.setTimeout(180_000);

/**
 * Differencing attacks on routes and hotspots, run against the hub as a bank and as an NGO. Each
 * attack asks queries whose true counts differ by a small group (one new case and its victims, a
 * third exploitation type, one later quarter, a case on no route) and subtracts the answers. The
 * attacker is given everything but the hub's secret: the method and its perturbation table
 * (services/routes/disclosure.ts, docs/disclosure-control.md). From the answers it works out every
 * value the small group could have (`inferred`); the attack recovers the count only if that leaves
 * one value. Each attack checks that at least two values remain, both when the attacker knows
 * nothing of the group's size and when it knows the group is below k, and that no count below k
 * is ever released as its true value. Police keep their exact counts.
 *
 * Cases are opened through openCase as the Met, all GREEN (so every agency counts them), in 2023
 * (the demo data is from 2025–2026), on these cells:
 *   Târgu Jiu → Leicester 8 SEXUAL + 7 LABOUR (1 victim each) + 1 CRIMINAL with 3 victims, Q2
 *   Constanța → Luton     6 cases in Q1 (1 victim each) + 1 in Q2 with 2 victims (overlapping periods)
 *   Brașov → Sheffield 6, Craiova → Sheffield 5 (1 victim each), and 1 case exploited in Sheffield
 *                         with no recruitment (3 victims): the hotspot less the routes (nested geography)
 *   Iași → Birmingham     40 cases in Q3, 2 victims each (utility); later one more with 2 victims (over time)
 *   Craiova → Bedford     later, one case with 2 victims: a new cell (over time)
 */

const K = 5;
const ATTACKERS = ['albion-bank', 'safe-passage'];
const YEAR = { from: '2023-01-01', to: '2023-12-31' };

const AGGREGATES = `query($from: String!, $to: String!, $type: ExploitationType, $oc: String, $dc: String) {
  routeAggregates(periodFrom: $from, periodTo: $to, exploitationType: $type, originCountry: $oc, destinationCountry: $dc) {
    nodes { origin { name } destination { name } caseCount victimCount countSuppressed }
  }
  hotspots(periodFrom: $from, periodTo: $to, exploitationType: $type) { location { name } caseCount victimCount countSuppressed }
}`;

type Counts = { caseCount: number | null; victimCount: number | null };
/** What the attacker reads for a cell: a count, null (withheld), or 'absent' (the cell is not listed: nothing counted). */
type Answer = number | null | 'absent';
type Field = keyof Counts;

// ---- the attacker's reasoning ------------------------------------------------------------------

const MAX_VALUE = 400;
/** Every answer a cell of each true value can give, over the 256 cell keys: public knowledge. */
const ANSWERS = Array.from(
  { length: MAX_VALUE + 1 },
  (_, v) => new Set(v === 0 ? ['absent'] : Array.from({ length: 256 }, (_, c) => String(perturbed(v, c, K)))),
);
const valuesFor = (a: Answer) => ANSWERS.flatMap((answers, v) => (answers.has(String(a)) ? [v] : []));

/**
 * Every size x ≥ 1 of the group the attack isolates (total = Σ parts + x, the parts disjoint) that
 * is consistent with the answers. The keys of the cells are independent to the attacker (each
 * differs from the others by records whose keys it does not know), so each answer constrains its
 * own cell's value only.
 */
function inferred(parts: Answer[], total: Answer): number[] {
  let sums = new Set([0]);
  for (const part of parts) {
    const values = valuesFor(part);
    sums = new Set([...sums].flatMap((s) => values.map((v) => s + v)).filter((s) => s <= MAX_VALUE));
  }
  const xs = new Set<number>();
  for (const t of valuesFor(total)) for (const s of sums) if (t - s >= 1) xs.add(t - s);
  return [...xs].sort((a, b) => a - b);
}

/** The attack fails: the truth is among the values left, and it is not the only one, even to an attacker who knows x < k. */
function expectNotRecovered(label: string, parts: Answer[], total: Answer, truth: number) {
  const xs = inferred(parts, total);
  const small = xs.filter((x) => x < K);
  const view = `${label}: parts ${JSON.stringify(parts)}, total ${JSON.stringify(total)}, truth ${truth}, consistent ${JSON.stringify(xs.slice(0, 12))}`;
  if (!xs.includes(truth)) throw new Error(`the answers do not follow the published method: ${view}`);
  if (xs.length < 2 || (truth < K && small.length < 2)) throw new Error(`LEAK: the attack recovers ${truth} exactly: ${view}`);
}

/** No count below k is released as its true value, and every released count is k or more, on the published grid. */
function expectDisclosed(label: string, answer: Answer, truth: number) {
  if (answer === 'absent' || answer === null || answer === 0) return;
  if (truth < K && answer === truth) throw new Error(`LEAK: ${label} released the true count ${truth} below k`);
  expect([label, answer >= K && answer % RESOLUTION === 0]).toEqual([label, true]);
}

// ---- the hub ---------------------------------------------------------------------------------

let hub: TestHub;
const OPEN = `mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`;

async function open(types: string[], victims: number, events: Array<[string, string, string]>): Promise<void> {
  const r = await hub.gql('met-police', OPEN, {
    input: {
      handling: { marking: 'GREEN', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
      exploitationTypes: types,
      persons: Array.from({ length: victims }, (_, i) => ({ role: 'VICTIM', pseudonym: `V${i + 1}` })),
      events: events.map(([type, occurredOn, slug]) => ({ type, occurredOn, locationId: hub.demo.locations[slug]! })),
    },
  });
  expect(r.errors).toBeUndefined();
}

const route = (from: string, to: string, recruited: string, exploited: string): Array<[string, string, string]> => [
  ['RECRUITMENT', recruited, from],
  ['EXPLOITATION', exploited, to],
];
const repeat = (n: number, f: () => Promise<void>) => Array.from({ length: n }, f);

beforeAll(async () => {
  hub = await startTestHub('in-process');
  await Promise.all([
    ...repeat(8, () => open(['SEXUAL'], 1, route('targu-jiu', 'leicester', '2023-04-05', '2023-05-05'))),
    ...repeat(7, () => open(['LABOUR'], 1, route('targu-jiu', 'leicester', '2023-04-05', '2023-05-05'))),
    open(['CRIMINAL'], 3, route('targu-jiu', 'leicester', '2023-04-06', '2023-05-06')),
    ...repeat(6, () => open(['SEXUAL'], 1, route('constanta', 'luton', '2023-01-10', '2023-02-10'))),
    open(['SEXUAL'], 2, route('constanta', 'luton', '2023-04-10', '2023-05-10')),
    ...repeat(6, () => open(['SEXUAL'], 1, route('brasov', 'sheffield', '2023-04-07', '2023-05-07'))),
    ...repeat(5, () => open(['SEXUAL'], 1, route('craiova', 'sheffield', '2023-04-08', '2023-05-08'))),
    open(['SEXUAL'], 3, [['EXPLOITATION', '2023-05-09', 'sheffield']]),
    ...repeat(40, () => open(['SEXUAL'], 2, route('iasi', 'birmingham', '2023-07-01', '2023-08-01'))),
  ]);
});
afterAll(() => hub.stop());

interface Result {
  routes: Map<string, Counts>;
  hotspots: Map<string, Counts>;
}

async function ask(persona: string, q: { from: string; to: string; type?: string; oc?: string; dc?: string }): Promise<Result> {
  const r = await hub.gql<{
    routeAggregates: { nodes: Array<Counts & { origin: { name: string }; destination: { name: string } }> };
    hotspots: Array<Counts & { location: { name: string } }>;
  }>(persona, AGGREGATES, { ...q });
  expect(r.errors).toBeUndefined();
  const counts = ({ caseCount, victimCount }: Counts) => ({ caseCount, victimCount });
  return {
    routes: new Map(r.data!.routeAggregates.nodes.map((n) => [`${n.origin.name} → ${n.destination.name}`, counts(n)])),
    hotspots: new Map(r.data!.hotspots.map((h) => [h.location.name, counts(h)])),
  };
}

const answer = (cells: Map<string, Counts>, key: string, field: Field): Answer => {
  const c = cells.get(key);
  return c ? c[field] : 'absent';
};

// ---- the attacks -------------------------------------------------------------------------------

describe.each(ATTACKERS)('differencing attacks as %s', (persona) => {
  test('complementary filters: all types less SEXUAL less LABOUR does not give the CRIMINAL case and its 3 victims', async () => {
    const [all, sexual, labour, criminal] = await Promise.all([
      ask(persona, YEAR),
      ask(persona, { ...YEAR, type: 'SEXUAL' }),
      ask(persona, { ...YEAR, type: 'LABOUR' }),
      ask(persona, { ...YEAR, type: 'CRIMINAL' }),
    ]);
    const cell = 'Târgu Jiu → Leicester';
    for (const [field, truth, parts] of [
      ['caseCount', 1, [8, 7]],
      ['victimCount', 3, [8, 7]],
    ] as const) {
      for (const [table, key] of [
        ['routes', cell],
        ['hotspots', 'Leicester'],
      ] as const) {
        expectNotRecovered(`${table} ${field}`, [answer(sexual[table], key, field), answer(labour[table], key, field)], answer(all[table], key, field), truth);
        expectDisclosed(`${table} CRIMINAL ${field}`, answer(criminal[table], key, field), truth);
        expectDisclosed(`${table} SEXUAL ${field}`, answer(sexual[table], key, field), parts[0]);
      }
    }
  });

  test('overlapping periods: Q1–Q2 less Q1 does not give the Q2 case and its 2 victims', async () => {
    const [q1, q1q2, q2] = await Promise.all([
      ask(persona, { from: '2023-01-01', to: '2023-03-31' }),
      ask(persona, { from: '2023-01-01', to: '2023-06-30' }),
      ask(persona, { from: '2023-04-01', to: '2023-06-30' }),
    ]);
    for (const [field, truth] of [
      ['caseCount', 1],
      ['victimCount', 2],
    ] as const) {
      for (const [table, key] of [
        ['routes', 'Constanța → Luton'],
        ['hotspots', 'Luton'],
      ] as const) {
        expectNotRecovered(`${table} ${field}`, [answer(q1[table], key, field)], answer(q1q2[table], key, field), truth);
        expectDisclosed(`${table} Q2 ${field}`, answer(q2[table], key, field), truth);
      }
    }
  });

  test('nested geography: the Sheffield hotspot less the routes from Romania into it does not give the case on no route and its 3 victims', async () => {
    const [places, romania] = await Promise.all([ask(persona, YEAR), ask(persona, { ...YEAR, oc: 'RO', dc: 'GB' })]);
    const into = [...romania.routes.keys()].filter((key) => key.endsWith('→ Sheffield')).sort();
    expect(into).toEqual(['Brașov → Sheffield', 'Craiova → Sheffield']);
    for (const [field, truth] of [
      ['caseCount', 1],
      ['victimCount', 3],
    ] as const) {
      expectNotRecovered(
        field,
        into.map((key) => answer(romania.routes, key, field)),
        answer(places.hotspots, 'Sheffield', field),
        truth,
      );
      // The same routes unfiltered: the country filter picks whole cells and changes no count.
      for (const key of into) expect(answer(places.routes, key, field)).toEqual(answer(romania.routes, key, field));
    }
  });

  test('repeating a query averages nothing away: the same records give the same answer every time', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask(persona, YEAR)));
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
  });
});

describe('utility', () => {
  test.each(ATTACKERS)('%s: a large count is released within MAX_NOISE + ⌊RESOLUTION / 2⌋ = 3 of the truth', async (persona) => {
    expect(MAX_NOISE + Math.floor(RESOLUTION / 2)).toBe(3);
    const r = await ask(persona, YEAR);
    const cell = r.routes.get('Iași → Birmingham')!;
    expect(Math.abs(cell.caseCount! - 40)).toBeLessThanOrEqual(3);
    expect(Math.abs(cell.victimCount! - 80)).toBeLessThanOrEqual(3);
    const spot = r.hotspots.get('Birmingham')!;
    expect(Math.abs(spot.caseCount! - 40)).toBeLessThanOrEqual(3);
    // The hotspot counts the very same cases as the route: the same records, the same noise.
    expect(spot).toEqual(cell);
  });

  test.each(['met-police', 'tessera-hub'])('%s keeps exact counts', async (persona) => {
    const r = await ask(persona, YEAR);
    expect(r.routes.get('Iași → Birmingham')).toEqual({ caseCount: 40, victimCount: 80 });
    expect(r.routes.get('Târgu Jiu → Leicester')).toEqual({ caseCount: 16, victimCount: 18 });
    expect(r.hotspots.get('Sheffield')).toEqual({ caseCount: 12, victimCount: 14 });
  });
});

describe('over time: one case added between two identical queries', () => {
  test('neither a bank nor an NGO recovers the new case or its 2 victims; police see them exactly', async () => {
    const before = new Map<string, Result>();
    for (const persona of [...ATTACKERS, 'met-police']) before.set(persona, await ask(persona, YEAR));
    await open(['SEXUAL'], 2, route('iasi', 'birmingham', '2023-07-20', '2023-08-20'));
    // A case on a route nobody used before: the cell appears, its counts withheld.
    await open(['SEXUAL'], 2, route('craiova', 'bedford', '2023-04-21', '2023-05-21'));
    for (const persona of ATTACKERS) {
      const after = await ask(persona, YEAR);
      for (const [field, truth] of [
        ['caseCount', 1],
        ['victimCount', 2],
      ] as const) {
        expectNotRecovered(
          `${persona} route ${field}`,
          [answer(before.get(persona)!.routes, 'Iași → Birmingham', field)],
          answer(after.routes, 'Iași → Birmingham', field),
          truth,
        );
        expect(answer(before.get(persona)!.routes, 'Craiova → Bedford', field)).toBe('absent');
        expect(answer(after.routes, 'Craiova → Bedford', field)).toBeNull();
        expectNotRecovered(
          `${persona} hotspot ${field}`,
          [answer(before.get(persona)!.hotspots, 'Birmingham', field)],
          answer(after.hotspots, 'Birmingham', field),
          truth,
        );
      }
    }
    const police = await ask('met-police', YEAR);
    expect(before.get('met-police')!.routes.get('Iași → Birmingham')).toEqual({ caseCount: 40, victimCount: 80 });
    expect(police.routes.get('Iași → Birmingham')).toEqual({ caseCount: 41, victimCount: 82 });
    expect(police.routes.get('Craiova → Bedford')).toEqual({ caseCount: 1, victimCount: 2 });
  });
});
