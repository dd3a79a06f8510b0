import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../kernel/pagination';
import { AgencyRef } from '../kernel/references';

export enum AuditAction {
  COLLECT = 'COLLECT',
  ALTER = 'ALTER',
  CONSULT = 'CONSULT',
  DISCLOSE = 'DISCLOSE',
  COMBINE = 'COMBINE',
  ERASE = 'ERASE',
}
registerEnumType(AuditAction, { name: 'AuditAction', description: 'DPA 2018 s.62 processing operations' });

@ObjectType('AuditEvent', { description: 'One append-only, hash-chained audit event: who did what to which record, when and why. Never holds field values.' })
export class AuditEventType {
  @Field(() => String, { description: 'Position in the chain (a 64-bit integer as text)' })
  seq: string;

  @Field(() => String, { description: 'When, as ISO 8601 UTC with microseconds (the hashed form)' })
  at: string;

  @Field(() => AuditAction)
  action: AuditAction;

  @Field(() => ID, { nullable: true, description: 'The user who acted' })
  actorUserId: string | null;

  @Field(() => AgencyRef, { nullable: true, description: "The actor's agency" })
  actorAgency: { __typename: 'Agency'; id: string } | null;

  @Field(() => String, { description: 'Case, Person, TraffickingEvent, Narrative, Entity, TransactionReport ...' })
  subjectType: string;

  @Field(() => ID)
  subjectId: string;

  @Field(() => AgencyRef, { nullable: true, description: 'The agency that owns the record' })
  recordOwnerAgency: { __typename: 'Agency'; id: string } | null;

  @Field(() => [AgencyRef], { description: 'DISCLOSE: the agencies that received the data' })
  recipients: Array<{ __typename: 'Agency'; id: string }>;

  @Field(() => String, { nullable: true, description: 'The purpose the actor stated (x-tessera-purpose)' })
  purpose: string | null;

  @Field(() => [String], { description: 'Names of the fields concerned; never their values' })
  fields: string[];

  @Field(() => String, { nullable: true, description: 'The gateway request id: events of one request share it' })
  requestId: string | null;

  @Field(() => String, { description: 'Hash of the previous event in the chain' })
  prevHash: string;

  @Field(() => String, { description: 'sha256(prevHash || canonical JSON of this event)' })
  hash: string;
}

export const AuditEventConnection = Connection(AuditEventType, 'AuditEvent');
