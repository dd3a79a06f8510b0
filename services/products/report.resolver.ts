import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AgencyType } from '../../policies/actor';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import * as feedback from './feedback.service';
import * as reports from './report.service';
import {
  AgencyTypeEnum,
  IntelligenceReportConnection,
  IntelligenceReportType,
  IntelligenceReportVersionType,
  PublishReportInput,
  ReportFeedbackInput,
  ReportFeedbackSummaryType,
  ReportFeedbackType,
  ReportOrder,
  ReportVisualsType,
  ReviseReportInput,
  CaseRef,
  RouteRef,
  TypologyRef,
} from './report.type';

@Resolver(() => IntelligenceReportType)
export class IntelligenceReportResolver {
  @Query(() => IntelligenceReportType, {
    nullable: true,
    description: 'A report addressed to your agency (hub analysts: any); NOT_FOUND otherwise, and once withdrawn',
  })
  intelligenceReport(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return reports.getReport(ctx, id);
  }

  @Query(() => IntelligenceReportConnection, { description: 'The reports addressed to your agency, latest version first' })
  intelligenceFeed(
    @Arg('since', () => String, { nullable: true, description: 'ISO 8601: only reports published or revised after' }) since: string | undefined,
    @Arg('withdrawn', () => Boolean, { nullable: true, description: 'Hub analysts: the withdrawn reports instead' }) withdrawn: boolean | undefined,
    @Arg('audienceAgencyType', () => AgencyTypeEnum, { nullable: true, description: 'Hub analysts: reports addressed to this agency type' })
    audienceAgencyType: string | undefined,
    @Arg('order', () => ReportOrder, { nullable: true, description: 'Default: latest version first' }) order: ReportOrder | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return reports.intelligenceFeed(ctx, { since, withdrawn, audienceAgencyType, order }, page);
  }

  @Mutation(() => IntelligenceReportType, {
    description:
      'Hub analysts: publish a report to its audience, its visuals rendered as each audience agency type reads them. Idempotent on input.idempotencyKey',
  })
  publishIntelligenceReport(@Arg('input', () => PublishReportInput) input: PublishReportInput, @Ctx() ctx: RequestContext) {
    return reports.publishReport(ctx, input);
  }

  @Mutation(() => IntelligenceReportType, { description: 'Hub analysts: publish a new version; earlier versions are kept. Idempotent on input.idempotencyKey' })
  reviseIntelligenceReport(@Arg('id', () => ID) id: string, @Arg('input', () => ReviseReportInput) input: ReviseReportInput, @Ctx() ctx: RequestContext) {
    return reports.reviseReport(ctx, id, input);
  }

  @Mutation(() => IntelligenceReportType, { description: 'Hub analysts: withdraw a report; its recipients no longer read it' })
  withdrawIntelligenceReport(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: RequestContext) {
    return reports.withdrawReport(ctx, id, reason);
  }

  @FieldResolver(() => IntelligenceReportVersionType, { nullable: true, description: 'The latest version: what the report says now' })
  latest(@Root() report: object, @Ctx() ctx: RequestContext) {
    return reports.latestOf(ctx, report);
  }

  @FieldResolver(() => [IntelligenceReportVersionType], { description: 'Every version, newest first' })
  versions(@Root() report: object, @Ctx() ctx: RequestContext) {
    return reports.versionsOf(ctx, report);
  }
}

@Resolver(() => IntelligenceReportVersionType)
export class IntelligenceReportVersionResolver {
  @FieldResolver(() => [CaseRef], { description: 'The cases it links that reach you (the cases subgraph decides)' })
  linkedCases(@Root() version: Record<string, unknown>, @Ctx() ctx: RequestContext) {
    return reports.linkedRecordsOf(ctx, version, 'Case');
  }

  @FieldResolver(() => [RouteRef], { description: 'The routes it links that reach you' })
  linkedRoutes(@Root() version: Record<string, unknown>, @Ctx() ctx: RequestContext) {
    return reports.linkedRecordsOf(ctx, version, 'Route');
  }

  @FieldResolver(() => [TypologyRef], { description: 'The typologies it links that reach you' })
  linkedTypologies(@Root() version: Record<string, unknown>, @Ctx() ctx: RequestContext) {
    return reports.linkedRecordsOf(ctx, version, 'Typology');
  }

  @FieldResolver(() => [ReportVisualsType])
  visuals(@Root() version: Record<string, unknown>, @Ctx() ctx: RequestContext) {
    return reports.visualsOf(ctx, version);
  }

  @FieldResolver(() => String, { nullable: true })
  pdf(
    @Root() version: Record<string, unknown>,
    @Arg('agencyType', () => AgencyTypeEnum, { nullable: true, description: "Hub analysts: which audience type's rendering (default: the first)" })
    agencyType: AgencyType | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return reports.pdfOf(ctx, version, agencyType);
  }
}

@Resolver(() => ReportFeedbackType)
export class ReportFeedbackResolver {
  @Mutation(() => ReportFeedbackType, {
    description: 'Recipients: whether a report was useful and what came of it. Idempotent on input.idempotencyKey',
  })
  recordReportFeedback(
    @Arg('reportId', () => ID) reportId: string,
    @Arg('input', () => ReportFeedbackInput) input: ReportFeedbackInput,
    @Ctx() ctx: RequestContext,
  ) {
    return feedback.recordFeedback(ctx, reportId, input);
  }

  @Query(() => [ReportFeedbackType], { description: "Your agency's own feedback, on one report or all" })
  reportFeedback(@Arg('reportId', () => ID, { nullable: true }) reportId: string | undefined, @Ctx() ctx: RequestContext) {
    return feedback.ownFeedback(ctx, reportId);
  }

  @Query(() => [ReportFeedbackSummaryType], { description: 'Hub analysts: feedback summed per report and quarter; empty for everyone else' })
  reportFeedbackSummary(
    @Arg('from', () => String, { description: 'YYYY-MM-DD' }) from: string,
    @Arg('to', () => String, { description: 'YYYY-MM-DD' }) to: string,
    @Ctx() ctx: RequestContext,
  ) {
    return feedback.feedbackSummary(ctx, from, to);
  }
}
