import { AUDIT_LOCK_KEY, type AuditActor, canonicalJson, prepareRun, type PreparedRun } from './audit';
import type { Database, Sql } from './db';
import { auditAppendDuration } from './metrics';
import { GroupCommit } from './group-commit';

/**
 * Hit/no-hit requests metered and recorded on the audit chain (services/entities/hit-no-hit.service.ts):
 * one CONSULT event per request, subject type HIT_NO_HIT_SUBJECT, subject id the request id, whose
 * fields say whether the quota admitted it. The quota's count, the choice of the event and its
 * chained insert are one statement, `audit.append_hit_no_hit` (migrations/audit/…2100), which the
 * statement's own commit makes durable: under the agency's quota lock and the chain's lock, so
 * requests of one agency, in any process, count each other exactly.
 *
 * The event's hash covers its outcome and its time, both decided in that statement: the caller sends
 * the canonical JSON (kernel/audit.ts `canonicalJson`) of the event both ways, cut around the value
 * of `at` (CanonicalHalves), and the database puts its clock's time between the halves and hashes
 * (sha256(prev_hash || canonical JSON), the chain's rule). `npm run audit:verify` checks these events
 * as every other.
 */
export const HIT_NO_HIT_SUBJECT = 'HitNoHit';

/**
 * How an event's fields name an identifier asked about (hit/no-hit, screening): this prefix and its
 * keyed hash under the hub's hit/no-hit key (services/entities `identifierHash`). Kept in the trail
 * for the hub to find who asked about a value; never shown through the API, where anyone able to ask
 * could otherwise learn the hash of any value and match it against the events they may read.
 */
export const IDENTIFIER_HASH_PREFIX = 'hmac:';

export interface HitNoHitQuota {
  userPerMinute: number;
  userPerDay: number;
  agencyPerMinute: number;
  agencyPerDay: number;
}

/** A request to meter and record: its quota, and its event's fields whichever way the quota goes. */
export interface MeteredHitNoHit {
  /** The quota's advisory lock, `hashtextextended(lock, 0)`: one per agency. */
  lock: string;
  /** Distinct identifiers asked: what an admitted request counts against the quota. */
  asked: number;
  quota: HitNoHitQuota;
  /** The event's fields if the quota admits the request, and if it refuses it. */
  answered: readonly string[];
  refused: readonly string[];
}

/**
 * The canonical JSON of an event without the value of `at`: `before + at + after` is
 * `canonicalJson` of the event stamped `at`, for any `at` in AT_FORMAT (which JSON does not escape).
 * Keys are sorted and `at` is the only key of that name; inside a JSON string every `"` is escaped,
 * so `"at":""` occurs once, where the key is.
 */
interface CanonicalHalves {
  before: string;
  after: string;
}

function canonicalHalves(run: PreparedRun): CanonicalHalves {
  const { events, ...who } = run;
  const text = canonicalJson({ v: 1, at: '', ...who, ...events[0]! });
  const key = '"at":""';
  const i = text.indexOf(key);
  if (i < 0 || text.indexOf(key, i + 1) >= 0) throw new Error('audit: the canonical event does not hold `at` once');
  return { before: text.slice(0, i + key.length - 1), after: text.slice(i + key.length - 1) };
}

/** A request, checked and in the form the statement takes. */
interface Prepared {
  answered: PreparedRun;
  refused: PreparedRun;
  answeredHalves: CanonicalHalves;
  refusedHalves: CanonicalHalves;
  request: MeteredHitNoHit;
}

function prepare(ctx: AuditActor, request: MeteredHitNoHit): Prepared {
  const event = (fields: readonly string[]) => prepareRun(ctx, [{ action: 'CONSULT', subjectType: HIT_NO_HIT_SUBJECT, subjectId: ctx.requestId, fields }]);
  const answered = event(request.answered);
  const refused = event(request.refused);
  if (!answered.actorAgencyId || !answered.actorUserId || !answered.requestId) throw new Error('audit: a hit/no-hit event names its agency, user and request');
  if (!Number.isInteger(request.asked) || request.asked < 1) throw new Error('audit: a hit/no-hit request asks about at least one identifier');
  const answeredHalves = canonicalHalves(answered);
  const refusedHalves = canonicalHalves(refused);
  // The two events differ in their fields, which sort after `at`: one text before it, whichever is chosen.
  if (answeredHalves.before !== refusedHalves.before) throw new Error('audit: the two outcomes of a hit/no-hit event differ before `at`');
  return { answered, refused, answeredHalves, refusedHalves, request };
}

