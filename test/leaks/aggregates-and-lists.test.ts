import { caseRecord, cellKeyOf, cellKeySecret, MAX_NOISE, perturbed, recordKey, RESOLUTION, victimRecord } from '../../services/routes/disclosure';
import { codes, dataDir, startTestHub, type TestHub } from '../support/hub';
import * as Q from './queries';
import { FI, id, LEAK_PURPOSE, NGO, type Probe, probeTable } from './support';

// Starting a hub and its fixtures can take longer than Jest's default 5 s.
jest.setTimeout(120_000);

/**
 * Counts. Banks and NGOs never get a route or hotspot count below k = 5 (null, countSuppressed);
 * aggregates never count records that do not reach the caller; list totals, pages and allowed
 * filters count only rows the caller may see.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const SUPPRESSED = [...FI, ...NGO, 'lumina-ro:VIEWER'];
const SMALL = [1, 2, 3, 4].flatMap((n) => [`"victimCount":${n}`, `"caseCount":${n}`]);
const PERIOD = { from: '2025-01-01', to: '2026-12-31' };

const countProbes: Probe[] = [
  {
    via: 'route(id) — three routes with counts below k',
    query: `query($a: ID!, $b: ID!, $c: ID!) {
      a: route(id: $a) { victimCount caseCount countSuppressed }
      b: route(id: $b) { victimCount caseCount countSuppressed }
      c: route(id: $c) { victimCount caseCount countSuppressed }
    }`,
    variables: () => ({ a: id('route:iasi-leicester'), b: id('route:brasov-sheffield'), c: id('route:constanta-london') }),
    secrets: ['"victimCount":3', '"caseCount":2', '"victimCount":2', '"caseCount":1', '"caseCount":3'],
    denied: SUPPRESSED,
    expect: {
      equals: {
        'a.victimCount': null,
        'a.caseCount': null,
        'a.countSuppressed': true,
        'b.victimCount': null,
        'b.caseCount': null,
        'b.countSuppressed': true,
        'c.victimCount': 7,
        'c.caseCount': null,
        'c.countSuppressed': true,
      },
    },
    controls: ['met-police', 'politia-romana', 'tessera-hub'],
  },
  {
    via: 'routes list',
    query: Q.ROUTES_LIST,
    secrets: SMALL,
    denied: SUPPRESSED,
    expect: { equals: { 'routes.totalCount': 3 } },
    controls: [{ persona: 'tessera-hub', sees: ['"victimCount":3', '"caseCount":2', '"victimCount":2', '"caseCount":1', '"caseCount":3'] }],
  },
  {
    via: 'routes(filter: { exploitationType: LABOUR })',
    query: `{ routes(filter: { exploitationType: LABOUR }) { totalCount nodes { id victimCount caseCount countSuppressed } } }`,
    secrets: SMALL,
    denied: SUPPRESSED,
    expect: { equals: { 'routes.totalCount': 1, 'routes.nodes.*.countSuppressed': true } },
    controls: [{ persona: 'met-police', sees: ['"victimCount":3', '"caseCount":2'] }],
  },
  {
    via: 'hotspots',
    query: Q.HOTSPOTS,
    variables: () => PERIOD,
    secrets: SMALL,
    denied: SUPPRESSED,
    expect: {},
    controls: [{ persona: 'met-police', sees: ['"caseCount":1', '"victimCount":2', '"caseCount":2', '"victimCount":3'] }],
  },
  {
    via: 'hotspots(exploitationType: SEXUAL)',
    query: `query($from: String!, $to: String!) { hotspots(periodFrom: $from, periodTo: $to, exploitationType: SEXUAL) { location { name } caseCount victimCount countSuppressed } }`,
    variables: () => PERIOD,
    secrets: SMALL,
    denied: SUPPRESSED,
    expect: {},
    controls: [{ persona: 'met-police', sees: ['"caseCount":1', '"caseCount":2'] }],
  },
];

probeTable('counts below k for banks and NGOs', () => hub, countProbes);

describe('counts below k for banks and NGOs: every count, whatever the route or place', () => {
  test.each(SUPPRESSED)('%s: every count is null or at least 5, and suppression is flagged', async (persona) => {
    const r = await hub.gql<{ routes: { nodes: Array<Record<string, number | boolean | null>> }; hotspots: Array<Record<string, number | boolean | null>> }>(
      persona,
      `query($from: String!, $to: String!) {
        routes(first: 200) { nodes { victimCount caseCount countSuppressed } }
        hotspots(periodFrom: $from, periodTo: $to) { victimCount caseCount countSuppressed }
      }`,
      PERIOD,
    );
    expect(r.errors).toBeUndefined();
    const rows = [...r.data!.routes.nodes, ...r.data!.hotspots];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      for (const c of ['victimCount', 'caseCount']) {
        if (row[c] !== null) expect(row[c]).toBeGreaterThanOrEqual(5);
        else expect(row.countSuppressed).toBe(true);
      }
    }
  });
});

// ---- aggregates only count what reaches the caller -----------------------------------------------

interface VisibleCase {
  id: string;
  events: Array<{ type: string; occurredOn: string | null; location: { name: string } | null }>;
  persons: Array<{ id: string; role: string | null }>;
}

/** What the caller could aggregate itself: exploitation places of the cases that reach it, with their cases, victims, and each case's victim count. */
async function visibleExploitation(
  persona: string,
  from: string,
  to: string,
): Promise<Map<string, { cases: Set<string>; victims: Set<string>; victimsOf: Map<string, number> }>> {
  const r = await hub.gql<{ cases: { totalCount: number; nodes: VisibleCase[] } }>(
    persona,
    `{ cases(first: 20) { totalCount nodes { id events { type occurredOn location { name } } persons { id role } } } }`,
  );
  if (r.errors?.some((e) => e.extensions?.code !== 'FORBIDDEN_FIELD') || !r.data) throw new Error(`${persona}: ${JSON.stringify(r)}`);
  expect(r.data.cases.nodes.length).toBe(r.data.cases.totalCount);
  const places = new Map<string, { cases: Set<string>; victims: Set<string>; victimsOf: Map<string, number> }>();
  for (const c of r.data?.cases.nodes ?? []) {
    for (const e of c.events) {
      if (e.type !== 'EXPLOITATION' || !e.location || !e.occurredOn || e.occurredOn < from || e.occurredOn > to) continue;
      const p = places.get(e.location.name) ?? { cases: new Set(), victims: new Set(), victimsOf: new Map() };
      p.cases.add(c.id);
      for (const v of c.persons) if (v.role === 'VICTIM') p.victims.add(v.id);
      p.victimsOf.set(c.id, c.persons.filter((v) => v.role === 'VICTIM').length);
      places.set(e.location.name, p);
    }
  }
  return places;
}

