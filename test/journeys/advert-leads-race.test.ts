import { COMPUTATION_IN_PROGRESS, computeLeads } from '../../services/adverts/lead.service';
import type { Database, QueryOptions, Sql } from '../../services/kernel/db';
import { codes, type GraphQLResult, startTestHub, type TestHub } from '../support/hub';

/**
 * Computations of one agency's leads at the same time (two analysts, two requests, two processes):
 * one computes and the other is refused with CONFLICT having written nothing, so the agency holds
 * exactly one computation's leads, one computation record and one audit event. Computations of two
 * agencies run side by side. To have two computations truly at once, the tests hold a row lock on one
 * of the hub's earlier leads: a computation of the hub's leads then waits mid-way, at its DELETE of the
 * earlier leads (claimed, its leads written), until the lock is released.
 *
 * An advert erased at retention review while a computation runs: whichever commits first, no lead names
 * the advert once both have, and neither fails. There the computation runs on a transaction that pauses
 * it before a chosen statement (pausing), the erasure through the API as a supervisor makes it.
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

describe('an advert erased while a computation of the leads runs', () => {
  const ERASE = `mutation($id: ID!) { reviewRecord(subjectType: Advert, id: $id, decision: ERASE, reason: "Nothing further to pursue") { decision } }`;
  const hubActor = () => ({ agencyId: hubAgency, userId: hub.demo.agencies['tessera-hub']!.users['CONTRIBUTOR']! });

  /**
   * The demo's four adverts again for the hub, under new ids and their phones and images tagged, so they make leads of
   * their own: a network of B-100231 (Birmingham), L-200877 (London, B-100231's phone) and EB-5521 (London, B-100231's
   * image), the phone's movement from Birmingham to London (B-100231, L-200877), and EB-6010 joined to nothing.
   */
  async function taggedAdverts(tag: string): Promise<{ brum: string; london1: string; london2: string; phone: string }> {
    const rows = await hub.db.transaction(async (tx) => {
      await tx.query(
        `CREATE TEMP TABLE tagged ON COMMIT DROP AS SELECT * FROM adverts.adverts
          WHERE owner_agency_id = $1 AND advert_ref IN ('B-100231', 'L-200877', 'EB-5521', 'EB-6010')`,
        [hubAgency],
      );
      await tx.query(
        `UPDATE tagged SET id = gen_random_uuid(), import_id = NULL, advert_ref = advert_ref || '-' || $1,
           phones = ARRAY(SELECT p || $1 FROM unnest(phones) AS p), image_hashes = ARRAY(SELECT h || $1 FROM unnest(image_hashes) AS h)`,
        [tag],
      );
      return tx.query<{ ref: string; id: string; phones: string[] }>(
        `INSERT INTO adverts.adverts SELECT * FROM tagged RETURNING split_part(advert_ref, '-' || $1, 1) AS ref, id::text, phones`,
        [tag],
      );
    });
    const id = (ref: string) => rows.find((r) => r.ref === ref)!;
    return { brum: id('B-100231').id, london1: id('L-200877').id, london2: id('EB-5521').id, phone: id('B-100231').phones[0]! };
  }

  /**
   * A computation of the hub's leads on a transaction that pauses before the first statement `at` matches:
   * `paused` resolves there (rejects if the computation ends without reaching it), `resume()` lets it go on.
   */
  function pausedComputation(at: RegExp) {
    let resume!: () => void;
    const resumed = new Promise<void>((r) => (resume = r));
    let reached!: () => void;
    const arrived = new Promise<void>((r) => (reached = r));
    let paused = false;
    const pausing = (tx: Sql): Sql => ({
      async query<T>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<T[]> {
        if (!paused && at.test(text)) {
          paused = true;
          reached();
          await resumed;
        }
        return tx.query<T>(text, params, opts);
      },
    });
    const computed = hub.db.transaction((tx) => computeLeads(pausing(tx), hubActor()));
    computed.catch(() => undefined);
    const pausedThere = Promise.race([
      arrived,
      computed.then(() => {
        throw new Error(`the computation ended without reaching ${at}`);
      }),
    ]);
    return { paused: pausedThere, resume, computed };
  }

  /** Starts the erasure; `answered()` says whether it has answered yet. */
  function erase(id: string) {
    let done = false;
    const result = hub.gql<{ reviewRecord: { decision: string } }>('tessera-hub:SUPERVISOR', ERASE, { id }).finally(() => {
      done = true;
    });
    return { result, answered: () => done };
  }

  const leadsNaming = (id: string) => hub.db.query<{ id: string }>(`SELECT id FROM adverts.leads WHERE $1::uuid = ANY(advert_ids)`, [id]);
  const leadsOfPhone = (phone: string) =>
    hub.db.query<{ kind: string; advert_ids: string[]; phones: string[]; image_hashes: string[]; explanation: string }>(
      `SELECT kind, advert_ids::text[], phones, image_hashes, explanation FROM adverts.leads WHERE $1 = ANY(phones) OR EXISTS (
         SELECT 1 FROM adverts.adverts a WHERE a.id = ANY(advert_ids) AND $1 = ANY(a.phones)) ORDER BY kind`,
      [phone],
    );
  const waitingSessions = async () =>
    (
      await hub.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND cardinality(pg_blocking_pids(pid)) > 0`,
      )
    )[0]!.n;

  /** The computation succeeded, with every other lead: its record lists exactly the hub's leads, the demo's among them. */
  async function expectComputedWithTheOthers(made: Awaited<ReturnType<typeof computeLeads>>) {
    const leads = await leadIdsOf(hubAgency);
    expect(made.leadCount).toBe(made.networkCount + made.movementCount);
    const [record] = await hub.db.query<{ lead_ids: string[]; network_count: number; movement_count: number; advert_count: number }>(
      `SELECT lead_ids::text[], network_count, movement_count, advert_count FROM adverts.lead_computations WHERE id = $1`,
      [made.computationId],
    );
    expect([...record!.lead_ids].sort()).toEqual(leads);
    expect(record).toMatchObject({ network_count: made.networkCount, movement_count: made.movementCount, advert_count: made.advertCount });
    const demo = await hub.db.query<{ kind: string }>(`SELECT kind FROM adverts.leads WHERE $1::uuid = ANY(advert_ids) ORDER BY kind`, [
      hub.demo.ids['advert:brum-1'],
    ]);
    expect(demo.map((l) => l.kind)).toEqual(['MOVEMENT', 'NETWORK']);
  }

  const heldAdverts = async () =>
    (
      await hub.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM adverts.adverts WHERE owner_agency_id = $1 AND (cardinality(phones) > 0 OR cardinality(image_hashes) > 0)`,
        [hubAgency],
      )
    )[0]!.n;

  test('erased (committed) while the computation is paused before writing its leads: they leave the advert out, the rest of its network stays', async () => {
    const t = await taggedAdverts('a1');
    // Earlier leads name the advert too: the computation replaces them only at its end, so their erasure waits for it no more.
    await hub.db.transaction((tx) => computeLeads(tx, hubActor()));
    expect(await leadsNaming(t.london2)).toHaveLength(1);
    const c = pausedComputation(/INSERT INTO adverts\.leads/);
    let erasure!: ReturnType<typeof erase>;
    try {
      await c.paused;
      erasure = erase(t.london2);
      // The erasure waits for nothing of the computation.
      await until(async () => erasure.answered());
    } finally {
      c.resume();
    }
    const erased = await erasure.result;
    expect(erased.errors).toBeUndefined();
    const made = await c.computed;

    expect(await leadsNaming(t.london2)).toEqual([]);
    // EB-5521 dropped from its network, which keeps the two adverts still joined by their phone; the movement is untouched.
    expect(await leadsOfPhone(t.phone)).toEqual([
      { kind: 'MOVEMENT', advert_ids: [t.brum, t.london1], phones: [t.phone], image_hashes: [], explanation: expect.stringContaining('2 cities') },
      {
        kind: 'NETWORK',
        advert_ids: [t.brum, t.london1],
        phones: [t.phone],
        image_hashes: [],
        explanation: expect.stringMatching(/^2 adverts joined by 1 shared phone\(s\) and 0 reused image\(s\)\./),
      },
    ]);
    await expectComputedWithTheOthers(made);
    // The adverts it rests on: those it read, less the one erased meanwhile.
    expect(made.advertCount).toBe(await heldAdverts());
  });

  test('erased (committed) after the computation wrote its leads, before it ends: the leads naming it are written again without it, or go', async () => {
    const t = await taggedAdverts('b2');
    const before = await heldAdverts();
    // The end of the computation: the statement after its last lead is written.
    const c = pausedComputation(/pg_advisory_xact_lock\(/);
    let erasure!: ReturnType<typeof erase>;
    try {
      await c.paused;
      expect(await leadsOfPhone(t.phone)).toEqual([]); // nothing committed yet
      erasure = erase(t.brum);
      await until(async () => erasure.answered());
    } finally {
      c.resume();
    }
    expect((await erasure.result).errors).toBeUndefined();
    const made = await c.computed;

    // B-100231 joined the network (one advert by its phone, the other by its image) and was the phone's only Birmingham
    // advert: what remains is two adverts joined by nothing and one city, no lead.
    expect(await leadsNaming(t.brum)).toEqual([]);
    expect(await leadsOfPhone(t.phone)).toEqual([]);
    expect(await leadsNaming(t.london2)).toEqual([]);
    await expectComputedWithTheOthers(made);
    expect(made.advertCount).toBe(before - 1);
  });

  test('erasure begun once the computation is ending (under its gate): it waits for the commit only, then the leads naming the advert go', async () => {
    const t = await taggedAdverts('c3');
    // After the computation has written its leads and checked its adverts: just before its record.
    const c = pausedComputation(/INSERT INTO adverts\.lead_computations/);
    let erasure!: ReturnType<typeof erase>;
    let waited: boolean;
    try {
      await c.paused;
      erasure = erase(t.london2);
      await until(async () => erasure.answered() || (await waitingSessions()) === 1);
      waited = !erasure.answered();
    } finally {
      c.resume();
    }
    const made = await c.computed;
    expect((await erasure.result).errors).toBeUndefined();
    expect(waited).toBe(true);

    // The computation committed leads naming EB-5521; the erasure, let through after, found and removed them.
    expect(await leadsNaming(t.london2)).toEqual([]);
    expect(await leadsOfPhone(t.phone)).toEqual([
      { kind: 'MOVEMENT', advert_ids: [t.brum, t.london1], phones: [t.phone], image_hashes: [], explanation: expect.stringContaining('2 cities') },
    ]);
    const [record] = await hub.db.query<{ lead_ids: string[] }>(`SELECT lead_ids::text[] FROM adverts.lead_computations WHERE id = $1`, [made.computationId]);
    expect(record!.lead_ids).toHaveLength(made.leadCount);
    expect((await leadIdsOf(hubAgency)).length).toBe(made.leadCount - 1);
  });
});
