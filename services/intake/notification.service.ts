import type { PolicyRecord } from '../../policies/subjects';
import { visibleAgencies } from '../agencies/api';
import { appendAudit, type AuditEventInput, writtenFields } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import { badInput, conflict } from '../kernel/errors';
import { requestHash, requiredIdempotencyKey, submitOnce } from '../kernel/idempotency';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanChange, assertCanCreate, projectAll } from '../kernel/policy';
import { ref } from '../kernel/references';
import { findVisible, getVisible, selectPage, type SubjectTable, visibleLoader } from '../kernel/repository';
import { assertIndicators, NOTIFICATION_INDICATORS } from '../kernel/taxonomy';
import { isUuid } from '../kernel/validate';
import { NotificationDirection, NotificationStatus, type NotifyCaseInput } from './intake.type';
import { publicText } from './public-text';

/** The agency types a frontline service may refer a case to: the competent NGO or police. */
export const REFERRAL_DESTINATION_TYPES = ['NGO', 'LAW_ENFORCEMENT'];
/** Days the destination has to act: one when a child or an imminent risk is involved, else five. */
export const URGENT_DUE_DAYS = 1;
export const DUE_DAYS = 5;
/** The order a referral's status moves in; the destination may skip steps, never go back. */
const STATUS_ORDER = [
  NotificationStatus.NOTIFIED,
  NotificationStatus.RECEIVED,
  NotificationStatus.ASSESSED,
  NotificationStatus.REFERRED_TO_NRM,
  NotificationStatus.CLOSED,
];

export const notificationTable: SubjectTable = {
  subject: 'Notification',
  table: 'intake.notifications',
  alias: 'n',
  columns: `n.id, n.notifier_agency_id AS "notifierAgencyId", n.destination_agency_id AS "destinationAgencyId", n.indicators,
    n.exploitation_types AS "exploitationTypes", n.child_involved AS "childInvolved", n.imminent_risk AS "imminentRisk", n.summary, n.place,
    n.occurred_when AS "occurredWhen", n.status, n.outcome, to_char(n.due_on, 'YYYY-MM-DD') AS "dueOn", n.created_at AS "createdAt", n.updated_at AS "updatedAt"`,
  attributes: () => ({ notifierAgencyId: () => 'n.notifier_agency_id', destinationAgencyId: () => 'n.destination_agency_id' }),
  map: (row) =>
    ({
      __typename: 'Notification',
      ...row,
      notifierAgency: ref('Agency', row.notifierAgencyId as string),
      destinationAgency: ref('Agency', row.destinationAgencyId as string),
    }) as PolicyRecord,
};

export const getNotification = (ctx: RequestContext, id: string) => getVisible(ctx, notificationTable, id);

/**
 * What the caller's agency notified (SENT, newest first) or what was referred to it (RECEIVED: open
 * tasks first, by due date); without a direction, both.
 */
