import { SqlParams } from '../../policies/sql';
import { beforeAdvertErased } from '../adverts/api';
import { confirmedFromNarrativeNote, eraseStatements } from '../entities/api';
import { appendAudit, ownRecordEvent } from '../kernel/audit';
import { erasePublicReport, lockPublicReportForReview, PUBLIC_REPORT_SUBJECT, reviewablePublicReportsSql, setPublicReportReviewDue } from '../intake/api';
import { beforeNarrativeErased } from '../narratives/api';
import { beforeTypologyErased } from '../typologies/api';
import type { PolicyRecord } from '../../policies/subjects';
import type { RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';
import { badInput, notFound } from '../kernel/errors';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanCreate, assertMayReadAny, permittedWhere, projectAll, projectOne, reaches } from '../kernel/policy';
import {
  followsOwnSourceSql,
  type MarkedRecordTable,
  type MarkedSubject,
  RECORDS,
  recordTable,
  RETENTION_CLASSES,
  retentionInterval,
  sourceTypeOf,
  STATEMENT_SUBJECTS,
} from '../kernel/records';
import { MARKED_SUBJECTS } from '../../policies/subjects';
import { findVisible, selectPage, type SubjectTable } from '../kernel/repository';
import { isoDate, isUuid, text } from '../kernel/validate';
import { recordErasures } from './erasure-audit';
import type { ReviewDecision, ReviewedSubject } from './governance.type';

/**
 * Retention review (MoPI-style): each record has a review-due date by its retention class
 * (services/kernel/records.ts); its owner lists what is due, and a supervisor decides to KEEP it
 * (with a reason; the next review is one class period from today) or to ERASE it (the record, its
 * parts and the statements its agency made on it go, in one transaction, with an erasure audit
 * event). Every decision is a row of `agencies.retention_reviews`, never with the record's content.
 */

export const REASON_MAX = 2000;

/** Parts of a subject: tables whose rows belong to one of its records (persons and events of a case). */
function partsOf(subject: MarkedSubject): MarkedRecordTable[] {
  return Object.values(RECORDS).filter((r) => r.follows?.kind === 'parent' && r.follows.subject === subject);
}

/**
 * Work other schemas need before one of their records can go, where a foreign key would refuse the
 * delete: the owning teams may replace these with ON DELETE rules in their own migrations.
 */
const BEFORE_ERASE: Partial<Record<MarkedSubject, (tx: Sql, id: string) => Promise<unknown>>> = {
  // A report keeps its facts; its pointer to the erased typology goes.
  Typology: beforeTypologyErased,
  // The log of consent withdrawals refers to the narrative by a foreign key; the erasure's own review row and audit event replace it.
  Narrative: beforeNarrativeErased,
  // Leads rest on adverts by id: those resting on the erased advert go, to be computed again from what remains.
  Advert: beforeAdvertErased,
};

/** The subjects reviewed on their own: everything but parts (statements only when not following an own source). */
const REVIEWED_SUBJECTS = MARKED_SUBJECTS.filter((s) => RECORDS[s].follows?.kind !== 'parent');

function assertReviewable(field: string, subject: string): MarkedRecordTable {
  const t = recordTable(subject);
  if (!t) throw badInput(field, 'is not a kind of record that is reviewed');
  if (t.follows?.kind === 'parent') throw badInput(field, `${subject} records follow their ${t.follows.subject}: review the ${t.follows.subject}`);
  return t;
}

const SEE_DENIED = 'Only contributors and supervisors of an intelligence-holding agency see retention reviews';

/** The retention class of a triaged public report's text (services/intake). */
const PUBLIC_REPORT_RETENTION = 'PUBLIC_REPORT' as const;

/**
 * The records due for review as a policy subject (ReviewableRecord): the union of the reviewed
 * tables, each confined to the records that reach the caller (reach, as for any read: a RED record
 * only its named users), and, with `publicReports`, the public reports triaged by the caller's agency
 * (the intake subgraph's SQL; row-level security lets only the hub's analysts read them); the
 * ReviewableRecord rules then keep the caller's agency's own.
 */
