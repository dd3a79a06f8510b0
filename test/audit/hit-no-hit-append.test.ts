import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { verifyChain } from '../../services/audit/chain';
import { type AuditActor, AuditAppender, appendAudit } from '../../services/kernel/audit';
import { appendHitNoHitIn, HIT_NO_HIT_SUBJECT, HitNoHitAppender, type MeteredHitNoHit } from '../../services/kernel/audit-hit-no-hit';
import { connect, type Database } from '../../services/kernel/db';
import { cloneDatabase } from '../support/hub';
import { tempDir } from '../support/temp-dir';

/**
 * Hit/no-hit requests metered and recorded in one statement (services/kernel/audit-hit-no-hit.ts,
 * audit.append_hit_no_hit), below the GraphQL layer: exact per agency whatever runs at once (other
 * processes, consultations, writes), one event per request, and a chain
 * that verifies.
 */

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

/** A user of `agency` asking with a request id of its own. */
const asker = (agency: string, purpose = 'hit/no-hit test'): AuditActor => ({
  actor: { userId: randomUUID(), agencyId: agency, purpose },
  requestId: `hnh-${randomUUID()}`,
});

const ASKED = 100;
/** Ten requests of ASKED per agency and minute; users unbounded. */
const QUOTA = { userPerMinute: 1e6, userPerDay: 1e6, agencyPerMinute: 10 * ASKED, agencyPerDay: 1e6 };

const request = (agency: string, quota = QUOTA): MeteredHitNoHit => {
  const hashes = Array.from({ length: ASKED }, () => `hmac:${randomUUID().replace(/-/g, '')}`);
  const fields = (outcome: string) => ['agencyType:FINANCIAL_INSTITUTION', `identifiers:${ASKED}`, `outcome:${outcome}`, ...hashes];
  return { lock: `tessera.hit-no-hit:${agency}`, asked: ASKED, quota, answered: fields('ANSWERED'), refused: fields('RATE_LIMITED') };
};

const consultation = (i: number) => ({
  action: 'CONSULT' as const,
  subjectType: 'Person',
  subjectId: randomUUID(),
  recordOwnerAgencyId: randomUUID(),
  fields: [`field${i}`],
});

