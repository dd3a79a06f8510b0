import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { enumOf } from '../kernel/enums';
import { type EntityKind, EntityKindEnum } from '../kernel/identifier';
import { HandlingCode, IntelligenceAssessment, Marking, SourceEvaluation } from '../kernel/marked-record';
import { Connection } from '../kernel/pagination';
import { LocationRef } from '../kernel/references';
import { RETENTION_CLASSES, type RetentionClass } from '../kernel/records';
import { ExploitationType } from '../kernel/taxonomy';
import { PublicReportType } from './intake.type';

export enum TriageUrgency {
  CHILD = 'CHILD',
  IMMINENT_RISK = 'IMMINENT_RISK',
  KNOWN_IDENTIFIER = 'KNOWN_IDENTIFIER',
}
registerEnumType(TriageUrgency, {
  name: 'TriageUrgency',
  description:
    'Why a report comes first: CHILD (the reporter says a child is involved), IMMINENT_RISK (its text names violence or threats), KNOWN_IDENTIFIER (it names an identifier the hub already holds)',
});

export enum TriageDecisionKind {
  LINK_CASE = 'LINK_CASE',
  OPEN_CASE = 'OPEN_CASE',
  INTELLIGENCE_ONLY = 'INTELLIGENCE_ONLY',
  DISCARD = 'DISCARD',
}
registerEnumType(TriageDecisionKind, { name: 'TriageDecisionKind' });

export enum RelatedReason {
  SAME_TEXT = 'SAME_TEXT',
  SHARED_IDENTIFIER = 'SHARED_IDENTIFIER',
  NEAR_PLACE_AND_TIME = 'NEAR_PLACE_AND_TIME',
}
registerEnumType(RelatedReason, {
  name: 'RelatedReason',
  description:
    'SAME_TEXT: the same story once case, spacing, punctuation and diacritics are folded; SHARED_IDENTIFIER: both name an identifier; NEAR_PLACE_AND_TIME: the same place (folded name, or coordinates within about 10 km) received within 30 days',
});

export const RetentionClassEnum = enumOf(Object.keys(RETENTION_CLASSES) as RetentionClass[]);
registerEnumType(RetentionClassEnum, { name: 'RetentionClass' });

/** The entities subgraph owns Entity; the triage points at those a report names. */
@ObjectType('Entity')
@Directive('@key(fields: "id", resolvable: false)')
export class TriageEntityRef {
  @Field(() => ID)
  id: string;
}

/** The cases subgraph owns Case. */
@ObjectType('Case')
@Directive('@key(fields: "id", resolvable: false)')
export class TriageCaseRef {
  @Field(() => ID)
  id: string;
}

@ObjectType('ProposedIdentifier', { description: 'An identifier the extractor reads in the story: its offsets are UTF-16 offsets into the story' })
export class ProposedIdentifierType {
  @Field(() => EntityKindEnum)
  kind: EntityKind;

  @Field(() => String, { description: 'Normalised as the hub keys entities' })
  value: string;

  @Field(() => Int)
  start: number;

  @Field(() => Int)
  end: number;

  @Field(() => Boolean, { description: 'An entity of the hub that reaches you has this identifier' })
  known: boolean;
}

@ObjectType('ProposedIndicator', { description: 'An exploitation indicator the extractor reads in the story, with the offsets of the words that triggered it' })
export class ProposedIndicatorType {
  @Field(() => String)
  code: string;

  @Field(() => Int)
  start: number;

  @Field(() => Int)
  end: number;
}

@ObjectType('ProposedPlace', { description: 'A gazetteer place the story names (compared folded), with its offsets in the story' })
export class ProposedPlaceType {
  @Field(() => LocationRef)
  location: { __typename: 'Location'; id: string };

  @Field(() => String, { description: "The gazetteer's name" })
  name: string;

  @Field(() => Int)
  start: number;

  @Field(() => Int)
  end: number;
}

@ObjectType('RelatedReport', { description: 'Another public report this one may repeat or relate to, and why' })
export class RelatedReportType {
  @Field(() => PublicReportType)
  report: { __typename: 'PublicReport'; id: string };

  @Field(() => [RelatedReason])
  reasons: RelatedReason[];
}

@ObjectType('TriageDecision', { description: "A hub analyst's decision on a public report and, unless discarded, its grading as intelligence (3x5x2)" })
export class TriageDecisionType {
  @Field(() => ID)
  id: string;

  @Field(() => TriageDecisionKind, { nullable: true })
  decision?: TriageDecisionKind;

  @Field(() => TriageCaseRef, { nullable: true, description: 'The case linked or opened' })
  case?: { __typename: 'Case'; id: string } | null;

