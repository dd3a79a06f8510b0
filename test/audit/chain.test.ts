import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { canonicalOf, readEvents, verifyChain } from '../../services/audit/chain';
import { type AuditActor, type AuditEventInput, appendAudit, chainHash, GENESIS_HASH } from '../../services/kernel/audit';
import { connect, type Database } from '../../services/kernel/db';
import { cloneDatabase } from '../support/hub';

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

const event = (i: number, extra: Partial<AuditEventInput> = {}): AuditEventInput => ({
  action: 'CONSULT',
  subjectType: 'Person',
  subjectId: randomUUID(),
  recordOwnerAgencyId: randomUUID(),
  fields: ['fullName'],
  ...extra,
  ...(i % 3 === 0 ? { action: 'DISCLOSE', recipients: [randomUUID()] } : {}),
});

async function append(db: Database, n: number, who = actor()): Promise<void> {
  await db.transaction((tx) => appendAudit(tx, who, Array.from({ length: n }, (_, i) => event(i))));
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

async function script(name: string, url: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'scripts', name), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url },
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
    const cols = 'at, action, actor_user_id, actor_agency_id, subject_type, subject_id, record_owner_agency_id, recipients, purpose, fields, request_id, prev_hash, hash';
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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-audit-export-'));
    try {
      const out = path.join(dir, 'audit.jsonl');
      const r = await script('audit-export.ts', url, ['--from', '2000-01-01', '--to', '2999-01-01', '--out', out]);
      expect(r.code).toBe(0);
      const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(7);
      const trailer = lines.pop()!;
      const head = await verifyChain(db);
      expect(trailer).toMatchObject({ head: head.head, chainVerified: true, exported: 6 });
      // Independent recomputation, from the export alone (the rule in the trailer).
      let prev = GENESIS_HASH;
      for (const line of lines) {
        const { seq: _seq, prevHash, hash, ...rest } = line;
        const canonical = JSON.stringify(Object.fromEntries(Object.keys(rest).sort().map((k) => [k, rest[k]])));
        expect(prevHash).toBe(prev);
        expect(createHash('sha256').update(`${prevHash as string}${canonical}`).digest('hex')).toBe(hash);
        prev = hash as string;
      }
      expect(prev).toBe((trailer.head as { hash: string }).hash);
      // A window outside the events exports none, but still the head.
      const empty = path.join(dir, 'empty.jsonl');
      expect((await script('audit-export.ts', url, ['--to', '2000-01-01', '--out', empty])).code).toBe(0);
      expect(fs.readFileSync(empty, 'utf8').trim().split('\n')).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
