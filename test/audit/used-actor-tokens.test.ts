import { Client } from 'pg';
import { cloneDatabase } from '../support/hub';

/**
 * audit.claim_actor_token: a mutation's token id is claimed once (the second claim answers false),
 * and each claim removes up to 100 ids whose token has expired, the longest expired first, keeping
 * every id whose token still runs, so the table holds about a minute of mutations.
 */
describe('used actor tokens', () => {
  let sql: Client;
  beforeAll(async () => {
    sql = new Client({ connectionString: await cloneDatabase() });
    await sql.connect();
  });
  afterAll(() => sql.end());

  const claim = async (jti: string, expiresIn = '60 seconds') =>
    (await sql.query<{ first: boolean }>(`SELECT audit.claim_actor_token('cases', $1, now() + $2::interval) AS first`, [jti, expiresIn])).rows[0]!.first;
  const held = async () => (await sql.query<{ jti: string }>(`SELECT jti FROM audit.used_actor_tokens ORDER BY jti`)).rows.map((r) => r.jti);

  test('a token id is claimed once', async () => {
    expect(await claim('once')).toBe(true);
    expect(await claim('once')).toBe(false);
  });

  test('a claim removes expired ids, the longest expired first, up to 100, and keeps the others', async () => {
    await sql.query(`DELETE FROM audit.used_actor_tokens`);
    // 101 expired (one a second ago), and two that still run.
    await sql.query(
      `INSERT INTO audit.used_actor_tokens (audience, jti, expires_at)
       SELECT 'cases', 'expired-' || lpad(n::text, 3, '0'), now() - make_interval(secs => 102 - n) FROM generate_series(1, 101) AS n
       UNION ALL SELECT 'cases', 'running-' || n, now() + interval '30 seconds' FROM generate_series(1, 2) AS n`,
    );
    expect(await claim('new-1')).toBe(true);
    expect(await held()).toEqual(['expired-101', 'new-1', 'running-1', 'running-2']);
    expect(await claim('new-2')).toBe(true);
    expect(await held()).toEqual(['new-1', 'new-2', 'running-1', 'running-2']);
  });
});
