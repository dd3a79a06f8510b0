import { Field, ID, InputType } from 'type-graphql';
import { AuditAction } from './audit.type';

@InputType()
export class AuditFilter {
  @Field(() => AuditAction, { nullable: true })
  action?: AuditAction;

  @Field(() => String, { nullable: true, description: 'Person, Case, Narrative ...' })
  subjectType?: string;

  @Field(() => ID, { nullable: true, description: 'One record: who collected, changed or consulted it (a consultation listing it among others included)' })
  subjectId?: string;

  @Field(() => String, { nullable: true, description: 'From this instant (inclusive): ISO 8601 date or date-time' })
  from?: string;

  @Field(() => String, { nullable: true, description: 'Until this instant (exclusive): ISO 8601 date or date-time' })
  to?: string;
}
