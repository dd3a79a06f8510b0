import { COMPUTATION_IN_PROGRESS, computeLeads } from '../../services/adverts/lead.service';
import type { Database } from '../../services/kernel/db';
import { codes, type GraphQLResult, startTestHub, type TestHub } from '../support/hub';

/**
 * Computations of one agency's leads at the same time (two analysts, two requests, two processes):
 * one computes and the other is refused with CONFLICT having written nothing, so the agency holds
 * exactly one computation's leads, one computation record and one audit event. Computations of two
 * agencies run side by side. To have two computations truly at once, the tests hold a row lock on one
 * of the hub's earlier leads: a computation of the hub's leads then waits mid-way, at its DELETE of the
 * earlier leads (claimed, its adverts read into its temporary tables), until the lock is released.
 */

let hub: TestHub;
let hubAgency: string;
let policeAgency: string;
let policeUser: string;
beforeAll(async () => {
  hub = await startTestHub('in-process');
  hubAgency = hub.demo.agencies['tessera-hub']!.id;
  policeAgency = hub.demo.agencies['met-police']!.id;
  policeUser = hub.demo.agencies['met-police']!.users['CONTRIBUTOR']!;
  // Another agency's adverts (only the hub ingests through the API): the hub's, under other ids.
  await hub.db.transaction(async (tx) => {
    await tx.query(`CREATE TEMP TABLE copied ON COMMIT DROP AS SELECT * FROM adverts.adverts WHERE owner_agency_id = $1`, [hubAgency]);
    await tx.query(`UPDATE copied SET id = gen_random_uuid(), owner_agency_id = $1, import_id = NULL`, [policeAgency]);
    await tx.query(`INSERT INTO adverts.adverts SELECT * FROM copied`);
  });
});
afterAll(() => hub.stop());

const COMPUTE = `mutation { computeAdvertLeads { advertCount networkCount movementCount } }`;
type Computed = { computeAdvertLeads: { advertCount: number; networkCount: number; movementCount: number } };

/** Polls `check` every 20 ms until it holds; rejects after 10 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    if (await check()) return;
  }
  throw new Error('timed out');
}

/**
 * Holds a row lock on one of the hub's leads, on a connection of its own, until `release()`.
 * `waiting()`: how many sessions of the test's database wait on a lock (on it, or behind a session waiting on it).
 */
