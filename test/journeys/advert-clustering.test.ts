import { type AdvertRow, computeLeads, labelComponents, type Lead, movementLead, networkLead, scored } from '../../services/adverts/lead.service';
import type { Sql } from '../../services/kernel/db';
import { startTestHub, type TestHub } from '../support/hub';

/**
 * The leads computed in the database (components by a union-find in PL/pgSQL over temporary tables, leads read
 * and written a batch at a time) are the leads of the in-memory computation they replaced, on a
 * generated feed: the union-find below over every advert the hub holds, in advert order (first seen,
 * then id), its components of two adverts or more the networks and its phones in two cities or more
 * the movements, in the same order. The feed mixes what makes clustering hard: a long chain of adverts
 * each sharing a phone with the next (numbered against the chain, so its unions nest deep), images reused
 * across networks, adverts with images and no phone, cities spelt in two cases, adverts without a city,
 * and three handlings (two AMBER audiences and GREEN) that decide a lead's marking and audience.
 */

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const IMPORT = `mutation($input: ImportAdvertsInput!) { importAdverts(input: $input) { advertCount } }`;
const HANDLING = { sourceEvaluation: 'UNTESTED', intelligenceAssessment: 'C', handlingCode: 'P' };

/** A small deterministic generator (mulberry32): the same feed on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIES = ['London', 'london', 'Leeds', 'Birmingham', 'Sheffield', 'York', null];
const TEXTS = ['My girls are waiting', 'Just arrived, new in town', 'Independent', 'Fată nouă în oraș', 'Schoolgirl outfit, 17', ''];
const phone = (i: number) => `+4477009${String(i).padStart(5, '0')}`;
const hash = (i: number) => i.toString(16).padStart(16, '0');
const date = (day: number) => new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString();

function feed(): Array<Record<string, unknown>> {
  const rnd = random(20261206);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const lines: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 1200; i++) {
    const phones = Array.from({ length: Math.floor(rnd() * 3) }, () => phone(Math.floor(rnd() * 500)));
    const images = Array.from({ length: Math.floor(rnd() * 3) }, () =>
      hash(rnd() < 0.1 ? Math.floor(rnd() * 40) : 1_000_000 + i * 10 + Math.floor(rnd() * 10)),
    );
    const city = pick(CITIES);
    const first = Math.floor(rnd() * 200);
    lines.push({
      site: `site-${i % 5}.example`,
      advertId: `G-${i}`,
      firstSeen: date(first),
      lastSeen: date(first + Math.floor(rnd() * 30)),
      ...(city ? { location: `${city}, UK` } : {}),
      phones,
      imageHashes: images,
      text: pick(TEXTS),
      collector: 'Clustering test',
    });
  }
  // A chain: advert k names phones k and k+1, the later in the chain first seen earlier.
  for (let k = 0; k < 150; k++) {
    lines.push({
      site: 'chain.example',
      advertId: `C-${k}`,
      firstSeen: date(400 - k),
      location: k % 2 ? 'Leeds' : 'York',
      phones: [phone(10_000 + k), phone(10_000 + k + 1)],
      collector: 'Clustering test',
    });
  }
  return lines;
}

/** Union-find over 0..n-1 (path halving, union by size): the in-memory clustering the database's replaced. */
function components(n: number, pairs: Iterable<[number, number]>): number[][] {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const size = new Int32Array(n).fill(1);
  const find = (x: number) => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (const [a, b] of pairs) {
    let ra = find(a);
    let rb = find(b);
    if (ra === rb) continue;
    if (size[ra]! < size[rb]!) [ra, rb] = [rb, ra];
    parent[rb] = ra;
    size[ra]! += size[rb]!;
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  }
  return [...groups.values()];
}

function* sharedKeyPairs(rows: AdvertRow[]): Generator<[number, number]> {
  const first = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    for (const key of [...rows[i]!.phones.map((p) => `p:${p}`), ...rows[i]!.hashes.map((h) => `i:${h}`)]) {
      const f = first.get(key);
      if (f === undefined) first.set(key, i);
      else yield [f, i];
    }
  }
}

/** The in-memory computation: every advert read at once, networks then movements. */
function inMemoryLeads(rows: AdvertRow[]): Lead[] {
  const leads: Lead[] = components(rows.length, sharedKeyPairs(rows))
    .filter((g) => g.length > 1)
    .map((g) => networkLead(g.map((i) => rows[i]!)));
  const byPhone = new Map<string, AdvertRow[]>();
  for (const a of rows) for (const p of a.phones) byPhone.set(p, [...(byPhone.get(p) ?? []), a]);
  for (const [p, adverts] of byPhone) {
    const lead = movementLead(p, adverts);
    if (lead) leads.push(lead);
  }
  return leads;
}

let agencyId: string;
let rows: AdvertRow[];

