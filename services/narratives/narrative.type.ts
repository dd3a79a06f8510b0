import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { type EntityKind, EntityKindEnum } from '../kernel/identifier';
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

export enum ProposalKind {
  IDENTIFIER = 'IDENTIFIER',
  INDICATOR = 'INDICATOR',
}
registerEnumType(ProposalKind, { name: 'ProposalKind' });

export enum ProposalStatus {
  PROPOSED = 'PROPOSED',
  CONFIRMED = 'CONFIRMED',
  REJECTED = 'REJECTED',
}
registerEnumType(ProposalStatus, { name: 'ProposalStatus' });

export enum ProposalDecision {
  CONFIRM = 'CONFIRM',
  REJECT = 'REJECT',
}
registerEnumType(ProposalDecision, { name: 'ProposalDecision' });

/** The entities subgraph resolves an Entity through its own policy path. */
@ObjectType('Entity')
@Directive('@key(fields: "id", resolvable: false)')
export class NarrativeEntityRef {
  @Field(() => ID)
  id: string;
}

@ObjectType('NarrativeProposal', {
  description:
    "An identifier or indicator Tessera read in a narrative's text, for the narrative's owner to confirm or reject. Only the owner sees proposals; they are erased with the text.",
})
export class NarrativeProposalType {
  @Field(() => ID)
  id: string;

  @Field(() => ProposalKind)
  kind: ProposalKind;

  @Field(() => EntityKindEnum, { nullable: true, description: 'IDENTIFIER: the kind of identifier' })
  identifierKind?: EntityKind | null;

  @Field(() => String, { nullable: true, description: 'IDENTIFIER: the normalised value, as the entity would be keyed' })
  value?: string | null;

  @Field(() => String, { nullable: true, description: 'INDICATOR: the exploitation indicator code' })
  indicator?: string | null;

  @Field(() => Int, { description: 'Where the words that triggered the proposal start in the text (UTF-16 offset, as String.slice takes it)' })
  excerptStart: number;

  @Field(() => Int, { description: 'Where they end (exclusive)' })
  excerptEnd: number;

  @Field(() => String, { nullable: true, description: 'Those words, read from the text (nothing else is copied)' })
  excerpt?: string | null;

  @Field(() => ProposalStatus)
  status: ProposalStatus;

  @Field(() => Date, { nullable: true })
  decidedAt?: Date | null;

  @Field(() => ID, { nullable: true, description: 'The user who confirmed or rejected it' })
  decidedByUserId?: string | null;

  @Field(() => NarrativeEntityRef, { nullable: true, description: 'A confirmed identifier: the entity the narrative now observes' })
  entity?: { __typename: 'Entity'; id: string } | null;
}