/**
 * Meters and records `requests` in `sql`, in order, in one statement: each one's wait (0 admitted,
 * the seconds until it would fit, null never: more than a quota at once). On a pool connection the
 * statement commits on its own; in a transaction, the locks are held until it ends.
 */
async function appendMetered(sql: Sql, requests: readonly Prepared[]): Promise<Array<number | null>> {
  const stop = auditAppendDuration.startTimer();
  try {
    const column = <T>(f: (p: Prepared) => T) => requests.map(f);
    const rows = await sql.query<{ wait: number | null; seq: string }>(
      `SELECT wait, event_seq AS seq FROM audit.append_hit_no_hit($1::bigint, $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[],
         $7::int[], $8::int[], $9::int[], $10::int[], $11::int[], $12::jsonb[], $13::jsonb[], $14::text[], $15::text[], $16::text[])`,
      [
        AUDIT_LOCK_KEY,
        column((p) => p.request.lock),
        column((p) => p.answered.actorUserId),
        column((p) => p.answered.actorAgencyId),
        column((p) => p.answered.purpose),
        column((p) => p.answered.requestId),
        column((p) => p.request.asked),
        column((p) => p.request.quota.userPerMinute),
        column((p) => p.request.quota.userPerDay),
        column((p) => p.request.quota.agencyPerMinute),
        column((p) => p.request.quota.agencyPerDay),
        column((p) => JSON.stringify(p.answered.events[0]!.fields)),
        column((p) => JSON.stringify(p.refused.events[0]!.fields)),
        column((p) => p.answeredHalves.before),
        column((p) => p.answeredHalves.after),
        column((p) => p.refusedHalves.after),
      ],
    );
    if (rows.length !== requests.length) throw new Error('audit: not every hit/no-hit request was recorded');
    return rows.map((r) => r.wait);
  } finally {
    stop();
  }
}

/** Meters and records one request in the caller's transaction (a session without a pool, or one that holds the chain's lock). */
export async function appendHitNoHitIn(tx: Sql, ctx: AuditActor, request: MeteredHitNoHit): Promise<number | null> {
  return (await appendMetered(tx, [prepare(ctx, request)]))[0]!;
}

/** Requests one statement meters at most (more wait for the next). */
const GROUP = 100;

/**
 * Group commit of hit/no-hit requests, on a connection of its own: while one statement runs, the
 * requests that arrive wait, then go in the next one, all of them (up to GROUP). `append` resolves
 * with the request's wait once its event is committed, and rejects, for every request of the
 * statement, if the statement fails: nothing of it is written.
 */
export class HitNoHitAppender {
  private readonly groups: GroupCommit<Prepared, number | null>;

  constructor(db: Sql) {
    this.groups = new GroupCommit((requests) => appendMetered(db, requests), GROUP);
  }

  append(ctx: AuditActor, request: MeteredHitNoHit): Promise<number | null> {
    let prepared: Prepared;
    try {
      prepared = prepare(ctx, request);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.groups.submit(prepared);
  }
}

const appenders = new WeakMap<Database, HitNoHitAppender>();

/** The one hit/no-hit appender of a pool (so of a process), on the pool's dedicated 'audit-hit-no-hit' connection. */
export function hitNoHitAppenderFor(db: Database): HitNoHitAppender {
  let appender = appenders.get(db);
  if (!appender) {
    appender = new HitNoHitAppender({ query: async (text, params) => (await db.dedicated('audit-hit-no-hit')).query(text, params) });
    appenders.set(db, appender);
  }
  return appender;
}