export async function listNotifications(ctx: RequestContext, direction: NotificationDirection | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const { rows, ...rest } = await selectPage(ctx, notificationTable, window, {
    where: (p) =>
      direction === NotificationDirection.SENT
        ? [`n.notifier_agency_id = ${p.add(ctx.actor.agencyId)}`]
        : direction === NotificationDirection.RECEIVED
          ? [`n.destination_agency_id = ${p.add(ctx.actor.agencyId)}`]
          : [],
    orderBy: direction === NotificationDirection.RECEIVED ? `(n.status = 'CLOSED'), n.due_on, n.created_at, n.id` : 'n.created_at DESC, n.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

/**
 * A frontline service notifies a suspected case: indicators from the taxonomy, a summary without
 * names, and the competent agency it refers the case to, which receives it as a task due in
 * URGENT_DUE_DAYS or DUE_DAYS. Idempotent on the key; audited as collected by the notifier and
 * disclosed to the destination, in the transaction of the notification.
 */
export async function notifyCase(ctx: RequestContext, input: NotifyCaseInput): Promise<Record<string, unknown>> {
  const key = requiredIdempotencyKey('input.idempotencyKey', input.idempotencyKey);
  if (!isUuid(input.destinationAgencyId)) throw badInput('input.destinationAgencyId', 'must be an agency id');
  if (!input.indicators?.length) throw badInput('input.indicators', 'name at least one indicator');
  if (input.indicators.length > 50) throw badInput('input.indicators', 'at most 50 indicators');
  assertIndicators('input.indicators', input.indicators, NOTIFICATION_INDICATORS);
  const summary = publicText('input.summary', input.summary, { max: 5000, required: true })!;
  const place = publicText('input.place', input.place, { max: 200 });
  const when = publicText('input.when', input.when, { max: 200 });
  const destination = input.destinationAgencyId.toLowerCase();
  assertCanCreate(ctx, { __typename: 'Notification', notifierAgencyId: ctx.actor.agencyId, destinationAgencyId: destination });
  const agency = (await visibleAgencies(ctx, [destination])).get(destination);
  if (!agency || !REFERRAL_DESTINATION_TYPES.includes(agency.type as string) || destination === ctx.actor.agencyId) {
    throw badInput('input.destinationAgencyId', 'must be an NGO or law-enforcement agency of the directory');
  }
  const indicators = [...new Set(input.indicators)];
  const exploitationTypes = [...new Set(input.exploitationTypes ?? [])];
  const dueDays = input.childInvolved || input.imminentRisk ? URGENT_DUE_DAYS : DUE_DAYS;
  const id = await submitOnce(ctx, {
    table: 'intake.notifications',
    subject: 'notification',
    key,
    hash: requestHash(input),
    ownerColumn: 'notifier_agency_id',
    insert: async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO intake.notifications (notifier_agency_id, notifier_user_id, destination_agency_id, indicators, exploitation_types, child_involved,
           imminent_risk, summary, place, occurred_when, due_on, idempotency_key, request_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, (now() AT TIME ZONE 'UTC')::date + $11::int, $12, $13) RETURNING id`,
        [
          ctx.actor.agencyId,
          ctx.actor.userId,
          destination,
          indicators,
          exploitationTypes,
          input.childInvolved,
          input.imminentRisk,
          summary,
          place,
          when,
          dueDays,
          key,
          requestHash(input),
        ],
      );
      const fields = writtenFields({
        indicators,
        exploitationTypes,
        childInvolved: true,
        imminentRisk: true,
        summary,
        place,
        occurredWhen: when,
        destinationAgency: destination,
      });
      await appendAudit(tx, ctx, [
        { action: 'COLLECT', subjectType: 'Notification', subjectId: row!.id, recordOwnerAgencyId: ctx.actor.agencyId, fields },
        { action: 'DISCLOSE', subjectType: 'Notification', subjectId: row!.id, recordOwnerAgencyId: ctx.actor.agencyId, recipients: [destination], fields },
      ]);
      return row!.id;
    },
  });
  ctx.log.info({ op: 'notifyCase', notificationId: id, destinationAgencyId: destination }, 'case notified');
  return getNotification(ctx, id);
}

/**
 * The destination agency moves a referral on (never back) and may say what came of it; the
 * notifier reads the new status and outcome. Setting the status it already has changes nothing.
 */
export async function updateNotificationStatus(ctx: RequestContext, id: string, status: NotificationStatus, outcome: string | null | undefined) {
  if (status === NotificationStatus.NOTIFIED) throw badInput('status', 'must be RECEIVED, ASSESSED, REFERRED_TO_NRM or CLOSED');
  const note = publicText('outcome', outcome, { max: 2000 });
  const record = await findVisible(ctx, notificationTable, id);
  assertCanChange(ctx, 'update', record, 'Notification');
  const current = record.status as NotificationStatus;
  if (current === status && (note === null || note === record.outcome)) return getNotification(ctx, id);
  if (STATUS_ORDER.indexOf(status) < STATUS_ORDER.indexOf(current)) {
    throw conflict(`The referral is already ${current}: its status moves forward only`, { field: 'status' });
  }
  await ctx.db.transaction(async (tx) => {
    const [changed] = await tx.query<{ id: string }>(
      `WITH u AS (UPDATE intake.notifications SET status = $2, outcome = coalesce($3, outcome), updated_at = now()
         WHERE id = $1 AND destination_agency_id = $4 AND status = $5 RETURNING id) SELECT id FROM u`,
      [id, status, note, ctx.actor.agencyId, current],
    );
    if (!changed) throw conflict('The referral changed meanwhile: read it again', { field: 'status' });
    await tx.query(
      'INSERT INTO intake.notification_updates (notification_id, by_agency_id, notifier_agency_id, by_user_id, status, outcome) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, ctx.actor.agencyId, record.notifierAgencyId, ctx.actor.userId, status, note],
    );
    const event: AuditEventInput = {
      action: 'ALTER',
      subjectType: 'Notification',
      subjectId: id,
      recordOwnerAgencyId: record.notifierAgencyId as string,
      recipients: [record.notifierAgencyId as string],
      fields: note === null ? ['status'] : ['status', 'outcome'],
    };
    await appendAudit(tx, ctx, [event]);
  });
  visibleLoader(ctx, notificationTable, 'id').clear(id);
  ctx.log.info({ op: 'updateNotificationStatus', notificationId: id, status }, 'referral status changed');
  return getNotification(ctx, id);
}
