import { caseRecord, cellKeyOf, cellKeySecret, MAX_NOISE, perturbed, recordKey, RESOLUTION, victimRecord } from '../../services/routes/disclosure';
import { codes, dataDir, startTestHub, type TestHub } from '../support/hub';
import { statementsSent } from '../support/probe';

/**
 * Routes and hotspots aggregated live from case events, and small-count disclosure control:
 * police and hub analysts see exact counts; banks and NGOs see counts perturbed by the cell-key
 * method (services/routes/disclosure.ts), never one below k = 5 (test/leaks/differencing.test.ts
 * runs the differencing attacks).
 *
 * The demo cases are few and date from 2025–2026, so this file opens its own cases in 2024, on
 * routes the demo data does not use (from Craiova, Brașov and Timișoara to Manchester and
 * Coventry), through the openCase mutation as the Met:
 *   Craiova → București → Manchester   6 cases, Q2 2024, SEXUAL, 7 victims (one case has two)
 *   Craiova → Coventry                 2 cases, Q2 2024, SEXUAL              (a small cell)
 *   Brașov → Coventry                  6 cases, Q2 2024, SEXUAL
 *   Timișoara → Manchester             5 cases Q2 2024 SEXUAL + 1 case Q3 2024 LABOUR
 *   Craiova → Manchester               1 AMBER_STRICT case, which no aggregate may count
 */

const K = 5;
/** `testTimeout` in jest.config.js applies only when the integration project runs on its own. */
const SLOW = 60_000;

const ROUTE_AGGREGATES = `query($from: String!, $to: String!, $type: ExploitationType, $oc: String, $dc: String) {
  routeAggregates(periodFrom: $from, periodTo: $to, exploitationType: $type, originCountry: $oc, destinationCountry: $dc) {
    periodFrom periodTo disclosureThreshold
    nodes { origin { name } transit { name } destination { name } exploitationTypes periodStart periodEnd caseCount victimCount countSuppressed }
  }
}`;

const HOTSPOTS = `query($from: String!, $to: String!, $type: ExploitationType) {
  hotspots(periodFrom: $from, periodTo: $to, exploitationType: $type) { location { name } periodStart periodEnd caseCount victimCount countSuppressed }
}`;

interface Aggregate {
  origin: { name: string };
  transit: Array<{ name: string }>;
  destination: { name: string };
  exploitationTypes: string[];
  periodStart: string;
  periodEnd: string;
  caseCount: number | null;
  victimCount: number | null;
  countSuppressed: boolean;
}
interface Hotspot {
  location: { name: string };
  periodStart: string;
  periodEnd: string;
  caseCount: number | null;
  victimCount: number | null;
  countSuppressed: boolean;
}
interface Query {
  from: string;
  to: string;
  type?: string;
  oc?: string;
  dc?: string;
}

const EXACT = ['met-police', 'tessera-hub'];
/** Cases opened below, by cell: their ids and victim counts. */
const opened: Record<string, Array<{ id: string; victims: number }>> = {};
/** What the disclosure method releases to a bank or an NGO for a cell of these cases. */
function released(...groups: string[]): [number | null, number | null] {
  const secret = cellKeySecret(dataDir());
  const cases = groups.flatMap((g) => opened[g]!);
  const victims = cases.reduce((n, c) => n + c.victims, 0);
  const caseCount = perturbed(cases.length, cellKeyOf(cases.map((c) => recordKey(secret, caseRecord(c.id)))), K);
  // Victims only beside a released case count.
  return [caseCount, caseCount === null ? null : perturbed(victims, cellKeyOf(cases.map((c) => recordKey(secret, victimRecord(c.id, c.victims)))), K)];
}
const SUPPRESSED = ['albion-bank', 'safe-passage'];
const YEAR: Query = { from: '2024-01-01', to: '2024-12-31' };

