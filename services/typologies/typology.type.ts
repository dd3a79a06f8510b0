import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MarkedRecordType } from '../kernel/marked-record';
import { Connection } from '../kernel/pagination';

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

export const TypologyConnection = Connection(TypologyType, 'Typology');
export const TransactionReportConnection = Connection(TransactionReportType, 'TransactionReport');
