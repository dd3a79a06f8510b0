import { Field, ID, InputType } from 'type-graphql';
import { HandlingInput } from '../kernel/marked-record';
import { NarrativeLanguage } from './narrative.type';

@InputType()
export class ConsentInput {
  @Field(() => Boolean, { description: 'The survivor agrees to share the text with law enforcement' })
  lawEnforcement: boolean;

  @Field(() => Boolean, { description: "The survivor agrees to share the text with the hub's analysts" })
  hub: boolean;

  @Field(() => String, { description: 'Who recorded the consent' })
  recordedBy: string;

  @Field(() => String, { nullable: true, description: 'ISO 8601 date-time with a time zone; defaults to now' })
  recordedAt?: string;
}

@InputType()
export class ContributeNarrativeInput {
  @Field(() => ID, { description: 'A case your agency owns' })
  caseId: string;

  @Field(() => NarrativeLanguage)
  language: NarrativeLanguage;

  @Field(() => String, { description: '1 to 50,000 characters' })
  text: string;

  @Field(() => [String], { nullable: true, description: 'Exploitation indicator codes' })
  indicators?: string[];

  @Field(() => ConsentInput)
  consent: ConsentInput;

  @Field(() => HandlingInput, { description: "Never lower than the case's marking: raised to it if it is" })
  handling: HandlingInput;

  @Field(() => String, { description: 'Resubmitting the same input with the same key returns the narrative first created with it' })
  idempotencyKey: string;
}