describe('routes and hotspots', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub('in-process');
    const at = (slug: string) => hub.demo.locations[slug]!;
    const OPEN = `mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`;
    const open = async (group: string, marking: string, types: string[], victims: number, events: Array<[string, string, string]>) => {
      const r = await hub.gql<{ openCase: { id: string } }>('met-police', OPEN, {
        input: {
          handling: { marking, sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
          exploitationTypes: types,
          persons: [
            ...Array.from({ length: victims }, (_, i) => ({ role: 'VICTIM', pseudonym: `V${i + 1}` })),
            { role: 'SUSPECT', pseudonym: 'S1' }, // never counted as a victim
          ],
          events: events.map(([type, occurredOn, slug]) => ({ type, occurredOn, locationId: at(slug) })),
        },
      });
      expect(r.errors).toBeUndefined();
      (opened[group] ??= []).push({ id: r.data!.openCase.id, victims });
    };
    const openings: Array<Promise<void>> = [];
    for (let i = 0; i < 6; i++) {
      openings.push(
        open('craiova-manchester', 'GREEN', ['SEXUAL'], i === 0 ? 2 : 1, [
          ['RECRUITMENT', '2024-04-03', 'craiova'],
          ['TRANSIT', '2024-04-20', 'bucuresti'],
          ['EXPLOITATION', '2024-05-02', 'manchester'],
        ]),
        open('brasov-coventry', 'GREEN', ['SEXUAL'], 1, [
          ['RECRUITMENT', '2024-04-07', 'brasov'],
          ['EXPLOITATION', '2024-05-12', 'coventry'],
        ]),
      );
    }
    for (let i = 0; i < 2; i++) {
      openings.push(
        open('craiova-coventry', 'GREEN', ['SEXUAL'], 1, [
          ['RECRUITMENT', '2024-04-05', 'craiova'],
          ['EXPLOITATION', '2024-05-10', 'coventry'],
        ]),
      );
    }
    for (let i = 0; i < 5; i++) {
      openings.push(
        open('timisoara-manchester', 'GREEN', ['SEXUAL'], 1, [
          ['RECRUITMENT', '2024-04-08', 'timisoara'],
          ['EXPLOITATION', '2024-05-20', 'manchester'],
        ]),
      );
    }
    openings.push(
      open('timisoara-manchester-q3', 'GREEN', ['LABOUR'], 1, [
        ['RECRUITMENT', '2024-07-08', 'timisoara'],
        ['EXPLOITATION', '2024-08-15', 'manchester'],
      ]),
      open('amber-strict', 'AMBER_STRICT', ['SEXUAL'], 3, [
        ['RECRUITMENT', '2024-04-03', 'craiova'],
        ['EXPLOITATION', '2024-05-02', 'manchester'],
      ]),
    );
    await Promise.all(openings);
  }, SLOW);
  afterAll(() => hub.stop());

  const routeAggregates = async (persona: string, q: Query) => {
    const r = await hub.gql<{ routeAggregates: { periodFrom: string; periodTo: string; disclosureThreshold: number | null; nodes: Aggregate[] } }>(
      persona,
      ROUTE_AGGREGATES,
      { ...q },
    );
    expect(r.errors).toBeUndefined();
    return r.data!.routeAggregates;
  };
  const hotspots = async (persona: string, q: Query) => {
    const r = await hub.gql<{ hotspots: Hotspot[] }>(persona, HOTSPOTS, { from: q.from, to: q.to, type: q.type });
    expect(r.errors).toBeUndefined();
    return r.data!.hotspots;
  };
  const cell = (nodes: Aggregate[], origin: string, destination: string) => nodes.find((n) => n.origin.name === origin && n.destination.name === destination);
  const counts = (c: { caseCount: number | null; victimCount: number | null } | undefined) => (c ? [c.caseCount, c.victimCount] : undefined);
  const at = (spots: Hotspot[], name: string) => spots.find((h) => h.location.name === name);

  test.each(EXACT)(
    '%s sees exact counts over exactly the period asked for',
    async (persona) => {
      const year = await routeAggregates(persona, YEAR);
      expect([year.periodFrom, year.periodTo]).toEqual(['2024-01-01', '2024-12-31']);
      // No threshold applies to exact counts: the console shows every count as it is.
      expect(year.disclosureThreshold).toBeNull();
      const manchester = cell(year.nodes, 'Craiova', 'Manchester')!;
      // Counts follow reach: the Met's own AMBER_STRICT case (three victims) moves the Met's counts
      // and nobody else's; suspects are not victims.
      expect(counts(manchester)).toEqual(persona === 'met-police' ? [7, 10] : [6, 7]);
      expect(manchester.transit.map((t) => t.name)).toEqual(['București']);
      expect([manchester.periodStart, manchester.periodEnd]).toEqual(['2024-04-03', '2024-05-02']);
      expect(manchester.countSuppressed).toBe(false);
      expect(counts(cell(year.nodes, 'Craiova', 'Coventry'))).toEqual([2, 2]);
      expect(counts(cell(year.nodes, 'Brașov', 'Coventry'))).toEqual([6, 6]);
      const timisoara = cell(year.nodes, 'Timișoara', 'Manchester')!;
      expect(counts(timisoara)).toEqual([6, 6]);
      expect(timisoara.exploitationTypes).toEqual(['LABOUR', 'SEXUAL']);
      expect([timisoara.periodStart, timisoara.periodEnd]).toEqual(['2024-04-08', '2024-08-15']);

      const days = await routeAggregates(persona, { from: '2024-04-10', to: '2024-06-20' });
      expect([days.periodFrom, days.periodTo]).toEqual(['2024-04-10', '2024-06-20']);
      expect(counts(cell(days.nodes, 'Timișoara', 'Manchester'))).toEqual([5, 5]);
      const sexual = await routeAggregates(persona, { ...YEAR, type: 'SEXUAL' });
      expect(counts(cell(sexual.nodes, 'Timișoara', 'Manchester'))).toEqual([5, 5]);
      const labour = await routeAggregates(persona, { ...YEAR, type: 'LABOUR' });
      expect(labour.nodes.map((n) => [n.origin.name, n.destination.name, n.caseCount])).toEqual([['Timișoara', 'Manchester', 1]]);

      const spots = await hotspots(persona, YEAR);
      expect(counts(at(spots, 'Manchester'))).toEqual(persona === 'met-police' ? [13, 16] : [12, 13]);
      expect(counts(at(spots, 'Coventry'))).toEqual([8, 8]);
      expect(counts(at(await hotspots(persona, { from: '2024-07-01', to: '2024-09-30' }), 'Manchester'))).toEqual([1, 1]);
    },
    SLOW,
  );

  test.each(SUPPRESSED)(
    '%s: counts are perturbed over the records that reach it, small ones withheld, the period whole quarters',
    async (persona) => {
      const year = await routeAggregates(persona, YEAR);
      // The threshold is stated, so a withheld count can be shown as "fewer than k".
      expect(year.disclosureThreshold).toBe(K);
      const manchester = cell(year.nodes, 'Craiova', 'Manchester')!;
      // The Met's AMBER_STRICT case does not reach a bank or an NGO: not among the records perturbed.
      expect(counts(manchester)).toEqual(released('craiova-manchester'));
      expect(manchester.countSuppressed).toBe(released('craiova-manchester').includes(null));
      expect([manchester.periodStart, manchester.periodEnd]).toEqual(['2024-04-01', '2024-06-30']);
      // The six cases all passed through București: listed when their count would be released.
      expect(manchester.transit.map((t) => t.name)).toEqual(released('craiova-manchester')[0] === null ? [] : ['București']);
      expect(counts(cell(year.nodes, 'Timișoara', 'Manchester'))).toEqual(released('timisoara-manchester', 'timisoara-manchester-q3'));
      expect(counts(cell(year.nodes, 'Brașov', 'Coventry'))).toEqual(released('brasov-coventry'));
      expect(counts(at(await hotspots(persona, YEAR), 'Coventry'))).toEqual(released('brasov-coventry', 'craiova-coventry'));
      // The small cell (2 cases, 2 victims) is listed, its counts withheld: 2 + the largest noise is still below k.
      const small = cell(year.nodes, 'Craiova', 'Coventry')!;
      expect(counts(small)).toEqual([null, null]);
      expect(small.countSuppressed).toBe(true);

      const days = await routeAggregates(persona, { from: '2024-04-10', to: '2024-06-20' });
      expect([days.periodFrom, days.periodTo]).toEqual(['2024-04-01', '2024-06-30']);
      const spots = await hotspots(persona, { from: '2024-04-10', to: '2024-06-20' });
      expect(spots.every((h) => h.periodStart === '2024-04-01' && h.periodEnd === '2024-06-30')).toBe(true);
    },
    SLOW,
  );

  test.each(SUPPRESSED)(
    '%s: two overlapping periods that differ by days answer the same',
    async (persona) => {
      expect(await routeAggregates(persona, { from: '2024-04-10', to: '2024-06-20' })).toEqual(
        await routeAggregates(persona, { from: '2024-04-01', to: '2024-06-30' }),
      );
      expect(await hotspots(persona, { from: '2024-05-03', to: '2024-05-03' })).toEqual(await hotspots(persona, { from: '2024-04-01', to: '2024-06-30' }));
    },
    SLOW,
  );

  test.each(SUPPRESSED)(
    '%s: the same cases give the same counts whichever period, filter or table selects them',
    async (persona) => {
      // Q2 and SEXUAL over the year select the same five Timișoara → Manchester cases; Q2–Q3 adds the LABOUR case.
      const q2 = cell((await routeAggregates(persona, { from: '2024-04-01', to: '2024-06-30' })).nodes, 'Timișoara', 'Manchester');
      const sexual = await routeAggregates(persona, { ...YEAR, type: 'SEXUAL' });
      expect(counts(q2)).toEqual(released('timisoara-manchester'));
      expect(counts(cell(sexual.nodes, 'Timișoara', 'Manchester'))).toEqual(released('timisoara-manchester'));
      expect(counts(cell((await routeAggregates(persona, { from: '2024-04-01', to: '2024-09-30' })).nodes, 'Timișoara', 'Manchester'))).toEqual(
        released('timisoara-manchester', 'timisoara-manchester-q3'),
      );
      expect(counts(cell(sexual.nodes, 'Craiova', 'Manchester'))).toEqual(counts(cell((await routeAggregates(persona, YEAR)).nodes, 'Craiova', 'Manchester')));
      expect(counts(at(await hotspots(persona, { ...YEAR, type: 'SEXUAL' }), 'Manchester'))).toEqual(
        counts(at(await hotspots(persona, { from: '2024-04-01', to: '2024-06-30' }), 'Manchester')),
      );
      // The LABOUR case alone: withheld.
      expect(counts(at(await hotspots(persona, { from: '2024-07-01', to: '2024-09-30' }), 'Manchester'))).toEqual([null, null]);
    },
    SLOW,
  );

  /**
   * Every query a caller can make over 2024 (runs of quarters × filters): every released count is
   * at least k, a multiple of the resolution, and within the stated error of the exact count the
   * hub's analysts get for the same query; no cell below k is released as its true count.
   */
  test.each(SUPPRESSED)(
    '%s: every query over 2024 releases counts within the stated error, none below k',
    async (persona) => {
      const starts = ['2024-01-01', '2024-04-01', '2024-07-01', '2024-10-01'];
      const ends = ['2024-03-31', '2024-06-30', '2024-09-30', '2024-12-31'];
      const cellsOf = async (who: string, q: Query) => {
        const r = await routeAggregates(who, q);
        const h = await hotspots(who, q);
        return new Map<string, (number | null)[]>([
          ...r.nodes.map((n): [string, (number | null)[]] => [`${n.origin.name}>${n.destination.name}`, [n.caseCount, n.victimCount]]),
          ...h.map((n): [string, (number | null)[]] => [n.location.name, [n.caseCount, n.victimCount]]),
        ]);
      };
      let compared = 0;
      for (let lo = 0; lo < 4; lo++) {
        for (let hi = lo; hi < 4; hi++) {
          for (const type of [undefined, 'SEXUAL', 'LABOUR']) {
            const q = { from: starts[lo]!, to: ends[hi]!, type };
            const [shown, exact] = await Promise.all([cellsOf(persona, q), cellsOf('tessera-hub', q)]);
            expect([...shown.keys()].sort()).toEqual([...exact.keys()].sort());
            for (const [key, values] of shown) {
              values.forEach((n, i) => {
                const truth = exact.get(key)![i]!;
                if (n === null) return;
                compared++;
                expect([key, n === 0 ? truth === 0 : n >= K && n % RESOLUTION === 0 && Math.abs(n - truth) <= MAX_NOISE + Math.floor(RESOLUTION / 2)]).toEqual([
                  key,
                  true,
                ]);
                if (truth < K) expect(n).not.toBe(truth);
              });
            }
          }
        }
      }
      expect(compared).toBeGreaterThan(20);
    },
    SLOW,
  );

  test(
    'country filters pick whole routes',
    async () => {
      const ro = await routeAggregates('met-police', { ...YEAR, oc: 'RO', dc: 'GB' });
      expect(ro.nodes.map((n) => `${n.origin.name} → ${n.destination.name}`)).toEqual([
        'Brașov → Coventry',
        'Craiova → Coventry',
        'Craiova → Manchester',
        'Timișoara → Manchester',
      ]);
      expect((await routeAggregates('albion-bank', { ...YEAR, oc: 'GB' })).nodes).toEqual([]);
      expect(codes(await hub.gql('albion-bank', ROUTE_AGGREGATES, { ...YEAR, oc: 'ro' }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await hub.gql('albion-bank', ROUTE_AGGREGATES, { from: '2024-12-31', to: '2024-01-01' }))).toEqual(['BAD_USER_INPUT']);
    },
    SLOW,
  );

  test(
    'the demo scenario: a route from the demo cases, and a published route with a small count withheld',
    async () => {
      // Lanterna (AMBER, shared with the Romanian police) is a route for those it reaches only.
      const police = await routeAggregates('politia-romana', { from: '2025-01-01', to: '2026-12-31' });
      const lanterna = cell(police.nodes, 'Constanța', 'London')!;
      expect(lanterna.caseCount).toBeGreaterThanOrEqual(1);
      expect(lanterna.transit.map((t) => t.name)).toEqual(expect.arrayContaining(['București', 'Luton']));
      const analysts = await routeAggregates('tessera-hub', { from: '2025-01-01', to: '2026-12-31' });
      expect(cell(analysts.nodes, 'Constanța', 'London')).toBeUndefined();
      expect(cell(analysts.nodes, 'Brașov', 'Sheffield')?.transit.map((t) => t.name)).toEqual(['Timișoara']);
      const q = `{ routes { nodes { origin { name } destination { name } caseCount victimCount countSuppressed } } }`;
      const published = await hub.gql<{
        routes: { nodes: Array<{ origin: { name: string }; caseCount: number | null; victimCount: number | null; countSuppressed: boolean }> };
      }>('albion-bank', q);
      const constanta = published.data!.routes.nodes.find((r) => r.origin.name === 'Constanța')!;
      expect([constanta.caseCount, constanta.victimCount, constanta.countSuppressed]).toEqual([null, 7, true]);
    },
    SLOW,
  );

  test(
    'routes and hotspots asked together, as the console map asks them, are read in one statement and answer as they do apart',
    async () => {
      const BOTH = `query($from: String!, $to: String!) {
        routeAggregates(periodFrom: $from, periodTo: $to) { periodFrom periodTo disclosureThreshold nodes { origin { name } transit { name } destination { name } exploitationTypes periodStart periodEnd caseCount victimCount countSuppressed } }
        hotspots(periodFrom: $from, periodTo: $to) { location { name } periodStart periodEnd caseCount victimCount countSuppressed }
      }`;
      for (const persona of ['met-police', 'albion-bank']) {
        let together: { routeAggregates: Awaited<ReturnType<typeof routeAggregates>>; hotspots: Hotspot[] } | undefined;
        const sent = await statementsSent(hub.appDb, async () => {
          const r = await hub.gql<NonNullable<typeof together>>(persona, BOTH, { ...YEAR });
          expect(r.errors).toBeUndefined();
          together = r.data!;
        });
        expect(sent.filter((s) => s.includes('FROM cases.case_chains'))).toHaveLength(1);
        expect(together!.routeAggregates).toEqual(await routeAggregates(persona, YEAR));
        expect(together!.hotspots).toEqual(await hotspots(persona, YEAR));
        expect(together!.hotspots.length).toBeGreaterThan(0);
        expect(together!.routeAggregates.nodes.length).toBeGreaterThan(0);
      }
    },
    SLOW,
  );

  test(
    'a hub administrator reads no aggregates',
    async () => {
      expect((await routeAggregates('tessera-admin', YEAR)).nodes).toEqual([]);
      expect(await hotspots('tessera-admin', YEAR)).toEqual([]);
    },
    SLOW,
  );
});
