import { randomUUID } from 'node:crypto';
import type { Actor } from '../policies/actor';
import { type ActorSession, connect, type Database } from '../services/kernel/db';
import { cloneDatabase } from './support/hub';

/**
 * A statement that asks for a generic plan (services/kernel/db.ts, QueryOptions.genericPlan) is a
 * named prepared statement that Postgres plans without its values, once per connection, from its
 * first execution: its request's transaction plans generically from then on, set in a round trip the
 * session makes anyway when it can. The setting is the transaction's own, never the connection's.
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

/** What the session sends while `fn` runs, whitespace collapsed. */
async function sentDuring(fn: () => Promise<void>): Promise<string[]> {
  const sent: string[] = [];
  const logger = db.dataSource.logger;
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (query, parameters, runner) => {
    sent.push((typeof query === 'string' ? query : (query as { text: string }).text).replace(/\s+/g, ' ').trim());
    return logQuery(query, parameters, runner);
  };
  try {
    await fn();
  } finally {
    logger.logQuery = logQuery;
  }
  return sent;
}

const planMode = async (s: ActorSession) => (await s.query<{ mode: string }>(`SELECT current_setting('plan_cache_mode') AS mode`))[0]!.mode;

test('asked by the first statement, generic plans are set in the round trip that opens the session, and used from the first execution', async () => {
  const text = `SELECT $1::int + 1 AS v /* first */`;
  const s = db.sessionFor(actor);
  const sent = await sentDuring(async () => {
    for (const v of [1, 2, 3]) expect(await s.query<{ v: number }>(text, [v], { genericPlan: true })).toEqual([{ v: v + 1 }]);
  });
  expect(sent[0]).toMatch(/^BEGIN; SELECT set_config\('tessera\.agency_id'.*, set_config\('plan_cache_mode', 'force_generic_plan', true\)$/);
  expect(sent.slice(1)).toEqual([text, text, text]);
  expect(await plansOf(s, text)).toEqual({ generic: 3, custom: 0 });
  await s.finish(true);
});

test('a statement that does not ask is planned with its values, and leaves the mode as Postgres chooses', async () => {
  const text = `SELECT $1::int + 1 AS v /* unnamed */`;
  const s = db.sessionFor(actor);
  await s.query(text, [1]);
  expect(await plansOf(s, text)).toEqual({ generic: 0, custom: 0 });
  expect(await planMode(s)).toBe('auto');
  await s.finish(true);
});

test('asked once the session is open, generic plans are set by one statement before it; they end with the transaction', async () => {
  const text = `SELECT $1::int * 2 AS v /* later */`;
  const s = db.sessionFor(actor);
  expect(await planMode(s)).toBe('auto');
  const sent = await sentDuring(async () => {
    await s.query(text, [2], { genericPlan: true });
    await s.query(text, [3], { genericPlan: true });
  });
  expect(sent).toEqual([`SELECT set_config('plan_cache_mode', 'force_generic_plan', true)`, text, text]);
  expect(await plansOf(s, text)).toEqual({ generic: 2, custom: 0 });
  await s.finish(true);

  // The same connection, the next request: planning as Postgres chooses again.
  const next = db.sessionFor(actor);
  expect(await planMode(next)).toBe('auto');
  await next.finish(true);
});

test('a failed transaction that set them undoes the setting: the next statement that asks sets it again', async () => {
  const text = `SELECT $1::int - 1 AS v /* after a failure */`;
  const s = db.sessionFor(actor);
  await s.query('SELECT 1');
  await expect(
    s.transaction(async () => {
      await s.query(text, [1], { genericPlan: true });
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');
  expect(await planMode(s)).toBe('auto');
  await s.query(text, [5], { genericPlan: true });
  expect(await planMode(s)).toBe('force_generic_plan');
  expect(await plansOf(s, text)).toEqual({ generic: 2, custom: 0 });
  await s.finish(false);
});
