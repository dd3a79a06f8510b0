import { randomUUID } from 'node:crypto';
import type { Actor } from '../policies/actor';
import { type ActorSession, connect, type Database } from '../services/kernel/db';
import { cloneDatabase } from './support/hub';
import { statementsSent } from './support/probe';

/**
 * A statement that asks for a generic plan (services/kernel/db.ts, QueryOptions.genericPlan) is a
 * named prepared statement that Postgres plans without its values, once per connection, from its
 * first execution: it runs under `plan_cache_mode = force_generic_plan`, set in a round trip the
 * session makes anyway when it can; a statement that does not ask runs under Postgres's own choice
 * again. The setting is the transaction's own, never the connection's.
 */

let db: Database;
beforeAll(async () => {
  // One connection: every session below runs on it, so what one leaves behind, the next would see.
  db = await connect(await cloneDatabase(), 1);
});
afterAll(() => db.close());

const actor = { agencyId: randomUUID(), userId: randomUUID(), groupIds: [], agencyType: 'LAW_ENFORCEMENT', role: 'CONTRIBUTOR' } as unknown as Actor;

/** The session's plans of `text` so far, as Postgres counts them for the connection's prepared statement. */
async function plansOf(s: ActorSession, text: string): Promise<{ generic: number; custom: number }> {
  const [row] = await s.query<{ generic: string; custom: string }>(
    'SELECT generic_plans::text AS generic, custom_plans::text AS custom FROM pg_prepared_statements WHERE statement = $1',
    [text],
  );
  return { generic: Number(row?.generic ?? 0), custom: Number(row?.custom ?? 0) };
}

/** The planning mode a statement runs under, read by a statement that asks for a generic plan or not. */
const modeSeen = async (s: ActorSession, genericPlan: boolean) =>
  (await s.query<{ mode: string }>(`SELECT current_setting('plan_cache_mode') AS mode /* ${genericPlan} */`, [], { genericPlan }))[0]!.mode;

const SET_GENERIC = `SELECT set_config('plan_cache_mode', 'force_generic_plan', true)`;
const SET_AUTO = `SELECT set_config('plan_cache_mode', 'auto', true)`;

