import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MarkedRecordType } from '../kernel/marked-record';
import { enumOf } from '../kernel/enums';
import { Connection } from '../kernel/pagination';
import { REPORT_FILE_FORMATS, type ReportFileFormat } from './report-file';

export enum ReportCode {
  STR = 'STR',
  SAR = 'SAR',
}
registerEnumType(ReportCode, { name: 'ReportCode', description: 'goAML-like report code: suspicious transaction or suspicious activity report' });

export enum PartySignificance {
  SUBJECT = 'SUBJECT',
  COUNTERPARTY = 'COUNTERPARTY',
}
registerEnumType(PartySignificance, { name: 'PartySignificance' });

/** The entities subgraph resolves an Entity through its own policy path. */
@ObjectType('Entity')
@Directive('@key(fields: "id", resolvable: false)')
export class EntityRef {
  @Field(() => ID)
  id: string;
}

@ObjectType('Typology', { description: 'A pattern of suspicious financial activity contributed by a bank, meant for peers' })
@Directive('@key(fields: "id")')
export class TypologyType extends MarkedRecordType {
  @Field(() => String, { nullable: true })
  title?: string;

  @Field(() => String, { nullable: true })
  pattern?: string;

  @Field(() => [String], { nullable: true, description: 'Financial indicator codes' })
  indicators?: string[];

  @Field(() => [String], { nullable: true, description: 'Payment channels, e.g. cash deposits, money transfer' })
  channels?: string[];

  @Field(() => [String], { nullable: true })
  amountBands?: string[];

  @Field(() => [String], { nullable: true, description: 'ISO 3166-1 alpha-2 country codes' })
  geography?: string[];

  @Field(() => String, { nullable: true })
  periodStart?: string | null;

  @Field(() => String, { nullable: true })
  periodEnd?: string | null;
}

@ObjectType('TransactionParty', { description: 'A party to a transaction report, in its order in the report' })
export class TransactionPartyType {
  @Field(() => String)
  name: string;

  @Field(() => PartySignificance)
  significance: PartySignificance;

  @Field(() => EntityRef, { nullable: true, description: 'The account the party used, as an entity' })
  account?: { __typename: 'Entity'; id: string } | null;
}

@ObjectType('TransactionReport', { description: 'An STR-like submission: evidence with identifiers' })
@Directive('@key(fields: "id")')
export class TransactionReportType extends MarkedRecordType {
  @Field(() => ReportCode, { nullable: true })
  reportCode?: ReportCode;

  @Field(() => String, { nullable: true, description: 'The reason for suspicion' })
  reason?: string;

  @Field(() => [String], { nullable: true, description: 'Financial indicator codes' })
  indicators?: string[];

  @Field(() => Float, { nullable: true })
  amount?: number | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217' })
  currency?: string | null;

  @Field(() => String, { nullable: true })
  dateFrom?: string | null;

  @Field(() => String, { nullable: true })
  dateTo?: string | null;

  @Field(() => [TransactionPartyType], { nullable: true })
  parties?: TransactionPartyType[];
}

@ObjectType('TransactionReportSubmission', { description: 'A batch of transaction reports accepted together, all or nothing' })
export class TransactionReportSubmissionType {
  @Field(() => ID)
  id: string;

  @Field(() => [ID], { description: 'The reports the batch created, in the order they were submitted' })
  reportIds: string[];

  @Field(() => Int)
  reportCount: number;

  @Field(() => Date)
  submittedAt: Date;
}

export type { ReportFileFormat };
export const ReportFileFormatEnum = enumOf(REPORT_FILE_FORMATS);
registerEnumType(ReportFileFormatEnum, {
  name: 'TransactionReportFileFormat',
  description: 'GOAML_XML: a UNODC goAML <report> (transactions and activity); CSV: one record per party (docs/formats.md)',
});

@ObjectType('ImportedTransactionReport', { description: 'A report an imported file created, and where in the file it came from' })
export class ImportedTransactionReportType {
  @Field(() => ID)
  reportId: string;

  @Field(() => String, { description: 'The element it was read from (`/report/transaction[2]`) or the CSV line of its first record' })
  path: string;

  @Field(() => Int, { nullable: true })
  line: number | null;

  @Field(() => String, { nullable: true, description: "The file's own reference: goAML transactionnumber, CSV report_ref" })
  reference: string | null;
}

@ObjectType('UnmappedFileElement', { description: 'What a file held that no report keeps: an element path (goAML) or column (CSV), and how many there were' })
export class UnmappedFileElementType {
  @Field(() => String)
  path: string;

  @Field(() => Int)
  count: number;
}

@ObjectType('TransactionReportImport', { description: 'A file of transaction reports accepted as one batch, all or nothing' })
export class TransactionReportImportType {
  @Field(() => TransactionReportSubmissionType)
  submission: TransactionReportSubmissionType;

  @Field(() => Boolean, {
    description: 'True when an earlier request under the same idempotency key and file created this batch: nothing was written now',
  })
  replayed: boolean;

  @Field(() => [ImportedTransactionReportType], { description: 'The reports created, in file order' })
  rows: ImportedTransactionReportType[];

  @Field(() => [UnmappedFileElementType])
  unmapped: UnmappedFileElementType[];
}

export const TypologyConnection = Connection(TypologyType, 'Typology');
export const TransactionReportConnection = Connection(TransactionReportType, 'TransactionReport');
