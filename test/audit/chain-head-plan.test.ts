import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type AuditActor, appendAudit } from '../../services/kernel/audit';
import { appendHitNoHitIn, type MeteredHitNoHit } from '../../services/kernel/audit-hit-no-hit';
import type { Sql } from '../../services/kernel/db';
import { cloneDatabase } from '../support/hub';

/**
 * The audit chain's functions find its head through the index on `seq`, whatever the statistics
 * said when their plans were made. A connection caches a function's plans for its lifetime: one
 * made while the trail was empty and analysed (a fresh hub; the benchmark) would read the head with
 * a sequential scan and a sort, and keep doing so as the trail grows, so that every append, under
 * the chain's lock, read the whole trail. Counted here with the transaction's own table statistics
 * (pg_stat_xact_all_tables), not with times.
 */
describe('the chain head, on a connection that first appended to an empty trail', () => {
  let client: Client;
  const sql: Sql = { query: async (text, params) => (await client.query(text, params as unknown[])).rows };
  const agency = randomUUID();
  const asker = (): AuditActor => ({ actor: { userId: randomUUID(), agencyId: agency, purpose: 'head plan test' }, requestId: `head-${randomUUID()}` });
  const consultation = () => ({
    action: 'CONSULT' as const,
    subjectType: 'Person',
    subjectId: randomUUID(),
    recordOwnerAgencyId: agency,
    fields: ['fullName'],
  });
  const hitNoHit = (): MeteredHitNoHit => {
    const fields = (outcome: string) => ['agencyType:FINANCIAL_INSTITUTION', 'identifiers:1', `outcome:${outcome}`, `hmac:${randomUUID().replace(/-/g, '')}`];
    const quota = { userPerMinute: 1e6, userPerDay: 1e6, agencyPerMinute: 1e6, agencyPerDay: 1e6 };
    return { lock: `tessera.hit-no-hit:${agency}`, asked: 1, quota, answered: fields('ANSWERED'), refused: fields('RATE_LIMITED') };
  };

  /** The sequential scans of audit.events this connection made that its statistics have not yet sent (earlier transactions' included). */
  const pending = async () =>
    Number((await client.query<{ n: string }>(`SELECT seq_scan::text AS n FROM pg_stat_xact_all_tables WHERE relid = 'audit.events'::regclass`)).rows[0]!.n);

  /** Runs `fn` in a transaction of the connection and answers how many sequential scans of audit.events it made. */
  async function seqScans(fn: () => Promise<unknown>): Promise<number> {
    await client.query('BEGIN');
    try {
      const before = await pending();
      await fn();
      const made = (await pending()) - before;
      await client.query('COMMIT');
      return made;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  }

  beforeAll(async () => {
    client = new Client({ connectionString: await cloneDatabase() });
    await client.connect();
    // An empty trail, analysed as such.
    await client.query('ALTER TABLE audit.events DISABLE TRIGGER events_append_only');
    await client.query('DELETE FROM audit.events');
    await client.query('ALTER TABLE audit.events ENABLE ALWAYS TRIGGER events_append_only');
    await client.query('ANALYZE audit.events');
  });
  afterAll(() => client.end());

  test('appends, hit/no-hit appends and head reads never scan the whole trail, from the first event on', async () => {
    const scans: number[] = [];
    for (let i = 0; i < 40; i++) {
      scans.push(await seqScans(() => appendAudit(sql, asker(), [consultation(), consultation()])));
      scans.push(await seqScans(() => appendHitNoHitIn(sql, asker(), hitNoHit())));
      scans.push(await seqScans(() => client.query('SELECT * FROM audit.chain_head()')));
    }
    expect(Number((await client.query<{ n: string }>('SELECT count(*)::text AS n FROM audit.events')).rows[0]!.n)).toBe(120);
    expect(scans.filter((n) => n > 0)).toEqual([]);
  });
});
