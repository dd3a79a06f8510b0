import { createHash } from 'node:crypto';
import { REDACTED, rawOf } from '../../policies/enforce';
import type { Actor } from '../../policies/actor';
import type { PolicyRecord } from '../../policies/subjects';
import { PERSONAL_FIELDS } from './personal-fields';
import { Database, type Sql } from './db';
import { auditAppendDuration } from './metrics';
import { isUuid } from './validate';

/**
 * The audit trail (DPA 2018 s.62): append-only, hash-chained events in `audit.events`.
 *
 * - Writes (collection, alteration, combination, erasure) call `appendAudit(tx, ctx, events)` inside
 *   the transaction of the change, as its LAST statement: the events commit or roll back with it.
 * - Reads of personal data are collected per request by `ConsultationLog` (projection notes which
 *   records had personal fields released; the subgraph's resolver instrumentation notes which of
 *   those fields were actually resolved into the response) and written as CONSULT / DISCLOSE by the
 *   subgraph server before the response leaves (services/kernel/subgraph.ts). No record, no response.
 *
 * Chain: hash = sha256(prev_hash || canonical JSON of the event); the first event's prev_hash is
 * GENESIS_HASH. Appends serialise on a transaction-scoped advisory lock, so the chain is linear;
 * `UNIQUE (prev_hash)` makes a fork impossible even if a caller got that wrong.
 */

export const AUDIT_ACTIONS = ['COLLECT', 'ALTER', 'CONSULT', 'DISCLOSE', 'COMBINE', 'ERASE'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export { PERSONAL_FIELDS } from './personal-fields';

export const GENESIS_HASH = '0'.repeat(64);

/** Every append takes this transaction-scoped advisory lock (an arbitrary, fixed key). */
export const AUDIT_LOCK_KEY = '7461757369740001';

/** The one text form of `at`, used when hashing, storing and verifying (UTC, microseconds). */
export const AT_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
export const atSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', ${AT_FORMAT})`;

/** What a service says happened; who, when, why and the chain are added by appendAudit. */
export interface AuditEventInput {
  action: AuditAction;
  subjectType: string;
  subjectId: string;
  /** The agency that owns the record the event is about (null for unowned subjects such as entities). */
  recordOwnerAgencyId?: string | null;
  /** DISCLOSE: the agencies that received the data. */
  recipients?: readonly string[];
  /** Names of the fields concerned (written for COLLECT/ALTER, released for CONSULT/DISCLOSE); never values. */
  fields?: readonly string[];
}

/** Names of the fields a write gives a value (events name fields, never values). */
export function writtenFields(values: Record<string, unknown>): string[] {
  return Object.keys(values).filter((k) => {
    const v = values[k];
    return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
  });
}

/**
 * An event about a record the acting agency owns (what it collects, alters or erases of its own):
 * the one way services name the owner of what they write.
 */
export function ownRecordEvent(ctx: AuditActor, action: AuditAction, subjectType: string, subjectId: string, fields: readonly string[] = []): AuditEventInput {
  return { action, subjectType, subjectId, recordOwnerAgencyId: ctx.actor.agencyId, fields };
}

/** Who acts: the request's actor and id. A RequestContext is one; scripts may pass their own. */
export interface AuditActor {
  actor: Pick<Actor, 'userId' | 'agencyId' | 'purpose'>;
  requestId: string;
}

/** The hashed content of one event: exactly these members, in canonical (sorted-key) JSON. */
export interface CanonicalAuditEvent {
  v: 1;
  at: string;
  action: AuditAction;
  actorUserId: string | null;
  actorAgencyId: string | null;
  subjectType: string;
  subjectId: string;
  recordOwnerAgencyId: string | null;
  recipients: string[];
  purpose: string | null;
  fields: string[];
  requestId: string | null;
}

export interface ChainedAuditEvent extends CanonicalAuditEvent {
  prevHash: string;
  hash: string;
}

/** Sorted-key JSON of the canonical members: the same event always serialises to the same bytes. */
export function canonicalJson(e: CanonicalAuditEvent): string {
  const ordered: Record<string, unknown> = {};
  for (const k of Object.keys(e).sort()) ordered[k] = (e as unknown as Record<string, unknown>)[k];
  return JSON.stringify(ordered);
}

export function chainHash(prevHash: string, e: CanonicalAuditEvent): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(e)).digest('hex');
}

