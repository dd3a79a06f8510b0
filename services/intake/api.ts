import type { RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';

/**
 * What the intake subgraph offers the other subgraphs: the only module of services/intake/ they may
 * import (eslint.config.mjs).
 *
 * Retention review (services/agencies) reviews triaged public reports through these: a report's
 * text is kept under the PUBLIC_REPORT retention class, reviewed by the hub agency that triaged it.
 * Row-level security confines every statement to the hub's analysts.
 *
 * Counts of what came in per area, as record ids and days (never a report's or notification's
 * content), for aggregates that apply disclosure control (a campaign's indicators).
 */
export { AREA_RADIUS_KM, type CountedArea, type CountedRecord, foldPlace, notificationsByArea, publicReportsByArea } from './area-counts';

/** The subject name retention review gives a triaged public report. */
export const PUBLIC_REPORT_SUBJECT = 'PublicReport' as const;

/**
 * SQL of a subquery in the shape of retention review's reviewable records (subject_type, id,
 * marking, owner_agency_id, review_due, created_at): the triaged public reports due by `dueSql`
 * (a date expression), owned for review by the agency that decided them. A public report is not a
 * marked record; it reaches the hub's analysts only, which the list shows as AMBER_STRICT.
 */
export function reviewablePublicReportsSql(dueSql: string): string {
  return `SELECT '${PUBLIC_REPORT_SUBJECT}'::text AS subject_type, r.id, 'AMBER_STRICT'::text AS marking, d.agency_id AS owner_agency_id, r.review_due, r.received_at AS created_at
    FROM intake.public_reports r JOIN intake.triage_decisions d ON d.report_id = r.id WHERE r.review_due <= ${dueSql}::date`;
}

/** A triaged report the caller's agency decided, locked for its review: its review date, or undefined. */
export async function lockPublicReportForReview(tx: Sql, ctx: RequestContext, id: string): Promise<{ reviewDue: string } | undefined> {
  const [row] = await tx.query<{ reviewDue: string }>(
    `SELECT r.review_due::text AS "reviewDue" FROM intake.public_reports r JOIN intake.triage_decisions d ON d.report_id = r.id
     WHERE r.id = $1 AND d.agency_id = $2 FOR UPDATE OF r`,
    [id, ctx.actor.agencyId],
  );
  return row;
}

/** KEEP: the report's next review date. */
export async function setPublicReportReviewDue(tx: Sql, id: string, next: string): Promise<void> {
  await tx.query('UPDATE intake.public_reports SET review_due = $2 WHERE id = $1', [id, next]);
}

/** ERASE: the report, its photos, additions and triage decision (ON DELETE CASCADE); what it led to (a case) keeps its own retention. */
export async function erasePublicReport(tx: Sql, id: string): Promise<void> {
  const rows = await tx.query<{ id: string }>('WITH d AS (DELETE FROM intake.public_reports WHERE id = $1 RETURNING id) SELECT id FROM d', [id]);
  if (rows.length !== 1) throw new Error(`Erasure of public report ${id} deleted ${rows.length} rows`);
}