function reviewableRecords(ctx: RequestContext, subjects: readonly MarkedSubject[], due: string, params: SqlParams, publicReports: boolean): SubjectTable {
  const marked = subjects.map((s) => {
    const t = RECORDS[s];
    const standalone = STATEMENT_SUBJECTS.includes(s) ? ` AND NOT ${followsOwnSourceSql('r')}` : '';
    return `SELECT '${s}'::text AS subject_type, r.id, r.marking, r.owner_agency_id, r.review_due, r.created_at
      FROM ${t.table} r WHERE r.review_due <= ${due}::date AND ${reaches(ctx, 'r', t.grantsTable, params)}${standalone}`;
  });
  const selects = publicReports ? [...marked, reviewablePublicReportsSql(due)] : marked;
  return {
    subject: 'ReviewableRecord',
    table: `(${selects.join(' UNION ALL ')})`,
    alias: 'd',
    columns: `d.subject_type AS "subjectType", d.id, d.marking, d.review_due::text AS "reviewDue", d.created_at AS "createdAt"`,
    attributes: () => ({ ownerAgencyId: () => 'd.owner_agency_id' }),
    map: (row) => {
      const subject = row.subjectType as ReviewedSubject;
      const retention = subject === PUBLIC_REPORT_SUBJECT ? PUBLIC_REPORT_RETENTION : RECORDS[subject].retention;
      return Object.assign(row, {
        __typename: 'ReviewableRecord' as const,
        retentionClass: retention,
        reviewPeriodYears: RETENTION_CLASSES[retention].years,
      }) as PolicyRecord;
    },
  };
}

