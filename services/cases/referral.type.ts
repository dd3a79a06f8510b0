import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MarkedRecordType } from '../kernel/marked-record';
import { SortDirection } from '../kernel/pagination';

export enum ReferralMechanism {
  UK_NRM = 'UK_NRM',
  RO_MNIR = 'RO_MNIR',
}
registerEnumType(ReferralMechanism, {
  name: 'ReferralMechanism',
  description: "UK_NRM: the UK's National Referral Mechanism; RO_MNIR: Romania's national identification and referral mechanism",
});

export enum ReferralStageName {
  REFERRAL = 'REFERRAL',
  REASONABLE_GROUNDS = 'REASONABLE_GROUNDS',
  CONCLUSIVE_GROUNDS = 'CONCLUSIVE_GROUNDS',
  SUPPORT_PROVIDED = 'SUPPORT_PROVIDED',
  SIGNALLING = 'SIGNALLING',
  IDENTIFICATION = 'IDENTIFICATION',
  REFERRAL_TO_ASSISTANCE = 'REFERRAL_TO_ASSISTANCE',
  ASSISTANCE = 'ASSISTANCE',
}
registerEnumType(ReferralStageName, {
  name: 'ReferralStageName',
  description:
    'UK_NRM: REFERRAL → REASONABLE_GROUNDS → CONCLUSIVE_GROUNDS → SUPPORT_PROVIDED; RO_MNIR: SIGNALLING → IDENTIFICATION → REFERRAL_TO_ASSISTANCE → ASSISTANCE',
});

export enum DecisionOutcome {
  POSITIVE = 'POSITIVE',
  NEGATIVE = 'NEGATIVE',
}
registerEnumType(DecisionOutcome, { name: 'DecisionOutcome' });

@ObjectType('ReferralStage', { description: "A dated stage of a victim's path through a national referral mechanism" })
@Directive('@key(fields: "id")')
export class ReferralStageType extends MarkedRecordType {
  @Field(() => ID, { nullable: true })
  caseId?: string;

  @Field(() => ID, { nullable: true, description: 'The person (a victim of the case) whose path this is' })
  personId?: string;

  @Field(() => ReferralMechanism, { nullable: true })
  mechanism?: ReferralMechanism;

  @Field(() => ReferralStageName, { nullable: true })
  stage?: ReferralStageName;

  @Field(() => DecisionOutcome, { nullable: true, description: 'Decision stages only (REASONABLE_GROUNDS, CONCLUSIVE_GROUNDS, IDENTIFICATION)' })
  outcome?: DecisionOutcome | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  occurredOn?: string;
}

@InputType()
export class RecordReferralStageInput {
  @Field(() => ID, { description: 'A VICTIM person of a case your agency owns' })
  personId: string;

  @Field(() => ReferralMechanism)
  mechanism: ReferralMechanism;

  @Field(() => ReferralStageName, { description: "The next stage of the person's path in this mechanism" })
  stage: ReferralStageName;

  @Field(() => DecisionOutcome, { nullable: true, description: 'Required for a decision, refused otherwise' })
  outcome?: DecisionOutcome;

  @Field(() => String, { description: 'YYYY-MM-DD, not before the previous stage nor in the future' })
  occurredOn: string;
}

@InputType()
export class ReferralStageFilter {
  @Field(() => ID, { nullable: true })
  caseId?: string;

  @Field(() => ID, { nullable: true })
  personId?: string;

  @Field(() => ReferralMechanism, { nullable: true })
  mechanism?: ReferralMechanism;

  @Field(() => ReferralStageName, { nullable: true })
  stage?: ReferralStageName;

  @Field(() => DecisionOutcome, { nullable: true })
  outcome?: DecisionOutcome;
}

export enum ReferralStageSortField {
  OCCURRED_ON = 'occurredOn',
  STAGE = 'stage',
}
registerEnumType(ReferralStageSortField, { name: 'ReferralStageSortField' });

@InputType()
export class ReferralStageOrder {
  @Field(() => ReferralStageSortField)
  field: ReferralStageSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction: SortDirection;
}

// ---- statistics ----------------------------------------------------------------------------

export enum NrmStatisticsDimension {
  NATIONALITY = 'NATIONALITY',
  EXPLOITATION_TYPE = 'EXPLOITATION_TYPE',
  AGE_GROUP = 'AGE_GROUP',
  REFERRING_AGENCY_TYPE = 'REFERRING_AGENCY_TYPE',
}
registerEnumType(NrmStatisticsDimension, { name: 'NrmStatisticsDimension' });

@ObjectType('NrmStatistics', {
  description:
    'Referrals of one quarter (by the date of the first stage) and one group through one mechanism: decisions, their timing and outcomes (UK fields for UK_NRM, identification and assistance for RO_MNIR, the others null). Banks and NGOs get counts perturbed and small ones withheld (docs/nrm.md).',
})
export class NrmStatisticsType {
  @Field(() => ReferralMechanism, { nullable: true })
  mechanism?: ReferralMechanism;

