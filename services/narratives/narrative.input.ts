import { Field, ID, InputType } from 'type-graphql';
import { HandlingInput } from '../kernel/marked-record';
import { ExploitationType } from '../kernel/taxonomy';
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

/** A case opened together with its first narrative, owned by the contributor's agency. */
@InputType()
export class NarrativeNewCaseInput {
  @Field(() => HandlingInput)
  handling: HandlingInput;

  @Field(() => [ExploitationType], { description: 'At least one' })
  exploitationTypes: ExploitationType[];

  @Field(() => String, { nullable: true, description: 'At most 20,000 characters' })
  summary?: string;
}

@InputType()
export class ContributeNarrativeInput {
  @Field(() => ID, { nullable: true, description: 'A case your agency owns; give this or newCase' })
  caseId?: string;

  @Field(() => NarrativeNewCaseInput, { nullable: true, description: 'Opens a case owned by your agency for this narrative; give this or caseId' })
  newCase?: NarrativeNewCaseInput;

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
