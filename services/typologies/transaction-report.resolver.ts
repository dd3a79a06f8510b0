import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import * as transactionReports from './transaction-report.service';
import { ImportTransactionReportsInput, SubmitTransactionReportInput, SubmitTransactionReportsInput, TransactionReportFilter } from './typology.input';
import { TransactionReportConnection, TransactionReportImportType, TransactionReportSubmissionType, TransactionReportType } from './typology.type';

@Resolver(() => TransactionReportType)
export class TransactionReportResolver {
  @Query(() => TransactionReportType, { nullable: true, description: 'One transaction report; NOT_FOUND when it does not exist or does not reach you' })
  transactionReport(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return transactionReports.getTransactionReport(ctx, id);
  }

  @Query(() => TransactionReportConnection, { description: 'Transaction reports that reach you; filters only on fields you can read' })
  transactionReports(
    @Arg('filter', () => TransactionReportFilter, { nullable: true }) filter: TransactionReportFilter | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return transactionReports.listTransactionReports(ctx, filter, page);
  }

  @Mutation(() => TransactionReportType, {
    description: 'Submits a report with its parties and their accounts, all or nothing; idempotent on input.idempotencyKey',
  })
  submitTransactionReport(@Arg('input', () => SubmitTransactionReportInput) input: SubmitTransactionReportInput, @Ctx() ctx: RequestContext) {
    return transactionReports.submitTransactionReport(ctx, input);
  }
}

@Resolver(() => TransactionReportSubmissionType)
export class TransactionReportSubmissionResolver {
  @Mutation(() => TransactionReportSubmissionType, {
    description:
      'Submits 1 to 5,000 reports, all or nothing: any invalid row refuses the batch (BAD_USER_INPUT, extensions.errors: [{ row, field, message }]); idempotent on input.idempotencyKey',
  })
  submitTransactionReports(@Arg('input', () => SubmitTransactionReportsInput) input: SubmitTransactionReportsInput, @Ctx() ctx: RequestContext) {
    return transactionReports.submitTransactionReports(ctx, input);
  }

  @Mutation(() => TransactionReportImportType, {
    description:
      'Imports a goAML report or a CSV file as one batch of 1 to 5,000 reports, all or nothing: any invalid row refuses the file (BAD_USER_INPUT, extensions.errors: [{ row, field, path, line, message }]); a DOCTYPE or ENTITY declaration or malformed XML is BAD_USER_INPUT, a file over the limits DOCUMENT_TOO_LARGE; idempotent on input.idempotencyKey',
  })
  importTransactionReports(@Arg('input', () => ImportTransactionReportsInput) input: ImportTransactionReportsInput, @Ctx() ctx: RequestContext) {
    return transactionReports.importTransactionReports(ctx, input);
  }

  @FieldResolver(() => [TransactionReportType], { description: 'The reports of the batch you may see, in the order submitted' })
  reports(@Root() submission: transactionReports.Submission, @Ctx() ctx: RequestContext) {
    return transactionReports.reportsOfSubmission(ctx, submission);
  }
}
