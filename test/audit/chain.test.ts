import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { canonicalOf, readEvents, verifyChain } from '../../services/audit/chain';
import { Checkpointer, CheckpointStore, loadCheckpointSigner, openCheckpoint } from '../../services/audit/checkpoints';
import { openNote, parseVerifierKey } from '../../services/audit/signed-note';
import {
  atSql,
  type AuditActor,
  AuditAppender,
  type AuditEventInput,
  appendAudit,
  chainHash,
  GENESIS_HASH,
  subjectOfRecords,
} from '../../services/kernel/audit';
import { connect, type Database, type Sql } from '../../services/kernel/db';
import { appDatabaseUrl } from '../../services/kernel/security';
import { cloneDatabase } from '../support/hub';
import { tempDir } from '../support/temp-dir';

/**
 * The chain itself, below the GraphQL layer: appends, verification, tampering, the append-only
 * guarantees of the table, and the two commands (npm run audit:verify / audit:export).
 */

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

const actor = (purpose = 'chain test'): AuditActor => ({
  actor: { userId: randomUUID(), agencyId: randomUUID(), purpose },
  requestId: `chain-${randomUUID()}`,
});

/** A consultation that lists the records it released (canonical form v: 2), as a request's ConsultationLog writes it. */
const listing = (n: number): AuditEventInput => {
  const records = Array.from({ length: n }, (_, i) => ({ id: randomUUID(), fields: i % 2 ? ['value'] : ['maskedValue', 'value'] }));
  return { action: 'CONSULT', subjectType: 'Entity', subjectId: subjectOfRecords(records), recordOwnerAgencyId: null, records };
};

/** Every fourth event (i = 1, 5, ...) lists three records; the others name one subject (v: 1). */
const event = (i: number, extra: Partial<AuditEventInput> = {}): AuditEventInput => ({
  ...(i % 4 === 1
    ? listing(3)
    : { action: 'CONSULT' as const, subjectType: 'Person', subjectId: randomUUID(), recordOwnerAgencyId: randomUUID(), fields: ['fullName'] }),
  ...extra,
  ...(i % 3 === 0 ? { action: 'DISCLOSE' as const, recipients: [randomUUID()] } : {}),
});

async function append(db: Database, n: number, who = actor()): Promise<void> {
  await db.transaction((tx) =>
    appendAudit(
      tx,
      who,
      Array.from({ length: n }, (_, i) => event(i)),
    ),
  );
}

async function seqs(db: Database): Promise<string[]> {
  return (await db.query<{ seq: string }>('SELECT e.seq::text AS seq FROM audit.events e ORDER BY e.seq')).map((r) => r.seq);
}

/** Runs `sql` as a superuser with the append-only trigger switched off: what only a superuser can do. */
async function asSuperuserWithoutTrigger(db: Database, sql: string, params: unknown[] = []): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit.events DISABLE TRIGGER events_append_only');
    await tx.query(sql, params);
    await tx.query('ALTER TABLE audit.events ENABLE ALWAYS TRIGGER events_append_only');
  });
}

/** Recomputes prev_hash and hash of every event from the first, as a superuser covering an edit would. */
async function recomputeChain(db: Database): Promise<void> {
  const events = [];
  for await (const e of readEvents(db)) events.push(e);
  let prev = GENESIS_HASH;
  for (const e of events) {
    const hash = chainHash(prev, canonicalOf(e));
    await asSuperuserWithoutTrigger(db, `UPDATE audit.events SET prev_hash = $1, hash = $2 WHERE seq = $3`, [prev, hash, e.seq]);
    prev = hash;
  }
}