beforeAll(async () => {
  agencyId = hub.demo.agencies['tessera-hub']!.id;
  const police = ['met-police', 'west-midlands-police'].map((slug) => hub.demo.agencies[slug]!.id);
  const handlings = [
    { marking: 'AMBER', ...HANDLING, sharedWithAgencyIds: police },
    { marking: 'AMBER', ...HANDLING, sharedWithAgencyIds: police.slice(0, 1) },
    { marking: 'GREEN', ...HANDLING },
  ];
  const lines = feed();
  for (let f = 0; f < handlings.length; f++) {
    const content = lines
      .filter((_, i) => i % handlings.length === f)
      .map((l) => JSON.stringify(l))
      .join('\n');
    const r = await hub.gql(`tessera-hub`, IMPORT, { input: { format: 'NDJSON', country: 'GB', content, handling: handlings[f] } });
    expect(r.errors).toBeUndefined();
  }
  rows = await hub.db.query<AdvertRow>(
    `SELECT id, phones, image_hashes AS hashes, city, first_seen AS "firstSeen", last_seen AS "lastSeen", indicators, marking,
       shared_with_agency_ids::text[] AS "sharedAgencies", shared_with_group_ids::text[] AS "sharedGroups"
     FROM adverts.adverts WHERE owner_agency_id = $1 AND (cardinality(phones) > 0 OR cardinality(image_hashes) > 0) ORDER BY first_seen, id`,
    [agencyId],
  );
});

describe('advert leads computed in the database', () => {
  test('every advert is labelled with its component: the components of the union-find, singletons included', async () => {
    const expected = components(rows.length, sharedKeyPairs(rows)).map((g) => g.map((i) => rows[i]!.id).sort());
    const labelled = await hub.db.transaction(async (tx) => {
      const advertCount = await labelComponents(tx, agencyId);
      const labels = await tx.query<{ ids: string[] }>(
        `SELECT array_agg(a.id::text ORDER BY a.id) AS ids FROM pg_temp.advert_lead_nodes v JOIN pg_temp.advert_lead_adverts a USING (n) GROUP BY v.label`,
      );
      return { advertCount, groups: labels.map((l) => l.ids) };
    });
    expect(labelled.advertCount).toBe(rows.length);
    const key = (g: string[]) => g.join();
    expect(labelled.groups.map(key).sort()).toEqual(expected.map(key).sort());
    // The chain is one component.
    expect(Math.max(...expected.map((g) => g.length))).toBeGreaterThanOrEqual(150);
  });

  test('computeAdvertLeads writes the in-memory computation’s leads, in its order, with the same scores, audiences and evidence', async () => {
    const r = await hub.gql<{ computeAdvertLeads: { advertCount: number; networkCount: number; movementCount: number } }>(
      'tessera-hub',
      `mutation { computeAdvertLeads { advertCount networkCount movementCount } }`,
    );
    expect(r.errors).toBeUndefined();
    const expected = expectedLeads();
    expect(r.data!.computeAdvertLeads).toEqual({
      advertCount: rows.length,
      networkCount: expected.filter((l) => l.kind === 'NETWORK').length,
      movementCount: expected.filter((l) => l.kind === 'MOVEMENT').length,
    });
    expect(expected.length).toBeGreaterThan(100);
    expect(expected.some((l) => l.kind === 'MOVEMENT')).toBe(true);
    expect(expected.some((l) => l.marking === 'AMBER' && l.shared_with_agency_ids.length === 1)).toBe(true);
    expect(await writtenLeads(hub.db)).toEqual(expected);
  });

  test('read and written in batches of a few adverts (never splitting a lead), the leads are the same', async () => {
    const actor = { agencyId, userId: hub.demo.agencies['tessera-hub']!.users['CONTRIBUTOR']! };
    const written = await hub.db.transaction(async (tx) => {
      const made = await computeLeads(tx, actor, 40);
      expect(made.leadCount).toBe(made.networkCount + made.movementCount);
      return writtenLeads(tx);
    });
    expect(written).toEqual(expectedLeads());
  });
});

/** The leads of the in-memory computation, as the database should hold them. */
function expectedLeads() {
  return inMemoryLeads(rows).map((l) => {
    const s = scored(l);
    const marking = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'].filter((m) => l.adverts.some((a) => a.marking === m)).at(-1);
    const amber = l.adverts.filter((a) => a.marking === 'AMBER');
    const common = (k: 'sharedAgencies' | 'sharedGroups') =>
      marking === 'AMBER' ? amber.reduce<string[]>((c, a, i) => (i === 0 ? [...a[k]] : c.filter((x) => a[k].includes(x))), []).sort() : [];
    return {
      kind: l.kind,
      advert_ids: l.adverts.map((a) => a.id),
      phones: l.phones,
      image_hashes: l.hashes,
      cities: l.movements.map((m) => m.city),
      movements: l.movements,
      score: s.score,
      indicators: s.indicators,
      explanation: s.explanation,
      marking,
      shared_with_agency_ids: common('sharedAgencies'),
      shared_with_group_ids: common('sharedGroups'),
      first_seen: new Date(Math.min(...l.adverts.map((a) => a.firstSeen.getTime()))),
      last_seen: new Date(Math.max(...l.adverts.map((a) => a.lastSeen.getTime()))),
    };
  });
}

/** The leads of the hub's latest computation, in the order it wrote them. */
function writtenLeads(sql: Sql) {
  return sql.query(
    `SELECT l.kind, l.advert_ids::text[], l.phones, l.image_hashes, l.cities, l.movements, l.score, l.indicators, l.explanation, l.marking,
       l.shared_with_agency_ids::text[], l.shared_with_group_ids::text[], l.first_seen, l.last_seen
     FROM adverts.lead_computations c, unnest(c.lead_ids) WITH ORDINALITY AS w(id, i) JOIN adverts.leads l ON l.id = w.id
     WHERE c.owner_agency_id = $1 AND c.created_at = (SELECT max(created_at) FROM adverts.lead_computations WHERE owner_agency_id = $1)
     ORDER BY w.i`,
    [agencyId],
  );
}
