import { Field, Float, ID, InputType } from 'type-graphql';
import { type EntityKind, EntityKindEnum } from '../kernel/identifier';
import { HandlingInput } from '../kernel/marked-record';
import { type ReportFileFormat, ReportFileFormatEnum } from './typology.type';
import { PartySignificance, ReportCode } from './typology.type';

@InputType()
export class SubmitTypologyInput {
  @Field(() => HandlingInput)
  handling: HandlingInput;

  @Field(() => String)
  title: string;

  @Field(() => String)
  pattern: string;

  @Field(() => [String], { nullable: true, description: 'Financial indicator codes' })
  indicators?: string[];

  @Field(() => [String], { nullable: true })
  channels?: string[];

  @Field(() => [String], { nullable: true })
  amountBands?: string[];

  @Field(() => [String], { nullable: true, description: 'ISO 3166-1 alpha-2 country codes' })
  geography?: string[];

  @Field(() => String, { nullable: true })
  periodStart?: string;

  @Field(() => String, { nullable: true })
  periodEnd?: string;

  @Field(() => String, { description: 'Resubmitting the same input with the same key returns the typology first created with it' })
  idempotencyKey: string;
}

@InputType()
export class AccountInput {
  @Field(() => EntityKindEnum)
  kind: EntityKind;

  @Field(() => String)
  value: string;
}

@InputType()
export class TransactionPartyInput {
  @Field(() => String)
  name: string;

  @Field(() => PartySignificance)
  significance: PartySignificance;

  @Field(() => AccountInput, { nullable: true })
  account?: AccountInput;
}

/** One transaction report: submitted alone (`submitTransactionReport`) or as a row of a batch (`submitTransactionReports`). */
@InputType()
export class TransactionReportInput {
  @Field(() => HandlingInput)
  handling: HandlingInput;

  @Field(() => ReportCode)
  reportCode: ReportCode;

  @Field(() => String)
  reason: string;

  @Field(() => [String], { nullable: true, description: 'Financial indicator codes' })
  indicators?: string[];

  @Field(() => Float, { nullable: true })
  amount?: number;

  @Field(() => String, { nullable: true, description: 'ISO 4217, required with an amount' })
  currency?: string;

  @Field(() => String, { nullable: true })
  dateFrom?: string;

  @Field(() => String, { nullable: true })
  dateTo?: string;

  @Field(() => [TransactionPartyInput], { description: '1 to 200 parties, in order' })
  parties: TransactionPartyInput[];

  @Field(() => ID, { nullable: true, description: 'A typology of your agency that this report evidences' })
  typologyId?: string;
}

@InputType()
export class SubmitTransactionReportInput extends TransactionReportInput {
  @Field(() => String, { description: 'Resubmitting the same input with the same key returns the report first created with it' })
  idempotencyKey: string;
}

@InputType()
export class SubmitTransactionReportsInput {
  @Field(() => String, { description: 'Resubmitting the same batch with the same key creates nothing and answers with the same report ids' })
  idempotencyKey: string;

  @Field(() => [TransactionReportInput], { description: '1 to 5,000 reports, all or nothing' })
  reports: TransactionReportInput[];
}

@InputType()
export class ImportTransactionReportsInput {
  @Field(() => String, { description: 'Importing the same file with the same handling under the same key creates nothing and answers with the same reports' })
  idempotencyKey: string;

  @Field(() => ReportFileFormatEnum)
  format: ReportFileFormat;

  @Field(() => String, { description: 'The file itself (UTF-8 text, at most 4 MiB): a goAML <report> or a CSV with the header of docs/formats.md' })
  content: string;

  @Field(() => HandlingInput, { description: 'The handling of every report the file holds (goAML carries none)' })
  handling: HandlingInput;

  @Field(() => [String], {
    nullable: true,
    description: "Financial indicator codes added to every report, beside those of the file's report_indicators Tessera knows",
  })
  indicators?: string[];
}

@InputType()
export class TypologyFilter {
  @Field(() => String, { nullable: true })
  indicator?: string;

  @Field(() => String, { nullable: true })
  channel?: string;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country code' })
  geography?: string;
}

@InputType()
export class TransactionReportFilter {
  @Field(() => String, { nullable: true })
  indicator?: string;

  @Field(() => String, { nullable: true, description: 'Reports whose period reaches this date or later' })
  dateFrom?: string;

  @Field(() => String, { nullable: true, description: 'Reports whose period starts on or before this date' })
  dateTo?: string;
}