/** Runs a script over `url`; the checkpoint store is an empty directory of its own unless `env` names one. */
async function script(
  name: string,
  url: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'scripts', name), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, TESSERA_AUDIT_CHECKPOINT_DIR: tempDir('tessera-no-checkpoints'), ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('the audit hash chain', () => {
  const opened: Database[] = [];
  /** A database of its own with `n` events appended in a few batches. */
  async function freshChain(n: number): Promise<{ db: Database; url: string }> {
    const url = await cloneDatabase();
    const db = await connect(url, 4);
    opened.push(db);
    for (let done = 0; done < n; done += 4) await append(db, Math.min(4, n - done));
    return { db, url };
  }
  afterAll(async () => {
    for (const db of opened) await db.close();
  });

  test('appends link each event to the previous one, and the chain verifies', async () => {
    const { db } = await freshChain(10);
    const rows = await db.query<{ prev_hash: string; hash: string; purpose: string }>('SELECT prev_hash, hash, purpose FROM audit.events ORDER BY seq');
    expect(rows).toHaveLength(10);
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    const v = await verifyChain(db, { batchSize: 3 });
    expect(v).toEqual({ ok: true, count: 10, head: { seq: (await seqs(db)).at(-1), hash: rows[9]!.hash } });
  });

  test('a large batch is written in chunks and still forms one chain', async () => {
    const { db } = await freshChain(1);
    await append(db, 4500);
    expect(await verifyChain(db)).toMatchObject({ ok: true, count: 4501 });
  });

  test('concurrent appends serialise into one linear chain', async () => {
    const { db } = await freshChain(0);
    await Promise.all(Array.from({ length: 16 }, () => append(db, 5)));
    const v = await verifyChain(db);
    expect(v.ok).toBe(true);
    expect(v.count).toBe(80);
  });

  test('concurrent consultations are committed in groups, each caller with its own purpose and request, in one chain that npm run audit:verify accepts', async () => {
    const { db, url } = await freshChain(2);
    const appender = new AuditAppender(db);
    const callers = Array.from({ length: 30 }, (_, i) => actor(`consultation ${i}`));
    // Writes keep appending in their own transactions meanwhile.
    await Promise.all([...callers.map((who, i) => appender.append(who, [event(i + 1), event(i + 2)])), append(db, 3), append(db, 2)]);
    expect(await verifyChain(db)).toMatchObject({ ok: true, count: 2 + 60 + 5 });
    const rows = await db.query<{ purpose: string; request_id: string; n: number }>(
      `SELECT purpose, request_id, count(*)::int AS n FROM audit.events WHERE purpose LIKE 'consultation %' GROUP BY 1, 2`,
    );
    expect(new Map(rows.map((r) => [r.purpose, r.request_id]))).toEqual(new Map(callers.map((c) => [c.actor.purpose, c.requestId])));
    expect(rows.every((r) => r.n === 2)).toBe(true);
    // Fewer commits than callers: the first went alone, the others waited for it and went together.
    const [{ groups }] = (await db.query<{ groups: number }>(
      `SELECT count(DISTINCT at)::int AS groups FROM audit.events WHERE purpose LIKE 'consultation %'`,
    )) as [{ groups: number }];
    expect(groups).toBeLessThan(callers.length);
    expect((await script('audit-verify.ts', url)).code).toBe(0);
  });

  test('a group chained on a head that another appender moved is chained again on the new head', async () => {
    const { db } = await freshChain(1);
    let moved = false;
    // A write commits its event between the group's reading the head and its insert.
    const racing = {
      query: async <T>(text: string, params?: readonly unknown[]) => {
        const rows = await db.query<T>(text, params);
        if (!moved && /chain_head/.test(text)) {
          moved = true;
          await append(db, 1, actor('the write in between'));
        }
        return rows;
      },
      transaction: db.transaction.bind(db),
    };
    await new AuditAppender(racing).append(actor('consultation'), [event(1), event(2)]);
    expect(moved).toBe(true);
    expect((await db.query<{ purpose: string }>('SELECT purpose FROM audit.events ORDER BY seq')).map((r) => r.purpose)).toEqual([
      'chain test',
      'the write in between',
      'consultation',
      'consultation',
    ]);
    expect(await verifyChain(db)).toMatchObject({ ok: true, count: 4 });
  });

  test('an appender chains on its own last event while nobody else writes, and on the new head after someone did', async () => {
    const { db } = await freshChain(1);
    const appender = new AuditAppender(db);
    await appender.append(actor('first'), [event(1)]);
    await appender.append(actor('second'), [event(1), event(2)]);
    await append(db, 1, actor('a write'));
    await appender.append(actor('third'), [event(1)]);
    const rows = await db.query<{ purpose: string; at: string }>(`SELECT purpose, ${atSql('at')} AS at FROM audit.events ORDER BY seq`);
    expect(rows.map((r) => r.purpose)).toEqual(['chain test', 'first', 'second', 'second', 'a write', 'third']);
    // Stamped in chain order.
    expect(rows.map((r) => r.at)).toEqual(rows.map((r) => r.at).sort());
    expect(await verifyChain(db)).toMatchObject({ ok: true, count: 6 });
  });

  test('a write appends in one statement on the last event a write here appended; after another appender wrote, or that write rolled back, on the head read under the lock', async () => {
    const { db } = await freshChain(1);
    /** Appends two events in a write's transaction and answers how many statements the append took. */
    const write = async (purpose: string, rollBack = false): Promise<number> => {
      let statements = 0;
      const done = db.transaction(async (tx) => {
        const counted: Sql = { query: (text, params) => (statements++, tx.query(text, params)) };
        await appendAudit(counted, actor(purpose), [event(1), event(2)]);
        if (rollBack) throw new Error('the change failed');
      });
      if (rollBack) await expect(done).rejects.toThrow('the change failed');
      else await done;
      return statements;
    };
    expect(await write('first')).toBe(1);
    expect(await write('second')).toBe(1);
    await new AuditAppender(db).append(actor('a consultation'), [event(1)]);
    expect(await write('after the consultation')).toBe(2);
    expect(await write('rolled back', true)).toBe(1);
    expect(await write('after the rollback')).toBe(2);
    expect(await write('last')).toBe(1);
    const rows = await db.query<{ purpose: string; at: string }>(`SELECT purpose, ${atSql('at')} AS at FROM audit.events ORDER BY seq`);
    expect(rows.map((r) => r.purpose)).toEqual([
      'chain test',
      ...['first', 'second'].flatMap((p) => [p, p]),
      'a consultation',
      ...['after the consultation', 'after the rollback', 'last'].flatMap((p) => [p, p]),
    ]);
    // Stamped in chain order, whichever clock stamped them.
    expect(rows.map((r) => r.at)).toEqual(rows.map((r) => r.at).sort());
    expect(await verifyChain(db)).toMatchObject({ ok: true, count: 12 });
  });

  test('when a group cannot be written, every caller in it is refused and none of its events is written', async () => {
    const { db } = await freshChain(1);
    const name = `fail_group_${randomUUID().slice(0, 8)}`;
    await db.query(`CREATE FUNCTION audit.${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.purpose = 'refused' THEN RAISE EXCEPTION 'audit store unavailable (test)'; END IF; RETURN NEW; END $$`);
    await db.query(`CREATE TRIGGER ${name} BEFORE INSERT ON audit.events FOR EACH ROW EXECUTE FUNCTION audit.${name}()`);
    const appender = new AuditAppender(db);
    // The first append starts a commit at once; the ones made while it runs form the next group.
    const first = appender.append(actor('first'), [event(1)]);
    const group = [actor('grouped'), actor('refused'), actor('grouped')].map((who, i) => appender.append(who, [event(i + 1)]));
    await expect(first).resolves.toBeUndefined();
    const settled = await Promise.allSettled(group);
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((await db.query<{ purpose: string }>('SELECT purpose FROM audit.events ORDER BY seq')).map((r) => r.purpose)).toEqual(['chain test', 'first']);
    // The appender goes on with the next group.
    await appender.append(actor('after'), [event(1)]);
    expect(await verifyChain(db)).toMatchObject({ ok: true, count: 3 });
  });

  test('an append outside a transaction is refused, and a rolled-back append leaves nothing', async () => {
    const { db } = await freshChain(2);
    await expect(appendAudit(db, actor(), [event(1)])).rejects.toThrow(/inside db.transaction/);
    await expect(
      db.transaction(async (tx) => {
        await appendAudit(tx, actor(), [event(1), event(2)]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await seqs(db)).toHaveLength(2);
    await append(db, 1);
    expect((await verifyChain(db)).ok).toBe(true);
  });

  test('the application cannot update, delete or truncate audit rows, even in replica mode', async () => {
    const { db } = await freshChain(3);
    await expect(db.query(`UPDATE audit.events SET purpose = 'rewritten'`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(db.query(`DELETE FROM audit.events`)).rejects.toThrow(/append-only: DELETE refused/);
    await expect(db.query(`TRUNCATE audit.events`)).rejects.toThrow(/append-only: TRUNCATE refused/);
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`SET LOCAL session_replication_role = replica`);
        await tx.query(`DELETE FROM audit.events`);
      }),
    ).rejects.toThrow(/append-only/);
    expect(await seqs(db)).toHaveLength(3);
    const [owner] = await db.query<{ owner: string }>(`SELECT tableowner AS owner FROM pg_tables WHERE schemaname = 'audit' AND tablename = 'events'`);
    expect(owner!.owner).toBe('tessera_audit_owner');
  });

  test('a role given the application grants may read and append, never update or delete', async () => {
    const { db } = await freshChain(1);
    const role = `audit_app_${randomUUID().slice(0, 8)}`;
    await db.query(`CREATE ROLE ${role} NOLOGIN`);
    try {
      await db.query(`SELECT audit.grant_append_only($1)`, [role]);
      const asRole = (fn: (tx: Parameters<Parameters<Database['transaction']>[0]>[0]) => Promise<unknown>) =>
        db.transaction(async (tx) => {
          await tx.query(`SET LOCAL ROLE ${role}`);
          return fn(tx);
        });
      await asRole((tx) => appendAudit(tx, actor(), [event(1)]));
      await expect(asRole((tx) => tx.query(`UPDATE audit.events SET purpose = 'x'`))).rejects.toThrow(/permission denied/);
      await expect(asRole((tx) => tx.query(`DELETE FROM audit.events`))).rejects.toThrow(/permission denied/);
      await expect(asRole((tx) => tx.query(`TRUNCATE audit.events`))).rejects.toThrow(/permission denied/);
      expect((await verifyChain(db)).count).toBe(2);
    } finally {
      await db.query(`DROP OWNED BY ${role}`);
      await db.query(`DROP ROLE ${role}`);
    }
  });

  test('an edited event is detected at its seq', async () => {
    const { db } = await freshChain(8);
    const s = await seqs(db);
    await asSuperuserWithoutTrigger(db, `UPDATE audit.events SET purpose = 'a better-sounding purpose' WHERE seq = $1`, [s[4]]);
    expect((await verifyChain(db)).firstBad).toEqual({ seq: s[4], reason: expect.stringMatching(/edited/) });
  });

  test('a consultation listing its records is one event whose list is hashed: a record edited, added, removed or the list dropped is detected at its seq', async () => {
    const { db } = await freshChain(8);
    const listed = (await db.query<{ seq: string; records: Array<{ id: string; fields: string[] }> }>(
      'SELECT seq::text AS seq, records FROM audit.events WHERE records IS NOT NULL ORDER BY seq',
    ))!;
    // freshChain appends events 0..3 in batches of four: the second of each batch lists three records.
    expect(listed).toHaveLength(2);
    expect(listed[0]!.records).toHaveLength(3);
    expect((await verifyChain(db)).ok).toBe(true);
    const seq = listed[0]!.seq;
    const edits = [
      `jsonb_set(records, '{0,id}', to_jsonb(gen_random_uuid()::text))`,
      `jsonb_set(records, '{1,fields}', '["value","fullName"]')`,
      `records || jsonb_build_array(jsonb_build_object('id', gen_random_uuid()::text, 'fields', jsonb_build_array('value')))`,
      `records - 0`,
      `NULL`,
    ];
    for (const edit of edits) {
      const before = listed[0]!.records;
      await asSuperuserWithoutTrigger(db, `UPDATE audit.events SET records = ${edit} WHERE seq = $1`, [seq]);
      expect((await verifyChain(db)).firstBad).toEqual({ seq, reason: expect.stringMatching(/edited/) });
      await asSuperuserWithoutTrigger(db, `UPDATE audit.events SET records = $1 WHERE seq = $2`, [JSON.stringify(before), seq]);
      expect((await verifyChain(db)).ok).toBe(true);
    }
    // A single-subject event given a list of records is detected too.
    const [plain] = await db.query<{ seq: string }>('SELECT seq::text AS seq FROM audit.events WHERE records IS NULL ORDER BY seq LIMIT 1');
    await asSuperuserWithoutTrigger(db, `UPDATE audit.events SET records = '[{"id":"x","fields":["fullName"]}]' WHERE seq = $1`, [plain!.seq]);
    expect((await verifyChain(db)).firstBad).toEqual({ seq: plain!.seq, reason: expect.stringMatching(/edited/) });
  });

  test('an event listing records names them consistently: its subject is the one record or *, and a listed record is found by its id', async () => {
    const { db } = await freshChain(0);
    const one = listing(1);
    const three = listing(3);
    await db.transaction((tx) => appendAudit(tx, actor(), [one, three]));
    const rows = await db.query<{ subject_id: string; fields: string[]; records: Array<{ id: string; fields: string[] }> }>(
      'SELECT subject_id, fields, records FROM audit.events ORDER BY seq',
    );
    expect(rows.map((r) => r.subject_id)).toEqual([one.records![0]!.id, '*']);
    // The event's fields are the union of its records'; the records sorted by id, each with its own fields.
    expect(rows[1]!.fields).toEqual(['maskedValue', 'value']);
    expect(rows[1]!.records).toEqual([...three.records!].sort((a, b) => (a.id < b.id ? -1 : 1)).map((r) => ({ id: r.id, fields: [...r.fields].sort() })));
    const found = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit.events e WHERE audit.event_subject_ids(e.subject_id, e.records) @> ARRAY[$1]',
      [three.records![2]!.id],
    );
    expect(found[0]!.n).toBe(1);
    // A subject id that does not say what the list says is refused.
    await expect(db.transaction((tx) => appendAudit(tx, actor(), [{ ...three, subjectId: three.records![0]!.id }]))).rejects.toThrow(/subjectOfRecords/);
    expect((await verifyChain(db)).ok).toBe(true);
  });

  test('an edited and re-hashed event breaks the link of the next one', async () => {
    const { db } = await freshChain(8);
    const s = await seqs(db);
    await asSuperuserWithoutTrigger(db, `UPDATE audit.events SET fields = '{}' WHERE seq = $1`, [s[4]]);
    // Recompute the edited event's own hash the way the application does: only the link to it breaks.
    let rehash = '';
    for await (const e of readEvents(db)) if (e.seq === s[4]) rehash = chainHash(e.prevHash, canonicalOf(e));
    await asSuperuserWithoutTrigger(db, `UPDATE audit.events SET hash = $1 WHERE seq = $2`, [rehash, s[4]]);
    expect((await verifyChain(db)).firstBad).toEqual({ seq: s[5], reason: expect.stringMatching(/prev_hash does not match/) });
  });

  test('a removed event is detected at the next seq', async () => {
    const { db } = await freshChain(8);
    const s = await seqs(db);
    await asSuperuserWithoutTrigger(db, `DELETE FROM audit.events WHERE seq = $1`, [s[3]]);
    expect((await verifyChain(db)).firstBad).toEqual({ seq: s[4], reason: expect.stringMatching(/removed, inserted or reordered/) });
  });

  test('removing the first event is detected', async () => {
    const { db } = await freshChain(3);
    const s = await seqs(db);
    await asSuperuserWithoutTrigger(db, `DELETE FROM audit.events WHERE seq = $1`, [s[0]]);
    expect((await verifyChain(db)).firstBad).toEqual({ seq: s[1], reason: expect.stringMatching(/does not start the chain/) });
  });

  test('reordered events are detected', async () => {
    const { db } = await freshChain(8);
    const s = await seqs(db);
    // Swap everything but seq between two neighbours, after dropping the constraints in the way, as
    // a superuser could: the order of the log changes.
    await db.query('ALTER TABLE audit.events DROP CONSTRAINT events_one_successor, DROP CONSTRAINT events_hash_unique');
    const cols =
      'at, action, actor_user_id, actor_agency_id, subject_type, subject_id, record_owner_agency_id, recipients, purpose, fields, request_id, prev_hash, hash, records';
    await asSuperuserWithoutTrigger(
      db,
      `UPDATE audit.events e SET (${cols}) = (SELECT ${cols} FROM audit.events o WHERE o.seq = CASE WHEN e.seq = $1 THEN $2::bigint ELSE $1::bigint END)
       WHERE e.seq IN ($1, $2)`,
      [s[2], s[3]],
    );
    expect((await verifyChain(db)).firstBad).toEqual({ seq: s[2], reason: expect.stringMatching(/removed, inserted or reordered/) });
  });

  test('events cut from the end are detected against an anchored head', async () => {
    const { db } = await freshChain(6);
    const before = await verifyChain(db);
    const s = await seqs(db);
    await asSuperuserWithoutTrigger(db, `DELETE FROM audit.events WHERE seq >= $1`, [s[4]]);
    expect((await verifyChain(db)).ok).toBe(true); // a chain alone cannot know it was longer
    const anchored = await verifyChain(db, { anchor: before.head!.hash });
    expect(anchored.ok).toBe(false);
    expect(anchored.firstBad?.reason).toMatch(new RegExp(`after seq ${s[3]} were removed`));
  });

  test('npm run audit:verify exits 0 on an intact chain and 1 naming the first bad seq', async () => {
    const { db, url } = await freshChain(5);
    const ok = await script('audit-verify.ts', url);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/audit chain OK: 5 events, head seq \d+ hash [0-9a-f]{64}/);
    const s = await seqs(db);
    await asSuperuserWithoutTrigger(db, `UPDATE audit.events SET subject_id = 'someone-else' WHERE seq = $1`, [s[2]]);
    const bad = await script('audit-verify.ts', url);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`audit chain BROKEN at seq ${s[2]}`);
  }, 60_000);

  test('npm run audit:export writes the events and the head, and a regulator can recompute every hash', async () => {
    const { db, url } = await freshChain(6);
    const dir = tempDir('tessera-audit-export');
    const out = path.join(dir, 'audit.jsonl');
    const r = await script('audit-export.ts', url, ['--from', '2000-01-01', '--to', '2999-01-01', '--out', out]);
    expect(r.code).toBe(0);
    const lines = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(7);
    const trailer = lines.pop()!;
    const head = await verifyChain(db);
    expect(trailer).toMatchObject({ head: head.head, chainVerified: true, exported: 6 });
    // A consultation's line carries its records, and its canonical form is v: 2.
    const listingLine = lines.find((l) => l.records);
    expect(listingLine).toMatchObject({ v: 2, subjectId: '*', records: expect.arrayContaining([{ fields: ['value'], id: expect.any(String) }]) });
    expect(lines.filter((l) => !l.records).every((l) => l.v === 1)).toBe(true);
    // Independent recomputation, from the export alone (the rule in the trailer).
    let prev = GENESIS_HASH;
    for (const line of lines) {
      const { seq: _seq, prevHash, hash, ...rest } = line;
      // Keys sorted at every depth (a consultation's records are objects).
      const sorted = (v: unknown): unknown =>
        Array.isArray(v)
          ? v.map(sorted)
          : v && typeof v === 'object'
            ? Object.fromEntries(
                Object.keys(v)
                  .sort()
                  .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
              )
            : v;
      const canonical = JSON.stringify(sorted(rest));
      expect(prevHash).toBe(prev);
      expect(
        createHash('sha256')
          .update(`${prevHash as string}${canonical}`)
          .digest('hex'),
      ).toBe(hash);
      prev = hash as string;
    }
    expect(prev).toBe((trailer.head as { hash: string }).hash);
    // A window outside the events exports none, but still the head.
    const empty = path.join(dir, 'empty.jsonl');
    expect((await script('audit-export.ts', url, ['--to', '2000-01-01', '--out', empty])).code).toBe(0);
    expect(fs.readFileSync(empty, 'utf8').trim().split('\n')).toHaveLength(1);
  }, 60_000);

  describe('signed checkpoints', () => {
    /**
     * A chain of `n` events, a data directory of its own (the hub's checkpoint key file and store),
     * and a checkpointer that reads the chain as the application role (row-level security on).
     */
    async function signedChain(n: number, opts: { everyEvents?: number; everySeconds?: number; now?: () => Date } = {}) {
      const { db, url } = await freshChain(n);
      const dataDir = tempDir('tessera-checkpoints');
      const config = {
        dataDir,
        auditCheckpoints: { dir: path.join(dataDir, 'audit-checkpoints'), everyEvents: 1000, everySeconds: 60, origin: 'test.tessera/audit' },
      };
      const appDb = await connect(appDatabaseUrl(url, process.env.TESSERA_TEST_APP_PASSWORD!), 2);
      opened.push(appDb);
      const signer = loadCheckpointSigner(config);
      const store = new CheckpointStore(config.auditCheckpoints.dir);
      const checkpointer = (more: { now?: () => Date } = {}) =>
        new Checkpointer({ db: appDb, signer, store, everyEvents: opts.everyEvents ?? 1000, everySeconds: opts.everySeconds ?? 60, now: more.now ?? opts.now });
      // What `npm run audit:verify` reads by default: this data directory's key and store.
      const verify = (args: string[] = []) =>
        script('audit-verify.ts', url, args, {
          TESSERA_DATA_DIR: dataDir,
          TESSERA_AUDIT_CHECKPOINT_DIR: config.auditCheckpoints.dir,
          TESSERA_AUDIT_ORIGIN: config.auditCheckpoints.origin,
        });
      return { db, url, signer, store, checkpointer, verify, dataDir };
    }

    test('the signer writes a signed tlog checkpoint of the chain to the store, readable with the verifier key alone', async () => {
      const { db, signer, store, checkpointer } = await signedChain(7);
      const c = await checkpointer().tick(true);
      const head = await verifyChain(db);
      expect(c).toMatchObject({ origin: 'test.tessera/audit', treeSize: 7, headSeq: head.head!.seq, rootHash: head.head!.hash });
      const [file] = store.files(10);
      const note = fs.readFileSync(file!, 'utf8');
      expect(note).toBe(c!.note);
      // What a witness does with the note and the verifier key it was given, nothing else.
      const text = openNote(note, parseVerifierKey(signer.vkey));
      expect(text.split('\n').slice(0, 3)).toEqual(['test.tessera/audit', '7', Buffer.from(head.head!.hash, 'hex').toString('base64')]);
      expect(note).toMatch(new RegExp(`\n\n\u2014 test\\.tessera/audit [A-Za-z0-9+/]+=*\n$`));
      // Nothing new: nothing signed.
      expect(await checkpointer().tick(true)).toBeUndefined();
      expect(store.files(10)).toHaveLength(1);
    });

    test('it signs every N events or after T seconds, off the request path, and once more when stopped', async () => {
      let clock = new Date('2026-01-01T00:00:00Z');
      const { db, store, checkpointer, signer: key } = await signedChain(2, { everyEvents: 5, everySeconds: 60, now: () => clock });
      const signer = checkpointer();
      expect((await signer.tick(false))?.treeSize).toBe(2); // the first checkpoint of a chain is due at once
      await append(db, 3);
      expect(await signer.tick(false)).toBeUndefined(); // 3 < 5 events, 0 s < 60 s
      await append(db, 2);
      expect((await signer.tick(false))?.treeSize).toBe(7); // 5 events
      await append(db, 1);
      clock = new Date(clock.getTime() + 30_000);
      expect(await signer.tick(false)).toBeUndefined();
      clock = new Date(clock.getTime() + 30_000);
      expect((await signer.tick(false))?.treeSize).toBe(8); // 60 s
      await append(db, 1);
      await signer.stop();
      expect(store.files(10).map((f) => openCheckpoint(fs.readFileSync(f, 'utf8'), parseVerifierKey(key.vkey)).treeSize)).toEqual([9, 8, 7, 2]);
    });

    test('an edited event is detected by npm run audit:verify', async () => {
      const { db, checkpointer, verify } = await signedChain(8);
      await checkpointer().tick(true);
      expect((await verify()).code).toBe(0);
      const s = await seqs(db);
      await asSuperuserWithoutTrigger(db, `UPDATE audit.events SET purpose = 'a better-sounding purpose' WHERE seq = $1`, [s[4]]);
      const r = await verify();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`audit chain BROKEN at seq ${s[4]}: its content does not match its hash`);
    }, 60_000);

    test('a deleted event in the middle is detected by npm run audit:verify', async () => {
      const { db, checkpointer, verify } = await signedChain(8);
      await checkpointer().tick(true);
      const s = await seqs(db);
      await asSuperuserWithoutTrigger(db, `DELETE FROM audit.events WHERE seq = $1`, [s[3]]);
      const r = await verify();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`audit chain BROKEN at seq ${s[4]}: prev_hash does not match`);
    }, 60_000);

    test('events deleted from the end, below a signed head, are detected by npm run audit:verify', async () => {
      const { db, checkpointer, verify } = await signedChain(8);
      await checkpointer().tick(true);
      const s = await seqs(db);
      await asSuperuserWithoutTrigger(db, `DELETE FROM audit.events WHERE seq >= $1`, [s[5]]);
      expect((await verifyChain(db)).ok).toBe(true); // the chain alone is intact: only the checkpoint knows it was longer
      const r = await verify();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`audit chain BROKEN at seq ${s[4]}: the checkpoint signed at`);
      expect(r.stderr).toMatch(/covers 8 events .* but the chain holds 5: events after seq \d+ were removed/);
    }, 60_000);

    test('a chain whose every hash was recomputed after an edit or a deletion is detected by npm run audit:verify', async () => {
      const { db, url, checkpointer, verify, signer, store } = await signedChain(8);
      await checkpointer().tick(true);
      const s = await seqs(db);
      await asSuperuserWithoutTrigger(db, `UPDATE audit.events SET subject_id = 'someone-else' WHERE seq = $1`, [s[2]]);
      await recomputeChain(db);
      expect((await verifyChain(db)).ok).toBe(true); // the chain alone verifies: it has no key
      let r = await verify();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`audit chain BROKEN at seq ${s[7]}: the checkpoint signed at`);
      expect(r.stderr).toMatch(/were edited, removed or inserted and the hashes after them recomputed/);
      // A deletion covered the same way, checked from a witness's copy with the key it was given (empty store).
      const copy = path.join(tempDir('tessera-witness'), 'copy.checkpoint');
      fs.copyFileSync(store.files(1)[0]!, copy);
      await asSuperuserWithoutTrigger(db, `DELETE FROM audit.events WHERE seq = $1`, [s[3]]);
      await recomputeChain(db);
      r = await script('audit-verify.ts', url, ['--checkpoint', copy, '--key', signer.vkey]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the checkpoint signed at .* covers 8 events/);
    }, 60_000);

    test('a forged checkpoint in the store fails verification instead of being trusted', async () => {
      const { checkpointer, verify, store } = await signedChain(3);
      const c = await checkpointer().tick(true);
      fs.writeFileSync(store.files(1)[0]!, c!.note.replace(/\n3\n/, '\n2\n'));
      const r = await verify();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/does not verify: The signature of test\.tessera\/audit does not verify/);
    }, 60_000);

    test('the signer refuses to sign a chain rewritten below its last checkpoint', async () => {
      const { db, store, checkpointer } = await signedChain(6);
      await checkpointer().tick(true);
      const s = await seqs(db);
      await asSuperuserWithoutTrigger(db, `UPDATE audit.events SET purpose = 'rewritten' WHERE seq = $1`, [s[1]]);
      await recomputeChain(db);
      await append(db, 2);
      // A new signer (a restarted hub) resumes from the store and sees that the signed head changed.
      expect(await checkpointer().tick(true)).toBeUndefined();
      expect(store.files(10)).toHaveLength(1);
    });
  });
});
