import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type AuditActor, appendAudit } from '../../services/kernel/audit';
import { appendHitNoHitIn, type MeteredHitNoHit } from '../../services/kernel/audit-hit-no-hit';
import type { Sql } from '../../services/kernel/db';
import { cloneDatabase } from '../support/hub';

/**
 * The audit schema's functions read their tables through indexes, whatever the statistics said when
 * their plans were made. A connection keeps a function's plans for its lifetime: one made while the
 * trail (or the used actor tokens) was empty and analysed (a fresh hub; the benchmark) would read
 * the chain's head with a sequential scan and a sort, and keep doing so as the trail grows, so that
 * every append, under the chain's lock, read the whole trail. Counted here with the transaction's
 * own table statistics (pg_stat_xact_all_tables), not with times.
 */
describe('the audit functions, on a connection that first ran them on empty, analysed tables', () => {
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

  /** The sequential scans of the audit tables this connection made that its statistics have not yet sent (earlier transactions' included). */
  const pending = async () =>
    Number(
      (
        await client.query<{ n: string }>(
          `SELECT sum(seq_scan)::text AS n FROM pg_stat_xact_all_tables WHERE relid IN ('audit.events'::regclass, 'audit.used_actor_tokens'::regclass)`,
        )
      ).rows[0]!.n,
    );

  /** Runs `fn` in a transaction of the connection and answers how many sequential scans of the audit tables it made. */
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
    // An empty trail and no used token, analysed as such.
    await client.query('ALTER TABLE audit.events DISABLE TRIGGER events_append_only');
    await client.query('DELETE FROM audit.events');
    await client.query('ALTER TABLE audit.events ENABLE ALWAYS TRIGGER events_append_only');
    await client.query('DELETE FROM audit.used_actor_tokens');
    await client.query('ANALYZE audit.events, audit.used_actor_tokens');
  });
  afterAll(() => client.end());

  test('appends, hit/no-hit appends, head reads and token claims never scan a whole table, from the first row on', async () => {
    const scans: number[] = [];
    for (let i = 0; i < 40; i++) {
      scans.push(await seqScans(() => client.query(`SELECT audit.claim_actor_token('cases', $1, now() + interval '1 minute')`, [randomUUID()])));
      scans.push(await seqScans(() => appendAudit(sql, asker(), [consultation(), consultation()])));
      scans.push(await seqScans(() => appendHitNoHitIn(sql, asker(), hitNoHit())));
      scans.push(await seqScans(() => client.query('SELECT * FROM audit.chain_head()')));
    }
    expect(Number((await client.query<{ n: string }>('SELECT count(*)::text AS n FROM audit.events')).rows[0]!.n)).toBe(120);
    expect(Number((await client.query<{ n: string }>('SELECT count(*)::text AS n FROM audit.used_actor_tokens')).rows[0]!.n)).toBe(40);
    expect(scans.filter((n) => n > 0)).toEqual([]);
  });
});
