import type { PolicyRecord } from '../../policies/subjects';
import { appendAudit } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import { badInput, notFound } from '../kernel/errors';
import { requestHash, requiredIdempotencyKey, submitOnce } from '../kernel/idempotency';
import { assertCanCreate, mayReadAny, projectAll, projectOne } from '../kernel/policy';
import { findVisible, getVisible, selectVisible, type SubjectTable } from '../kernel/repository';
import { isoDate, isUuid, period, text } from '../kernel/validate';
import { reportTable } from './report.service';
import type { ReportFeedbackInput } from './report.type';

export const feedbackTable: SubjectTable = {
  subject: 'ReportFeedback',
  table: 'products.feedback',
  alias: 'f',
  columns: `f.id, f.report_id AS "reportId", f.agency_id AS "agencyId", f.useful, f.safeguarded_persons AS "safeguardedPersons", f.arrests,
    f.accounts_closed AS "accountsClosed", f.adverts_disrupted AS "advertsDisrupted", f.note, f.created_at AS "createdAt"`,
  attributes: () => ({ agencyId: () => 'f.agency_id' }),
  map: (row) => ({ __typename: 'ReportFeedback', ...row }) as PolicyRecord,
};

const OUTCOMES = ['safeguardedPersons', 'arrests', 'accountsClosed', 'advertsDisrupted'] as const;

/**
 * A recipient says whether a report was useful and what came of it (persons safeguarded, arrests,
 * accounts closed, adverts disrupted). Only on a report addressed to its agency (else NOT_FOUND);
 * idempotent on the key; audited as collected by the agency and disclosed to the hub that published it.
 */
export async function recordFeedback(ctx: RequestContext, reportId: string, input: ReportFeedbackInput): Promise<Record<string, unknown>> {
  const key = requiredIdempotencyKey('input.idempotencyKey', input.idempotencyKey);
  assertCanCreate(ctx, { __typename: 'ReportFeedback', agencyId: ctx.actor.agencyId });
  const outcomes = Object.fromEntries(
    OUTCOMES.map((o) => {
      const n = input[o] ?? 0;
      if (!Number.isInteger(n) || n < 0 || n > 100000) throw badInput(`input.${o}`, 'must be a whole number from 0 to 100000');
      return [o, n];
    }),
  ) as Record<(typeof OUTCOMES)[number], number>;
  const note = text('input.note', input.note, { max: 2000 });
  const report = await findVisible(ctx, reportTable, reportId);
  if (!report) throw notFound('IntelligenceReport');
  const id = await submitOnce(ctx, {
    table: 'products.feedback',
    ownerColumn: 'agency_id',
    subject: 'feedback',
    key,
    hash: requestHash({ ...input, reportId } as { idempotencyKey: string }),
    insert: async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO products.feedback (report_id, agency_id, user_id, useful, safeguarded_persons, arrests, accounts_closed, adverts_disrupted, note, idempotency_key, request_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [
          report.id,
          ctx.actor.agencyId,
          ctx.actor.userId,
          input.useful,
          outcomes.safeguardedPersons,
          outcomes.arrests,
          outcomes.accountsClosed,
          outcomes.advertsDisrupted,
          note,
          key,
          requestHash({ ...input, reportId } as { idempotencyKey: string }),
        ],
      );
      const fields = ['useful', ...OUTCOMES.filter((o) => outcomes[o] > 0), ...(note ? ['note'] : [])];
      await appendAudit(tx, ctx, [
        { action: 'COLLECT', subjectType: 'ReportFeedback', subjectId: row!.id, recordOwnerAgencyId: ctx.actor.agencyId, fields },
        {
          action: 'DISCLOSE',
          subjectType: 'ReportFeedback',
          subjectId: row!.id,
          recordOwnerAgencyId: ctx.actor.agencyId,
          recipients: [report.ownerAgencyId as string],
          fields,
        },
      ]);
      return row!.id;
    },
  });
  return getVisible(ctx, feedbackTable, id);
}

/** The caller's agency's own feedback, newest first, on one report or all. */
export async function ownFeedback(ctx: RequestContext, reportId: string | undefined) {
  if (reportId !== undefined && !isUuid(reportId)) throw badInput('reportId', 'must be an id');
  const { rows } = await selectVisible(ctx, feedbackTable, {
    where: (p) => [`f.agency_id = ${p.add(ctx.actor.agencyId)}`, ...(reportId ? [`f.report_id = ${p.add(reportId)}`] : [])],
    orderBy: 'f.created_at DESC, f.id',
    limit: 1000,
  });
  return projectAll(ctx, rows);
}

/** The hub's totals: feedback summed per report and quarter (products.feedback_totals names no agency). Empty for everyone else. */
export async function feedbackSummary(ctx: RequestContext, from: string, to: string) {
  const start = isoDate('from', from)!;
  const end = isoDate('to', to)!;
  period('to', start, end);
  if (!mayReadAny(ctx, 'ReportFeedbackSummary')) return [];
  const rows = await ctx.db.query<Record<string, unknown>>(
    `SELECT report_id::text AS "reportId", quarter, feedback_count AS "feedbackCount", useful_count AS "usefulCount", safeguarded_persons AS "safeguardedPersons",
       arrests, accounts_closed AS "accountsClosed", adverts_disrupted AS "advertsDisrupted"
     FROM products.feedback_totals($1, $2)`,
    [start, end],
  );
  return rows.map((r) => projectOne(ctx, { __typename: 'ReportFeedbackSummary', ...r } as PolicyRecord));
}
