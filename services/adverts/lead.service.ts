import { randomUUID } from 'node:crypto';
import { appendAudit, ownRecordEvent } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';
import { conflict } from '../kernel/errors';
import { REDACTED } from '../../policies/enforce';
import { type Actor, highestMarking as highestOf, type Marking } from '../../policies/actor';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanCreate, projectAll } from '../kernel/policy';
import { getVisible, selectPage, visibleLoader } from '../kernel/repository';
import { INDICATOR_WEIGHTS, NUMBER_INDICATORS, type AdvertIndicator } from './indicators';
import { advertTable, leadTable } from './advert.repository';

/**
 * Leads the hub computes from its adverts, each explaining what it rests on:
 * - NETWORK: adverts joined by a shared phone or a reused image (perceptual hash), transitively
 *   (connected components, labelled in the database: labelComponents);
 * - MOVEMENT: one phone advertised in two or more cities, city after city by first sighting.
 * Both add up the indicators of their adverts' texts, and MANY_ON_ONE_NUMBER when one of their
 * phones is on adverts of several women (adverts sharing no image). A lead takes the highest
 * marking of its adverts. The computation holds one batch of leads in memory at a time (computeLeads).
 */

type Projected = Record<string, unknown>;

export const getAdvertLead = (ctx: RequestContext, id: string): Promise<Projected> => getVisible(ctx, leadTable, id);

