import { type AuditAction, atSql, type CanonicalAuditEvent, chainHash, GENESIS_HASH } from '../kernel/audit';
import type { Sql } from '../kernel/db';
import type { Checkpoint } from './signed-note';

/**
 * Reading the chain back: verification (npm run audit:verify) and the regulator's export
 * (npm run audit:export). Both read through `Sql`, in seq order, in batches.
 */

export interface StoredAuditEvent extends CanonicalAuditEvent {
  seq: string;
  prevHash: string;
  hash: string;
}

/** An audit event as stored (snake_case columns). */
export interface EventRow {
  seq: string;
  at: string;
  action: AuditAction;
  actor_user_id: string | null;
  actor_agency_id: string | null;
  subject_type: string;
  subject_id: string;
  record_owner_agency_id: string | null;
  recipients: string[];
  purpose: string | null;
  fields: string[];
  request_id: string | null;
  prev_hash: string;
  hash: string;
  /** A `v: 2` consultation's records; null for every other event. */
  records: Array<{ id: string; fields: string[] }> | null;
}

const SELECT = `SELECT e.seq::text AS seq, ${atSql('e.at')} AS at, e.action, e.actor_user_id::text AS actor_user_id, e.actor_agency_id::text AS actor_agency_id,
  e.subject_type, e.subject_id, e.record_owner_agency_id::text AS record_owner_agency_id, e.recipients::text[] AS recipients, e.purpose,
  e.fields, e.request_id, e.prev_hash, e.hash, e.records
  FROM audit.events e`;

function toEvent(r: EventRow): StoredAuditEvent {
  return {
    seq: r.seq,
    v: r.records === null ? 1 : 2,
    at: r.at,
    action: r.action,
    actorUserId: r.actor_user_id,
    actorAgencyId: r.actor_agency_id,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    recordOwnerAgencyId: r.record_owner_agency_id,
    recipients: r.recipients,
    purpose: r.purpose,
    fields: r.fields,
    requestId: r.request_id,
    prevHash: r.prev_hash,
    hash: r.hash,
    ...(r.records === null ? {} : { records: r.records }),
  };
}

/** The hashed members of a stored event (what chainHash covers). */
export function canonicalOf(e: StoredAuditEvent): CanonicalAuditEvent {
  const { seq: _seq, prevHash: _prev, hash: _hash, ...canonical } = e;
  return canonical;
}

/** Every event in seq order (optionally `at` in [from, to)), a batch at a time. */
export async function* readEvents(sql: Sql, opts: { from?: string; to?: string; batchSize?: number } = {}): AsyncGenerator<StoredAuditEvent> {
  const batch = opts.batchSize ?? 5000;
  let after = '0';
  for (;;) {
    const params: unknown[] = [after, batch];
    const conds = ['e.seq > $1::bigint'];
    if (opts.from) conds.push(`e.at >= $${params.push(opts.from)}::timestamptz`);
    if (opts.to) conds.push(`e.at < $${params.push(opts.to)}::timestamptz`);
    const rows = await sql.query<EventRow>(`${SELECT} WHERE ${conds.join(' AND ')} ORDER BY e.seq LIMIT $2`, params);
    for (const r of rows) yield toEvent(r);
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.seq;
  }
}

export interface ChainVerification {
  ok: boolean;
  /** Events checked (up to and including the first bad one). */
  count: number;
  /** The last event of an intact chain. */
  head: { seq: string; hash: string } | null;
  firstBad?: { seq: string; reason: string };
}

/**
 * Recomputes the chain from the first event: each event's prev_hash must be the previous event's
 * hash (else an event before it was removed, inserted or moved, or the previous one was edited and
 * re-hashed), and its hash must be sha256(prev_hash || canonical JSON) of its own content (else it
 * was edited). Alone, that cannot see events removed from the end, nor a chain whose every hash
 * was recomputed after an edit. Against signed `checkpoints` (services/audit/checkpoints.ts) it
 * can: the chain's event number `treeSize` must be the one each checkpoint signed (its seq and
 * hash), and the chain must hold at least that many events. With `anchor` (a head hash recorded
 * earlier, e.g. from an export), that hash must still be in the chain.
 */
export async function verifyChain(
  sql: Sql,
  opts: { anchor?: string; checkpoints?: readonly Checkpoint[]; batchSize?: number } = {},
): Promise<ChainVerification> {
  let expectedPrev = GENESIS_HASH;
  let count = 0;
  let head: ChainVerification['head'] = null;
  let anchorSeen = !opts.anchor;
  const signed = new Map<number, Checkpoint[]>();
  for (const c of opts.checkpoints ?? []) signed.set(c.treeSize, [...(signed.get(c.treeSize) ?? []), c]);
  for await (const e of readEvents(sql, { batchSize: opts.batchSize })) {
    count++;
    if (e.prevHash !== expectedPrev) {
      const reason =
        head === null
          ? 'the first event does not start the chain (events before it were removed)'
          : `prev_hash does not match the hash of event ${head.seq}: an event between them was removed, inserted or reordered, or event ${head.seq} was edited and re-hashed`;
      return { ok: false, count, head, firstBad: { seq: e.seq, reason } };
    }
    if (chainHash(e.prevHash, canonicalOf(e)) !== e.hash) {
      return { ok: false, count, head, firstBad: { seq: e.seq, reason: 'its content does not match its hash: the event was edited' } };
    }
    for (const c of signed.get(count) ?? []) {
      if (c.rootHash !== e.hash || c.headSeq !== e.seq) {
        const reason = `the checkpoint signed at ${c.signedAt} says event ${c.treeSize} of the chain is seq ${c.headSeq} with hash ${c.rootHash}, but it is seq ${e.seq} with hash ${e.hash}: events up to it were edited, removed or inserted and the hashes after them recomputed`;
        return { ok: false, count, head, firstBad: { seq: e.seq, reason } };
      }
    }
    if (e.hash === opts.anchor) anchorSeen = true;
    expectedPrev = e.hash;
    head = { seq: e.seq, hash: e.hash };
  }
  const longest = [...signed.values()].flat().sort((a, b) => b.treeSize - a.treeSize)[0];
  if (longest && longest.treeSize > count) {
    const where = head ? `after seq ${head.seq}` : 'from the start';
    const reason = `the checkpoint signed at ${longest.signedAt} covers ${longest.treeSize} events (up to seq ${longest.headSeq}), but the chain holds ${count}: events ${where} were removed`;
    return { ok: false, count, head, firstBad: { seq: head ? head.seq : '0', reason } };
  }
  if (!anchorSeen) {
    const where = head ? `after seq ${head.seq}` : 'from the start';
    return {
      ok: false,
      count,
      head,
      firstBad: { seq: head ? head.seq : '0', reason: `the anchored hash ${opts.anchor} is not in the chain: events ${where} were removed` },
    };
  }
  return { ok: true, count, head };
}