export async function recordsDueForReview(ctx: RequestContext, subjectType: ReviewedSubject | undefined, before: string | undefined, page: PageArgs) {
  assertMayReadAny(ctx, 'ReviewableRecord', SEE_DENIED);
  const window = pageWindow(page);
  const publicReports = subjectType === undefined || subjectType === PUBLIC_REPORT_SUBJECT;
  const subjects = subjectType === undefined ? REVIEWED_SUBJECTS : publicReports ? [] : [assertReviewable('subjectType', subjectType).subject];
  const params = new SqlParams();
  const due = params.add(isoDate('before', before) ?? new Date().toISOString().slice(0, 10));
  const { rows, ...rest } = await selectPage(ctx, reviewableRecords(ctx, subjects, due, params, publicReports), window, {
    params,
    orderBy: 'd.review_due, d.subject_type, d.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

const REVIEW_COLUMNS = `v.id, v.subject_type AS "subjectType", v.record_id AS "recordId", v.decision, v.reason, v.reviewed_by_user_id AS "reviewedByUserId",
  v.reviewed_at AS "reviewedAt", v.previous_review_due::text AS "previousReviewDue", v.next_review_due::text AS "nextReviewDue", v.erased_record_count AS "erasedRecordCount"`;

/** Retention decisions as a policy subject: an agency's own, for its contributors and supervisors. */
const retentionReviews: SubjectTable = {
  subject: 'RetentionReview',
  table: 'agencies.retention_reviews',
  alias: 'v',
  columns: REVIEW_COLUMNS,
  attributes: () => ({ agencyId: () => 'v.agency_id' }),
  map: (row) => Object.assign(row, { __typename: 'RetentionReview' as const }) as PolicyRecord,
};

export async function listRetentionReviews(ctx: RequestContext, recordId: string | undefined, page: PageArgs) {
  assertMayReadAny(ctx, 'RetentionReview', SEE_DENIED);
  const window = pageWindow(page);
  if (recordId !== undefined && !isUuid(recordId)) return toPage([], 0, window);
  const { rows, ...rest } = await selectPage(ctx, retentionReviews, window, {
    where: (p) => (recordId ? [`v.record_id = ${p.add(recordId)}`] : []),
    filterFields: recordId ? ['recordId'] : [],
    orderBy: 'v.reviewed_at DESC, v.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

/** Ids of the statements (observations, links) the owner made on a source record, or about its parts. */
async function ownStatementsOn(
  tx: Sql,
  ctx: RequestContext,
  subject: MarkedSubject,
  id: string,
  partIds: string[],
): Promise<Array<{ subject: MarkedSubject; id: string }>> {
  const sourceType = sourceTypeOf(subject);
  const out: Array<{ subject: MarkedSubject; id: string }> = [];
  for (const s of STATEMENT_SUBJECTS) {
    const params = new SqlParams([ctx.actor.agencyId]);
    const conditions: string[] = [];
    if (sourceType) conditions.push(`(source_type = '${sourceType}' AND source_id = ${params.add(id)})`);
    // An identifier confirmed from a narrative is also placed in the narrative's case (entities'
    // confirmedFromNarrativeNote): it came from the survivor's account and goes with it.
    if (subject === 'Narrative' && s === 'Observation') conditions.push(`(source_type = 'CASE' AND note = ${params.add(confirmedFromNarrativeNote(id))})`);
    // A link naming one of the erased persons would point at nothing.
    if (s === 'Link' && partIds.length) {
      const persons = params.add(partIds);
      conditions.push(`from_person_id = ANY(${persons}::uuid[]) OR to_person_id = ANY(${persons}::uuid[])`);
    }
    if (!conditions.length) continue;
    const rows = await tx.query<{ id: string }>(
      `SELECT id FROM ${RECORDS[s].table} WHERE owner_agency_id = $1 AND (${conditions.join(' OR ')}) FOR UPDATE`,
      params.values,
    );
    out.push(...rows.map((r) => ({ subject: s, id: r.id })));
  }
  return out;
}

/**
 * KEEP (a reason is required): the next review is one class period from today, for the record and
 * everything that follows it. ERASE: the record, its parts, the statements its agency made on it, and
 * every grant on them are deleted, with an erasure audit event per record, in one transaction.
 */
export async function reviewRecord(ctx: RequestContext, subjectType: ReviewedSubject, id: string, decision: ReviewDecision, reason: string | undefined) {
  assertCanCreate(ctx, { __typename: 'RetentionReview', agencyId: ctx.actor.agencyId });
  if (subjectType === PUBLIC_REPORT_SUBJECT) return reviewPublicReport(ctx, id, decision, reason);
  const t = assertReviewable('subjectType', subjectType);
  if (decision !== 'KEEP' && decision !== 'ERASE') throw badInput('decision', 'must be KEEP or ERASE');
  const why = text('reason', reason, { max: REASON_MAX, required: decision === 'KEEP' });
  if (!isUuid(id)) throw notFound(subjectType);

  const reviewId = await ctx.db.transaction(async (tx) => {
    // The record must reach the reviewer (reach, as any read) and the review be one the caller may
    // make: the RetentionReview create rule, whose agency is the record's owner.
    const params = new SqlParams([id]);
    const standalone = STATEMENT_SUBJECTS.includes(t.subject) ? `, ${followsOwnSourceSql('r')} AS "followsSource"` : '';
    const reviewable = permittedWhere(ctx, 'create', 'RetentionReview', { alias: 'r', attributes: { agencyId: () => 'r.owner_agency_id' } }, params);
    const [record] = await tx.query<{ reviewDue: string; followsSource?: boolean }>(
      `SELECT r.review_due::text AS "reviewDue"${standalone} FROM ${t.table} r
       WHERE r.id = $1 AND ${reaches(ctx, 'r', t.grantsTable, params)} AND (${reviewable}) FOR UPDATE`,
      params.values,
    );
    if (!record) throw notFound(subjectType);
    if (record.followsSource) throw badInput('subjectType', 'this statement follows the record it was made on: review that record');

    let next: string | null = null;
    let erasedRecords: Array<{ subject: MarkedSubject; id: string }> = [];
    let forgottenEntities: string[] = [];
    const kept: Array<{ subject: MarkedSubject; id: string }> = [];
    if (decision === 'KEEP') {
      const [row] = await tx.query<{ next: string }>(`SELECT (current_date + interval '${retentionInterval(t.retention)}')::date::text AS next`);
      next = row!.next;
      // Each UPDATE answers the ids it changed (through a CTE: a bare UPDATE ... RETURNING comes back as [rows, count]).
      const update = async (subject: MarkedSubject, sql: string, params: unknown[]) => {
        const rows = await tx.query<{ id: string }>(`WITH u AS (${sql} RETURNING id) SELECT id FROM u`, params);
        kept.push(...rows.map((r) => ({ subject, id: r.id })));
      };
      await update(t.subject, `UPDATE ${t.table} SET review_due = $2 WHERE id = $1`, [id, next]);
      for (const part of partsOf(t.subject)) {
        if (part.follows?.kind !== 'parent') continue;
        await update(part.subject, `UPDATE ${part.table} SET review_due = $2 WHERE ${part.follows.column} = $1`, [id, next]);
      }
      const sourceType = sourceTypeOf(t.subject);
      if (sourceType) {
        for (const s of STATEMENT_SUBJECTS) {
          await update(s, `UPDATE ${RECORDS[s].table} SET review_due = $3 WHERE owner_agency_id = $1 AND source_type = '${sourceType}' AND source_id = $2`, [
            ctx.actor.agencyId,
            id,
            next,
          ]);
        }
      }
    } else {
      const parts: Array<{ subject: MarkedSubject; id: string }> = [];
      for (const part of partsOf(t.subject)) {
        if (part.follows?.kind !== 'parent') continue;
        const rows = await tx.query<{ id: string }>(`SELECT id FROM ${part.table} WHERE ${part.follows.column} = $1 FOR UPDATE`, [id]);
        parts.push(...rows.map((r) => ({ subject: part.subject, id: r.id })));
      }
      const statements = await ownStatementsOn(
        tx,
        ctx,
        t.subject,
        id,
        parts.filter((p) => p.subject === 'Person').map((p) => p.id),
      );
      const all = [{ subject: t.subject, id }, ...parts, ...statements];
      // Grants on anything erased go with it (they would otherwise outlive their record).
      const byGrantsTable = new Map<string, string[]>();
      for (const r of all) byGrantsTable.set(RECORDS[r.subject].grantsTable, [...(byGrantsTable.get(RECORDS[r.subject].grantsTable) ?? []), r.id]);
      for (const [table, ids] of byGrantsTable) await tx.query(`DELETE FROM ${table} WHERE record_id = ANY($1::uuid[])`, [ids]);
      await tx.query('DELETE FROM agencies.access_request_grants WHERE record_id = ANY($1::uuid[])', [all.map((r) => r.id)]);
      // Statements (the reviewed one too, when a statement is reviewed on its own) go through the
      // entities module, which also deletes the entities nothing else names any more.
      const statementIds = (s: MarkedSubject) => all.filter((x) => x.subject === s).map((x) => x.id);
      const erasedStatements = await eraseStatements(tx, { observations: statementIds('Observation'), links: statementIds('Link') });
      forgottenEntities = erasedStatements.entities;
      await BEFORE_ERASE[t.subject]?.(tx, id);
      // Parts go by ON DELETE CASCADE; deleting them explicitly as well keeps this true if a cascade is ever dropped.
      for (const part of partsOf(t.subject)) {
        if (part.follows?.kind === 'parent') await tx.query(`DELETE FROM ${part.table} WHERE ${part.follows.column} = $1`, [id]);
      }
      const [deleted] = STATEMENT_SUBJECTS.includes(t.subject)
        ? [{ n: [...erasedStatements.observations, ...erasedStatements.links].filter((x) => x === id).length }]
        : await tx.query<{ n: number }>(
            `WITH d AS (DELETE FROM ${t.table} WHERE id = $1 AND owner_agency_id = $2 RETURNING 1) SELECT count(*)::int AS n FROM d`,
            [id, ctx.actor.agencyId],
          );
      if (deleted?.n !== 1) throw new Error(`Erasure of ${subjectType} ${id} deleted ${deleted?.n} rows`);
      erasedRecords = all;
    }
    const [review] = await tx.query<{ id: string }>(
      `INSERT INTO agencies.retention_reviews (agency_id, subject_type, record_id, decision, reason, reviewed_by_user_id, previous_review_due, next_review_due, erased_record_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [ctx.actor.agencyId, t.subject, id, decision, why, ctx.actor.userId, record.reviewDue, next, erasedRecords.length],
    );
    // The audit events, as the transaction's last statement: ALTER (the review date) of every record
    // kept, or ERASE of every record erased and every entity forgotten with them.
    if (kept.length)
      await appendAudit(
        tx,
        ctx,
        kept.map((r) => ownRecordEvent(ctx, 'ALTER', r.subject, r.id, ['reviewDue'])),
      );
    if (erasedRecords.length)
      await recordErasures(
        tx,
        ctx,
        erasedRecords.map((r) => ({ subjectType: r.subject, id: r.id })),
        forgottenEntities,
      );
    return review!.id;
  });
  ctx.log.info({ op: 'reviewRecord', subjectType, recordId: id, decision }, 'retention review recorded');
  const row = await findVisible(ctx, retentionReviews, reviewId);
  if (!row) throw new Error(`Retention review ${reviewId} does not reach the supervisor who made it`);
  return projectOne(ctx, row);
}

/**
 * A triaged public report's review, by the agency that triaged it (row-level security: the hub's
 * analysts): KEEP sets its next review one PUBLIC_REPORT period from today; ERASE deletes the report
 * with its photos, additions and triage decision (what it led to, a case, keeps its own retention).
 * The review row and the audit event are written in the same transaction.
 */
async function reviewPublicReport(ctx: RequestContext, id: string, decision: ReviewDecision, reason: string | undefined) {
  if (decision !== 'KEEP' && decision !== 'ERASE') throw badInput('decision', 'must be KEEP or ERASE');
  const why = text('reason', reason, { max: REASON_MAX, required: decision === 'KEEP' });
  if (!isUuid(id)) throw notFound(PUBLIC_REPORT_SUBJECT);
  const reviewId = await ctx.db.transaction(async (tx) => {
    const report = await lockPublicReportForReview(tx, ctx, id);
    if (!report) throw notFound(PUBLIC_REPORT_SUBJECT);
    let next: string | null = null;
    if (decision === 'KEEP') {
      const [row] = await tx.query<{ next: string }>(`SELECT (current_date + interval '${retentionInterval(PUBLIC_REPORT_RETENTION)}')::date::text AS next`);
      next = row!.next;
      await setPublicReportReviewDue(tx, id, next);
    } else {
      await erasePublicReport(tx, id);
    }
    const [review] = await tx.query<{ id: string }>(
      `INSERT INTO agencies.retention_reviews (agency_id, subject_type, record_id, decision, reason, reviewed_by_user_id, previous_review_due, next_review_due, erased_record_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [ctx.actor.agencyId, PUBLIC_REPORT_SUBJECT, id, decision, why, ctx.actor.userId, report.reviewDue, next, decision === 'ERASE' ? 1 : 0],
    );
    if (decision === 'KEEP') await appendAudit(tx, ctx, [ownRecordEvent(ctx, 'ALTER', PUBLIC_REPORT_SUBJECT, id, ['reviewDue'])]);
    else await recordErasures(tx, ctx, [{ subjectType: PUBLIC_REPORT_SUBJECT, id }]);
    return review!.id;
  });
  ctx.log.info({ op: 'reviewRecord', subjectType: PUBLIC_REPORT_SUBJECT, recordId: id, decision }, 'retention review recorded');
  const row = await findVisible(ctx, retentionReviews, reviewId);
  if (!row) throw new Error(`Retention review ${reviewId} does not reach the supervisor who made it`);
  return projectOne(ctx, row);
}