export async function listAdvertLeads(ctx: RequestContext, filter: { kind?: string } | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const kind = filter?.kind;
  const { rows, ...rest } = await selectPage(ctx, leadTable, window, {
    filterFields: kind ? ['kind'] : [],
    where: (p) => (kind ? [`l.kind = ${p.add(kind)}`] : []),
    orderBy: 'l.score DESC, l.last_seen DESC, l.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
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

export interface AdvertRow {
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

export interface Lead {
  kind: 'NETWORK' | 'MOVEMENT';
  adverts: AdvertRow[];
  phones: string[];
  hashes: string[];
  movements: Array<{ city: string; firstSeen: string; lastSeen: string; advertCount: number }>;
  explanation: string;
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

export function scored(lead: Lead): { score: number; indicators: AdvertIndicator[]; explanation: string } {
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
 * many leads it makes. Answers how many leads of each kind were made. While another computation of the
 * agency's leads runs (another request, another process), refused with CONFLICT (claimLeadComputation).
 */
export async function computeAdvertLeads(ctx: RequestContext): Promise<{ networkCount: number; movementCount: number; advertCount: number }> {
  assertCanCreate(ctx, { __typename: 'AdvertLead', ownerAgencyId: ctx.actor.agencyId });
  return ctx.db.transaction(async (tx) => {
    // Between statements the transaction scores a batch of leads in memory: with a lead of a million adverts, possibly
    // for longer than the application role's idle-in-transaction limit (a leaked transaction's), which this one is not.
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
    ctx.log.info({ adverts: made.advertCount, leads: made.leadCount, computationId: made.computationId, op: 'computeAdvertLeads' }, 'advert leads computed');
    return { networkCount: made.networkCount, movementCount: made.movementCount, advertCount: made.advertCount };
  });
}

/** The NETWORK lead of a connected component of adverts (in advert order: first seen, then id). */
export function networkLead(adverts: AdvertRow[]): Lead {
  const phones = sharedValues(adverts.map((a) => a.phones));
  const hashes = sharedValues(adverts.map((a) => a.hashes));
  return {
    kind: 'NETWORK',
    adverts,
    phones,
    hashes,
    movements: movementsOf(adverts),
    explanation: `${adverts.length} adverts joined by ${phones.length} shared phone(s) and ${hashes.length} reused image(s).`,
  };
}

/**
 * The NETWORK leads of adverts (in advert order) that may no longer be one component: each component of two adverts or
 * more, in the order of its first advert.
 */
export function networkLeads(adverts: AdvertRow[]): Lead[] {
  const parent = adverts.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const firstOf = new Map<string, number>();
  adverts.forEach((a, i) => {
    for (const key of [...a.phones.map((p) => `p:${p}`), ...a.hashes.map((h) => `i:${h}`)]) {
      const first = firstOf.get(key);
      if (first === undefined) firstOf.set(key, i);
      else {
        const [x, y] = [root(first), root(i)];
        parent[Math.max(x, y)] = Math.min(x, y);
      }
    }
  });
  const components = new Map<number, AdvertRow[]>();
  adverts.forEach((a, i) => {
    const r = root(i);
    const list = components.get(r);
    if (list) list.push(a);
    else components.set(r, [a]);
  });
  return [...components.values()].filter((c) => c.length > 1).map(networkLead);
}

/** The MOVEMENT lead of a phone (its adverts in advert order), or null when it was advertised in fewer than two cities. */
export function movementLead(phone: string, adverts: AdvertRow[]): Lead | null {
  const movements = movementsOf(adverts);
  if (movements.length < 2) return null;
  return {
    kind: 'MOVEMENT',
    adverts,
    phones: [phone],
    hashes: [],
    movements,
    explanation: `One phone advertised in ${movements.length} cities: ${movements.map((m) => `${m.city} (${m.firstSeen} to ${m.lastSeen})`).join(', then ')}.`,
  };
}

/**
 * Adverts a batch of leads holds in memory at most (beyond the largest lead): leads are read from the
 * database and written back a batch at a time, so the computation's memory does not grow with the adverts.
 */
export const LEAD_BATCH_ADVERTS = 20_000;

/** Temporary tables of one computation (dropped at commit; dropped first if the transaction computed already). */
const ADVERTS = 'pg_temp.advert_lead_adverts';
const NODES = 'pg_temp.advert_lead_nodes';
const KEYS = 'pg_temp.advert_lead_keys';
const MEMBERS = 'pg_temp.advert_lead_members';
const WRITTEN = 'pg_temp.advert_lead_written';

/**
 * Labels every advert that names a phone or image with its connected component (adverts joined by a
 * shared phone or image hash, transitively), in the database. `ADVERTS` holds what the leads read of
 * them, numbered `n` in advert order (first seen, then id): the one read of adverts.adverts (under the
 * caller's row-level security). `KEYS(n, k)` joins each to its phones and images (one integer per
 * distinct key), and `NODES(n, label)` ends with each advert's label: the number of the first advert of
 * its component. Answers the number of adverts labelled.
 */
export async function labelComponents(tx: Sql, agencyId: string): Promise<number> {
  await tx.query(`DROP TABLE IF EXISTS ${ADVERTS}, ${NODES}, ${KEYS}, ${MEMBERS}, ${WRITTEN}`);
  await tx.query(
    `CREATE TEMP TABLE advert_lead_adverts ON COMMIT DROP AS
     SELECT (row_number() OVER (ORDER BY first_seen, id))::int AS n, id, phones, image_hashes AS hashes, city, first_seen, last_seen, indicators,
       marking, shared_with_agency_ids, shared_with_group_ids
     FROM adverts.adverts WHERE owner_agency_id = $1 AND (cardinality(phones) > 0 OR cardinality(image_hashes) > 0)`,
    [agencyId],
  );
  await tx.query(`ALTER TABLE ${ADVERTS} ADD PRIMARY KEY (n)`);
  await tx.query(`CREATE TEMP TABLE advert_lead_nodes ON COMMIT DROP AS SELECT n, n AS label FROM ${ADVERTS}`);
  await tx.query(`ALTER TABLE ${NODES} ADD PRIMARY KEY (n)`);
  await tx.query(
    `CREATE TEMP TABLE advert_lead_keys ON COMMIT DROP AS
     SELECT a.n, (dense_rank() OVER (ORDER BY x.key))::int AS k
     FROM ${ADVERTS} a, LATERAL (SELECT 'p:' || p FROM unnest(a.phones) AS p UNION SELECT 'i:' || h FROM unnest(a.hashes) AS h) AS x(key)`,
  );
  await tx.query(`ANALYZE ${NODES}`);
  const [{ count }] = (await tx.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${NODES}`)) as [{ count: number }];
  // Union-find in PL/pgSQL over the keys in order, each advert joined to the first (least) advert of each of its keys: the parents
  // are one int[] in the database session (4 bytes an advert), the root of a set its least number (the lesser root wins a union,
  // and path halving only points further down), so one pass in order then settles every advert on its root.
  await tx.query(`DO $$
    DECLARE
      parent int[] := ARRAY(SELECT n FROM ${NODES} ORDER BY n);
      e record;
      key int;
      first int;
      a int;
      b int;
    BEGIN
      FOR e IN SELECT k, n FROM ${KEYS} ORDER BY k, n LOOP
        IF key IS DISTINCT FROM e.k THEN
          key := e.k;
          first := e.n;
          CONTINUE;
        END IF;
        a := first;
        WHILE parent[a] <> a LOOP parent[a] := parent[parent[a]]; a := parent[a]; END LOOP;
        b := e.n;
        WHILE parent[b] <> b LOOP parent[b] := parent[parent[b]]; b := parent[b]; END LOOP;
        IF a < b THEN parent[b] := a; ELSIF b < a THEN parent[a] := b; END IF;
      END LOOP;
      FOR i IN 1..coalesce(cardinality(parent), 0) LOOP parent[i] := parent[parent[i]]; END LOOP;
      UPDATE ${NODES} v SET label = r.root FROM unnest(parent) WITH ORDINALITY AS r(root, n) WHERE v.n = r.n AND v.label <> r.root;
    END
  $$`);
  return count;
}

/** One advert of a lead, as the lead's member `g` of batch `batch` reads it. */
type MemberRow = AdvertRow & { g: number; phone: string | null };

/** A lead to write: the lead `g` of its kind in MEMBERS, made from its adverts. */
interface Made {
  g: number;
  lead: Lead;
}

/** The leads of one kind in MEMBERS that `where` picks (its values `$2`...), each with its adverts in advert order. */
async function readGroups(tx: Sql, kind: Lead['kind'], where: string, values: unknown[]): Promise<Array<{ g: number; adverts: MemberRow[] }>> {
  const rows = await tx.query<MemberRow>(
    `SELECT m.g, m.phone, a.id, a.phones, a.hashes, a.city, a.first_seen AS "firstSeen", a.last_seen AS "lastSeen", a.indicators,
       a.marking, a.shared_with_agency_ids::text[] AS "sharedAgencies", a.shared_with_group_ids::text[] AS "sharedGroups"
     FROM ${MEMBERS} m JOIN ${ADVERTS} a USING (n)
     WHERE m.kind = $1 AND ${where} ORDER BY m.g, m.n`,
    [kind, ...values],
  );
  const groups: Array<{ g: number; adverts: MemberRow[] }> = [];
  for (let from = 0; from < rows.length;) {
    let to = from;
    while (to < rows.length && rows[to]!.g === rows[from]!.g) to++;
    groups.push({ g: rows[from]!.g, adverts: rows.slice(from, to) });
    from = to;
  }
  return groups;
}

/**
 * Reads the leads of one kind, a batch at a time (MEMBERS: `g` numbers the leads in order, `batch` groups
 * them by about LEAD_BATCH_ADVERTS adverts, a lead never split), and hands each batch's leads to `write`.
 */
async function forEachBatch(tx: Sql, kind: Lead['kind'], write: (leads: Made[]) => Promise<void>): Promise<void> {
  const [{ batches }] = (await tx.query<{ batches: number }>(`SELECT coalesce(max(batch) + 1, 0)::int AS batches FROM ${MEMBERS} WHERE kind = $1`, [kind])) as [
    { batches: number },
  ];
  for (let batch = 0; batch < batches; batch++) {
    const made: Made[] = [];
    for (const { g, adverts } of await readGroups(tx, kind, 'm.batch = $2', [batch])) {
      const lead = kind === 'NETWORK' ? networkLead(adverts) : movementLead(adverts[0]!.phone!, adverts);
      if (lead) made.push({ g, lead });
    }
    await write(made);
  }
}

/**
 * The key of an agency's erasure gate (a transaction-scoped advisory lock), `agency` an SQL expression of its id: an
 * erasure of one of its adverts holds it shared (eraseLeadsOfAdvert), the end of a computation of its leads exclusively.
 */
const erasureGate = (agency: string) => `hashtextextended('tessera.advert-erasures:' || ${agency}::uuid::text, 0)`;

/**
 * Before an advert is erased (retention review), in the erasure's transaction: the leads that name it go, the earlier
 * computations' and, through the erasure gate, those of a computation running meanwhile. The gate is taken before
 * anything of the advert is deleted. A computation that ends (takes the gate) first has its leads committed before
 * this DELETE reads the leads (READ COMMITTED: each statement sees what was committed when it began), so it finds
 * them; a computation that ends after waits for this erasure's commit and then no longer finds the advert
 * (withoutErasedAdverts). The erasure waits only for a computation's end, never for the whole computation.
 */
export async function eraseLeadsOfAdvert(tx: Sql, advertId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock_shared(${erasureGate('owner_agency_id')}) FROM adverts.adverts WHERE id = $1`, [advertId]);
  await tx.query('DELETE FROM adverts.leads WHERE $1::uuid = ANY(advert_ids)', [advertId]);
}

/** What a computation refused by claimLeadComputation answers in `extensions.reason`. */
export const COMPUTATION_IN_PROGRESS = 'COMPUTATION_IN_PROGRESS';

/**
 * Claims the computation of an agency's leads for the caller's transaction: a transaction-scoped
 * advisory lock keyed by the agency, held until the transaction ends (the leads written by then are
 * committed), in every process on the database. Two computations of one agency would otherwise both
 * replace the leads they saw and both write theirs: two sets of leads. The second is refused at
 * once (CONFLICT, reason COMPUTATION_IN_PROGRESS), having written nothing, rather than made to wait:
 * the running computation is already making what it asks for, from every advert held, and waiting
 * would hold a request and a database connection for as long as that one takes (minutes at scale,
 * past the gateway's wait for a subgraph) only to compute it all again. Other agencies' computations
 * take other keys and run side by side.
 */
async function claimLeadComputation(tx: Sql, agencyId: string): Promise<void> {
  const [{ claimed }] = (await tx.query<{ claimed: boolean }>(
    `SELECT pg_try_advisory_xact_lock(hashtextextended('tessera.advert-leads:' || $1, 0)) AS claimed`,
    [agencyId],
  )) as [{ claimed: boolean }];
  if (!claimed) {
    throw conflict(
      "Your agency's advert leads are being computed by another request; its leads replace the current ones when it ends. Try again then to include adverts ingested since it began.",
      {
        reason: COMPUTATION_IN_PROGRESS,
      },
    );
  }
}

/**
 * The computation itself, inside the caller's transaction (the mutation above, the demo data, the
 * benchmark), whose commit drops its temporary tables and ends its claim. The components and the phones seen in
 * several cities are found in the database (labelComponents); only a batch of leads, of about
 * `batchAdverts` adverts, is in memory at a time, scored and written back. It ends under the agency's erasure gate
 * (eraseLeadsOfAdvert): the adverts erased since it read them are dropped from its leads, the earlier leads deleted.
 */
export async function computeLeads(
  tx: Sql,
  actor: Pick<Actor, 'agencyId' | 'userId'>,
  batchAdverts = LEAD_BATCH_ADVERTS,
): Promise<{ computationId: string; leadCount: number; networkCount: number; movementCount: number; advertCount: number }> {
  // Before anything is read: the adverts and earlier leads it reads are then those of the last computation committed.
  await claimLeadComputation(tx, actor.agencyId);
  const advertCount = await labelComponents(tx, actor.agencyId);
  // The members of every lead: NETWORK, the components of two adverts or more, in the order of their first advert;
  // MOVEMENT, each phone named with two different city values or more (a superset: movementLead, which reads cities as the
  // leads show them, keeps those in two cities or more), with every advert naming it, in the order the phone was first named.
  await tx.query(`CREATE TEMP TABLE advert_lead_members (kind text NOT NULL, g int NOT NULL, batch int NOT NULL, n int NOT NULL, phone text) ON COMMIT DROP`);
  await tx.query(
    `INSERT INTO ${MEMBERS} (kind, g, batch, n)
     WITH sized AS (SELECT label, count(*)::int AS size FROM ${NODES} GROUP BY label HAVING count(*) > 1),
          numbered AS (SELECT label, size, (row_number() OVER (ORDER BY label))::int AS g,
            ((sum(size) OVER (ORDER BY label) - size) / $1::int)::int AS batch FROM sized)
     SELECT 'NETWORK', s.g, s.batch, v.n FROM numbered s JOIN ${NODES} v USING (label)`,
    [batchAdverts],
  );
  await tx.query(
    `INSERT INTO ${MEMBERS} (kind, g, batch, n, phone)
     WITH named AS (SELECT a.n, p.phone, p.i, a.city FROM ${ADVERTS} a, unnest(a.phones) WITH ORDINALITY AS p(phone, i)),
          moving AS (SELECT phone, min(n) AS first_n, count(*)::int AS size FROM named GROUP BY phone HAVING count(DISTINCT city) > 1),
          numbered AS (SELECT m.phone, m.size, (row_number() OVER (ORDER BY m.first_n, f.i))::int AS g FROM moving m
            JOIN named f ON f.phone = m.phone AND f.n = m.first_n),
          batched AS (SELECT phone, g, ((sum(size) OVER (ORDER BY g) - size) / $1::int)::int AS batch FROM numbered)
     SELECT 'MOVEMENT', b.g, b.batch, x.n, b.phone FROM batched b JOIN named x USING (phone)`,
    [batchAdverts],
  );
  await tx.query(`CREATE INDEX ON ${MEMBERS} (kind, batch)`);
  await tx.query(`ANALYZE ${MEMBERS}`);
  await tx.query(`CREATE TEMP TABLE advert_lead_written (seq serial, id uuid NOT NULL, kind text NOT NULL, g int NOT NULL) ON COMMIT DROP`);
  const write = (leads: Made[]) => writeLeads(tx, actor, leads);
  await forEachBatch(tx, 'NETWORK', write);
  await forEachBatch(tx, 'MOVEMENT', write);
  // The end, under the agency's erasure gate (to commit): erasures of its adverts that began before have committed or rolled
  // back, and those that begin now wait for the commit, then find the leads written here (eraseLeadsOfAdvert).
  await tx.query(`SELECT pg_advisory_xact_lock(${erasureGate('$1')})`, [actor.agencyId]);
  const erased = await withoutErasedAdverts(tx, actor);
  // The earlier leads go only now: deleted first, their row locks would hold an erasure of one of their adverts to the commit.
  await tx.query(`DELETE FROM adverts.leads l WHERE l.owner_agency_id = $1 AND NOT EXISTS (SELECT 1 FROM ${WRITTEN} w WHERE w.id = l.id)`, [actor.agencyId]);
  const [computation] = await tx.query<{ id: string; leads: number; networkCount: number; movementCount: number; advertCount: number }>(
    `INSERT INTO adverts.lead_computations (owner_agency_id, contributor_user_id, advert_count, network_count, movement_count, lead_ids)
     SELECT $1, $2, $3, count(*) FILTER (WHERE kind = 'NETWORK'), count(*) FILTER (WHERE kind = 'MOVEMENT'),
       coalesce(array_agg(id ORDER BY kind = 'MOVEMENT', g, seq), '{}') FROM ${WRITTEN}
     RETURNING id, cardinality(lead_ids) AS leads, network_count AS "networkCount", movement_count AS "movementCount", advert_count AS "advertCount"`,
    [actor.agencyId, actor.userId, advertCount - erased],
  );
  const { id: computationId, leads: leadCount, networkCount, movementCount } = computation!;
  return { computationId, leadCount, networkCount, movementCount, advertCount: computation!.advertCount };
}

/**
 * Drops from the leads written the adverts erased since they were read (retention review): no lead may name an advert
 * that is gone. A NETWORK lead keeps the components of its other adverts that still share a phone or image (two adverts
 * or more each: networkLeads), a MOVEMENT lead its phone's other adverts while they are in two cities or more; a lead
 * left with less goes. The leads concerned are written again (the rest stay as written). Answers how many adverts read
 * are gone.
 */
async function withoutErasedAdverts(tx: Sql, actor: Pick<Actor, 'agencyId' | 'userId'>): Promise<number> {
  const gone = (await tx.query<{ n: number }>(`SELECT a.n FROM ${ADVERTS} a WHERE NOT EXISTS (SELECT 1 FROM adverts.adverts x WHERE x.id = a.id)`)).map(
    (r) => r.n,
  );
  if (gone.length === 0) return 0;
  // A batch at a time, as they were written.
  const touched = await tx.query<{ kind: Lead['kind']; batch: number; groups: number[] }>(
    `SELECT kind, batch, array_agg(DISTINCT g) AS groups FROM ${MEMBERS} WHERE n = ANY($1::int[]) GROUP BY kind, batch ORDER BY kind DESC, batch`,
    [gone],
  );
  await tx.query(`DELETE FROM ${MEMBERS} WHERE n = ANY($1::int[])`, [gone]);
  for (const { kind, batch, groups } of touched) {
    await tx.query(
      `WITH unwritten AS (DELETE FROM ${WRITTEN} WHERE kind = $1 AND g = ANY($2::int[]) RETURNING id) DELETE FROM adverts.leads WHERE id IN (SELECT id FROM unwritten)`,
      [kind, groups],
    );
    const made: Made[] = [];
    for (const { g, adverts } of await readGroups(tx, kind, 'm.batch = $2 AND m.g = ANY($3::int[])', [batch, groups])) {
      if (kind === 'NETWORK') made.push(...networkLeads(adverts).map((lead) => ({ g, lead })));
      else {
        const lead = movementLead(adverts[0]!.phone!, adverts);
        if (lead) made.push({ g, lead });
      }
    }
    await writeLeads(tx, actor, made);
  }
  return gone.length;
}

/** Scores a batch of leads and inserts them (one INSERT ... SELECT FROM unnest), noting them in WRITTEN. */
async function writeLeads(tx: Sql, actor: Pick<Actor, 'agencyId' | 'userId'>, leads: Made[]): Promise<void> {
  if (leads.length === 0) return;
  const made = leads.map(({ lead }) => ({ ...lead, ...scored(lead) }));
  const pg = (values: readonly string[]) => `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
  const col = <T>(fn: (l: (typeof made)[number]) => T) => made.map(fn);
  await tx.query(
    `WITH written AS (
       INSERT INTO adverts.leads (id, owner_agency_id, contributor_user_id, marking, source_evaluation, intelligence_assessment, handling_code,
         shared_with_agency_ids, shared_with_group_ids, kind, score, indicators, cities, advert_ids, phones, image_hashes, movements, first_seen, last_seen, explanation)
       SELECT r.id, $1, $2, r.marking, '2', 'C', 'P', r.agencies::uuid[], r.groups::uuid[], r.kind, r.score, r.indicators::text[], r.cities::text[], r.advert_ids::uuid[], r.phones::text[],
         r.hashes::text[], r.movements::jsonb, r.first_seen, r.last_seen, r.explanation
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::timestamptz[],
         $14::timestamptz[], $15::text[], $16::text[], $17::text[]) WITH ORDINALITY
         AS r(id, marking, kind, score, indicators, cities, advert_ids, phones, hashes, movements, first_seen, last_seen, explanation, agencies, groups, i)
       ORDER BY r.i
       RETURNING id, kind)
     INSERT INTO ${WRITTEN} (id, kind, g)
     SELECT w.id, w.kind, x.g FROM written w JOIN unnest($3::uuid[], $18::int[]) WITH ORDINALITY AS x(id, g, i) USING (id) ORDER BY x.i`,
    [
      actor.agencyId,
      actor.userId,
      made.map(() => randomUUID()),
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
      leads.map(({ g }) => g),
    ],
  );
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
