import type { Actor, AgencyType, Role } from '../../policies/actor';
import { defineAbilityFor } from '../../policies/ability';
import { REDACTED } from '../../policies/enforce';
import { SqlParams } from '../../policies/sql';
import { entityIdsSql } from '../entities/api';
import { appendAudit, type AuditEventInput, ownRecordEvent, PERSONAL_FIELDS } from '../kernel/audit';
import type { PolicyRecord } from '../../policies/subjects';
import type { RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';
import { badInput, conflict, notFound } from '../kernel/errors';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanCreate, assertMayReadAny, permittedWhere, projectAll, projectOne } from '../kernel/policy';
import { allGrantsSql, GRANTS_TABLES, type MarkedSubject, RECORDS, recordTable, SOURCE_SUBJECTS, type SourceTypeName } from '../kernel/records';
import { findVisible, selectPage, selectVisible, type SubjectTable, visibleLoader } from '../kernel/repository';
import { isUuid, text } from '../kernel/validate';
import { countryOf, normaliseIdentifier } from '../kernel/identifier';
import type { AccessRequestDirection, AccessRequestStatus, CandidateVia, GrantDirection, RecordRefInput, RequestAccessInput } from './governance.type';

/**
 * Access requests (layer 3 of the access model): after a hit/no-hit answer an agency asks the holder
 * for the records behind it, stating its purpose; the holder grants some of its own records for a
 * limited time, or refuses. A grant is a row in the record's `<schema>.grants` table, which the reach
 * predicate (policies/reach.ts) reads on every query: expiry and revocation need no job to take effect.
 */

export const PURPOSE_MIN = 10;
export const PURPOSE_MAX = 2000;
export const MAX_GRANT_DAYS = 180;
export const MAX_RECORDS_PER_GRANT = 50;
const DAY_MS = 86_400_000;

export interface AccessRequestRow {
  id: string;
  requesterAgencyId: string;
  targetAgencyId: string;
  kind: string;
  value: string;
  purpose: string;
  status: AccessRequestStatus;
  createdAt: Date;
  decidedAt: Date | null;
  refusalReason: string | null;
}

export interface AccessGrantRow {
  id: string;
  requestId: string;
  subjectType: MarkedSubject;
  recordId: string;
  grantorAgencyId: string;
  granteeAgencyId: string;
  purpose: string;
  expiresAt: Date;
  revokedAt: Date | null;
  createdAt: Date;
  active: boolean;
}

const REQUEST_COLUMNS = `r.id, r.requester_agency_id AS "requesterAgencyId", r.target_agency_id AS "targetAgencyId",
  r.identifier_kind AS kind, r.identifier_value AS value, r.purpose, r.status, r.created_at AS "createdAt",
  r.decided_at AS "decidedAt", r.refusal_reason AS "refusalReason"`;

/**
 * Access requests as a policy subject: a request reaches the two agencies it is between (the
 * AccessRequest rules in policies/agency-types/common.ts), and `candidates` only its target.
 */
const accessRequests: SubjectTable = {
  subject: 'AccessRequest',
  table: 'agencies.access_requests',
  alias: 'r',
  columns: REQUEST_COLUMNS,
  attributes: () => ({ requesterAgencyId: () => 'r.requester_agency_id', targetAgencyId: () => 'r.target_agency_id' }),
  map: (row) => toRequest(row as unknown as AccessRequestRow),
};

