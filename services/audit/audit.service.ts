import type { Actor } from '../../policies/actor';
import { SqlParams } from '../../policies/sql';
import { atSql } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import { badInput } from '../kernel/errors';
import { MAX_PAGE, type Page, type PageArgs } from '../kernel/pagination';
import { ref } from '../kernel/references';
import { text } from '../kernel/validate';
import type { AuditFilter } from './audit.input';
import { loadConfig } from '../kernel/config';
import type { AuditCheckpointKeyType, AuditCheckpointType, AuditEventType } from './audit.type';
import type { EventRow } from './chain';
import { type SignedCheckpoint, servedCheckpoints } from './checkpoints';
import { parseVerifierKey, rawPublicKey } from './signed-note';

/**
 * Who may read which audit events. AuditEvent is not (yet) a subject of policies/, so the rule is
 * here, in one function, and test/audit/trail.test.ts pins it:
 * - HUB_ANALYST with role SUPERVISOR: every event (the hub's oversight of all agencies);
 * - LAW_ENFORCEMENT, FINANCIAL_INSTITUTION, NGO and HUB_ANALYST (any role): their own agency's
 *   events, i.e. those where the agency is the actor, the record owner or a recipient of a disclosure;
 * - anyone else (HUB_ADMIN, which reads no intelligence): none.
 */
export type TrailScope = { kind: 'all' } | { kind: 'agency'; agencyId: string } | { kind: 'none' };

export function trailScope(actor: Actor): TrailScope {
  switch (actor.agencyType) {
    case 'HUB_ANALYST':
      return actor.role === 'SUPERVISOR' ? { kind: 'all' } : { kind: 'agency', agencyId: actor.agencyId };
    case 'LAW_ENFORCEMENT':
    case 'FINANCIAL_INSTITUTION':
    case 'NGO':
      return { kind: 'agency', agencyId: actor.agencyId };
    case 'HUB_ADMIN':
      return { kind: 'none' };
  }
}

function scopeSql(scope: TrailScope, params: SqlParams): string {
  if (scope.kind === 'all') return 'TRUE';
  if (scope.kind === 'none') return 'FALSE';
  const a = params.add(scope.agencyId);
  return `(e.actor_agency_id = ${a}::uuid OR e.record_owner_agency_id = ${a}::uuid OR e.recipients @> ARRAY[${a}::uuid])`;
}

function instant(field: string, value: string | undefined): string | null {
  if (value === undefined || value === null) return null;
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
  if (!iso.test(value) || Number.isNaN(new Date(value.length === 10 ? `${value}T00:00:00Z` : value).getTime())) {
    throw badInput(field, 'must be an ISO 8601 date or date-time');
  }
  // A date alone, or a date-time without offset, is UTC.
  return value.length === 10 ? `${value}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
}

function decodeCursor(after: string | undefined): string | null {
  if (!after) return null;
  const raw = Buffer.from(after, 'base64url').toString('utf8');
  if (!/^s:\d{1,19}$/.test(raw)) throw badInput('after', 'is not a cursor this server issued');
  return raw.slice(2);
}

const encodeCursor = (seq: string) => Buffer.from(`s:${seq}`).toString('base64url');

/** Newest first, keyset-paged on seq; totalCount is what the caller may see under the filter. */
export async function auditTrail(ctx: RequestContext, filter: AuditFilter | undefined, page: PageArgs): Promise<Page<AuditEventType>> {
  if (!Number.isInteger(page.first) || page.first < 1 || page.first > MAX_PAGE) throw badInput('first', `must be between 1 and ${MAX_PAGE}`);
  const f = filter ?? {};
  const subjectType = text('filter.subjectType', f.subjectType, { max: 60 });
  const subjectId = text('filter.subjectId', f.subjectId, { max: 100 });
  const from = instant('filter.from', f.from);
  const to = instant('filter.to', f.to);
  const after = decodeCursor(page.after);
  const scope = trailScope(ctx.actor);
  if (scope.kind === 'none') return { nodes: [], totalCount: 0, pageInfo: { hasNextPage: false } };

  const params = new SqlParams();
  const where = [
    scopeSql(scope, params),
    ...(f.action ? [`e.action = ${params.add(f.action)}`] : []),
    ...(subjectType ? [`e.subject_type = ${params.add(subjectType)}`] : []),
    ...(subjectId ? [`e.subject_id = ${params.add(subjectId)}`] : []),
    ...(from ? [`e.at >= ${params.add(from)}::timestamptz`] : []),
    ...(to ? [`e.at < ${params.add(to)}::timestamptz`] : []),
  ];
  const countParams = params.values.slice();
  const pageWhere = [...where, ...(after ? [`e.seq < ${params.add(after)}::bigint`] : [])];
  const [rows, [count]] = await Promise.all([
    ctx.db.query<EventRow>(
      `SELECT e.seq::text AS seq, ${atSql('e.at')} AS at, e.action, e.actor_user_id, e.actor_agency_id, e.subject_type, e.subject_id,
         e.record_owner_agency_id, e.recipients::text[] AS recipients, e.purpose, e.fields, e.request_id, e.prev_hash, e.hash
       FROM audit.events e WHERE ${pageWhere.join(' AND ')} ORDER BY e.seq DESC LIMIT ${params.add(page.first + 1)}`,
      params.values,
    ),
    ctx.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit.events e WHERE ${where.join(' AND ')}`, countParams),
  ]);
  const more = rows.length > page.first;
  const nodes = rows.slice(0, page.first).map(
    (r): AuditEventType => ({
      seq: r.seq,
      at: r.at,
      action: r.action as AuditEventType['action'],
      actorUserId: r.actor_user_id,
      actorAgency: ref('Agency', r.actor_agency_id),
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      recordOwnerAgency: ref('Agency', r.record_owner_agency_id),
      recipients: r.recipients.map((id) => ({ __typename: 'Agency' as const, id })),
      purpose: r.purpose,
      fields: r.fields,
      requestId: r.request_id,
      prevHash: r.prev_hash,
      hash: r.hash,
    }),
  );
  const last = nodes[nodes.length - 1];
  return { nodes, totalCount: Number(count?.n ?? 0), pageInfo: { hasNextPage: more, endCursor: last ? encodeCursor(last.seq) : undefined } };
}

// ---- signed checkpoints ------------------------------------------------------------------------

export const MAX_CHECKPOINTS = 100;

function checkpointType(c: SignedCheckpoint): AuditCheckpointType {
  return { note: c.note, origin: c.origin, treeSize: String(c.treeSize), headSeq: c.headSeq, headHash: c.rootHash, signedAt: c.signedAt };
}

/**
 * The newest `last` signed checkpoints in the store, newest first; only notes that verify under the
 * hub's key are served. Open to every member: a checkpoint holds a count, a seq, a hash and a time,
 * nothing of any event, and every agency must be able to keep its own copies (docs/audit.md).
 */
export function auditCheckpoints(last: number): AuditCheckpointType[] {
  if (!Number.isInteger(last) || last < 1 || last > MAX_CHECKPOINTS) throw badInput('last', `must be between 1 and ${MAX_CHECKPOINTS}`);
  const { signer, store } = servedCheckpoints(loadConfig());
  return store.read(parseVerifierKey(signer.vkey), last).map(checkpointType);
}

export function auditCheckpointKey(): AuditCheckpointKeyType {
  const { signer } = servedCheckpoints(loadConfig());
  const v = parseVerifierKey(signer.vkey);
  return { name: v.name, keyId: v.keyId.toString('hex'), publicKey: rawPublicKey(v.publicKey).toString('base64'), verifierKey: signer.vkey };
}
