import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { MARKED_SUBJECTS } from '../../policies/subjects';
import { type MarkedSubject, RETENTION_CLASSES, type RetentionClass } from '../kernel/records';
import { Connection } from '../kernel/pagination';
import { type EntityKind, EntityKindEnum } from '../kernel/identifier';
import { AgencyType } from './agency.type';
import { enumOf } from '../kernel/enums';
import { PUBLIC_REPORT_SUBJECT } from '../intake/api';

export const RecordSubjectTypeEnum = enumOf([...MARKED_SUBJECTS, PUBLIC_REPORT_SUBJECT]);
registerEnumType(RecordSubjectTypeEnum, {
  name: 'RecordSubjectType',
  description:
    'A kind of record (its GraphQL type name): the marked records, and PublicReport, which only retention review names (a public report the caller’s agency triaged)',
});

/** What retention review decides on: the marked records, and the public reports a hub agency triaged. */
export type ReviewedSubject = MarkedSubject | typeof PUBLIC_REPORT_SUBJECT;

export const AccessRequestStatusEnum = enumOf(['PENDING', 'GRANTED', 'REFUSED'] as const);
export type AccessRequestStatus = keyof typeof AccessRequestStatusEnum;
registerEnumType(AccessRequestStatusEnum, { name: 'AccessRequestStatus' });

export const AccessRequestDirectionEnum = enumOf(['INCOMING', 'OUTGOING'] as const);
export type AccessRequestDirection = keyof typeof AccessRequestDirectionEnum;
registerEnumType(AccessRequestDirectionEnum, {
  name: 'AccessRequestDirection',
  description: 'INCOMING: addressed to your agency (its records are asked for); OUTGOING: made by your agency',
});

export const GrantDirectionEnum = enumOf(['GIVEN', 'RECEIVED'] as const);
export type GrantDirection = keyof typeof GrantDirectionEnum;
registerEnumType(GrantDirectionEnum, { name: 'AccessGrantDirection', description: 'GIVEN: on your records; RECEIVED: letting your agency in' });

export const CandidateViaEnum = enumOf(['OBSERVATION', 'SOURCE_RECORD', 'LINK', 'LINKED_PERSON', 'PERSON_OF_CASE'] as const);
export type CandidateVia = keyof typeof CandidateViaEnum;
registerEnumType(CandidateViaEnum, {
  name: 'GrantCandidateVia',
  description:
    'Why a record is offered: OBSERVATION of the identifier, the SOURCE_RECORD that observation was made on, a LINK touching the identifier, a LINKED_PERSON at the end of such a link, a PERSON_OF_CASE of a source case',
});

export const ReviewDecisionEnum = enumOf(['KEEP', 'ERASE'] as const);
export type ReviewDecision = keyof typeof ReviewDecisionEnum;
registerEnumType(ReviewDecisionEnum, { name: 'RetentionDecision' });

export const RetentionClassEnum = enumOf(Object.keys(RETENTION_CLASSES) as RetentionClass[]);
registerEnumType(RetentionClassEnum, { name: 'RetentionClass' });

// ---- access requests and grants ---------------------------------------------------------------

@InputType('AccessRequestIdentifierInput')
export class AccessRequestIdentifierInput {
  @Field(() => EntityKindEnum)
  kind: EntityKind;

  @Field(() => String, { description: 'As typed; stored normalised (E.164 phone, IBAN, canonical URL, ...)' })
  value: string;

  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2: how a national-format value is read; defaults to your agency's country" })
  country?: string;
}

@InputType()
export class RequestAccessInput {
  @Field(() => ID, { description: 'The agency a hit/no-hit answer named as holding the identifier' })
  toAgencyId: string;

  @Field(() => AccessRequestIdentifierInput)
  identifier: AccessRequestIdentifierInput;

  @Field(() => String, { description: 'Why you need the records: 10 to 2000 characters, read by the owner and kept with any grant' })
  purpose: string;
}

@InputType('RecordRefInput')
export class RecordRefInput {
  @Field(() => RecordSubjectTypeEnum)
  subjectType: MarkedSubject;

  @Field(() => ID)
  id: string;
}

@ObjectType('RequestedIdentifier')
export class RequestedIdentifierType {
  @Field(() => EntityKindEnum)
  kind: EntityKind;

  @Field(() => String, { description: 'Normalised' })
  value: string;
}

