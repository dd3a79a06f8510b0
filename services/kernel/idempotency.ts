import { createHash } from 'node:crypto';
import type { RequestContext } from './context';
import type { Sql } from './db';
import { badInput, conflict } from './errors';
import { idempotencyKey } from './validate';

/** Exactly-once submission keyed by (owner agency, idempotency key): the one mechanism for every contribution. */

export function requiredIdempotencyKey(field: string, value: string | null | undefined): string {
  const key = idempotencyKey(field, value);
  if (!key) throw badInput(field, 'is required');
  return key;
}

/** Key-sorted JSON without null or absent members: the same request always hashes the same. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(obj)
      .filter((k) => obj[k] !== undefined && obj[k] !== null)
      .sort()
      .map((k) => [k, canonical(obj[k])]),
  );
}

/** sha256 of the canonical input without its idempotency key. */
export function requestHash(input: { idempotencyKey?: string | null }): string {
  const { idempotencyKey: _key, ...rest } = input;
  return createHash('sha256')
    .update(JSON.stringify(canonical(rest)))
    .digest('hex');
}

export interface Submission {
  /** A table with owner_agency_id (or ownerColumn), idempotency_key and request_hash, UNIQUE (owner_agency_id, idempotency_key). */
  table: string;
  /** The column naming the submitting agency, when it is not owner_agency_id (UNIQUE with idempotency_key). */
  ownerColumn?: string;
  /** Names the record in a CONFLICT message. */
  subject: string;
  key: string;
  hash: string;
  /**
   * Writes the record (storing key and hash) inside one transaction and returns its id. With
   * `claimsKey`, its first statement claims the key itself (`INSERT ... ON CONFLICT (owner, key)
   * DO NOTHING RETURNING`) and it returns undefined, having written nothing, when no row came back.
   */
  insert(tx: Sql): Promise<string | undefined>;
  /**
   * The insert claims the key in its first statement, so no lookup goes before it: a first
   * submission costs one round trip less, a replay one more (the claim that finds the key taken).
   */
  claimsKey?: boolean;
}

/**
 * The same key with the same request returns the record it first created (nothing new is written);
 * the same key with a different request is a CONFLICT; of two racing submissions the loser answers
 * with the winner's record.
 */
export async function submitOnce(ctx: RequestContext, s: Submission): Promise<string> {
  return (await submitOnceTelling(ctx, s)).id;
}

/** submitOnce, also telling whether the record was written by an earlier request under the key (`replayed`). */
export async function submitOnceTelling(ctx: RequestContext, s: Submission): Promise<{ id: string; replayed: boolean }> {
  if (!s.claimsKey) {
    const earlier = await previous(ctx, s);
    if (earlier) return { id: earlier, replayed: true };
  }
  let id: string | undefined;
  try {
    id = await ctx.db.transaction((tx) => s.insert(tx));
  } catch (err) {
    const winner = (err as { code?: string }).code === '23505' ? await previous(ctx, s) : undefined;
    if (!winner) throw err;
    return { id: winner, replayed: true };
  }
  if (id !== undefined) return { id, replayed: false };
  if (!s.claimsKey) throw new Error(`the insert of a ${s.subject} answered no id`);
  // The claim found the key taken (by an earlier request, or a concurrent one it waited for): its record answers.
  const earlier = await previous(ctx, s);
  if (!earlier) throw new Error(`idempotencyKey "${s.key}" was claimed but its ${s.subject} is not found`);
  return { id: earlier, replayed: true };
}

async function previous(ctx: RequestContext, s: Submission): Promise<string | undefined> {
  const [row] = await ctx.db.query<{ id: string; request_hash: string | null }>(
    `SELECT id, request_hash FROM ${s.table} WHERE ${s.ownerColumn ?? 'owner_agency_id'} = $1 AND idempotency_key = $2`,
    [ctx.actor.agencyId, s.key],
  );
  if (!row) return undefined;
  if (row.request_hash !== s.hash) {
    throw conflict(`idempotencyKey "${s.key}" was already used for a different ${s.subject}`, { field: 'input.idempotencyKey' });
  }
  return row.id;
}
