import { createHash } from 'node:crypto';
import { REDACTED, rawOf } from '../../policies/enforce';
import type { Actor } from '../../policies/actor';
import type { PolicyRecord } from '../../policies/subjects';
import { PERSONAL_FIELDS } from './personal-fields';
import { Database, type Sql } from './db';
import { auditAppendDuration } from './metrics';
import { GroupCommit } from './group-commit';
import { isUuid } from './validate';

/**
 * The audit trail (DPA 2018 s.62): append-only, hash-chained events in `audit.events`.
 *
 * - Writes (collection, alteration, combination, erasure) call `appendAudit(tx, ctx, events)` inside
 *   the transaction of the change, as its LAST statement: the events commit or roll back with it.
 * - Reads of personal data are collected per request by `ConsultationLog` (projection notes which
 *   records had personal fields released; the subgraph's resolver instrumentation notes which of
 *   those fields were actually resolved into the response) and written as CONSULT / DISCLOSE by the
 *   subgraph server before the response leaves (services/kernel/subgraph.ts), through the process's
 *   AuditAppender, which commits the consultations of concurrent requests as one group. No record,
 *   no response.
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
  /**
   * A consultation of several records of one type and owner (ConsultationLog): each record with the
   * fields released from it. The event is then canonical form `v: 2`; its `subjectId` must be
   * `subjectOfRecords(records)` and its `fields` are the union of the records' fields.
   */
  records?: readonly ReleasedRecord[];
}

/** One record a consultation event lists: its id and the names of the fields released from it (never values). */
export interface ReleasedRecord {
  id: string;
  fields: readonly string[];
}

/** The subject id of an event that lists records: the one record's id, or `*` for several (the list says which). */
export function subjectOfRecords(records: readonly ReleasedRecord[]): string {
  return records.length === 1 ? records[0]!.id : '*';
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

/**
 * The hashed content of one event: exactly these members, in canonical (sorted-key) JSON. `v: 1`
 * has no `records`; `v: 2` (a consultation listing its records) has them, sorted by id, each
 * record's fields sorted.
 */
export interface CanonicalAuditEvent {
  v: 1 | 2;
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
  records?: Array<{ id: string; fields: string[] }>;
}

export interface ChainedAuditEvent extends CanonicalAuditEvent {
  prevHash: string;
  hash: string;
}

/** A value with every object's keys sorted, at any depth (arrays keep their order). */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v === null || typeof v !== 'object') return v;
  const ordered: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) ordered[k] = sortedKeys((v as Record<string, unknown>)[k]);
  return ordered;
}

/**
 * Sorted-key JSON of the canonical members (nested objects too: a `v: 2` event's records, which
 * come back from jsonb in jsonb's own key order): the same event always serialises to the same bytes.
 */