async function hotspotsOf(persona: string, from: string, to: string) {
  const r = await hub.gql<{ hotspots: Array<{ location: { name: string }; caseCount: number | null; victimCount: number | null }> }>(persona, Q.HOTSPOTS, {
    from,
    to,
  });
  expect(r.errors).toBeUndefined();
  return r.data!.hotspots;
}

/**
 * A hotspot is derived from cases, events and victims; a derived record takes the highest marking
 * of its sources (access-model.md), so a place, a case count or a victim count may only come from
 * records that reach the caller. Otherwise an exact count reveals another agency's AMBER case, and
 * even a suppressed row, asked for a one-day period, reveals the date and place of its events.
 */
describe('hotspots are built only from records that reach the caller', () => {
  const personas = ['met-police', 'west-midlands-police', 'politia-romana', 'albion-bank', 'banca-carpati', 'safe-passage', 'lumina-ro', 'tessera-hub'];
  /**
   * With exact counts a count is at most what reaches the caller. Without, it is exactly what the
   * disclosure method (services/routes/disclosure.ts) gives for the records that reach the caller:
   * perturbed by their keys, so one record more (another agency's AMBER case) changes the answer.
   * Banks read no persons, so their victim counts are bounded by the method's error instead.
   */
  const EXACT_COUNTS = ['met-police', 'west-midlands-police', 'politia-romana', 'tessera-hub'];
  const K = 5;
  test.each(personas)('%s: every hotspot place and count is backed by cases that reach it', async (persona) => {
    const visible = await visibleExploitation(persona, PERIOD.from, PERIOD.to);
    const secret = cellKeySecret(dataDir());
    const problems: string[] = [];
    for (const h of await hotspotsOf(persona, PERIOD.from, PERIOD.to)) {
      const v = visible.get(h.location.name);
      if (!v) problems.push(`${h.location.name}: no exploitation event of a case that reaches ${persona} is there`);
      else if (EXACT_COUNTS.includes(persona)) {
        if (h.caseCount !== null && h.caseCount > v.cases.size)
          problems.push(`${h.location.name}: caseCount ${h.caseCount} > ${v.cases.size} cases that reach ${persona}`);
        if (h.victimCount !== null && h.victimCount > v.victims.size)
          problems.push(`${h.location.name}: victimCount ${h.victimCount} > ${v.victims.size} victims that reach ${persona}`);
      } else {
        const cases = perturbed(v.cases.size, cellKeyOf([...v.cases].map((id) => recordKey(secret, caseRecord(id)))), K);
        if (h.caseCount !== cases)
          problems.push(`${h.location.name}: caseCount ${h.caseCount}, but the ${v.cases.size} cases that reach ${persona} give ${cases}`);
        const readsVictims = [...v.victimsOf.values()].some((n) => n > 0);
        const victimKeys = [...v.victimsOf].flatMap(([id, n]) => (n > 0 ? [recordKey(secret, victimRecord(id, n))] : []));
        const victims = perturbed(v.victims.size, cellKeyOf(victimKeys), K);
        if (readsVictims && h.victimCount !== victims)
          problems.push(`${h.location.name}: victimCount ${h.victimCount}, but the ${v.victims.size} victims that reach ${persona} give ${victims}`);
        if (!readsVictims && h.victimCount !== null && h.victimCount > v.victims.size + MAX_NOISE + Math.floor(RESOLUTION / 2)) {
          problems.push(`${h.location.name}: victimCount ${h.victimCount} beyond the error of ${v.victims.size} victims that reach ${persona}`);
        }
      }
    }
    if (problems.length) throw new Error(`LEAK: hotspots derived from records that do not reach ${persona}:\n${problems.join('\n')}`);
  });

  test.each(['banca-carpati', 'lumina-ro', 'met-police', 'politia-romana', 'tessera-hub'])(
    '%s cannot learn the place and time of an AMBER event it was not shared, through a one-day period',
    async (persona) => {
      // 2025-07-01: the Midlands AMBER case's exploitation event in Leicester (shared only with the partnership).
      const places = (await hotspotsOf(persona, '2025-07-01', '2025-07-01')).map((h) => h.location.name);
      if (places.includes('Leicester'))
        throw new Error(`LEAK: ${persona} learnt that exploitation took place in Leicester around 2025-07-01: ${JSON.stringify(places)}`);
    },
  );

  test.each(['west-midlands-police', 'albion-bank', 'safe-passage'])('control: %s, whom the Midlands case reaches, sees that hotspot', async (persona) => {
    expect((await hotspotsOf(persona, '2025-07-01', '2025-07-01')).map((h) => h.location.name)).toContain('Leicester');
  });
});