/** Lower-case UUID text, as Postgres prints it back (the hash must survive the round trip). */
function uuidOrNull(field: string, v: string | null | undefined): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (!isUuid(v)) throw new Error(`audit: ${field} must be a UUID`);
  return v.toLowerCase();
}

/** Postgres text cannot hold NUL; everything else is stored and hashed as given. */
const cleanText = (v: string | null | undefined): string | null => (v === null || v === undefined ? null : v.replace(/\u0000/g, ''));

/**
 * Appends events to the chain inside the caller's transaction; call it as the transaction's last
 * statement (the lock is held until commit, so every other audited write waits that long).
 * Needs READ COMMITTED (the default): the last hash is read in a statement that starts after the
 * lock is granted, so it sees the previous appender's committed event. Three statements (lock,
 * head, insert), whatever the number of events up to 2000.
 */
export async function appendAudit(tx: Sql, ctx: AuditActor, events: readonly AuditEventInput[]): Promise<ChainedAuditEvent[]> {
  if (events.length === 0) return [];
  const stop = auditAppendDuration.startTimer();
  try {
    return await append(tx, ctx, events);
  } finally {
    stop();
  }
}

async function append(tx: Sql, ctx: AuditActor, events: readonly AuditEventInput[]): Promise<ChainedAuditEvent[]> {
  if (tx instanceof Database) throw new Error('appendAudit must run inside db.transaction(), in the transaction of the change it records');
  const actorUserId = uuidOrNull('actor.userId', ctx.actor.userId);
  const actorAgencyId = uuidOrNull('actor.agencyId', ctx.actor.agencyId);
  const purpose = cleanText(ctx.actor.purpose) || null;
  const requestId = cleanText(ctx.requestId);
  const prepared = events.map((e) => {
    if (!(AUDIT_ACTIONS as readonly string[]).includes(e.action)) throw new Error(`audit: unknown action ${String(e.action)}`);
    if (!e.subjectType || !e.subjectId) throw new Error('audit: an event names its subject type and id');
    return {
      action: e.action,
      subjectType: cleanText(e.subjectType)!,
      subjectId: cleanText(e.subjectId)!,
      recordOwnerAgencyId: uuidOrNull('recordOwnerAgencyId', e.recordOwnerAgencyId),
      recipients: [...new Set((e.recipients ?? []).map((r) => uuidOrNull('recipients', r)!))].sort(),
      fields: [...new Set((e.fields ?? []).map((f) => cleanText(f)!))].sort(),
    };
  });

  // Statement 1 takes the lock; statement 2 (a fresh READ COMMITTED snapshot) reads the head. In one
  // statement the snapshot would predate the lock and could miss the previous appender's event.
  await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [AUDIT_LOCK_KEY]);
  const [head] = await tx.query<{ hash: string | null; at: string; isolation: string }>('SELECT hash, at, isolation FROM audit.chain_head()');
  if (head!.isolation !== 'read committed') throw new Error(`appendAudit needs a READ COMMITTED transaction, not ${head!.isolation}`);

  let prev = head!.hash ?? GENESIS_HASH;
  const chained: ChainedAuditEvent[] = prepared.map((p) => {
    const e: CanonicalAuditEvent = { v: 1, at: head!.at, actorUserId, actorAgencyId, purpose, requestId, ...p };
    const hash = chainHash(prev, e);
    const out = { ...e, prevHash: prev, hash };
    prev = hash;
    return out;
  });

  // One statement, whatever the number of events: one array per column (recipients and fields,
  // arrays themselves, travel as JSON), rows inserted in chain order.
  const column = <K extends keyof ChainedAuditEvent>(k: K) => chained.map((e) => e[k]);
  const inserted = await tx.query<{ seq: string; hash: string }>(
    `SELECT event_seq AS seq, event_hash AS hash
     FROM audit.append_events($1::timestamptz, $2::uuid, $3::uuid, $4::text, $5::text, $6::text[], $7::text[], $8::text[], $9::uuid[], $10::jsonb[], $11::jsonb[], $12::text[], $13::text[])`,
    [
      head!.at,
      actorUserId,
      actorAgencyId,
      purpose,
      requestId,
      column('action'),
      column('subjectType'),
      column('subjectId'),
      column('recordOwnerAgencyId'),
      chained.map((e) => JSON.stringify(e.recipients)),
      chained.map((e) => JSON.stringify(e.fields)),
      column('prevHash'),
      column('hash'),
    ],
  );
  // Defensive: the identity must number the rows in chain order, or verification would fail later.
  const bySeq = [...inserted].sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1)).map((r) => r.hash);
  if (bySeq.join() !== chained.map((e) => e.hash).join()) throw new Error('audit: events were numbered out of chain order');
  return chained;
}