export function canonicalJson(e: CanonicalAuditEvent): string {
  return JSON.stringify(sortedKeys(e));
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

/** One caller's events, checked and in the form they are hashed and stored. */
export interface PreparedRun {
  actorUserId: string | null;
  actorAgencyId: string | null;
  purpose: string | null;
  requestId: string | null;
  events: Array<Pick<CanonicalAuditEvent, 'action' | 'subjectType' | 'subjectId' | 'recordOwnerAgencyId' | 'recipients' | 'fields' | 'records'>>;
}

/** A listed record's id and fields as they are hashed and stored; records sorted by id, an id listed once. */
function prepareRecords(records: readonly ReleasedRecord[]): Array<{ id: string; fields: string[] }> {
  if (records.length === 0) throw new Error('audit: an event that lists records lists at least one');
  const byId = new Map<string, Set<string>>();
  for (const r of records) {
    const id = cleanText(r.id);
    if (!id) throw new Error('audit: a listed record has an id');
    const fields = byId.get(id) ?? new Set<string>();
    for (const f of r.fields) fields.add(cleanText(f)!);
    byId.set(id, fields);
  }
  return [...byId.keys()].sort().map((id) => ({ id, fields: [...byId.get(id)!].sort() }));
}

export function prepareRun(ctx: AuditActor, events: readonly AuditEventInput[]): PreparedRun {
  return {
    actorUserId: uuidOrNull('actor.userId', ctx.actor.userId),
    actorAgencyId: uuidOrNull('actor.agencyId', ctx.actor.agencyId),
    purpose: cleanText(ctx.actor.purpose) || null,
    requestId: cleanText(ctx.requestId),
    events: events.map((e) => {
      if (!(AUDIT_ACTIONS as readonly string[]).includes(e.action)) throw new Error(`audit: unknown action ${String(e.action)}`);
      if (!e.subjectType || !e.subjectId) throw new Error('audit: an event names its subject type and id');
      const records = e.records ? prepareRecords(e.records) : undefined;
      if (records && cleanText(e.subjectId) !== subjectOfRecords(records))
        throw new Error('audit: an event that lists records has subjectOfRecords(records) as its subject id');
      const fields = [...(e.fields ?? []), ...(records ?? []).flatMap((r) => r.fields)];
      return {
        action: e.action,
        subjectType: cleanText(e.subjectType)!,
        subjectId: cleanText(e.subjectId)!,
        recordOwnerAgencyId: uuidOrNull('recordOwnerAgencyId', e.recordOwnerAgencyId),
        recipients: [...new Set((e.recipients ?? []).map((r) => uuidOrNull('recipients', r)!))].sort(),
        fields: [...new Set(fields.map((f) => cleanText(f)!))].sort(),
        ...(records ? { records } : {}),
      };
    }),
  };
}

interface ChainHead {
  hash: string | null;
  at: string;
  isolation: string;
}

/** The newest event's hash and the time an append stamps (the database's clock). */
async function chainHead(sql: Sql): Promise<ChainHead> {
  const [head] = await sql.query<ChainHead>('SELECT hash, at, isolation FROM audit.chain_head()');
  return head!;
}

/** Chains runs of events (one or several callers') onto `head`, in order. */
function chainRuns(head: ChainHead, runs: readonly PreparedRun[]): ChainedAuditEvent[][] {
  let prev = head.hash ?? GENESIS_HASH;
  return runs.map(({ events, ...who }) =>
    events.map((p) => {
      const e: CanonicalAuditEvent = { v: p.records ? 2 : 1, at: head.at, ...who, ...p };
      const hash = chainHash(prev, e);
      const out = { ...e, prevHash: prev, hash };
      prev = hash;
      return out;
    }),
  );
}

/**
 * Inserts chained events in one statement, whatever their number: one array per column (recipients,
 * fields and records, arrays themselves, travel as JSON; records NULL for a `v: 1` event), rows
 * inserted in chain order. The function takes
 * the chain's lock (a no-op if the transaction holds it) and refuses, with 40001, events that do not
 * continue the chain from its head.
 */
async function insertChained(sql: Sql, chained: readonly ChainedAuditEvent[]): Promise<void> {
  const inserted = await sql.query<{ seq: string; hash: string }>(
    `SELECT event_seq AS seq, event_hash AS hash
     FROM audit.append_runs($1::bigint, $2::timestamptz, $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::uuid[], $11::jsonb[], $12::jsonb[], $13::text[], $14::text[], $15::jsonb[])`,
    appendParams(chained),
  );
  assertChainOrder(inserted, chained);
}

/** The parameters of audit.append_runs and append_runs_at_head (their signatures with `records`) for chained events. */
function appendParams(chained: readonly ChainedAuditEvent[]): unknown[] {
  const column = <K extends keyof ChainedAuditEvent>(k: K) => chained.map((e) => e[k]);
  return [
    AUDIT_LOCK_KEY,
    chained[0]!.at,
    column('actorUserId'),
    column('actorAgencyId'),
    column('purpose'),
    column('requestId'),
    column('action'),
    column('subjectType'),
    column('subjectId'),
    column('recordOwnerAgencyId'),
    chained.map((e) => JSON.stringify(e.recipients)),
    chained.map((e) => JSON.stringify(e.fields)),
    column('prevHash'),
    column('hash'),
    chained.map((e) => (e.records ? JSON.stringify(e.records) : null)),
  ];
}

/** Defensive: the identity must number the rows in chain order, or verification would fail later. */
function assertChainOrder(inserted: ReadonlyArray<{ seq: string; hash: string }>, chained: readonly ChainedAuditEvent[]): void {
  const bySeq = [...inserted].sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1)).map((r) => r.hash);
  if (bySeq.join() !== chained.map((e) => e.hash).join()) throw new Error('audit: events were numbered out of chain order');
}