  @Field(() => String, { nullable: true, description: 'Why (required to discard)' })
  reason?: string | null;

  @Field(() => SourceEvaluation, { nullable: true, description: 'UNTESTED unless a corroboration is recorded; none when discarded' })
  sourceEvaluation?: SourceEvaluation | null;

  @Field(() => IntelligenceAssessment, { nullable: true })
  intelligenceAssessment?: IntelligenceAssessment | null;

  @Field(() => HandlingCode, { nullable: true })
  handlingCode?: HandlingCode | null;

  @Field(() => String, { nullable: true })
  handlingConditions?: string | null;

  @Field(() => String, { nullable: true, description: 'What corroborates the report (another record, a check made), as the analyst wrote it' })
  corroboration?: string | null;

  @Field(() => Date, { nullable: true })
  decidedAt?: Date;

  @Field(() => ID, { nullable: true })
  decidedByUserId?: string;
}

@ObjectType('TriageItem', { description: 'A public report in the hub analysts’ triage: what it proposes, what it may repeat, what it touches' })
@Directive('@key(fields: "id")')
export class TriageItemType {
  @Field(() => ID, { description: "The public report's id" })
  id: string;

  @Field(() => PublicReportType, { nullable: true })
  report?: { __typename: 'PublicReport'; id: string };

  @Field(() => [TriageUrgency], { nullable: true })
  urgency?: TriageUrgency[];

  @Field(() => [ProposedIdentifierType], { nullable: true, description: 'In the story, first occurrence of each' })
  identifiers?: ProposedIdentifierType[];

  @Field(() => [ProposedIndicatorType], { nullable: true, description: 'In the story' })
  indicators?: ProposedIndicatorType[];

  @Field(() => [ProposedPlaceType], { nullable: true, description: 'In the story: the gazetteer places it names' })
  places?: ProposedPlaceType[];

  @Field(() => [RelatedReportType], { nullable: true, description: 'Likely duplicates and related reports, most reasons first, then newest; at most 20' })
  related?: RelatedReportType[];

  @Field(() => [TriageEntityRef], { nullable: true, description: 'The known entities the report names (those that reach you)' })
  touchedEntities?: Array<{ __typename: 'Entity'; id: string }>;

  @Field(() => TriageDecisionType, { nullable: true, description: 'None while in the queue' })
  decision?: Record<string, unknown> | null;

  @Field(() => RetentionClassEnum, { nullable: true, description: 'The retention class its original text is kept under' })
  retentionClass?: RetentionClass;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD: when its original text is due for review' })
  reviewDue?: string;
}

export const TriageItemConnection = Connection(TriageItemType, 'TriageItem');

@InputType()
export class NewCaseFromReportInput {
  @Field(() => [ExploitationType])
  exploitationTypes: ExploitationType[];

  @Field(() => String, { nullable: true, description: 'Without the reporter’s contact details; the report stays in triage' })
  summary?: string | null;

  @Field(() => Marking, { defaultValue: 'AMBER' })
  marking: Marking;

  @Field(() => [String], { nullable: true, description: 'Exploitation indicator codes (e.g. the proposals confirmed)' })
  indicators?: string[] | null;
}

@InputType()
export class DecideTriageInput {
  @Field(() => ID, { description: "The public report's id" })
  reportId: string;

  @Field(() => TriageDecisionKind)
  decision: TriageDecisionKind;

  @Field(() => ID, { nullable: true, description: 'LINK_CASE: a case that reaches you' })
  caseId?: string | null;

  @Field(() => NewCaseFromReportInput, { nullable: true, description: 'OPEN_CASE: the case to open, owned by your agency and graded as the report' })
  newCase?: NewCaseFromReportInput | null;

  @Field(() => String, { nullable: true, description: 'Required to DISCARD' })
  reason?: string | null;

  @Field(() => SourceEvaluation, {
    nullable: true,
    description: 'A public report is UNTESTED (the default); RELIABLE or NOT_RELIABLE only with a corroboration',
  })
  sourceEvaluation?: SourceEvaluation | null;

  @Field(() => IntelligenceAssessment, { nullable: true, description: 'Required unless discarding; B (corroborated) needs a corroboration' })
  intelligenceAssessment?: IntelligenceAssessment | null;

  @Field(() => HandlingCode, { nullable: true, description: 'P (the default) or C' })
  handlingCode?: HandlingCode | null;

  @Field(() => String, { nullable: true, description: 'Required with handling code C' })
  handlingConditions?: string | null;

  @Field(() => String, { nullable: true, description: 'What corroborates the report: another record, a check made' })
  corroboration?: string | null;
}
