import { randomUUID } from 'node:crypto';
import { appendAudit, ownRecordEvent } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';
import { REDACTED } from '../../policies/enforce';
import { type Actor, highestMarking as highestOf, type Marking } from '../../policies/actor';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanCreate, projectAll } from '../kernel/policy';
import { getVisible, selectVisible, visibleLoader } from '../kernel/repository';
import { INDICATOR_WEIGHTS, NUMBER_INDICATORS, type AdvertIndicator } from './indicators';
import { advertTable, leadTable } from './advert.repository';

/**
 * Leads the hub computes from its adverts, each explaining what it rests on:
 * - NETWORK: adverts joined by a shared phone or a reused image (perceptual hash), transitively
 *   (connected components, by union-find in memory over integer advert numbers: one pass over
 *   the adverts that name a phone or image, linear in their identifiers);
 * - MOVEMENT: one phone advertised in two or more cities, city after city by first sighting.
 * Both add up the indicators of their adverts' texts, and MANY_ON_ONE_NUMBER when one of their
 * phones is on adverts of several women (adverts sharing no image). A lead takes the highest
 * marking of its adverts.
 */

type Projected = Record<string, unknown>;

export const getAdvertLead = (ctx: RequestContext, id: string): Promise<Projected> => getVisible(ctx, leadTable, id);

export async function listAdvertLeads(ctx: RequestContext, filter: { kind?: string } | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const kind = filter?.kind;
  const { rows, total } = await selectVisible(ctx, leadTable, {
    filterFields: kind ? ['kind'] : [],
    withTotal: true,
    where: (p) => (kind ? [`l.kind = ${p.add(kind)}`] : []),
    orderBy: 'l.score DESC, l.last_seen DESC, l.id',
    limit: window.limit,
    offset: window.offset,
  });
  return toPage(projectAll(ctx, rows), total, window);
}

/**
 * `AdvertLead.adverts`: the adverts a lead rests on that reach the caller, through the Advert policy.
 * The lead's own field (its advert ids) is withheld where the caller may not read it (REDACTED is
 * answered as FORBIDDEN_FIELD).
 */
export async function advertsOfLead(ctx: RequestContext, lead: { adverts?: unknown }): Promise<Projected[] | typeof REDACTED> {
  if (lead.adverts === REDACTED) return REDACTED;
  const ids = Array.isArray(lead.adverts) ? (lead.adverts as string[]) : [];
  const rows = await visibleLoader(ctx, advertTable, 'id').loadMany(ids);
  return projectAll(
    ctx,
    rows.flatMap((r) => (Array.isArray(r) ? r : [])),
  );
}

interface AdvertRow {
  id: string;
  phones: string[];
  hashes: string[];
  city: string | null;
  firstSeen: Date;
  lastSeen: Date;
  indicators: string[];
  marking: Marking;
  sharedAgencies: string[];
  sharedGroups: string[];
}

interface Lead {
  kind: 'NETWORK' | 'MOVEMENT';
  adverts: AdvertRow[];
  phones: string[];
  hashes: string[];
  movements: Array<{ city: string; firstSeen: string; lastSeen: string; advertCount: number }>;
  explanation: string;
}

