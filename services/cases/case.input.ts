import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { HandlingInput } from '../kernel/marked-record';
import { SortDirection } from '../kernel/pagination';
import { ExploitationType } from '../kernel/taxonomy';
import { CaseStatus, EventType, NrmStage, PersonRole } from './case.type';

@InputType()
export class PersonInput {
  @Field(() => PersonRole)
  role: PersonRole;

  @Field(() => String, { description: 'Case-local label such as V1 or S2' })
  pseudonym: string;

  @Field(() => String, { nullable: true })
  ageBand?: string;

  @Field(() => String, { nullable: true })
  gender?: string;

  @Field(() => String, { nullable: true })
  nationality?: string;

  @Field(() => String, { nullable: true })
  fullName?: string;

  @Field(() => String, { nullable: true })
  dateOfBirth?: string;

  @Field(() => String, { nullable: true })
  contact?: string;

  @Field(() => String, { nullable: true })
  documents?: string;

  @Field(() => HandlingInput, { nullable: true, description: "Defaults to the case's handling; never lower than it" })
  handling?: HandlingInput;
}

@InputType()
export class TraffickingEventInput {
  @Field(() => EventType)
  type: EventType;

  @Field(() => String, { nullable: true })
  occurredOn?: string;

  @Field(() => ID, { nullable: true })
  locationId?: string;

  @Field(() => String, { nullable: true })
  description?: string;
}

@InputType()
export class OpenCaseInput {
  @Field(() => HandlingInput)
  handling: HandlingInput;

  @Field(() => String, { nullable: true })
  reference?: string;

  @Field(() => String, { nullable: true })
  summary?: string;

  @Field(() => [ExploitationType])
  exploitationTypes: ExploitationType[];

  @Field(() => String, { nullable: true })
  periodStart?: string;

  @Field(() => String, { nullable: true })
  periodEnd?: string;

  @Field(() => [String], { nullable: true })
  indicators?: string[];

  @Field(() => [PersonInput], { nullable: true })
  persons?: PersonInput[];

  @Field(() => [TraffickingEventInput], { nullable: true })
  events?: TraffickingEventInput[];

  @Field(() => String, { nullable: true, description: 'Resubmitting with the same key returns the case first created with it' })
  idempotencyKey?: string;
}

@InputType()
export class UpdateCaseInput {
  @Field(() => CaseStatus, { nullable: true })
  status?: CaseStatus;

  @Field(() => NrmStage, {
    nullable: true,
    deprecationReason: "Derived from the case's victims' referral stages (recordReferralStage); refused with BAD_USER_INPUT when given",
  })
  nrmStage?: NrmStage;

  @Field(() => String, { nullable: true })
  summary?: string;

  @Field(() => [ExploitationType], { nullable: true })
  exploitationTypes?: ExploitationType[];

  @Field(() => [String], { nullable: true })
  indicators?: string[];

  @Field(() => String, { nullable: true })
  periodEnd?: string;
}

@InputType()
export class CaseFilter {
  @Field(() => CaseStatus, { nullable: true })
  status?: CaseStatus;

  @Field(() => ExploitationType, { nullable: true })
  exploitationType?: ExploitationType;

  @Field(() => NrmStage, { nullable: true })
  nrmStage?: NrmStage;

  @Field(() => String, { nullable: true, description: 'Exact match on the owner reference' })
  reference?: string;

  @Field(() => String, { nullable: true, description: 'Words in the summary' })
  summaryContains?: string;

  @Field(() => ID, { nullable: true })
  ownerAgencyId?: string;
}

export enum CaseSortField {
  CREATED_AT = 'createdAt',
  PERIOD_START = 'periodStart',
  STATUS = 'status',
  NRM_STAGE = 'nrmStage',
  REFERENCE = 'reference',
}
registerEnumType(CaseSortField, { name: 'CaseSortField' });

@InputType()
export class CaseOrder {
  @Field(() => CaseSortField)
  field: CaseSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  direction: SortDirection;
}

@InputType()
export class PersonFilter {
  @Field(() => ID, { nullable: true })
  caseId?: string;

  @Field(() => PersonRole, { nullable: true })
  role?: PersonRole;

  @Field(() => String, { nullable: true })
  nationality?: string;

  @Field(() => String, { nullable: true, description: 'Part of the full name' })
  fullNameContains?: string;

  @Field(() => String, { nullable: true })
  dateOfBirth?: string;
}

export enum PersonSortField {
  PSEUDONYM = 'pseudonym',
  FULL_NAME = 'fullName',
  DATE_OF_BIRTH = 'dateOfBirth',
  CREATED_AT = 'createdAt',
}
registerEnumType(PersonSortField, { name: 'PersonSortField' });

@InputType()
export class PersonOrder {
  @Field(() => PersonSortField)
  field: PersonSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction: SortDirection;
}