  @Field(() => String, { nullable: true, description: 'YYYY-Qn: the quarter of the referrals' })
  quarter?: string;

  @Field(() => String, {
    nullable: true,
    description: 'The group: a nationality (ISO 3166-1 alpha-2), exploitation type, ADULT/CHILD or agency type; UNKNOWN when not recorded',
  })
  group?: string;

  @Field(() => Int, { nullable: true, description: 'Persons referred in the quarter' })
  referrals?: number | null;

  @Field(() => Int, { nullable: true })
  reasonableGroundsDecisions?: number | null;

  @Field(() => Int, { nullable: true })
  reasonableGroundsPositive?: number | null;

  @Field(() => Int, { nullable: true, description: 'Reasonable-grounds decisions made within 5 working days of the referral' })
  reasonableGroundsWithinTarget?: number | null;

  @Field(() => Number, { nullable: true, description: 'Median working days from referral to reasonable-grounds decision (target: 5)' })
  reasonableGroundsMedianWorkingDays?: number | null;

  @Field(() => Int, { nullable: true })
  conclusiveGroundsDecisions?: number | null;

  @Field(() => Int, { nullable: true })
  conclusiveGroundsPositive?: number | null;

  @Field(() => Number, { nullable: true, description: 'Median days from reasonable-grounds to conclusive-grounds decision (minimum 30; 2023 median 526)' })
  conclusiveGroundsMedianDays?: number | null;

  @Field(() => Int, { nullable: true, description: 'Positive reasonable-grounds decisions still awaiting a conclusive one' })
  awaitingConclusive?: number | null;

  @Field(() => Int, { nullable: true, description: 'Conclusive decisions, and those still awaited, whose wait is longer than the 2023 median of 526 days' })
  waitingBeyondReferenceMedian?: number | null;

  @Field(() => Int, { nullable: true })
  supportProvided?: number | null;

  @Field(() => Int, { nullable: true, description: 'RO_MNIR: identification decisions' })
  identificationDecisions?: number | null;

  @Field(() => Int, { nullable: true, description: 'RO_MNIR: identified as victims' })
  identificationPositive?: number | null;

  @Field(() => Number, { nullable: true, description: 'RO_MNIR: median days from signalling to the identification decision' })
  identificationMedianDays?: number | null;

  @Field(() => Int, { nullable: true, description: 'RO_MNIR: referred to assistance services' })
  referredToAssistance?: number | null;

  @Field(() => Int, { nullable: true, description: 'RO_MNIR: assistance provided' })
  assistanceProvided?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'A count or median of this row was withheld (below k after perturbation)' })
  countSuppressed?: boolean;
}

@ObjectType('NrmTargets', { description: "The UK NRM's targets and reference figures the statistics measure against" })
export class NrmTargetsType {
  @Field(() => Int)
  reasonableGroundsWorkingDays: number;

  @Field(() => Int)
  conclusiveMinimumDays: number;

  @Field(() => Int)
  conclusiveMedianDays2023: number;
}

@ObjectType('NrmStatisticsTable')
export class NrmStatisticsTableType {
  @Field(() => ReferralMechanism)
  mechanism: ReferralMechanism;

  @Field(() => String, { description: 'First day of the first quarter counted' })
  periodFrom: string;

  @Field(() => String, { description: 'Last day of the last quarter counted' })
  periodTo: string;

  @Field(() => NrmStatisticsDimension)
  by: NrmStatisticsDimension;

  @Field(() => NrmTargetsType)
  targets: NrmTargetsType;

  @Field(() => [NrmStatisticsType], { description: 'By quarter, then group; no totals' })
  rows: NrmStatisticsType[];
}

export enum NrmChartMeasure {
  REFERRALS = 'REFERRALS',
  REASONABLE_GROUNDS_MEDIAN = 'REASONABLE_GROUNDS_MEDIAN',
  CONCLUSIVE_GROUNDS_MEDIAN = 'CONCLUSIVE_GROUNDS_MEDIAN',
  IDENTIFICATION_MEDIAN = 'IDENTIFICATION_MEDIAN',
}
registerEnumType(NrmChartMeasure, { name: 'NrmChartMeasure' });

export enum ChartFormat {
  SVG = 'SVG',
  PNG = 'PNG',
}
registerEnumType(ChartFormat, { name: 'ChartFormat' });

export enum ChartLanguage {
  EN = 'EN',
  RO = 'RO',
}
registerEnumType(ChartLanguage, { name: 'ChartLanguage' });

@ObjectType('ChartImage', { description: 'A chart drawn from a statistics table the caller may read' })
export class ChartImageType {
  @Field(() => String, { description: 'image/svg+xml or image/png' })
  contentType: string;

  @Field(() => String, { description: 'The image, base64' })
  base64: string;

  @Field(() => String, { description: "The chart's title and what it shows, for a text alternative" })
  description: string;
}