describe('hit/no-hit requests metered and recorded in one statement', () => {
  const opened: Database[] = [];
  async function fresh(): Promise<{ db: Database; url: string }> {
    const url = await cloneDatabase();
    const db = await connect(url, 4);
    opened.push(db);
    return { db, url };
  }
  /** Another process's pool on the same database. */
  async function pool(url: string): Promise<Database> {
    const db = await connect(url, 3);
    opened.push(db);
    return db;
  }
  afterAll(async () => {
    for (const db of opened) await db.close();
  });

  /** Per agency: its requests' events, the answered ones, and what they counted. */
  const trail = (db: Database, agencies: string[]) =>
    db.query<{ agency: string; events: number; answered: number; counted: number; requests: number }>(
      `SELECT actor_agency_id::text AS agency, count(*)::int AS events, count(*) FILTER (WHERE 'outcome:ANSWERED' = ANY (fields))::int AS answered,
              coalesce(sum(hit_no_hit_answered), 0)::int AS counted, count(DISTINCT subject_id)::int AS requests
         FROM audit.events WHERE subject_type = $1 AND actor_agency_id = ANY ($2::uuid[]) GROUP BY 1 ORDER BY 1`,
      [HIT_NO_HIT_SUBJECT, agencies],
    );

  test('three processes at once, with consultations and writes between: each agency admitted exactly its quota, every request one event, one chain that npm run audit:verify accepts', async () => {
    const { db, url } = await fresh();
    const pools = await Promise.all([0, 1, 2].map(() => pool(url)));
    const agencies = [randomUUID(), randomUUID()].sort();
    const calls = pools.flatMap((own, p) => {
      const meter = new HitNoHitAppender(own);
      const consultations = new AuditAppender(own);
      return Array.from({ length: 16 }, (_, i) => {
        const agency = agencies[(i + p) % 2]!;
        if (i % 8 === 0) return consultations.append(asker(agency, 'consultation'), [consultation(i)]).then(() => null);
        if (i % 8 === 4) return own.transaction((tx) => appendAudit(tx, asker(agency, 'a write'), [consultation(i)])).then(() => null);
        // One request per process meters in a transaction of its own (a session that holds the chain's lock does).
        if (i === 5) return own.transaction((tx) => appendHitNoHitIn(tx, asker(agency), request(agency))).then((wait) => [agency, wait] as const);
        return meter.append(asker(agency), request(agency)).then((wait) => [agency, wait] as const);
      });
    });
    const metered = (await Promise.all(calls)).filter((c) => c !== null);
    for (const agency of agencies) {
      const waits = metered.filter(([a]) => a === agency).map(([, w]) => w);
      expect(waits.length).toBeGreaterThan(10);
      expect(waits.filter((w) => w === 0)).toHaveLength(10);
      // The rest are told when a request of theirs would fit: within the minute.
      for (const w of waits.filter((x) => x !== 0)) expect(w! >= 1 && w! <= 60).toBe(true);
    }
    expect(await trail(db, agencies)).toEqual(
      agencies.map((agency) => {
        const n = metered.filter(([a]) => a === agency).length;
        return { agency, events: n, answered: 10, counted: 10 * ASKED, requests: n };
      }),
    );
    expect((await verifyChain(db)).ok).toBe(true);
    const checkpoints = tempDir('tessera-no-checkpoints');
    await expect(
      run(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'scripts', 'audit-verify.ts')], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: url, TESSERA_AUDIT_CHECKPOINT_DIR: checkpoints },
      }),
    ).resolves.toBeDefined();
  });

  test('more than a quota at once is never admitted, and is recorded as refused', async () => {
    const { db } = await fresh();
    const agency = randomUUID();
    const meter = new HitNoHitAppender(db);
    expect(await meter.append(asker(agency), request(agency, { ...QUOTA, agencyPerMinute: ASKED - 1 }))).toBeNull();
    expect(await meter.append(asker(agency), request(agency))).toBe(0);
    expect(await trail(db, [agency])).toEqual([{ agency, events: 2, answered: 1, counted: ASKED, requests: 2 }]);
    expect((await verifyChain(db)).ok).toBe(true);
  });

  test('a request that names no user is refused before the database, and the others go on', async () => {
    const { db } = await fresh();
    const agency = randomUUID();
    const meter = new HitNoHitAppender(db);
    const nobody: AuditActor = { actor: { userId: '', agencyId: agency, purpose: 'no user' }, requestId: `hnh-${randomUUID()}` };
    const [refused, admitted] = await Promise.allSettled([meter.append(nobody, request(agency)), meter.append(asker(agency), request(agency))]);
    expect(refused.status).toBe('rejected');
    expect(admitted).toEqual({ status: 'fulfilled', value: 0 });
    expect(await trail(db, [agency])).toEqual([{ agency, events: 1, answered: 1, counted: ASKED, requests: 1 }]);
  });

  test('when a statement cannot be written, every request in it is refused and none of its events is written', async () => {
    const { db } = await fresh();
    const name = `fail_hit_no_hit_${randomUUID().slice(0, 8)}`;
    await db.query(`CREATE FUNCTION audit.${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.purpose = 'refused' THEN RAISE EXCEPTION 'audit store unavailable (test)'; END IF; RETURN NEW; END $$`);
    await db.query(`CREATE TRIGGER ${name} BEFORE INSERT ON audit.events FOR EACH ROW EXECUTE FUNCTION audit.${name}()`);
    const agency = randomUUID();
    const meter = new HitNoHitAppender(db);
    // The first request starts a statement at once; those made while it runs go together in the next.
    const first = meter.append(asker(agency, 'first'), request(agency));
    const group = ['grouped', 'refused', 'grouped'].map((purpose) => meter.append(asker(agency, purpose), request(agency)));
    await expect(first).resolves.toBe(0);
    expect((await Promise.allSettled(group)).map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await expect(meter.append(asker(agency, 'after'), request(agency))).resolves.toBe(0);
    const purposes = await db.query<{ purpose: string }>(`SELECT purpose FROM audit.events WHERE actor_agency_id = $1 ORDER BY seq`, [agency]);
    expect(purposes.map((r) => r.purpose)).toEqual(['first', 'after']);
    expect((await verifyChain(db)).ok).toBe(true);
  });
});