test('asked by the first statement, generic plans are set in the round trip that opens the session, and used from the first execution', async () => {
  const text = `SELECT $1::int + 1 AS v /* first */`;
  const s = db.sessionFor(actor);
  const sent = await statementsSent(db, async () => {
    for (const v of [1, 2, 3]) expect(await s.query<{ v: number }>(text, [v], { genericPlan: true })).toEqual([{ v: v + 1 }]);
  });
  expect(sent[0]).toMatch(/^BEGIN; SELECT set_config\('tessera\.agency_id'.*, set_config\('plan_cache_mode', 'force_generic_plan', true\)$/);
  expect(sent.slice(1)).toEqual([text, text, text]);
  expect(await plansOf(s, text)).toEqual({ generic: 3, custom: 0 });
  await s.finish(true);
});

test('a statement that does not ask is planned with its values, as Postgres chooses', async () => {
  const text = `SELECT $1::int + 1 AS v /* unnamed */`;
  const s = db.sessionFor(actor);
  const sent = await statementsSent(db, async () => {
    await s.query(text, [1]);
  });
  expect(sent[0]).not.toContain(`set_config('plan_cache_mode'`);
  expect(await plansOf(s, text)).toEqual({ generic: 0, custom: 0 });
  expect(await modeSeen(s, false)).toBe('auto');
  await s.finish(true);
});

test('the mode changes only where the statements change: one statement sets it, before the first of each run', async () => {
  const text = `SELECT $1::int * 2 AS v /* later */`;
  const other = `SELECT $1::int * 3 AS v /* between */`;
  const s = db.sessionFor(actor);
  await s.query('SELECT 1');
  const sent = await statementsSent(db, async () => {
    await s.query(text, [2], { genericPlan: true });
    await s.query(text, [3], { genericPlan: true });
    await s.query(other, [1]);
    await s.query(other, [2]);
    await s.query(text, [4], { genericPlan: true });
  });
  expect(sent).toEqual([SET_GENERIC, text, text, SET_AUTO, other, other, SET_GENERIC, text]);
  expect(await plansOf(s, text)).toEqual({ generic: 3, custom: 0 });
  expect(await modeSeen(s, true)).toBe('force_generic_plan');
  expect(await modeSeen(s, false)).toBe('auto');
  await s.finish(true);
});

test('generic plans end with the transaction: the next request on the connection plans as Postgres chooses', async () => {
  const s = db.sessionFor(actor);
  expect(await modeSeen(s, true)).toBe('force_generic_plan');
  await s.finish(true);
  // The same connection (the pool holds one), the next request, a statement that does not ask.
  const next = db.sessionFor(actor);
  const sent = await statementsSent(db, async () => {
    expect(await modeSeen(next, false)).toBe('auto');
  });
  expect(sent.join('\n')).not.toContain(`set_config('plan_cache_mode'`);
  await next.finish(true);
});

test('a failed transaction undoes the mode it set: the session knows it, and sets it again only where needed', async () => {
  const text = `SELECT $1::int - 1 AS v /* after a failure */`;
  const s = db.sessionFor(actor);
  await s.query('SELECT 1');
  await expect(
    s.transaction(async () => {
      await s.query(text, [1], { genericPlan: true });
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');
  const sent = await statementsSent(db, async () => {
    expect(await modeSeen(s, false)).toBe('auto');
    await s.query(text, [5], { genericPlan: true });
  });
  expect(sent.filter((q) => q.startsWith('SELECT set_config'))).toEqual([SET_GENERIC]);
  expect(await plansOf(s, text)).toEqual({ generic: 2, custom: 0 });
  // Set before the savepoint, the mode survives the rollback: nothing to set again.
  await s.query(text, [6], { genericPlan: true });
  await expect(
    s.transaction(async () => {
      await s.query('SELECT 2');
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');
  const after = await statementsSent(db, async () => {
    expect(await modeSeen(s, true)).toBe('force_generic_plan');
  });
  expect(after.filter((q) => q.startsWith('SELECT set_config'))).toEqual([]);
  await s.finish(false);
});

/**
 * A prepared statement (QueryOptions.prepared) is named too, but runs under whichever mode the
 * session is in and never switches it: between statements with generic plans it is planned
 * generically, in a session planning as Postgres chooses it is planned with its values for the
 * connection's first five runs and then, costing the same, generically.
 */
test('a prepared statement never changes the mode: it runs under the one the session is in', async () => {
  const text = `SELECT sum(v)::int AS v FROM unnest($1::int[]) AS u(v) /* prepared */`;
  const generic = `SELECT $1::int * 5 AS v /* generic, around a prepared one */`;
  const s = db.sessionFor(actor);
  const sent = await statementsSent(db, async () => {
    await s.query(generic, [1], { genericPlan: true });
    expect(await s.query(text, [[1, 2]], { prepared: true })).toEqual([{ v: 3 }]);
    await s.query(generic, [2], { genericPlan: true });
  });
  expect(sent[0]).toMatch(/set_config\('plan_cache_mode', 'force_generic_plan', true\)$/);
  expect(sent.slice(1)).toEqual([generic, text, generic]);
  expect(await plansOf(s, text)).toEqual({ generic: 1, custom: 0 });
  await s.finish(true);

  const next = db.sessionFor(actor);
  const after = await statementsSent(db, async () => {
    for (let n = 1; n <= 7; n++) expect(await next.query(text, [[n, 1]], { prepared: true })).toEqual([{ v: n + 1 }]);
  });
  expect(after.join('\n')).not.toContain(`set_config('plan_cache_mode'`);
  expect(await modeSeen(next, false)).toBe('auto');
  expect(await plansOf(next, text)).toEqual({ generic: 3, custom: 5 });
  await next.finish(true);
});