/** Whether an append failed because another appender moved the head after it was read. */
function headMoved(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return (e.driverError?.code ?? e.code) === '40001';
}

/** Transactions (a request's session, or the object standing for one) that took the chain's lock through appendAudit. */
const lockHolders = new WeakSet<object>();

/**
 * Whether `sql`, a request's session, took the chain's lock through appendAudit (a write): it
 * holds it until it ends, so its consultations go in it too, never to the
 * AuditAppender, which would wait for that lock while the session waits for the appender.
 */
export function holdsAuditLock(sql: Sql): boolean {
  return lockHolders.has(sql);
}

/**
 * Chains runs of events onto the head and inserts them, in the caller's transaction: lock and head,
 * insert. The lock is held until that transaction ends.
 */
async function appendRuns(tx: Sql, runs: readonly PreparedRun[]): Promise<ChainedAuditEvent[][]> {
  const stop = auditAppendDuration.startTimer();
  try {
    const chained = lastWritten === undefined ? await lockAndAppend(tx, runs) : await appendAtLastWritten(tx, runs, lastWritten);
    lastWritten = chained.flat().at(-1)?.hash ?? lastWritten;
    return chained;
  } finally {
    stop();
  }
}

/**
 * The last event a write's transaction in this process appended (committed or not): the head the
 * next write's events are chained on first, so that its lock, head and insert are one round trip
 * (audit.append_runs_at_head) while no other appender wrote in between.
 */
let lastWritten: string | undefined;

/**
 * Chains runs on `guess`, stamped with this process's clock, and appends them if that is still the
 * head (one round trip); else chains them again on the head audit.append_runs_at_head read under
 * the lock it took, and inserts them (two). Either way the lock is held until `tx` ends.
 */
async function appendAtLastWritten(tx: Sql, runs: readonly PreparedRun[], guess: string): Promise<ChainedAuditEvent[][]> {
  const chainedRuns = chainRuns({ hash: guess, at: nowAt(), isolation: 'read committed' }, runs);
  const chained = chainedRuns.flat();
  const rows = await tx.query<{ seq: string | null; hash: string | null; head_hash: string | null; head_at: string | null; isolation: string }>(
    `SELECT event_seq AS seq, event_hash AS hash, head_hash, head_at, isolation
     FROM audit.append_runs_at_head($1::bigint, $2::timestamptz, $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::uuid[], $11::jsonb[], $12::jsonb[], $13::text[], $14::text[], $15::jsonb[])`,
    appendParams(chained),
  );
  lockHolders.add(tx);
  const [first] = rows;
  if (first!.isolation !== 'read committed') throw new Error(`appendAudit needs a READ COMMITTED transaction, not ${first!.isolation}`);
  if (first!.seq !== null) {
    assertChainOrder(rows as Array<{ seq: string; hash: string }>, chained);
    return chainedRuns;
  }
  const again = chainRuns({ hash: first!.head_hash, at: first!.head_at!, isolation: first!.isolation }, runs);
  await insertChained(tx, again.flat());
  return again;
}

