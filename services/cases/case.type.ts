import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { MarkedRecordType } from '../kernel/marked-record';
import { Connection } from '../kernel/pagination';
import { LocationRef } from '../kernel/references';
import { ExploitationType } from '../kernel/taxonomy';

export enum CaseStatus {
  OPEN = 'OPEN',
  REFERRED = 'REFERRED',
  CLOSED = 'CLOSED',
}
registerEnumType(CaseStatus, { name: 'CaseStatus' });

export enum NrmStage {
  NONE = 'NONE',
  REASONABLE_GROUNDS = 'REASONABLE_GROUNDS',
  CONCLUSIVE_GROUNDS = 'CONCLUSIVE_GROUNDS',
}
registerEnumType(NrmStage, { name: 'NrmStage', description: 'UK National Referral Mechanism stage' });

export enum PersonRole {
  VICTIM = 'VICTIM',
  SUSPECT = 'SUSPECT',
  WITNESS = 'WITNESS',
  REPORTER = 'REPORTER',
}
registerEnumType(PersonRole, { name: 'PersonRole' });

export enum EventType {
  RECRUITMENT = 'RECRUITMENT',
  TRANSIT = 'TRANSIT',
  EXPLOITATION = 'EXPLOITATION',
}
registerEnumType(EventType, { name: 'TraffickingEventType' });

@ObjectType('Case', { description: 'One trafficking situation, owned by the agency that opened it' })
@Directive('@key(fields: "id")')
export class CaseType extends MarkedRecordType {
  @Field(() => String, { nullable: true, description: "The owner agency's own reference" })
  reference?: string | null;

  @Field(() => String, { nullable: true })
  summary?: string | null;

  @Field(() => CaseStatus, { nullable: true })
  status?: CaseStatus;

  @Field(() => [ExploitationType], { nullable: true })
  exploitationTypes?: ExploitationType[];

  @Field(() => NrmStage, {
    nullable: true,
    description:
      "The furthest UK NRM decision among the case's victims' referral stages that reach you (derived, never set): NONE until a reasonable-grounds decision",
  })
  nrmStage?: NrmStage;

  @Field(() => String, { nullable: true })
  periodStart?: string | null;

  @Field(() => String, { nullable: true })
  periodEnd?: string | null;

  @Field(() => [String], { nullable: true, description: 'Exploitation indicator codes' })
  indicators?: string[];
}

@ObjectType('Person', { description: 'A victim, suspect, witness or reporter in one case. Victims are pseudonymised by default.' })
@Directive('@key(fields: "id")')
export class PersonType extends MarkedRecordType {
  @Field(() => ID, { nullable: true })
  caseId?: string;

  @Field(() => PersonRole, { nullable: true })
  role?: PersonRole;

  @Field(() => String, { nullable: true, description: 'Case-local label such as V1' })
  pseudonym?: string;

  @Field(() => String, { nullable: true })
  ageBand?: string | null;

  @Field(() => String, { nullable: true })
  gender?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2' })
  nationality?: string | null;

  @Field(() => String, { nullable: true })
  fullName?: string | null;

  @Field(() => String, { nullable: true })
  dateOfBirth?: string | null;

  @Field(() => String, { nullable: true })
  contact?: string | null;

  @Field(() => String, { nullable: true })
  documents?: string | null;
}

@ObjectType('TraffickingEvent', { description: 'A dated step of a case at a location; the chain of events is its route' })
@Directive('@key(fields: "id")')
export class TraffickingEventType extends MarkedRecordType {
  @Field(() => ID, { nullable: true })
  caseId?: string;

  @Field(() => EventType, { nullable: true })
  type?: EventType;

  @Field(() => String, { nullable: true })
  occurredOn?: string | null;

  @Field(() => LocationRef, { nullable: true })
  location?: { __typename: 'Location'; id: string } | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

export const CaseConnection = Connection(CaseType, 'Case');
export const PersonConnection = Connection(PersonType, 'Person');

@ObjectType('PersonMatch', { description: 'A person found by name, with the trigram similarity of the match (0..1)' })
export class PersonMatchType {
  @Field(() => PersonType)
  person: PersonType;

  @Field(() => Number)
  score: number;
}
