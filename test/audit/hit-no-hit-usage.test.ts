import { randomBytes, randomUUID } from 'node:crypto';
import { HIT_NO_HIT_SUBJECT } from '../../services/kernel/audit-hit-no-hit';
import { connect, type Database } from '../../services/kernel/db';
import { cloneDatabase } from '../support/hub';

/**
 * The hit/no-hit quota's windows (audit.hit_no_hit_window_wait) count exactly what the agency's and
 * the user's answered requests asked in the last minute and the last day, whatever the time of day:
 * the day windows come from counts per minute (audit.hit_no_hit_usage, kept by a trigger on the
 * events) and from the events of the minute in which the day starts. Events are written here with
 * the times a day of requests would have; the windows are then read at times that move the day's
 * start through them, and compared with the sums taken from the events themselves.
 */

const DAY = 86_400_000;
const MINUTE = 60_000;
const BIG = 1_000_000_000;

interface Asked {
  agency: string;
  user: string | null;
  at: number;
  n: number;
}

describe('the hit/no-hit quota windows', () => {
  let db: Database;
  const A = randomUUID();
  const B = randomUUID();
  const U1 = randomUUID();
  const U2 = randomUUID();
  const events: Asked[] = [];
  let newest = 0;

  beforeAll(async () => {
    db = await connect(await cloneDatabase(), 2);
    // A deterministic day: requests spread over 25 hours, crowded around where the day windows start
    // when read during the three minutes after the newest (some on a minute's first instant), and in
    // the last minutes; another agency's alongside; one without a user.
    newest = Math.floor(Date.now() / MINUTE) * MINUTE - 7 * MINUTE + 123;
    let seed = 7;
    const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const edge = newest - DAY;
    const times = [
      ...Array.from({ length: 60 }, () => newest - DAY - 60 * MINUTE + rnd() * 25 * 60 * MINUTE),
      ...Array.from({ length: 120 }, () => edge - 2 * MINUTE + rnd() * 6 * MINUTE),
      ...[0, 1, 2, 3].map((k) => Math.ceil(edge / MINUTE) * MINUTE + k * MINUTE),
      ...Array.from({ length: 40 }, () => newest - 3 * MINUTE + rnd() * 3 * MINUTE),
    ].map((t) => Math.min(Math.round(t), newest));
    times.push(newest);
    times.sort((a, b) => a - b);
    times.forEach((at, i) => {
      const user = i % 17 === 0 ? null : i % 3 === 0 ? U2 : U1;
      events.push({ agency: i % 5 === 0 ? B : A, user, at, n: 1 + Math.floor(rnd() * 50) });
    });
    // In time order, as the chain appends them (each event's insert keeps its minute's count).
    for (const e of events) {
      await db.query(
        `INSERT INTO audit.events (at, action, actor_user_id, actor_agency_id, subject_type, subject_id, recipients, fields, request_id, prev_hash, hash)
         VALUES ($1, 'CONSULT', $2, $3, $4, $5, '{}', $6::text[], $5, $7, $8)`,
        [
          new Date(e.at).toISOString(),
          e.user,
          e.agency,
          HIT_NO_HIT_SUBJECT,
          randomUUID(),
          ['agencyType:FINANCIAL_INSTITUTION', `identifiers:${e.n}`, 'outcome:ANSWERED'],
          randomBytes(32).toString('hex'),
          randomBytes(32).toString('hex'),
        ],
      );
    }
  });

  afterAll(async () => {
    await db?.close();
  });

  /** What the events say was asked in the window ending at `now`, for the agency and the user. */
  function used(now: number, span: number, agency: string, user?: string): number {
    return events.filter((e) => e.agency === agency && (user === undefined || e.user === user) && e.at > now - span).reduce((s, e) => s + e.n, 0);
  }

  /** The function's answer for `asked` more, with one quota set and the others out of reach. */
  async function wait(now: number, agency: string, user: string, asked: number, quota: Partial<Record<'um' | 'ud' | 'am' | 'ad', number>>) {
    const [row] = await db.query<{ wait: number | null }>(`SELECT audit.hit_no_hit_window_wait($1, $2, $3, $4, $5, $6, $7, $8) AS wait`, [
      agency,
      user,
      asked,
      quota.um ?? BIG,
      quota.ud ?? BIG,
      quota.am ?? BIG,
      quota.ad ?? BIG,
      new Date(now).toISOString(),
    ]);
    return row!.wait;
  }

  /** Times that move the day's start through the requests crowded around it, on and off the second. */
  const readAt = () => Array.from({ length: 37 }, (_, k) => newest + k * 5_000 + (k % 4) * 250);
  const PAIRS = [
    [A, U1],
    [A, U2],
    [B, U1],
  ] as const;

  test('what was used in each window is what the events asked in it, at every time the day start moves through them', async () => {
    for (const now of readAt()) {
      for (const [agency, user] of PAIRS) {
        const [row] = await db.query<{ used: number[] }>(`SELECT audit.hit_no_hit_used($1, $2, $3) AS used`, [agency, user, new Date(now).toISOString()]);
        const expected = [used(now, MINUTE, agency, user), used(now, DAY, agency, user), used(now, MINUTE, agency), used(now, DAY, agency)];
        expect({ now, agency, user, used: row!.used }).toEqual({ now, agency, user, used: expected });
      }
    }
  });

  test('each window admits exactly up to its quota', async () => {
    let checked = 0;
    for (const now of readAt()) {
      for (const [agency, user] of PAIRS) {
        const windows = { um: used(now, MINUTE, agency, user), ud: used(now, DAY, agency, user), am: used(now, MINUTE, agency), ad: used(now, DAY, agency) };
        for (const [name, spent] of Object.entries(windows) as Array<[keyof typeof windows, number]>) {
          const asked = 10;
          expect({ now, name, agency, fits: await wait(now, agency, user, asked, { [name]: spent + asked }) }).toEqual({ now, name, agency, fits: 0 });
          const over = await wait(now, agency, user, asked, { [name]: spent + asked - 1 });
          expect({ now, name, agency, over: spent > 0 && over !== null && over > 0 }).toEqual({ now, name, agency, over: spent > 0 });
          checked++;
        }
      }
    }
    expect(checked).toBe(37 * 3 * 4);
  });

  test('the counts per minute keep a day and two minutes before the last one added, and nothing older', async () => {
    const [row] = await db.query<{ oldest: Date; asked: string }>(
      `SELECT min(minute) AS oldest, sum(asked)::text AS asked FROM audit.hit_no_hit_usage WHERE agency_id = $1`,
      [A],
    );
    // A new (minute, user) row removes the agency's rows older than a day and two minutes before it.
    const seen = new Set<string>();
    let lastAdded = 0;
    for (const e of events.filter((x) => x.agency === A)) {
      const key = `${Math.floor(e.at / MINUTE)}:${e.user}`;
      if (!seen.has(key)) lastAdded = e.at;
      seen.add(key);
    }
    const removedBefore = lastAdded - DAY - 2 * MINUTE;
    expect(row!.oldest.getTime()).toBeGreaterThanOrEqual(removedBefore);
    expect(events.some((e) => e.agency === A && e.at < removedBefore - MINUTE)).toBe(true);
    // What is kept is what the events of those minutes asked.
    const kept = events.filter((e) => e.agency === A && e.at >= row!.oldest.getTime());
    expect(Number(row!.asked)).toBe(kept.reduce((s, e) => s + e.n, 0));
  });
});
