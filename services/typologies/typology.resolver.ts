import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import { SubmitTransactionReportInput, SubmitTransactionReportsInput, SubmitTypologyInput, TransactionReportFilter, TypologyFilter } from './typology.input';
import * as typologies from './typology.service';
import { TransactionReportConnection, TransactionReportSubmissionType, TransactionReportType, TypologyConnection, TypologyType } from './typology.type';

@Resolver(() => TypologyType)
export class TypologyResolver {
  @Query(() => TypologyType, { nullable: true, description: 'One typology; NOT_FOUND when it does not exist or does not reach you' })
  typology(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return typologies.getTypology(ctx, id);
  }

  @Query(() => TypologyConnection, { description: 'Typologies that reach you; filters only on fields you can read' })
  typologies(@Arg('filter', () => TypologyFilter, { nullable: true }) filter: TypologyFilter | undefined, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext) {
    return typologies.listTypologies(ctx, filter, page);
  }

  @Mutation(() => TypologyType, { description: 'Submits a typology owned by your agency; idempotent on input.idempotencyKey' })
  submitTypology(@Arg('input', () => SubmitTypologyInput) input: SubmitTypologyInput, @Ctx() ctx: RequestContext) {
    return typologies.submitTypology(ctx, input);
  }
}

@Resolver(() => TransactionReportType)
export class TransactionReportResolver {
  @Query(() => TransactionReportType, { nullable: true, description: 'One transaction report; NOT_FOUND when it does not exist or does not reach you' })
  transactionReport(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return typologies.getTransactionReport(ctx, id);
  }

  @Query(() => TransactionReportConnection, { description: 'Transaction reports that reach you; filters only on fields you can read' })
  transactionReports(
    @Arg('filter', () => TransactionReportFilter, { nullable: true }) filter: TransactionReportFilter | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return typologies.listTransactionReports(ctx, filter, page);
  }

  @Mutation(() => TransactionReportType, { description: 'Submits a report with its parties and their accounts, all or nothing; idempotent on input.idempotencyKey' })
  submitTransactionReport(@Arg('input', () => SubmitTransactionReportInput) input: SubmitTransactionReportInput, @Ctx() ctx: RequestContext) {
    return typologies.submitTransactionReport(ctx, input);
  }
}

@Resolver(() => TransactionReportSubmissionType)
export class TransactionReportSubmissionResolver {
  @Mutation(() => TransactionReportSubmissionType, {
    description:
      'Submits 1 to 5,000 reports, all or nothing: any invalid row refuses the batch (BAD_USER_INPUT, extensions.errors: [{ row, field, message }]); idempotent on input.idempotencyKey',
  })
  submitTransactionReports(@Arg('input', () => SubmitTransactionReportsInput) input: SubmitTransactionReportsInput, @Ctx() ctx: RequestContext) {
    return typologies.submitTransactionReports(ctx, input);
  }

  @FieldResolver(() => [TransactionReportType], { description: 'The reports of the batch you may see, in the order submitted' })
  reports(@Root() submission: typologies.Submission, @Ctx() ctx: RequestContext) {
    return typologies.reportsOfSubmission(ctx, submission);
  }
}
