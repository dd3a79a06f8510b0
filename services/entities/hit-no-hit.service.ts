import { createHmac } from 'node:crypto';
import { SqlParams } from '../../policies/sql';
import { holdsAuditLock } from '../kernel/audit';
import { appendHitNoHitIn, HIT_NO_HIT_SUBJECT, hitNoHitAppenderFor, IDENTIFIER_HASH_PREFIX } from '../kernel/audit-hit-no-hit';
import { loadConfig } from '../kernel/config';
import type { RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';
import { badInput, rateLimited } from '../kernel/errors';
import { hubSecret } from '../kernel/hub-secret';
import { hitNoHitRefusals } from '../kernel/metrics';
import { assertMayReadAny, projectAll, projectOne, visibleWhere } from '../kernel/policy';
import { visibleLoader } from '../kernel/repository';
import { type EntityKind, maskIdentifier } from '../kernel/identifier';
import { entityTable, observationTableAs } from './entity.repository';
import { type IdentifierInput, normaliseIdentifiers } from './observe';

export const MAX_HIT_NO_HIT = 1000;

export interface HitNoHit {
  kind: EntityKind;
  value: string;
  known: boolean;
  holderCount: number;
  contactableAgencies: Array<{ __typename: 'Agency'; id: string }>;
}

const O = observationTableAs('o');

/** One identifier's key in a Map (kind and normalised value). */
const identifierKey = (kind: string, value: string) => `${kind}\u0000${value}`;

/**
 * Every hit/no-hit request is one CONSULT audit event (services/kernel/audit-hit-no-hit.ts), committed
 * with its quota check before the request is answered (recordAndMeter): subject type
 * HIT_NO_HIT_SUBJECT, subject id the request id; who, when and the stated purpose are the event's own
 * columns; `fields` holds `agencyType:<type>`, `identifiers:<n>` (distinct identifiers asked),
 * `outcome:ANSWERED` or `outcome:RATE_LIMITED`, and one `hmac:<hex>` per identifier asked
 * (identifierHash). The existing columns carry it all, so the chain and its verification stay as they
 * are; the audit schema's functions that count these events (migrations/audit/…-hit-no-hit-queries.ts,
 * …-hit-no-hit-append.ts) read the same names.
 */
export { HIT_NO_HIT_SUBJECT };

/**
 * The hub's hit/no-hit key: TESSERA_HIT_NO_HIT_KEY, or made once in the data directory. Not in the
 * database, so the audit trail alone (a backup, an insider) does not tell which identifiers were
 * asked about; the hub, holding the key, can hash a number and find who asked about it. Keep it for
 * the life of the trail: events hashed under another key are not found.
 */
export function hitNoHitKey(): Buffer {
  return hubSecret(loadConfig().dataDir, 'hit-no-hit-key', 'TESSERA_HIT_NO_HIT_KEY');
}

/** IDENTIFIER_HASH_PREFIX and HMAC-SHA256(key, "<KIND>:<normalised value>"), truncated to 128 bits (hex): what the audit trail keeps of an identifier asked. */
export function identifierHash(key: Buffer, kind: string, value: string): string {
  return `${IDENTIFIER_HASH_PREFIX}${createHmac('sha256', key).update(`${kind}:${value}`).digest('hex').slice(0, 32)}`;
}

export interface HitNoHitAsker {
  seq: string;
  at: string;
  agencyId: string | null;
  userId: string | null;
  purpose: string | null;
  requestId: string | null;
  outcome: string;
}

/**
 * Who asked hit/no-hit about an identifier (normalised kind and value), oldest first: for the hub,
 * which holds the key, reading the trail as its owner (scripts/hit-no-hit-askers.ts). The trail
 * itself holds only the hash.
 */
export async function hitNoHitAskers(sql: Sql, key: Buffer, kind: string, value: string): Promise<HitNoHitAsker[]> {
  return sql.query<HitNoHitAsker>(
    `SELECT seq::text AS seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at, actor_agency_id AS "agencyId", actor_user_id AS "userId",
            purpose, request_id AS "requestId", coalesce((SELECT substr(f, 9) FROM unnest(fields) AS f WHERE f LIKE 'outcome:%' LIMIT 1), '') AS outcome
       FROM audit.events WHERE subject_type = $1 AND fields @> ARRAY[$2] ORDER BY seq`,
    [HIT_NO_HIT_SUBJECT, identifierHash(key, kind, value)],
  );
}

/** The advisory lock a hit/no-hit quota is counted under: one per agency (its users' quotas are within it). */
const quotaLock = (agencyId: string) => `tessera.hit-no-hit:${agencyId}`;

/**
 * Meters the request against the quotas (config.hitNoHitQuota) and records it on the audit trail, in
 * one statement that commits on its own (kernel/audit-hit-no-hit.ts): under the agency's quota lock
 * and the chain's lock, the agency's committed answered events are counted and the request's event,
 * ANSWERED or RATE_LIMITED, chained and inserted; the commit releases both locks, so concurrent
 * requests (in any process) count each other and none slips past a quota. The event is appended
 * whatever the outcome (a refused attempt is part of who asked about what). The process's requests
 * of the moment, whatever their agency, share one statement and one commit, on a connection of its
 * own: the request's session holds no lock. The promise resolves once the event is committed, so no
 * answer leaves without it. A session that holds the chain's lock (it appended events of its own)
 * meters and appends in itself instead, as the statement would wait for it. Over a quota:
 * RATE_LIMITED with the seconds until this request would fit.
 */
async function recordAndMeter(ctx: RequestContext, distinct: ReadonlyArray<{ kind: string; value: string }>): Promise<void> {
  const quota = loadConfig().hitNoHitQuota;
  const key = hitNoHitKey();
  const hashes = distinct.map((i) => identifierHash(key, i.kind, i.value));
  const fields = (outcome: 'ANSWERED' | 'RATE_LIMITED') => [
    `agencyType:${ctx.actor.agencyType}`,
    `identifiers:${distinct.length}`,
    `outcome:${outcome}`,
    ...hashes,
  ];
  const request = { lock: quotaLock(ctx.actor.agencyId), asked: distinct.length, quota, answered: fields('ANSWERED'), refused: fields('RATE_LIMITED') };
  const pool = ctx.db.pool;
  const wait = pool && !holdsAuditLock(ctx.db) ? await hitNoHitAppenderFor(pool).append(ctx, request) : await appendHitNoHitIn(ctx.db, ctx, request);
  const outcome = wait === 0 ? 'ANSWERED' : 'RATE_LIMITED';
  ctx.log.info({ op: 'hitNoHit', identifiers: distinct.length, outcome, retryAfterSeconds: wait }, 'hit/no-hit');
  if (wait === null) {
    hitNoHitRefusals.inc({ reason: 'over_quota_at_once' });
    const smallest = Math.min(quota.userPerMinute, quota.userPerDay, quota.agencyPerMinute, quota.agencyPerDay);
    throw badInput('identifiers', `more distinct identifiers than your quota allows at once (${smallest})`);
  }
  if (wait > 0) {
    hitNoHitRefusals.inc({ reason: 'rate_limited' });
    throw rateLimited(`Hit/no-hit quota reached; try again in ${wait} s`, wait);
  }
}

/**
 * Hit/no-hit (access-model.md: the one explicit exception to "not for you looks like missing"): for
 * each identifier, whether the hub holds statements about it that the caller cannot see, how many
 * agencies hold them, and which of those accept access requests. Never what they say, never case
 * ids, markings or dates. An identifier nobody holds and one whose every statement the caller can
 * already see get the same answer, in the same shape.
 *
 * Every request is answered by one statement, in the caller's session, while it is metered and
 * audited (recordAndMeter) on the audit's own connection; it returns once both are done: a request
 * over its quota gets no answer, and every answer is on the trail, committed before the answer is
 * returned. The event is ANSWERED when the quota admits the request: if the statement then fails,
 * the request fails and its event stands (the trail may say more was asked than was answered, never
 * less). The caller's own visibility is the Observation rule itself (reach AND the agency type's read
 * rule, the same SQL as every list), negated.
 */
export async function hitNoHit(ctx: RequestContext, identifiers: IdentifierInput[]) {
  // Who may ask is the HitNoHitResult rule (hub administrators read no intelligence and ask nothing).
  assertMayReadAny(ctx, 'HitNoHitResult', 'Your agency may not query identifiers');
  if (identifiers.length > MAX_HIT_NO_HIT) throw badInput('identifiers', `at most ${MAX_HIT_NO_HIT} per request`);
  const asked = normaliseIdentifiers(ctx.actor, identifiers, 'identifiers');
  if (asked.length === 0) return [];
  const distinct = [...new Map(asked.map((i) => [identifierKey(i.kind, i.value), i])).values()];
  const [metered, answered] = await Promise.allSettled([recordAndMeter(ctx, distinct), answerOf(ctx, asked, distinct)]);
  // Over the quota, that is the answer, whatever the statement did.
  if (metered.status === 'rejected') throw metered.reason;
  if (answered.status === 'rejected') throw answered.reason;
  return answered.value;
}

/** The answer to `asked` (normalised, in order; `distinct`, the same without repeats), in one statement. */
async function answerOf(
  ctx: RequestContext,
  asked: ReadonlyArray<{ kind: EntityKind; value: string }>,
  distinct: ReadonlyArray<{ kind: string; value: string }>,
) {
  const kinds = distinct.map((i) => i.kind);
  const values = distinct.map((i) => i.value);
  // One statement. What the caller already sees is the Observation rule itself (reach AND the agency
  // type's read rule, the same SQL as every list), run as the caller under row-level security; who
  // holds the rest, counts and nameable agencies only, comes from the one function that may look
  // past it (migrations/entities/…-identifier-holders.ts).
  const params = new SqlParams([kinds, values]);
  const visible = visibleWhere(ctx, 'Observation', { alias: 'o', attributes: O.attributes(ctx, params), grantsTable: O.grantsTable }, params);
  const rows = await ctx.db.query<{ kind: string; value: string; holders: number; contactable: string[] }>(
    `WITH seen AS (
       SELECT o.id FROM entities.entities en JOIN entities.observations o ON o.entity_id = en.id
        WHERE (en.kind, en.value) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND coalesce((${visible}), false))
     SELECT kind, value, holders, contactable FROM entities.identifier_holders($1::text[], $2::text[], ARRAY(SELECT id FROM seen))`,
    params.values,
    // One text per agency type and role, run at every request: planned once per connection (planning was a quarter of its time).
    { genericPlan: true },
  );
  const byKey = new Map(rows.map((r) => [identifierKey(r.kind, r.value), r]));
  return projectAll(
    ctx,
    asked.map((i) => {
      const hit = byKey.get(identifierKey(i.kind, i.value));
      return {
        __typename: 'HitNoHitResult' as const,
        kind: i.kind,
        value: i.value,
        known: hit !== undefined,
        holderCount: hit?.holders ?? 0,
        contactableAgencies: [...(hit?.contactable ?? [])].sort().map((id) => ({ __typename: 'Agency' as const, id })),
      } satisfies HitNoHit & { __typename: 'HitNoHitResult' };
    }),
  );
}

export interface HitNoHitInterest {
  kind: EntityKind;
  value: string;
  /** Answered hit/no-hit requests by other agencies that asked about it, in the period. */
  queries: number;
  askedBy: Array<{ agencyType: string; queries: number }>;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function instant(field: string, value: string): Date {
  const d = new Date(value);
  if (!ISO_INSTANT.test(value) || Number.isNaN(d.getTime()))
    throw badInput(field, 'must be an ISO 8601 date or date-time, e.g. 2026-03-01 or 2026-03-01T09:00:00Z');
  return d;
}

/**
 * For the caller's agency: the identifiers it holds (statements it owns and the caller may see, so
 * values it reads anyway) that other agencies asked hit/no-hit about in [from, to) since it began to
 * hold each (its first such statement), with the number of answered requests by agency type. Never
 * an agency, a user, or an identifier the agency does not hold: the hashes looked up are computed
 * here, from its own identifiers, with the hub's key. Most asked first. Two statements: the
 * agency's identifiers, and their counts; then the listed ones as the caller reads the entities.
 */
export async function hitNoHitInterest(ctx: RequestContext, fromArg: string, toArg: string) {
  assertMayReadAny(ctx, 'HitNoHitInterest', 'You may not see interest in your agency’s identifiers');
  const from = instant('from', fromArg);
  const to = instant('to', toArg);
  if (from >= to) throw badInput('to', 'must be after from');
  const params = new SqlParams([ctx.actor.agencyId]);
  const visible = visibleWhere(ctx, 'Observation', { alias: 'o', attributes: O.attributes(ctx, params), grantsTable: O.grantsTable }, params);
  // Each identifier with the instant the agency began to hold it (its first statement that reaches
  // the caller): requests asked before then were not about anything the agency held.
  const held = await ctx.db.query<{ id: string; kind: EntityKind; value: string; since: Date }>(
    `SELECT en.id, en.kind, en.value, min(o.created_at) AS since FROM entities.entities en JOIN entities.observations o ON o.entity_id = en.id
      WHERE o.owner_agency_id = $1 AND coalesce((${visible}), false) GROUP BY en.id, en.kind, en.value`,
    params.values,
  );
  if (held.length === 0) return [];
  const key = hitNoHitKey();
  const byHash = new Map(held.map((h) => [identifierHash(key, h.kind, h.value), h]));
  // Only the asking agency types the HitNoHitAskers rule lets the caller see; an identifier asked
  // about by those others alone is not listed, and `queries` counts what is listed.
  const asked = new SqlParams([[...byHash.keys()], [...byHash.values()].map((h) => h.since), from, to]);
  const askers = visibleWhere(
    ctx,
    'HitNoHitAskers',
    { alias: 'i', attributes: { agencyId: () => `${asked.add(ctx.actor.agencyId)}::uuid`, agencyType: () => 'i.agency_type' } },
    asked,
  );
  const counts = await ctx.db.query<{ hash: string; agencyType: string; queries: number }>(
    `SELECT i.identifier_hash AS hash, i.agency_type AS "agencyType", i.queries::int AS queries
       FROM audit.hit_no_hit_interest($1::text[], $2::timestamptz[], $3::timestamptz, $4::timestamptz) AS i WHERE ${askers}`,
    asked.values,
  );
  const interest = new Map<string, HitNoHitInterest>();
  for (const c of counts) {
    const h = byHash.get(c.hash);
    if (!h) continue;
    let entry = interest.get(c.hash);
    if (!entry) interest.set(c.hash, (entry = { kind: h.kind, value: h.value, queries: 0, askedBy: [] }));
    entry.queries += c.queries;
    entry.askedBy.push({ agencyType: c.agencyType, queries: c.queries });
  }
  // Each listed identifier as the caller reads it as an Entity: its value where the Entity rules let
  // it read the value (an NGO never a bank account's, a bank only what it reported), else masked.
  const entities = await visibleLoader(ctx, entityTable, 'id').loadMany([...interest.keys()].map((hash) => byHash.get(hash)!.id));
  const readable = new Set(
    entities
      .flatMap((rows) => (Array.isArray(rows) && rows[0] ? [projectOne(ctx, rows[0])] : []))
      .flatMap((e) => (typeof e.value === 'string' ? [e.id as string] : [])),
  );
  for (const [hash, entry] of interest) {
    const h = byHash.get(hash)!;
    if (!readable.has(h.id)) entry.value = maskIdentifier(h.kind, h.value);
  }
  const records = [...interest.values()]
    .map((e) => ({ ...e, askedBy: e.askedBy.sort((a, b) => b.queries - a.queries || a.agencyType.localeCompare(b.agencyType)) }))
    .sort((a, b) => b.queries - a.queries || a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value));
  const agencyId = ctx.actor.agencyId;
  return projectAll(
    ctx,
    records.map((r) => ({
      __typename: 'HitNoHitInterest' as const,
      agencyId,
      ...r,
      askedBy: projectAll(
        ctx,
        r.askedBy.map((a) => ({ __typename: 'HitNoHitAskers' as const, agencyId, ...a })),
      ),
    })),
  );
}