async function holdEarlierLead(): Promise<{ waiting: () => Promise<number>; release: () => Promise<void> }> {
  const conn: Database = await hub.db.dedicated('lead-holder');
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held!: () => void;
  const holding = new Promise<void>((r) => (held = r));
  const done = conn.transaction(async (tx) => {
    const [row] = await tx.query(`SELECT id FROM adverts.leads WHERE owner_agency_id = $1 LIMIT 1 FOR UPDATE`, [hubAgency]);
    if (!row) throw new Error('the hub holds no lead');
    held();
    await released;
  });
  await Promise.race([holding, done]);
  return {
    // Sessions queue behind the first waiter on a row (its tuple lock), not behind the holder: every waiter is counted.
    waiting: async () =>
      (
        await hub.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND cardinality(pg_blocking_pids(pid)) > 0`,
        )
      )[0]!.n,
    release: async () => {
      release();
      await done;
    },
  };
}

const computationsOf = (agencyId: string, since: string) =>
  hub.db.query<{ id: string; lead_ids: string[]; advert_count: number; network_count: number; movement_count: number }>(
    `SELECT id, lead_ids::text[], advert_count, network_count, movement_count FROM adverts.lead_computations
      WHERE owner_agency_id = $1 AND created_at > $2::timestamptz ORDER BY created_at`,
    [agencyId, since],
  );
const leadIdsOf = async (agencyId: string) =>
  (await hub.db.query<{ id: string }>(`SELECT id::text FROM adverts.leads WHERE owner_agency_id = $1 ORDER BY id`, [agencyId])).map((r) => r.id);
const computationEventsSince = (seq: string) =>
  hub.db.query<{ subject_id: string; actor_user_id: string }>(
    `SELECT subject_id, actor_user_id::text FROM audit.events WHERE seq > $1 AND action = 'COMBINE' AND subject_type = 'AdvertLeadComputation' ORDER BY seq`,
    [seq],
  );
const now = async () => (await hub.db.query<{ t: string }>(`SELECT clock_timestamp()::text AS t`))[0]!.t;
const lastSeq = async () => (await hub.db.query<{ seq: string }>(`SELECT coalesce(max(seq), 0)::text AS seq FROM audit.events`))[0]!.seq;

test('two computations of the hub’s leads at once: one replaces the leads, the other is refused (CONFLICT) having written nothing', async () => {
  const since = await now();
  const seq = await lastSeq();
  const earlier = await leadIdsOf(hubAgency);
  expect(earlier.length).toBeGreaterThan(0);
  const holder = await holdEarlierLead();
  let first: Promise<GraphQLResult<Computed>>;
  let second: typeof first;
  let outcome: string;
  try {
    first = hub.gql<Computed>('tessera-hub', COMPUTE);
    await until(async () => (await holder.waiting()) === 1);
    // Another analyst of the hub, while the first computation is mid-way.
    let answered = false;
    second = hub.gql<Computed>('tessera-hub:SUPERVISOR', COMPUTE).finally(() => {
      answered = true;
    });
    // Refused at once; a second computation let through would wait at the held lead as the first does.
    await until(async () => answered || (await holder.waiting()) === 2);
    outcome = answered ? 'answered' : 'waiting too';
  } finally {
    await holder.release();
  }
  const [a, b] = await Promise.all([first, second]);
  // Exactly the first computation's leads, its one record listing them, and its one audit event.
  expect(a.errors).toBeUndefined();
  const { networkCount, movementCount, advertCount } = a.data!.computeAdvertLeads;
  const leads = await leadIdsOf(hubAgency);
  expect(leads).toHaveLength(networkCount + movementCount);
  const made = await computationsOf(hubAgency, since);
  expect(made).toHaveLength(1);
  expect(made[0]).toMatchObject({ advert_count: advertCount, network_count: networkCount, movement_count: movementCount });
  expect([...made[0]!.lead_ids].sort()).toEqual(leads);
  expect(leads.filter((id) => earlier.includes(id))).toEqual([]);
  expect(await computationEventsSince(seq)).toEqual([{ subject_id: made[0]!.id, actor_user_id: hub.demo.agencies['tessera-hub']!.users['CONTRIBUTOR'] }]);

  // The second was refused at once, having written nothing.
  expect(outcome).toBe('answered');
  expect(codes(b)).toEqual(['CONFLICT']);
  expect(b.errors![0]!.extensions!.reason).toBe(COMPUTATION_IN_PROGRESS);
  expect(b.data ?? null).toBeNull();

  // The claim ends with the computation's transaction: computed again, the leads are replaced once more.
  const again = await hub.gql<Computed>('tessera-hub:SUPERVISOR', COMPUTE);
  expect(again.errors).toBeUndefined();
  const [, last] = await computationsOf(hubAgency, since);
  expect([...last!.lead_ids].sort()).toEqual(await leadIdsOf(hubAgency));
  expect(await leadIdsOf(hubAgency)).toHaveLength(leads.length);
  expect((await leadIdsOf(hubAgency)).filter((id) => leads.includes(id))).toEqual([]);
});

test('another agency computes its leads while a computation of the hub’s is mid-way: neither waits for the other', async () => {
  const since = await now();
  const holder = await holdEarlierLead();
  let hubs: Promise<GraphQLResult<Computed>>;
  let police: Awaited<ReturnType<typeof computeLeads>>;
  let stillHeld: number;
  try {
    hubs = hub.gql<Computed>('tessera-hub', COMPUTE);
    await until(async () => (await holder.waiting()) === 1);
    police = await hub.db.transaction((tx) => computeLeads(tx, { agencyId: policeAgency, userId: policeUser }));
    stillHeld = await holder.waiting();
  } finally {
    await holder.release();
  }
  expect(stillHeld).toBe(1);
  const r = await hubs;
  expect(r.errors).toBeUndefined();
  // The police's adverts are the hub's under other ids: the same leads, each agency its own.
  expect(police.leadCount).toBe(r.data!.computeAdvertLeads.networkCount + r.data!.computeAdvertLeads.movementCount);
  expect(police.leadCount).toBeGreaterThan(0);
  const [policeMade] = await computationsOf(policeAgency, since);
  expect([...policeMade!.lead_ids].sort()).toEqual(await leadIdsOf(policeAgency));
  const hubMade = await computationsOf(hubAgency, since);
  expect(hubMade).toHaveLength(1);
  expect([...hubMade[0]!.lead_ids].sort()).toEqual(await leadIdsOf(hubAgency));
});