// ---- consultation and disclosure ---------------------------------------------------------------

interface ConsultedRecord {
  subjectType: string;
  subjectId: string;
  ownerAgencyId: string | null;
  fields: Set<string>;
}

/** A value that discloses something: not redacted, not null, not empty. */
function discloses(v: unknown): boolean {
  if (v === REDACTED || v === null || v === undefined || v === '') return false;
  return !(Array.isArray(v) && v.length === 0);
}

function ownerOf(record: Record<string, unknown>): string | null {
  const owner = record.ownerAgencyId ?? (record.ownerAgency as { id?: unknown } | undefined)?.id;
  return typeof owner === 'string' ? owner : null;
}

/**
 * One request's consultations of personal data. Two steps, so that the log says what the caller
 * actually received:
 * - `released`: projection (kernel/policy.ts) notes each record whose personal fields the field
 *   policy let through (REDACTED fields never count), with its owner;
 * - `resolved`: the subgraph's instrumented resolvers note each personal field that was resolved
 *   into the response with a value (a field the query did not select is not a consultation).
 * `events()` turns them into one CONSULT per record, plus a DISCLOSE to the reader's agency when
 * another agency owns the record.
 */
export class ConsultationLog {
  private readonly owners = new Map<string, string | null>();
  private readonly consulted = new Map<string, ConsultedRecord>();

  released(record: PolicyRecord, projected: Record<string, unknown>): void {
    const personal = PERSONAL_FIELDS[record.__typename];
    if (!personal || !personal.some((f) => discloses(projected[f]))) return;
    this.owners.set(`${record.__typename}:${String(record.id)}`, ownerOf(record));
  }

  resolved(typeName: string, parent: unknown, field: string, value: unknown): void {
    if (!discloses(value) || !parent || typeof parent !== 'object') return;
    let raw: Record<string, unknown> = parent as Record<string, unknown>;
    try {
      raw = rawOf<Record<string, unknown>>(parent);
    } catch {
      /* a copy of a projection (e.g. spread): its id finds the projection's entry below */
    }
    const id = raw.id ?? (parent as Record<string, unknown>).id;
    // A value with no record id still gets logged: under-logging is the failure to avoid.
    const subjectId = typeof id === 'string' && id ? id : '(unknown)';
    const key = `${typeName}:${subjectId}`;
    let entry = this.consulted.get(key);
    if (!entry) {
      const owner = this.owners.has(key) ? this.owners.get(key)! : (ownerOf(raw) ?? ownerOf(parent as Record<string, unknown>));
      entry = { subjectType: typeName, subjectId, ownerAgencyId: owner, fields: new Set() };
      this.consulted.set(key, entry);
    }
    entry.fields.add(field);
  }

  /**
   * For a service that discloses personal data other than through a field in PERSONAL_FIELDS
   * (e.g. a hit/no-hit answer confirming that an identifier is on record): logged like a resolved field.
   */
  note(subjectType: string, subjectId: string, ownerAgencyId: string | null, fields: readonly string[]): void {
    const key = `${subjectType}:${subjectId}`;
    const entry = this.consulted.get(key) ?? { subjectType, subjectId, ownerAgencyId, fields: new Set<string>() };
    for (const f of fields) entry.fields.add(f);
    this.consulted.set(key, entry);
  }

  get size(): number {
    return this.consulted.size;
  }

  /** CONSULT for every record read, DISCLOSE (recipient: the reader's agency) for another agency's record. */
  events(readerAgencyId: string): AuditEventInput[] {
    const out: AuditEventInput[] = [];
    for (const c of this.consulted.values()) {
      const base = { subjectType: c.subjectType, subjectId: c.subjectId, recordOwnerAgencyId: c.ownerAgencyId, fields: [...c.fields] };
      out.push({ action: 'CONSULT', ...base });
      if (c.ownerAgencyId && c.ownerAgencyId.toLowerCase() !== readerAgencyId.toLowerCase()) {
        out.push({ action: 'DISCLOSE', ...base, recipients: [readerAgencyId] });
      }
    }
    return out;
  }
}