/** Grants as a policy subject: a grant reaches its grantor and its grantee. */
const accessGrants: SubjectTable = {
  subject: 'AccessGrant',
  table: `(SELECT l.grant_id AS id, l.request_id, l.subject_type, l.record_id, l.grantor_agency_id, l.grantee_agency_id, l.grants_table,
      l.created_at AS linked_at, g.purpose, g.expires_at, g.revoked_at, g.created_at
    FROM agencies.access_request_grants l JOIN ${allGrantsSql()} g ON g.id = l.grant_id AND g.grants_table = l.grants_table)`,
  alias: 'ag',
  columns: `ag.id, ag.request_id AS "requestId", ag.subject_type AS "subjectType", ag.record_id AS "recordId",
    ag.grantor_agency_id AS "grantorAgencyId", ag.grantee_agency_id AS "granteeAgencyId", ag.purpose, ag.expires_at AS "expiresAt",
    ag.revoked_at AS "revokedAt", ag.created_at AS "createdAt", (ag.revoked_at IS NULL AND ag.expires_at > now()) AS active`,
  attributes: () => ({ grantorAgencyId: () => 'ag.grantor_agency_id', granteeAgencyId: () => 'ag.grantee_agency_id' }),
  map: (row) => Object.assign(row, { __typename: 'AccessGrant' as const }) as PolicyRecord,
};

/** The GraphQL shape of a request row; agencies resolve through the directory, `candidates` in its resolver. */
function toRequest(row: AccessRequestRow) {
  return {
    ...row,
    __typename: 'AccessRequest' as const,
    identifier: { kind: row.kind, value: row.value },
    candidates: null,
  };
}
export type AccessRequestResult = ReturnType<typeof toRequest>;

// ---- asking -------------------------------------------------------------------------------------

export async function requestAccess(ctx: RequestContext, input: RequestAccessInput) {
  assertCanCreate(ctx, { __typename: 'AccessRequest', requesterAgencyId: ctx.actor.agencyId, targetAgencyId: input.toAgencyId });
  if (!isUuid(input.toAgencyId)) throw badInput('input.toAgencyId', 'no such agency');
  const purpose = text('input.purpose', input.purpose, { max: PURPOSE_MAX, required: true })!;
  if (purpose.length < PURPOSE_MIN) throw badInput('input.purpose', `must say why, in at least ${PURPOSE_MIN} characters`);
  const country = countryOf(input.identifier.country, ctx.actor.country, 'input.identifier.country');
  const value = normaliseIdentifier(input.identifier.kind, input.identifier.value, 'input.identifier.value', country);

  const [target] = await ctx.db.query<{ id: string; type: string; accepts: boolean }>(
    'SELECT id, type, accepts_access_requests AS accepts FROM agencies.agencies WHERE id = $1',
    [input.toAgencyId],
  );
  // The directory is open to every member: naming why an agency cannot be asked reveals nothing.
  if (!target) throw badInput('input.toAgencyId', 'no such agency');
  if (target.id === ctx.actor.agencyId) throw badInput('input.toAgencyId', 'is your own agency: its records already reach you');
  if (target.type === 'HUB_ADMIN') throw badInput('input.toAgencyId', 'holds no intelligence');
  if (!target.accepts) throw badInput('input.toAgencyId', 'does not accept access requests');

  let id: string;
  try {
    id = await ctx.db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO agencies.access_requests (requester_agency_id, requested_by_user_id, target_agency_id, identifier_kind, identifier_value, purpose)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [ctx.actor.agencyId, ctx.actor.userId, target.id, input.identifier.kind, value, purpose],
      );
      await appendAudit(tx, ctx, [ownRecordEvent(ctx, 'COLLECT', 'AccessRequest', row!.id, ['targetAgency', 'identifier', 'purpose'])]);
      return row!.id;
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw conflict('Your agency already has a pending request to this agency for this identifier');
    throw err;
  }
  ctx.log.info({ op: 'requestAccess', accessRequestId: id, targetAgencyId: target.id }, 'access requested');
  return getAccessRequest(ctx, id);
}

// ---- reading ------------------------------------------------------------------------------------

const READ_DENIED = 'Only contributors and supervisors of an intelligence-holding agency handle access requests';

/** A request reaches the two agencies it is between, and no one else: NOT_FOUND otherwise. */
export async function getAccessRequest(ctx: RequestContext, id: string): Promise<Record<string, unknown>> {
  assertMayReadAny(ctx, 'AccessRequest', READ_DENIED);
  const row = await findVisible(ctx, accessRequests, id);
  if (!row) throw notFound('AccessRequest');
  return projectOne(ctx, row);
}