/** Takes the chain's lock for `tx` and reads the head. */
async function lockedHead(tx: Sql): Promise<ChainHead> {
  // One round trip: audit.locked_chain_head takes the lock, then reads the head in a statement of its
  // own (a fresh READ COMMITTED snapshot). In the statement that took the lock the snapshot would
  // predate it and could miss the previous appender's event.
  const [head] = (await tx.query<ChainHead>('SELECT hash, at, isolation FROM audit.locked_chain_head($1::bigint)', [AUDIT_LOCK_KEY])) as [ChainHead];
  lockHolders.add(tx);
  if (head.isolation !== 'read committed') throw new Error(`appendAudit needs a READ COMMITTED transaction, not ${head.isolation}`);
  return head;
}

async function lockAndAppend(tx: Sql, runs: readonly PreparedRun[]): Promise<ChainedAuditEvent[][]> {
  const head = await lockedHead(tx);
  const chainedRuns = chainRuns(head, runs);
  await insertChained(tx, chainedRuns.flat());
  return chainedRuns;
}

/**
 * Appends events to the chain inside the caller's transaction; call it as the transaction's last
 * statement (the lock is held until commit, so every other audited write waits that long).
 * Needs READ COMMITTED (the default): the last hash is read in a statement that starts after the
 * lock is granted, so it sees the previous appender's committed event. Whatever the number of
 * events up to 2000: one statement when the head is the last event a write in this process appended
 * (lock, head and insert in audit.append_runs_at_head), else two (that one answers the head under
 * the lock instead of inserting; the events are chained on it and inserted).
 */
export async function appendAudit(tx: Sql, ctx: AuditActor, events: readonly AuditEventInput[]): Promise<ChainedAuditEvent[]> {
  if (events.length === 0) return [];
  if (tx instanceof Database) throw new Error('appendAudit must run inside db.transaction(), in the transaction of the change it records');
  return (await appendRuns(tx, [prepareRun(ctx, events)]))[0]!;
}

/** Events one group commit writes at most (more wait for the next); a single larger run goes alone. */
const GROUP_EVENTS = 2000;

/** Times a group is chained again on a fresh head when other appenders keep moving it, before it takes the lock first. */
const HEAD_RETRIES = 3;

/** Groups in a row chained in vain on the appender's own last head before it stops trying that (other appenders write as often, or the clocks disagree). */
const OWN_HEAD_MISSES = 20;

/** Now, in the text form of `at` (AT_FORMAT: UTC, microseconds). */
const nowAt = () => new Date().toISOString().replace(/Z$/, '000Z');

/**
 * Group commit of events that are no write's own (consultations: what a read released): one
 * appender per pool, on a connection of its own. While it commits one group, the events that
 * arrive wait; then they go in the next group, all of them in one statement that commits on its
 * own: the events are chained on the head, and audit.append_runs takes the lock and inserts them if
 * the head is still the head (else the group is chained again on a fresh head; after HEAD_RETRIES,
 * in a transaction holding the lock: lock and head, insert, commit). The head is the last event the
 * appender wrote, stamped with this process's clock (one round trip per group), or, when another
 * appender has written since, the one audit.chain_head() reads, with the database's time (two).
 * The chain's lock is held for one statement. `append` resolves once its
 * events are committed, and rejects, for every caller of the group, if the group fails: nothing
 * of a failed group is written. Concurrent reads thus share the lock and the commit's flush
 * instead of queueing for one each. Writes do not come here: their events stay in their own
 * transaction (appendAudit).
 */
export class AuditAppender {
  // A group is one append: timed as appendRuns times a session's.
  private readonly groups = new GroupCommit<PreparedRun, void>(
    async (runs) => {
      const stop = auditAppendDuration.startTimer();
      try {
        await this.commit(runs);
        return runs.map(() => undefined);
      } finally {
        stop();
      }
    },
    GROUP_EVENTS,
    (run) => run.events.length,
  );
  /** The hash of the last event this appender wrote. */
  private last?: string;
  /** Groups in a row for which that was no longer the head (or this clock was behind it, or ahead of the database's). */
  private missed = 0;