@ObjectType('GrantCandidate', { description: "One of the owner's own records that mentions the requested identifier" })
export class GrantCandidateType {
  @Field(() => RecordSubjectTypeEnum)
  subjectType: MarkedSubject;

  @Field(() => ID)
  id: string;

  @Field(() => String, { description: 'Its TLP marking (RED records are never offered: they cannot be granted)' })
  marking: string;

  @Field(() => CandidateViaEnum)
  via: CandidateVia;

  @Field(() => String, { nullable: true, description: "A person's role in the case (VICTIM, SUSPECT, ...); null for other records" })
  role: string | null;
}

@ObjectType('AccessGrant', { description: 'Time-limited access for one agency to one record, given in answer to an access request' })
export class AccessGrantType {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  requestId: string;

  @Field(() => RecordSubjectTypeEnum)
  subjectType: MarkedSubject;

  @Field(() => ID)
  recordId: string;

  @Field(() => AgencyType)
  grantorAgency: { id: string };

  @Field(() => AgencyType)
  granteeAgency: { id: string };

  @Field(() => String)
  purpose: string;

  @Field(() => Date)
  expiresAt: Date;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Boolean, { description: 'Neither expired nor revoked: the record reaches the grantee now' })
  active: boolean;
}

@ObjectType('AccessRequest', { description: 'A request by one agency to another for the records behind a hit/no-hit answer' })
export class AccessRequestType {
  @Field(() => ID)
  id: string;

  @Field(() => AgencyType)
  requesterAgency: { id: string };

  @Field(() => AgencyType)
  targetAgency: { id: string };

  @Field(() => RequestedIdentifierType)
  identifier: RequestedIdentifierType;

  @Field(() => String)
  purpose: string;

  @Field(() => AccessRequestStatusEnum)
  status: AccessRequestStatus;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  decidedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the owner refused' })
  refusalReason: string | null;

  @Field(() => [AccessGrantType], { description: 'The grants given in answer' })
  grants: AccessGrantType[];

  @Field(() => [GrantCandidateType], {
    nullable: true,
    description: "The target agency's own records that mention the identifier: for the target agency only (FORBIDDEN_FIELD for the requester)",
  })
  candidates?: GrantCandidateType[];
}

export const AccessRequestConnection = Connection(AccessRequestType, 'AccessRequest');

// ---- sharing groups -------------------------------------------------------------------------------

@ObjectType('SharingGroup', { description: 'A set of agencies AMBER records can be shared with, such as a regional partnership' })
export class SharingGroupType {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  slug: string;

  @Field(() => String)
  name: string;

  @Field(() => [AgencyType])
  members: Array<{ id: string }>;
}

// ---- retention -------------------------------------------------------------------------------------

@ObjectType('ReviewableRecord', { description: "One of your agency's records with its review date; never its content" })
export class ReviewableRecordType {
  @Field(() => RecordSubjectTypeEnum)
  subjectType: ReviewedSubject;

  @Field(() => ID)
  id: string;

  @Field(() => String, { description: 'Its TLP marking; a public report, which reaches its triaging hub agency only, reads AMBER_STRICT' })
  marking: string;

  @Field(() => String, { description: 'YYYY-MM-DD' })
  reviewDue: string;

  @Field(() => RetentionClassEnum)
  retentionClass: RetentionClass;

  @Field(() => Int, { description: 'Years a KEEP decision adds' })
  reviewPeriodYears: number;

  @Field(() => Date)
  createdAt: Date;
}

export const ReviewableRecordConnection = Connection(ReviewableRecordType, 'ReviewableRecord');

@ObjectType('RetentionReview', { description: 'A retention decision: who decided what about which record, when and why' })
export class RetentionReviewType {
  @Field(() => ID)
  id: string;

  @Field(() => RecordSubjectTypeEnum)
  subjectType: ReviewedSubject;

  @Field(() => ID)
  recordId: string;

  @Field(() => ReviewDecisionEnum)
  decision: ReviewDecision;

  @Field(() => String, { nullable: true })
  reason: string | null;

  @Field(() => ID)
  reviewedByUserId: string;

  @Field(() => Date)
  reviewedAt: Date;

  @Field(() => String, { description: 'YYYY-MM-DD' })
  previousReviewDue: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; null after an erasure' })
  nextReviewDue: string | null;

  @Field(() => Int, { description: 'Records erased with it (the record and the parts and statements that followed it)' })
  erasedRecordCount: number;
}

export const RetentionReviewConnection = Connection(RetentionReviewType, 'RetentionReview');
