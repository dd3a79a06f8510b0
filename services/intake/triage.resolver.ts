import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import { PublicReportType } from './intake.type';
import * as reports from './public-report.service';
import * as triage from './triage.service';
import { DecideTriageInput, RelatedReportType, TriageItemConnection, TriageItemType } from './triage.type';

/** A report a triage item points at, through the PublicReport policy (null where the pointer was withheld). */
const reportOf = (ctx: RequestContext, pointer: unknown) =>
  pointer && typeof pointer === 'object' && 'id' in pointer ? reports.getPublicReport(ctx, String(pointer.id)) : null;

@Resolver(() => TriageItemType)
export class TriageItemResolver {
  @Query(() => TriageItemConnection, {
    description:
      'Hub analysts: the public reports no one has decided yet, most urgent first (a child, an imminent risk, a known identifier), then newest; empty for everyone else',
  })
  triageQueue(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext) {
    return triage.triageQueue(ctx, page);
  }

  @Query(() => TriageItemType, { nullable: true, description: 'Hub analysts: one public report as a triage item, decided or not; NOT_FOUND for everyone else' })
  triageItem(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return triage.getTriageItem(ctx, id);
  }

  @Mutation(() => TriageItemType, {
    description:
      'Hub analysts: link a public report to a case, open a case from it, keep it as intelligence only, or discard it with a reason; graded 3x5x2 unless discarded, in one transaction. The same decision again changes nothing; another one is a CONFLICT',
  })
  decideTriage(@Arg('input', () => DecideTriageInput) input: DecideTriageInput, @Ctx() ctx: RequestContext) {
    return triage.decideTriage(ctx, input);
  }

  @FieldResolver(() => PublicReportType, { nullable: true })
  report(@Root() item: { report?: unknown }, @Ctx() ctx: RequestContext) {
    return reportOf(ctx, item.report);
  }
}

@Resolver(() => RelatedReportType)
export class RelatedReportResolver {
  @FieldResolver(() => PublicReportType)
  report(@Root() related: { report?: unknown }, @Ctx() ctx: RequestContext) {
    return reportOf(ctx, related.report);
  }
}