  constructor(private readonly db: Pick<Database, 'query' | 'transaction'>) {}

  append(ctx: AuditActor, events: readonly AuditEventInput[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    let run: PreparedRun;
    try {
      run = prepareRun(ctx, events);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.groups.submit(run);
  }

  private async commit(runs: PreparedRun[]): Promise<void> {
    // The head this appender wrote last is the head unless another appender wrote since: then
    // chain on it, stamped by this process's clock, in one round trip (the function checks both).
    if (this.last && this.missed < OWN_HEAD_MISSES) {
      try {
        await this.insert({ hash: this.last, at: nowAt(), isolation: 'read committed' }, runs);
        this.missed = 0;
        return;
      } catch (err) {
        this.last = undefined;
        if (!headMoved(err)) throw err;
        this.missed++;
      }
    }
    for (let attempt = 0; attempt < HEAD_RETRIES; attempt++) {
      try {
        await this.insert(await chainHead(this.db), runs);
        return;
      } catch (err) {
        if (!headMoved(err)) throw err;
      }
    }
    const chained = await this.db.transaction((tx) => lockAndAppend(tx, runs));
    this.last = chained.flat().at(-1)!.hash;
  }

  private async insert(head: ChainHead, runs: PreparedRun[]): Promise<void> {
    const chained = chainRuns(head, runs).flat();
    await insertChained(this.db, chained);
    this.last = chained.at(-1)!.hash;
  }
}

const appenders = new WeakMap<Database, AuditAppender>();

/** The one consultation appender of a pool (so of a process: its subgraphs share the pool), on the pool's dedicated 'audit' connection. */
export function auditAppenderFor(db: Database): AuditAppender {
  let appender = appenders.get(db);
  if (!appender) {
    const own = () => db.dedicated('audit');
    appender = new AuditAppender({
      query: async (text, params) => (await own()).query(text, params),
      transaction: async (fn) => (await own()).transaction(fn),
    });
    appenders.set(db, appender);
  }
  return appender;
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
 * `events()` turns them into one CONSULT per subject type and record owner, listing each record
 * with the fields released from it, plus a DISCLOSE of the same records to the reader's agency when
 * another agency owns them: a link chart of 400 identifiers is one event, not 400, and "who saw this
 * record's value" is still answered by the record's id (audit.event_subject_ids).
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

  /**
   * One CONSULT per subject type and record owner listing the records read (in the order each group
   * was first noted), and a DISCLOSE of the same records (recipient: the reader's agency) when
   * another agency owns them.
   */
  events(readerAgencyId: string): AuditEventInput[] {
    const groups = new Map<string, { subjectType: string; ownerAgencyId: string | null; records: ReleasedRecord[] }>();
    for (const c of this.consulted.values()) {
      const owner = c.ownerAgencyId?.toLowerCase() ?? null;
      const key = `${c.subjectType}\u0000${owner ?? ''}`;
      const group = groups.get(key) ?? { subjectType: c.subjectType, ownerAgencyId: owner, records: [] };
      group.records.push({ id: c.subjectId, fields: [...c.fields] });
      groups.set(key, group);
    }
    const out: AuditEventInput[] = [];
    for (const g of groups.values()) {
      const base = { subjectType: g.subjectType, subjectId: subjectOfRecords(g.records), recordOwnerAgencyId: g.ownerAgencyId, records: g.records };
      out.push({ action: 'CONSULT', ...base });
      if (g.ownerAgencyId && g.ownerAgencyId !== readerAgencyId.toLowerCase()) {
        out.push({ action: 'DISCLOSE', ...base, recipients: [readerAgencyId] });
      }
    }
    return out;
  }
}