export async function listAccessRequests(
  ctx: RequestContext,
  direction: AccessRequestDirection | undefined,
  status: AccessRequestStatus | undefined,
  page: PageArgs,
) {
  assertMayReadAny(ctx, 'AccessRequest', READ_DENIED);
  const window = pageWindow(page);
  const { rows, ...rest } = await selectPage(ctx, accessRequests, window, {
    where: (p) => [
      ...(direction === 'INCOMING' ? [`r.target_agency_id = ${p.add(ctx.actor.agencyId)}`] : []),
      ...(direction === 'OUTGOING' ? [`r.requester_agency_id = ${p.add(ctx.actor.agencyId)}`] : []),
      ...(status ? [`r.status = ${p.add(status)}`] : []),
    ],
    filterFields: status ? ['status'] : [],
    orderBy: 'r.created_at DESC, r.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

/** `AccessRequest.grants`: the request's grants the caller may read, one statement per batch of requests. */
export async function grantsOfRequest(ctx: RequestContext, requestId: string) {
  return projectAll(ctx, await visibleLoader(ctx, accessGrants, 'request_id', 'ag.linked_at, ag.subject_type, ag.record_id').load(requestId));
}

export async function listGrants(ctx: RequestContext, direction: GrantDirection, activeOnly: boolean) {
  assertMayReadAny(ctx, 'AccessGrant', READ_DENIED);
  const { rows } = await selectVisible(ctx, accessGrants, {
    where: (p) => [
      `${direction === 'GIVEN' ? 'ag.grantor_agency_id' : 'ag.grantee_agency_id'} = ${p.add(ctx.actor.agencyId)}`,
      ...(activeOnly ? ['ag.revoked_at IS NULL AND ag.expires_at > now()'] : []),
    ],
    orderBy: 'ag.created_at DESC, ag.id',
    limit: 500,
  });
  return projectAll(ctx, rows);
}

/**
 * The owner's own records that mention the requested identifier, for it to choose what to grant:
 * its observations of the entity, the records those were made on, its links touching the entity and
 * the persons at their ends, and the persons of the cases found. Its own data only, so nothing leaks;
 * RED records are left out (they cannot be granted), and so is every record the requester's agency
 * type would still not read once granted (its policy in policies/agency-types decides, with the
 * record's owner, marking and, for a person, role): a bank reads no observation or link of another
 * agency, nor a victim, whatever a grant says. For the requester the field is FORBIDDEN_FIELD.
 */
export async function candidatesFor(ctx: RequestContext, projected: Record<string, unknown>, request: AccessRequestRow) {
  if (projected.candidates === REDACTED) return REDACTED;
  const params = new SqlParams();
  const a = params.add(ctx.actor.agencyId);
  const kind = params.add(request.kind);
  const value = params.add(request.value);
  const sources = (Object.keys(SOURCE_SUBJECTS) as SourceTypeName[]).map((type) => {
    const subject = SOURCE_SUBJECTS[type];
    return `SELECT '${subject}'::text, s.id, s.marking, 'SOURCE_RECORD'::text, 2, NULL::text FROM ${RECORDS[subject].table} s
      WHERE s.owner_agency_id = ${a} AND s.id IN (SELECT source_id FROM obs WHERE source_type = '${type}')`;
  });
  const rows = await ctx.db.query<{ subjectType: MarkedSubject; id: string; marking: string; via: CandidateVia; role: string | null }>(
    `WITH e AS (${entityIdsSql(kind, value)}),
     obs AS (SELECT o.id, o.marking, o.source_type, o.source_id FROM ${RECORDS.Observation.table} o
       WHERE o.owner_agency_id = ${a} AND o.entity_id IN (SELECT id FROM e)),
     lnk AS (SELECT l.id, l.marking, l.from_person_id, l.to_person_id FROM ${RECORDS.Link.table} l
       WHERE l.owner_agency_id = ${a} AND (l.from_entity_id IN (SELECT id FROM e) OR l.to_entity_id IN (SELECT id FROM e))),
     cand (subject, id, marking, via, rank, role) AS (
       SELECT 'Observation'::text, id, marking, 'OBSERVATION'::text, 1, NULL::text FROM obs
       UNION ALL ${sources.join(' UNION ALL ')}
       UNION ALL SELECT 'Link', id, marking, 'LINK', 3, NULL FROM lnk
       UNION ALL SELECT 'Person', p.id, p.marking, 'LINKED_PERSON', 4, p.role FROM ${RECORDS.Person.table} p
         WHERE p.owner_agency_id = ${a} AND p.id IN (SELECT from_person_id FROM lnk UNION SELECT to_person_id FROM lnk)
       UNION ALL SELECT 'Person', p.id, p.marking, 'PERSON_OF_CASE', 5, p.role FROM ${RECORDS.Person.table} p
         WHERE p.owner_agency_id = ${a} AND p.case_id IN (SELECT source_id FROM obs WHERE source_type = 'CASE')
     )
     SELECT "subjectType", id, marking, via, role FROM (
       SELECT DISTINCT ON (subject, id) subject AS "subjectType", id, marking, via, rank, role FROM cand WHERE marking <> 'RED' ORDER BY subject, id, rank
     ) c ORDER BY rank, "subjectType", id`,
    params.values,
  );
  const grantee = defineAbilityFor(await requesterActor(ctx, request));
  return rows.filter((r) =>
    grantee.can('read', {
      __typename: r.subjectType,
      ownerAgencyId: ctx.actor.agencyId,
      marking: r.marking,
      viaGrant: true,
      ...(r.role ? { role: r.role } : {}),
    } as PolicyRecord),
  );
}

/** The person who asked, as the policies see them: their agency's type and country, their role. */
async function requesterActor(ctx: RequestContext, request: AccessRequestRow): Promise<Actor> {
  const [row] = await ctx.db.query<{ agencyType: AgencyType; country: string | null; role: Role }>(
    `SELECT a.type AS "agencyType", a.country, u.role FROM agencies.access_requests r
       JOIN agencies.agencies a ON a.id = r.requester_agency_id JOIN agencies.users u ON u.id = r.requested_by_user_id WHERE r.id = $1`,
    [request.id],
  );
  if (!row) throw notFound('AccessRequest');
  return { userId: '', agencyId: request.requesterAgencyId, agencyType: row.agencyType, role: row.role, groupIds: [], country: row.country ?? undefined };
}

// ---- answering ----------------------------------------------------------------------------------

/** A request the caller may answer (one addressed to its agency), locked for this transaction; NOT_FOUND otherwise. */
async function lockIncoming(tx: Sql, ctx: RequestContext, id: string): Promise<AccessRequestRow> {
  if (!isUuid(id)) throw notFound('AccessRequest');
  const params = new SqlParams([id]);
  const answerable = permittedWhere(ctx, 'update', 'AccessRequest', { alias: 'r', attributes: accessRequests.attributes(ctx, params) }, params);
  const [row] = await tx.query<AccessRequestRow>(
    `SELECT ${REQUEST_COLUMNS} FROM agencies.access_requests r WHERE r.id = $1 AND (${answerable}) FOR UPDATE`,
    params.values,
  );
  if (!row) throw notFound('AccessRequest');
  if (row.status !== 'PENDING') throw conflict(`This access request was already answered (${row.status})`);
  return row;
}

/** The ALTER of a request its target answered: the request is the requester's record. */
function requestAnswered(request: AccessRequestRow, fields: string[]): AuditEventInput {
  return { action: 'ALTER', subjectType: 'AccessRequest', subjectId: request.id, recordOwnerAgencyId: request.requesterAgencyId, fields };
}

function validExpiry(expiresAt: Date): Date {
  const t = expiresAt instanceof Date ? expiresAt.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw badInput('expiresAt', 'must be a date-time');
  if (t <= Date.now()) throw badInput('expiresAt', 'must be in the future');
  if (t > Date.now() + MAX_GRANT_DAYS * DAY_MS) throw badInput('expiresAt', `must be at most ${MAX_GRANT_DAYS} days ahead`);
  return expiresAt;
}

/**
 * Grants the requester access to some of the caller's agency's own records until `expiresAt`, in
 * one transaction: every record is checked to be the agency's own and not RED (one answer for
 * "missing", "not yours" and "RED", so the check is no oracle), a grant row goes into each record's
 * grants table, and the request is marked GRANTED.
 */
export async function grantAccess(ctx: RequestContext, requestId: string, records: RecordRefInput[], expiresAt: Date) {
  if (!records.length) throw badInput('records', 'name at least one record');
  if (records.length > MAX_RECORDS_PER_GRANT) throw badInput('records', `name at most ${MAX_RECORDS_PER_GRANT} records`);
  const seen = new Set<string>();
  for (const [i, r] of records.entries()) {
    if (!recordTable(r.subjectType)) throw badInput(`records[${i}].subjectType`, 'is not a kind of record that can be granted');
    if (!isUuid(r.id)) throw badInput(`records[${i}].id`, 'must be a UUID');
    const key = `${r.subjectType}:${r.id.toLowerCase()}`;
    if (seen.has(key)) throw badInput(`records[${i}]`, 'is named twice');
    seen.add(key);
  }
  const expiry = validExpiry(expiresAt);

  await ctx.db.transaction(async (tx) => {
    const request = await lockIncoming(tx, ctx, requestId);
    // Ownership and marking, per table; FOR SHARE so a concurrent erasure waits for this grant.
    const bySubject = new Map<MarkedSubject, string[]>();
    for (const r of records) bySubject.set(r.subjectType, [...(bySubject.get(r.subjectType) ?? []), r.id.toLowerCase()]);
    const grantable = new Set<string>();
    // Granting access is the owner's change to its record: the rows the caller may update (its
    // agency's own, reaching it), never RED (RED reaches only named users, whatever a grant says).
    for (const [subject, ids] of bySubject) {
      const params = new SqlParams([ids]);
      const t = RECORDS[subject];
      const mayGrant = permittedWhere(
        ctx,
        'update',
        subject,
        { alias: 'r', attributes: { ownerAgencyId: () => 'r.owner_agency_id' }, grantsTable: t.grantsTable },
        params,
      );
      const rows = await tx.query<{ id: string }>(
        `SELECT r.id FROM ${t.table} r WHERE r.id = ANY($1::uuid[]) AND (${mayGrant}) AND r.marking <> 'RED' FOR SHARE OF r`,
        params.values,
      );
      for (const row of rows) grantable.add(`${subject}:${row.id}`);
    }
    for (const [i, r] of records.entries()) {
      if (!grantable.has(`${r.subjectType}:${r.id.toLowerCase()}`)) {
        throw badInput(`records[${i}]`, "is not a record your agency can grant: it must be your agency's own and not RED");
      }
    }
    const byGrantsTable = new Map<string, RecordRefInput[]>();
    for (const r of records) {
      const t = RECORDS[r.subjectType].grantsTable;
      byGrantsTable.set(t, [...(byGrantsTable.get(t) ?? []), r]);
    }
    for (const [table, refs] of byGrantsTable) {
      const inserted = await tx.query<{ id: string; record_id: string }>(
        `INSERT INTO ${table} (record_id, grantee_agency_id, granted_by_user_id, purpose, expires_at)
         SELECT rid, $2, $3, $4, $5 FROM unnest($1::uuid[]) AS rid RETURNING id, record_id`,
        [refs.map((r) => r.id.toLowerCase()), request.requesterAgencyId, ctx.actor.userId, request.purpose, expiry],
      );
      const subjectOf = new Map(refs.map((r) => [r.id.toLowerCase(), r.subjectType]));
      await tx.query(
        `INSERT INTO agencies.access_request_grants (grant_id, request_id, subject_type, record_id, grants_table, grantor_agency_id, grantee_agency_id)
         SELECT g.id, $1, g.subject, g.record_id, $2, $3, $4 FROM unnest($5::uuid[], $6::text[], $7::uuid[]) AS g(id, subject, record_id)`,
        [
          request.id,
          table,
          ctx.actor.agencyId,
          request.requesterAgencyId,
          inserted.map((g) => g.id),
          inserted.map((g) => subjectOf.get(g.record_id)!),
          inserted.map((g) => g.record_id),
        ],
      );
    }
    await tx.query(`UPDATE agencies.access_requests SET status = 'GRANTED', decided_by_user_id = $2, decided_at = now() WHERE id = $1`, [
      request.id,
      ctx.actor.userId,
    ]);
    // The request (the requester's) is answered; each granted record is disclosed to the requester,
    // naming the personal fields its subject carries (never their values).
    await appendAudit(tx, ctx, [
      requestAnswered(request, ['status']),
      ...records.map((r): AuditEventInput => ({
        action: 'DISCLOSE',
        subjectType: r.subjectType,
        subjectId: r.id.toLowerCase(),
        recordOwnerAgencyId: ctx.actor.agencyId,
        recipients: [request.requesterAgencyId],
        fields: PERSONAL_FIELDS[r.subjectType] ?? [],
      })),
    ]);
  });
  ctx.log.info({ op: 'grantAccess', accessRequestId: requestId, records: records.length, expiresAt: expiry.toISOString() }, 'access granted');
  return getAccessRequest(ctx, requestId);
}

export async function refuseAccess(ctx: RequestContext, requestId: string, reason: string) {
  const why = text('reason', reason, { max: PURPOSE_MAX, required: true })!;
  await ctx.db.transaction(async (tx) => {
    const request = await lockIncoming(tx, ctx, requestId);
    await tx.query(`UPDATE agencies.access_requests SET status = 'REFUSED', refusal_reason = $2, decided_by_user_id = $3, decided_at = now() WHERE id = $1`, [
      request.id,
      why,
      ctx.actor.userId,
    ]);
    await appendAudit(tx, ctx, [requestAnswered(request, ['status', 'refusalReason'])]);
  });
  ctx.log.info({ op: 'refuseAccess', accessRequestId: requestId }, 'access refused');
  return getAccessRequest(ctx, requestId);
}

/**
 * Ends a grant the caller's agency gave, now: the very next query of the grantee no longer reaches
 * the record. Revoking a grant already revoked changes nothing; one the agency did not give is NOT_FOUND.
 */
export async function revokeGrant(ctx: RequestContext, grantId: string) {
  if (!isUuid(grantId)) throw notFound('AccessGrant');
  const params = new SqlParams([grantId]);
  const revocable = permittedWhere(ctx, 'update', 'AccessGrant', { alias: 'ag', attributes: accessGrants.attributes(ctx, params) }, params);
  const [link] = await ctx.db.query<{ grantsTable: string }>(
    `SELECT ag.grants_table AS "grantsTable" FROM ${accessGrants.table} ag WHERE ag.id = $1 AND (${revocable})`,
    params.values,
  );
  if (!link) throw notFound('AccessGrant');
  if (!GRANTS_TABLES.includes(link.grantsTable)) throw new Error(`Unknown grants table ${link.grantsTable}`);
  await ctx.db.transaction(async (tx) => {
    const [revoked] = await tx.query<{ n: number }>(
      `WITH r AS (UPDATE ${link.grantsTable} SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING 1) SELECT count(*)::int AS n FROM r`,
      [grantId],
    );
    if (revoked?.n) await appendAudit(tx, ctx, [ownRecordEvent(ctx, 'ALTER', 'AccessGrant', grantId, ['revokedAt'])]);
  });
  ctx.log.info({ op: 'revokeGrant', grantId }, 'grant revoked');
  const row = await findVisible(ctx, accessGrants, grantId);
  if (!row) throw notFound('AccessGrant');
  return projectOne(ctx, row);
}