// ---- list totals and allowed filters --------------------------------------------------------------

type Node = Record<string, unknown> & { id: string };

interface FilterSpec {
  connection: string;
  /** Arguments of the filtered query, e.g. `filter: { status: OPEN }`. */
  args: string;
  /** The same condition on the unfiltered list's readable values (null where the caller may not read). */
  keep: (n: Node) => boolean;
}

const LISTS: Record<string, string> = {
  cases: 'id status exploitationTypes nrmStage summary reference',
  persons: 'id role nationality fullName dateOfBirth',
  entities: 'id kind value',
  typologies: 'id indicators channels geography',
  transactionReports: 'id indicators dateFrom dateTo',
  narratives: 'id case { id }',
  routes: 'id exploitationTypes origin { countryCode }',
};

const has = (field: string, v: string) => (n: Node) => Array.isArray(n[field]) && (n[field] as string[]).includes(v);
const is = (field: string, v: unknown) => (n: Node) => n[field] === v;
const FILTERS: FilterSpec[] = [
  { connection: 'cases', args: 'filter: { exploitationType: SEXUAL }', keep: has('exploitationTypes', 'SEXUAL') },
  { connection: 'cases', args: 'filter: { exploitationType: LABOUR }', keep: has('exploitationTypes', 'LABOUR') },
  { connection: 'cases', args: 'filter: { status: OPEN }', keep: is('status', 'OPEN') },
  { connection: 'cases', args: 'filter: { nrmStage: REASONABLE_GROUNDS }', keep: is('nrmStage', 'REASONABLE_GROUNDS') },
  {
    connection: 'cases',
    args: 'filter: { summaryContains: "london" }',
    keep: (n) => typeof n.summary === 'string' && n.summary.toLowerCase().includes('london'),
  },
  { connection: 'cases', args: 'filter: { reference: "WMP-2026-1187" }', keep: is('reference', 'WMP-2026-1187') },
  { connection: 'persons', args: 'filter: { role: VICTIM }', keep: is('role', 'VICTIM') },
  { connection: 'persons', args: 'filter: { role: SUSPECT }', keep: is('role', 'SUSPECT') },
  { connection: 'persons', args: 'filter: { nationality: "RO" }', keep: is('nationality', 'RO') },
  { connection: 'persons', args: 'filter: { fullNameContains: "Popescu" }', keep: (n) => typeof n.fullName === 'string' && n.fullName.includes('Popescu') },
  { connection: 'persons', args: 'filter: { dateOfBirth: "1996-06-21" }', keep: is('dateOfBirth', '1996-06-21') },
  { connection: 'entities', args: 'filter: { kind: PHONE }', keep: is('kind', 'PHONE') },
  { connection: 'entities', args: 'filter: { kind: BANK_ACCOUNT }', keep: is('kind', 'BANK_ACCOUNT') },
  { connection: 'entities', args: 'filter: { kind: PHONE, value: "+44 7700 900312" }', keep: (n) => n.kind === 'PHONE' && n.value === '+447700900312' },
  { connection: 'typologies', args: 'filter: { indicator: "TRANSFERS_TO_ORIGIN_COUNTRY" }', keep: has('indicators', 'TRANSFERS_TO_ORIGIN_COUNTRY') },
  { connection: 'typologies', args: 'filter: { channel: "cash deposits" }', keep: has('channels', 'cash deposits') },
  { connection: 'typologies', args: 'filter: { geography: "RO" }', keep: has('geography', 'RO') },
  { connection: 'transactionReports', args: 'filter: { indicator: "CASH_OUTSIDE_HOURS" }', keep: has('indicators', 'CASH_OUTSIDE_HOURS') },
  {
    connection: 'transactionReports',
    args: 'filter: { dateFrom: "2026-01-01" }',
    keep: (n) => typeof (n.dateTo ?? n.dateFrom) === 'string' && (n.dateTo ?? n.dateFrom)! >= '2026-01-01',
  },
  { connection: 'narratives', args: 'caseId: "<case:safe-passage>"', keep: (n) => (n.case as { id: string } | null)?.id === id('case:safe-passage') },
  { connection: 'routes', args: 'filter: { exploitationType: LABOUR }', keep: has('exploitationTypes', 'LABOUR') },
  { connection: 'routes', args: 'filter: { originCountry: "RO" }', keep: (n) => (n.origin as { countryCode: string } | null)?.countryCode === 'RO' },
];