/** Union-find over 0..n-1 with path halving and union by size. */
export function components(n: number, pairs: Iterable<[number, number]>): number[][] {
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

/** Pairs joining every advert that names a key to the first advert that named it. */
function* sharedKeyPairs(rows: AdvertRow[]): Generator<[number, number]> {
  const first = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (const key of [...r.phones.map((p) => `p:${p}`), ...r.hashes.map((h) => `i:${h}`)]) {
      const f = first.get(key);
      if (f === undefined) first.set(key, i);
      else yield [f, i];
    }
  }
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Whether one phone is on adverts of several women: at least `minWomen` of its adverts share no image with each other. */
function manyOnOneNumber(adverts: AdvertRow[]): string[] {
  const byPhone = new Map<string, AdvertRow[]>();
  for (const a of adverts) {
    for (const p of a.phones) {
      const list = byPhone.get(p);
      if (list) list.push(a);
      else byPhone.set(p, [a]);
    }
  }
  const phones: string[] = [];
  for (const [phone, list] of byPhone) {
    const images = new Set<string>();
    let women = 0;
    for (const a of list) {
      if (a.hashes.length === 0 || a.hashes.some((h) => images.has(h))) continue;
      women++;
      for (const h of a.hashes) images.add(h);
    }
    if (women >= NUMBER_INDICATORS.MANY_ON_ONE_NUMBER.minWomen) phones.push(phone);
  }
  return phones;
}

function movementsOf(adverts: AdvertRow[]): Lead['movements'] {
  const byCity = new Map<string, { city: string; first: Date; last: Date; count: number }>();
  for (const a of adverts) {
    if (!a.city) continue;
    const key = a.city.toLowerCase();
    const m = byCity.get(key);
    if (!m) byCity.set(key, { city: a.city, first: a.firstSeen, last: a.lastSeen, count: 1 });
    else {
      if (a.firstSeen < m.first) m.first = a.firstSeen;
      if (a.lastSeen > m.last) m.last = a.lastSeen;
      m.count++;
    }
  }
  return [...byCity.values()]
    .sort((x, y) => x.first.getTime() - y.first.getTime() || (x.city < y.city ? -1 : 1))
    .map((m) => ({ city: m.city, firstSeen: day(m.first), lastSeen: day(m.last), advertCount: m.count }));
}

function scored(lead: Lead): { score: number; indicators: AdvertIndicator[]; explanation: string } {
  const counts = new Map<string, number>();
  for (const a of lead.adverts) for (const i of a.indicators) counts.set(i, (counts.get(i) ?? 0) + 1);
  const many = manyOnOneNumber(lead.adverts);
  if (many.length) counts.set('MANY_ON_ONE_NUMBER', many.length);
  const indicators = [...counts.keys()].sort() as AdvertIndicator[];
  const score =
    lead.adverts.length + (lead.kind === 'MOVEMENT' ? 2 * (lead.movements.length - 1) : 0) + indicators.reduce((s, i) => s + INDICATOR_WEIGHTS[i], 0);
  // Counts only: the explanation is part of a lead's overview, which readers of no phone read too (policies/).
  const why = indicators.map((i) => (i === 'MANY_ON_ONE_NUMBER' ? `${i} on ${many.length} phone(s)` : `${i} in ${counts.get(i)} advert(s)`));
  return { score, indicators, explanation: [lead.explanation, ...(why.length ? [`Indicators: ${why.join('; ')}.`] : [])].join(' ') };
}

/**
 * Computes the hub's leads afresh from every advert it holds: the previous leads of the caller's
 * agency are replaced in the same transaction. The computation is one record (adverts.lead_computations,
 * listing the ids of the leads it wrote) and one audit event (COMBINE AdvertLeadComputation), however
 * many leads it makes. Answers how many leads of each kind were made.
 */
export async function computeAdvertLeads(ctx: RequestContext): Promise<{ networkCount: number; movementCount: number; advertCount: number }> {
  assertCanCreate(ctx, { __typename: 'AdvertLead', ownerAgencyId: ctx.actor.agencyId });
  return ctx.db.transaction(async (tx) => {
    // Between reading the adverts and writing the leads the transaction computes in memory: at a million adverts for
    // longer than the application role's idle-in-transaction limit (a leaked transaction's), which this one is not.
    await tx.query(`SET LOCAL idle_in_transaction_session_timeout = '15min'`);
    const made = await computeLeads(tx, ctx.actor);
    await appendAudit(tx, ctx, [
      ownRecordEvent(ctx, 'COMBINE', 'AdvertLeadComputation', made.computationId, [
        'leads',
        'kind',
        'score',
        'indicators',
        'adverts',
        'phones',
        'imageHashes',
        'movements',
      ]),
    ]);
    ctx.log.info({ adverts: made.advertCount, leads: made.ids.length, computationId: made.computationId, op: 'computeAdvertLeads' }, 'advert leads computed');
    return { networkCount: made.networkCount, movementCount: made.movementCount, advertCount: made.advertCount };
  });
}

/** The computation itself, inside the caller's transaction (the mutation above, the demo data, the benchmark). */
export async function computeLeads(
  tx: Sql,
  actor: Pick<Actor, 'agencyId' | 'userId'>,
): Promise<{ computationId: string; ids: string[]; networkCount: number; movementCount: number; advertCount: number }> {
  const rows = await readAdverts(tx, actor.agencyId);
  const leads: Lead[] = [];
  for (const group of components(rows.length, sharedKeyPairs(rows))) {
    if (group.length < 2) continue;
    const adverts = group.map((i) => rows[i]!);
    const phones = sharedValues(adverts.map((a) => a.phones));
    const hashes = sharedValues(adverts.map((a) => a.hashes));
    leads.push({
      kind: 'NETWORK',
      adverts,
      phones,
      hashes,
      movements: movementsOf(adverts),
      explanation: `${adverts.length} adverts joined by ${phones.length} shared phone(s) and ${hashes.length} reused image(s).`,
    });
  }
  const byPhone = new Map<string, AdvertRow[]>();
  for (const a of rows) {
    for (const p of a.phones) {
      const list = byPhone.get(p);
      if (list) list.push(a);
      else byPhone.set(p, [a]);
    }
  }
  for (const [phone, adverts] of byPhone) {
    const movements = movementsOf(adverts);
    if (movements.length < 2) continue;
    leads.push({
      kind: 'MOVEMENT',
      adverts,
      phones: [phone],
      hashes: [],
      movements,
      explanation: `One phone advertised in ${movements.length} cities: ${movements.map((m) => `${m.city} (${m.firstSeen} to ${m.lastSeen})`).join(', then ')}.`,
    });
  }
  await tx.query('DELETE FROM adverts.leads WHERE owner_agency_id = $1', [actor.agencyId]);
  const ids = leads.map(() => randomUUID());
  const made = leads.map((l) => ({ ...l, ...scored(l) }));
  const pg = (values: readonly string[]) => `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
  const BATCH = 5000;
  for (let from = 0; from < made.length; from += BATCH) {
    const part = made.slice(from, from + BATCH);
    const col = <T>(fn: (l: (typeof made)[number]) => T) => part.map(fn);
    await tx.query(
      `INSERT INTO adverts.leads (id, owner_agency_id, contributor_user_id, marking, source_evaluation, intelligence_assessment, handling_code,
         shared_with_agency_ids, shared_with_group_ids, kind, score, indicators, cities, advert_ids, phones, image_hashes, movements, first_seen, last_seen, explanation)
       SELECT r.id, $1, $2, r.marking, '2', 'C', 'P', r.agencies::uuid[], r.groups::uuid[], r.kind, r.score, r.indicators::text[], r.cities::text[], r.advert_ids::uuid[], r.phones::text[],
         r.hashes::text[], r.movements::jsonb, r.first_seen, r.last_seen, r.explanation
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::timestamptz[],
         $14::timestamptz[], $15::text[], $16::text[], $17::text[])
         AS r(id, marking, kind, score, indicators, cities, advert_ids, phones, hashes, movements, first_seen, last_seen, explanation, agencies, groups)`,
      [
        actor.agencyId,
        actor.userId,
        ids.slice(from, from + BATCH),
        col((l) => highestMarking(l.adverts)),
        col((l) => l.kind),
        col((l) => l.score),
        col((l) => pg(l.indicators)),
        col((l) => pg(l.movements.map((m) => m.city))),
        col((l) => pg(l.adverts.map((a) => a.id))),
        col((l) => pg(l.phones)),
        col((l) => pg(l.hashes)),
        col((l) => JSON.stringify(l.movements)),
        col((l) => new Date(l.adverts.reduce((m, a) => Math.min(m, a.firstSeen.getTime()), Infinity)).toISOString()),
        col((l) => new Date(l.adverts.reduce((m, a) => Math.max(m, a.lastSeen.getTime()), -Infinity)).toISOString()),
        col((l) => l.explanation),
        col((l) => pg(sharedWith(l.adverts, 'sharedAgencies'))),
        col((l) => pg(sharedWith(l.adverts, 'sharedGroups'))),
      ],
    );
  }
  const counts = {
    networkCount: leads.filter((l) => l.kind === 'NETWORK').length,
    movementCount: leads.filter((l) => l.kind === 'MOVEMENT').length,
    advertCount: rows.length,
  };
  const [computation] = await tx.query<{ id: string }>(
    `INSERT INTO adverts.lead_computations (owner_agency_id, contributor_user_id, advert_count, network_count, movement_count, lead_ids)
     VALUES ($1, $2, $3, $4, $5, $6::uuid[]) RETURNING id`,
    [actor.agencyId, actor.userId, counts.advertCount, counts.networkCount, counts.movementCount, ids],
  );
  return { computationId: computation!.id, ids, ...counts };
}

/** Values named by more than one advert of a group (the phones and images that join it). */
function sharedValues(lists: string[][]): string[] {
  const counts = new Map<string, number>();
  for (const l of lists) for (const v of l) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()]
    .filter(([, n]) => n > 1)
    .map(([v]) => v)
    .sort();
}

// Pairwise, not spread: a network may hold more adverts than a call takes arguments.
const highestMarking = (adverts: AdvertRow[]): Marking => adverts.reduce<Marking>((m, a) => highestOf(m, a.marking), 'CLEAR');

/**
 * Whom an AMBER lead is shared with: the agencies (and groups) every one of its AMBER adverts is
 * shared with, so a lead reaches no agency that one of its adverts does not reach. Other markings
 * share with nobody (CLEAR and GREEN reach everyone; RED only its contributor).
 */
function sharedWith(adverts: AdvertRow[], key: 'sharedAgencies' | 'sharedGroups'): string[] {
  if (highestMarking(adverts) !== 'AMBER') return [];
  const amber = adverts.filter((a) => a.marking === 'AMBER');
  return amber.reduce<string[]>((common, a, i) => (i === 0 ? [...a[key]] : common.filter((x) => a[key].includes(x))), []).sort();
}

/** Every advert of the agency that names a phone or image, in one streamed-size statement (ids, identifiers, city, dates, indicators). */
async function readAdverts(tx: Sql, agencyId: string): Promise<AdvertRow[]> {
  return tx.query<AdvertRow>(
    `SELECT id, phones, image_hashes AS hashes, city, first_seen AS "firstSeen", last_seen AS "lastSeen", indicators, marking,
       shared_with_agency_ids::text[] AS "sharedAgencies", shared_with_group_ids::text[] AS "sharedGroups"
     FROM adverts.adverts WHERE owner_agency_id = $1 AND (cardinality(phones) > 0 OR cardinality(image_hashes) > 0) ORDER BY first_seen, id`,
    [agencyId],
  );
}
