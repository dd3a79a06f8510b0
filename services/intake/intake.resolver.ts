import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import {
  AddToPublicReportInput,
  NotificationConnection,
  NotificationDirection,
  NotificationStatus,
  NotificationType,
  NotifyCaseInput,
  PublicReportChallengeType,
  PublicReportConnection,
  PublicReportPhotoType,
  PublicReportReceiptType,
  PublicReportSubmissionType,
  PublicReportType,
  SubmitPublicReportInput,
} from './intake.type';
import * as notifications from './notification.service';
import * as reports from './public-report.service';

@Resolver(() => PublicReportType)
export class PublicReportResolver {
  @Query(() => PublicReportChallengeType, { description: 'Public, no account: a proof-of-work challenge for one submitPublicReport or addToPublicReport' })
  publicReportChallenge() {
    return reports.publicReportChallenge();
  }

  @Mutation(() => PublicReportSubmissionType, {
    description:
      'Public, no account: report a situation. No address, device or browser detail is kept; contact details, if given, are read only by the hub analysts. Returns a receipt code, shown once',
  })
  submitPublicReport(@Arg('input', () => SubmitPublicReportInput) input: SubmitPublicReportInput, @Ctx() ctx: RequestContext) {
    return reports.submitPublicReport(ctx, input);
  }

  @Query(() => PublicReportReceiptType, { nullable: true, description: 'Public, no account: whether the report of this receipt code arrived, and its status' })
  publicReportReceipt(@Arg('receiptCode', () => String) receiptCode: string, @Ctx() ctx: RequestContext) {
    return reports.publicReportReceipt(ctx, receiptCode);
  }

  @Mutation(() => PublicReportReceiptType, { description: 'Public, no account: add information to the report of this receipt code' })
  addToPublicReport(@Arg('input', () => AddToPublicReportInput) input: AddToPublicReportInput, @Ctx() ctx: RequestContext) {
    return reports.addToPublicReport(ctx, input);
  }

  @Query(() => PublicReportType, { nullable: true, description: 'Hub analysts: one public report; NOT_FOUND for everyone else' })
  publicReport(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return reports.getPublicReport(ctx, id);
  }

  @Query(() => PublicReportConnection, { description: 'Hub analysts: public reports, newest first; empty for everyone else' })
  publicReports(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext) {
    return reports.listPublicReports(ctx, page);
  }
}

@Resolver(() => PublicReportPhotoType)
export class PublicReportPhotoResolver {
  @FieldResolver(() => String, { nullable: true, description: 'The JPEG, base64' })
  content(@Root() photo: { id: string }, @Ctx() ctx: RequestContext) {
    return reports.photoContent(ctx, photo.id);
  }
}

@Resolver(() => NotificationType)
export class NotificationResolver {
  @Query(() => NotificationType, { nullable: true, description: 'A notification your agency made or received; NOT_FOUND otherwise' })
  notification(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return notifications.getNotification(ctx, id);
  }

  @Query(() => NotificationConnection, {
    description: 'What your agency notified (SENT), or the referrals made to it (RECEIVED: open tasks first, by due date)',
  })
  notifications(
    @Arg('direction', () => NotificationDirection, { nullable: true }) direction: NotificationDirection | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return notifications.listNotifications(ctx, direction, page);
  }

  @Mutation(() => NotificationType, {
    description:
      'Frontline services: notify a suspected case with its indicators and refer it to a competent NGO or police agency. Idempotent on input.idempotencyKey',
  })
  notifyCase(@Arg('input', () => NotifyCaseInput) input: NotifyCaseInput, @Ctx() ctx: RequestContext) {
    return notifications.notifyCase(ctx, input);
  }

  @Mutation(() => NotificationType, {
    description: 'The destination agency moves a referral on (RECEIVED, ASSESSED, REFERRED_TO_NRM, CLOSED) and may record its outcome',
  })
  updateNotificationStatus(
    @Arg('id', () => ID) id: string,
    @Arg('status', () => NotificationStatus) status: NotificationStatus,
    @Arg('outcome', () => String, { nullable: true }) outcome: string | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return notifications.updateNotificationStatus(ctx, id, status, outcome);
  }
}