const LIST_PERSONAS = [
  'met-police',
  'west-midlands-police',
  'politia-romana',
  'albion-bank',
  'banca-carpati:VIEWER',
  'safe-passage',
  'lumina-ro',
  'tessera-hub',
  'tessera-admin',
];

const unfiltered = new Map<string, Promise<{ totalCount: number; nodes: Node[] }>>();
function listOf(persona: string, connection: string) {
  const key = `${persona} ${connection}`;
  let p = unfiltered.get(key);
  if (!p) {
    p = hub
      .gql<Record<string, { totalCount: number; nodes: Node[] }>>(
        persona,
        `{ ${connection}(first: 200) { totalCount nodes { ${LISTS[connection]} } } }`,
        undefined,
        {
          purpose: LEAK_PURPOSE,
        },
      )
      .then((r) => {
        if (codes(r).some((c) => c !== 'FORBIDDEN_FIELD')) throw new Error(`${persona} ${connection}: ${JSON.stringify(r.errors)}`);
        return r.data![connection]!;
      });
    unfiltered.set(key, p);
  }
  return p;
}

describe('list totals count only what reaches the caller', () => {
  test.each(LIST_PERSONAS.flatMap((persona) => Object.keys(LISTS).map((connection) => [persona, connection] as const)))(
    '%s: %s totalCount is the number of rows it can page through',
    async (persona, connection) => {
      const all = await listOf(persona, connection);
      expect(all.totalCount).toBe(all.nodes.length);
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 50; page++) {
        const r: Awaited<ReturnType<TestHub['gql']>> = await hub.gql(
          persona,
          `query($after: String) { ${connection}(first: 2, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`,
          { after },
          { purpose: LEAK_PURPOSE },
        );
        const conn = (
          r.data as Record<string, { totalCount: number; nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>
        )[connection]!;
        expect(conn.totalCount).toBe(all.totalCount);
        seen.push(...conn.nodes.map((n) => n.id));
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      expect(seen.sort()).toEqual(all.nodes.map((n) => n.id).sort());
    },
  );
});

describe('allowed filters count only rows the caller may see (or are refused)', () => {
  test.each(LIST_PERSONAS.flatMap((persona) => FILTERS.map((f) => [persona, `${f.connection}(${f.args})`, f] as const)))(
    '%s: %s',
    async (persona, _name, f) => {
      const all = await listOf(persona, f.connection);
      const args = f.args.replace(/<([^>]+)>/g, (_m, key: string) => id(key));
      const r = await hub.gql<Record<string, { totalCount: number; nodes: Array<{ id: string }> }>>(
        persona,
        `{ ${f.connection}(first: 200, ${args}) { totalCount nodes { id } } }`,
        undefined,
        { purpose: LEAK_PURPOSE },
      );
      if (codes(r).includes('FORBIDDEN_FIELD') && !r.data) return; // refused: a filter on a field it may never read
      expect(r.errors).toBeUndefined();
      const got = r.data![f.connection]!;
      const expected = all.nodes
        .filter(f.keep)
        .map((n) => n.id)
        .sort();
      expect(got.nodes.map((n) => n.id).sort()).toEqual(expected);
      expect(got.totalCount).toBe(expected.length);
    },
  );
});
