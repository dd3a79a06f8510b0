import { randomUUID } from 'node:crypto';
import type { Actor } from '../policies/actor';
import { type ActorSession, connect, type Database } from '../services/kernel/db';
import { cloneDatabase } from './support/hub';
import { statementsSent } from './support/probe';

/**
 * A request's session (services/kernel/db.ts, ActorSession): every `transaction()` is a savepoint in
 * the request's one transaction, all or nothing on its own. A transaction that succeeded is released
 * just before the session's next statement (with it, when that is the next savepoint) or by COMMIT;
 * a request that may write opens with its first savepoint. Whatever comes before or after it, a
 * failed transaction undoes exactly its own writes.
 */

let db: Database;
beforeAll(async () => {
  db = await connect(await cloneDatabase(), 2);
});
afterAll(() => db.close());

const actor = { agencyId: randomUUID(), userId: randomUUID(), groupIds: [], agencyType: 'LAW_ENFORCEMENT', role: 'CONTRIBUTOR' } as unknown as Actor;

/** A session with a scratch table of its own (dropped with its transaction). */
async function session(): Promise<ActorSession> {
  const s = db.sessionFor(actor);
  await s.query('CREATE TEMP TABLE written (v text) ON COMMIT DROP');
  return s;
}

const write = (s: ActorSession, v: string) => s.query('INSERT INTO written (v) VALUES ($1)', [v]);
const written = async (s: ActorSession) => (await s.query<{ v: string }>('SELECT v FROM written ORDER BY v')).map((r) => r.v);
const failing = (s: ActorSession, fn: () => Promise<unknown>) =>
  expect(
    s.transaction(async () => {
      await fn();
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');

test('a failed transaction after one that succeeded undoes only its own writes', async () => {
  const s = await session();
  await s.transaction(() => write(s, 'a'));
  await failing(s, () => write(s, 'b'));
  await s.transaction(() => write(s, 'c'));
  expect(await written(s)).toEqual(['a', 'c']);
  await s.finish(true);
});

test('transactions in a row each stand, and the session goes on after them', async () => {
  const s = await session();
  await s.transaction(() => write(s, 'a'));
  await s.transaction(() => write(s, 'b'));
  await write(s, 'c');
  await s.transaction(() => write(s, 'd'));
  expect(await written(s)).toEqual(['a', 'b', 'c', 'd']);
  await s.finish(true);
});

test("an enclosing transaction's failure undoes what the transactions inside it wrote, and the session goes on", async () => {
  const s = await session();
  await failing(s, async () => {
    await s.transaction(() => write(s, 'inner'));
    await write(s, 'outer');
  });
  await s.transaction(async () => {
    await s.transaction(() => write(s, 'inner kept'));
  });
  await failing(s, () => s.transaction(() => write(s, 'inner of a failed one')));
  expect(await written(s)).toEqual(['inner kept']);
  await s.finish(true);
});

test('a transaction costs one round trip of its own: its release goes with the next savepoint, or with COMMIT', async () => {
  const s = await session();
  const sent = await statementsSent(db, async () => {
    await s.transaction(() => write(s, 'a'));
    await s.transaction(() => write(s, 'b'));
    await s.finish(true);
  });
  expect(sent).toEqual([
    'SAVEPOINT tessera_1',
    'INSERT INTO written (v) VALUES ($1)',
    'RELEASE SAVEPOINT tessera_1; SAVEPOINT tessera_2',
    'INSERT INTO written (v) VALUES ($1)',
    'COMMIT',
  ]);
});

test("a request that may write opens with its first transaction's savepoint: that transaction sends nothing of its own", async () => {
  const s = db.sessionFor(actor);
  expect(await s.claimActorToken({ audience: 'session-test', jti: randomUUID(), expiresAt: Math.floor(Date.now() / 1000) + 60 })).toBe(true);
  const sent = await statementsSent(db, async () => {
    await failing(s, () => s.query('CREATE TEMP TABLE written (v text) ON COMMIT DROP'));
    await s.query('CREATE TEMP TABLE written (v text) ON COMMIT DROP');
    await s.transaction(() => write(s, 'a'));
    expect(await written(s)).toEqual(['a']);
    await s.finish(true);
  });
  // The first transaction failed: rolled back to the opening's savepoint, the table it made is gone (made again after).
  expect(sent).toEqual([
    'CREATE TEMP TABLE written (v text) ON COMMIT DROP',
    'ROLLBACK TO SAVEPOINT tessera_0',
    'CREATE TEMP TABLE written (v text) ON COMMIT DROP',
    'SAVEPOINT tessera_1',
    'INSERT INTO written (v) VALUES ($1)',
    'RELEASE SAVEPOINT tessera_1',
    'SELECT v FROM written ORDER BY v',
    'COMMIT',
  ]);
});

test('a session that only reads is READ ONLY: Postgres refuses its writes, and it gives its connection back after finish()', async () => {
  const reads = db.sessionFor(actor, { readOnly: true });
  expect(await reads.query(`SELECT current_setting('transaction_read_only') AS ro`)).toEqual([{ ro: 'on' }]);
  await expect(reads.query('CREATE TEMP TABLE refused (v text)')).rejects.toThrow(/read-only transaction/);
  await reads.finish(false);
  // It ends without the caller waiting: the connection is back in the pool once its ROLLBACK is answered.
  for (let i = 0; i < 100 && db.poolUsage()!.idle < db.poolUsage()!.total; i++) await new Promise((r) => setTimeout(r, 20));
  expect(db.poolUsage()).toMatchObject({ idle: db.poolUsage()!.total, waiting: 0 });
  const writes = db.sessionFor(actor);
  expect(await writes.query(`SELECT current_setting('transaction_read_only') AS ro`)).toEqual([{ ro: 'off' }]);
  await writes.finish(true);
});
