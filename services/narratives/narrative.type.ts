import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { MarkedRecordType } from '../kernel/marked-record';
import { Connection } from '../kernel/pagination';

export enum NarrativeLanguage {
  RO = 'ro',
  EN = 'en',
}
registerEnumType(NarrativeLanguage, { name: 'NarrativeLanguage' });

/** The cases subgraph owns Case; this subgraph adds `Case.narratives`. */
@ObjectType('Case')
@Directive('@key(fields: "id")')
export class NarrativeCase {
  @Field(() => ID)
  id: string;
}

@ObjectType('Narrative', { description: "An NGO's account of a case in the survivor's or caseworker's words, with the survivor's consent" })
@Directive('@key(fields: "id")')
export class NarrativeType extends MarkedRecordType {
  @Field(() => NarrativeCase, { nullable: true })
  case?: { __typename: 'Case'; id: string };

  @Field(() => NarrativeLanguage, { nullable: true })
  language?: NarrativeLanguage;

  @Field(() => String, { nullable: true, description: 'Readable only as the consent allows; erased when consent is withdrawn' })
  text?: string | null;

  @Field(() => [String], { nullable: true, description: 'Exploitation indicator codes' })
  indicators?: string[];

  @Field(() => Boolean, { nullable: true, description: 'The survivor agreed to share the text with law enforcement' })
  consentLawEnforcement?: boolean;

  @Field(() => Boolean, { nullable: true, description: "The survivor agreed to share the text with the hub's analysts" })
  consentHub?: boolean;

  @Field(() => String, { nullable: true })
  consentRecordedBy?: string;

  @Field(() => Date, { nullable: true })
  consentRecordedAt?: Date;

  @Field(() => Date, { nullable: true, description: 'When consent was withdrawn and the text erased' })
  withdrawnAt?: Date | null;
}

export const NarrativeConnection = Connection(NarrativeType, 'Narrative');
