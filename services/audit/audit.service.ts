import type { SqlParams } from '../../policies/sql';
import type { PolicyRecord } from '../../policies/subjects';
import { atSql } from '../kernel/audit';
import { IDENTIFIER_HASH_PREFIX } from '../kernel/audit-hit-no-hit';
import type { RequestContext } from '../kernel/context';
import { badInput } from '../kernel/errors';
import { connectionPage, MAX_PAGE, type Page, type PageArgs } from '../kernel/pagination';
import { projectAll } from '../kernel/policy';
import { ref } from '../kernel/references';
import { countVisible, selectVisible, type SubjectTable } from '../kernel/repository';
import { text } from '../kernel/validate';
import type { AuditFilter } from './audit.input';
import { loadConfig } from '../kernel/config';
import type { AuditCheckpointKeyType, AuditCheckpointType, AuditEventType } from './audit.type';
import type { EventRow } from './chain';
import { type SignedCheckpoint, servedCheckpoints } from './checkpoints';
import { parseVerifierKey, rawPublicKey } from './signed-note';

/**
 * Audit events as a policy subject: which events reach whom is the AuditEvent rules in
 * policies/agency-types/ (a supervisor: its agency's events; anyone else: the events they caused;
 * the hub's supervisors: all), compiled to SQL through these attributes.
 */
const auditEvents: SubjectTable = {
  subject: 'AuditEvent',
  table: 'audit.events',
  alias: 'e',
  columns: `e.seq::text AS seq, ${atSql('e.at')} AS at, e.action, e.actor_user_id, e.actor_agency_id, e.subject_type, e.subject_id,
    e.record_owner_agency_id, e.recipients::text[] AS recipients, e.purpose, e.fields, e.request_id, e.prev_hash, e.hash, e.records`,
  attributes: (ctx, params) => ({
    actorUserId: () => 'e.actor_user_id',
    actorAgencyId: () => 'e.actor_agency_id',
    recordOwnerAgencyId: () => 'e.record_owner_agency_id',
    disclosedToOwnAgency: () => `e.recipients @> ARRAY[${params.add(ctx.actor.agencyId)}::uuid]`,
  }),
  map: (row) => {
    const r = row as unknown as EventRow & Record<string, unknown>;
    // The keyed hashes of identifiers asked about stay in the trail (IDENTIFIER_HASH_PREFIX); `identifiers:<n>` says how many.
    const fields = r.fields.filter((f) => !f.startsWith(IDENTIFIER_HASH_PREFIX));
    const event: AuditEventType & Record<string, unknown> = {
      ...r,
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
      fields,
      // A consultation lists its records; any other event is about its one subject, with its fields.
      records: r.records ?? [{ id: r.subject_id, fields }],
      requestId: r.request_id,
      prevHash: r.prev_hash,
      hash: r.hash,
    };
    return Object.assign(event, { __typename: 'AuditEvent' as const }) as unknown as PolicyRecord;
  },
};

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

/**
 * The events about a record (their subject, or one of the records a consultation lists), `id` a
 * parameter. The candidates come from the GIN index through audit.event_seqs_about, a subquery
 * Postgres runs once (an InitPlan); what is left on the events is `seq = ANY(<that array>)`,
 * leakproof, so under row-level security the primary key serves it while the policy still decides
 * which of the candidates the caller gets (docs/audit.md).
 */
export const eventsAboutSql = (id: string) => `e.seq = ANY ((SELECT audit.event_seqs_about(${id}::text))::bigint[])`;

/** Newest first, keyset-paged on seq; totalCount is what the caller may see under the filter. */
export async function auditTrail(ctx: RequestContext, filter: AuditFilter | undefined, page: PageArgs): Promise<Page<AuditEventType>> {
  if (!Number.isInteger(page.first) || page.first < 1 || page.first > MAX_PAGE) throw badInput('first', `must be between 1 and ${MAX_PAGE}`);
  const f = filter ?? {};
  const subjectType = text('filter.subjectType', f.subjectType, { max: 60 });
  const subjectId = text('filter.subjectId', f.subjectId, { max: 100 });
  const from = instant('filter.from', f.from);
  const to = instant('filter.to', f.to);
  const after = decodeCursor(page.after);
  const filters = (params: SqlParams) => [
    ...(f.action ? [`e.action = ${params.add(f.action)}`] : []),
    ...(subjectType ? [`e.subject_type = ${params.add(subjectType)}`] : []),
    ...(subjectId ? [eventsAboutSql(params.add(subjectId))] : []),
    ...(from ? [`e.at >= ${params.add(from)}::timestamptz`] : []),
    ...(to ? [`e.at < ${params.add(to)}::timestamptz`] : []),
  ];
  const filterFields = [
    ...(f.action ? ['action'] : []),
    ...(subjectType ? ['subjectType'] : []),
    ...(subjectId ? ['subjectId', 'records'] : []),
    ...(from || to ? ['at'] : []),
  ];
  // The page (keyset on seq); the total under the filter without the cursor is counted if asked for.
  const { rows } = await selectVisible(ctx, auditEvents, {
    where: (p) => [...filters(p), ...(after ? [`e.seq < ${p.add(after)}::bigint`] : [])],
    filterFields,
    orderBy: 'e.seq DESC',
    limit: page.first + 1,
  });
  const more = rows.length > page.first;
  const nodes = projectAll(ctx, rows.slice(0, page.first)) as unknown as AuditEventType[];
  const last = nodes[nodes.length - 1];
  return connectionPage(nodes, { hasNextPage: more, endCursor: last ? encodeCursor(last.seq) : undefined }, () =>
    countVisible(ctx, auditEvents, { where: filters, filterFields }),
  );
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
