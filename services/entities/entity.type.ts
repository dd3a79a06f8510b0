import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { MarkedRecordType } from '../kernel/marked-record';
import { Connection } from '../kernel/pagination';
import { type EntityKind, EntityKindEnum } from '../kernel/identifier';
import { LINK_KINDS, type LinkKind, SOURCE_TYPES, type SourceType } from './observe';
import { enumOf } from '../kernel/enums';

/** A GraphQL enum from a const list, so TypeScript callers can pass plain string literals. */

export const LinkKindEnum = enumOf(LINK_KINDS);
registerEnumType(LinkKindEnum, { name: 'LinkKind' });
const SourceTypeEnum = enumOf(SOURCE_TYPES);
registerEnumType(SourceTypeEnum, { name: 'ObservationSourceType', description: 'The kind of record a statement about an entity comes from' });

@ObjectType('Entity', { description: 'An identifier-bearing thing keyed by kind and normalised value: where the pieces of the picture meet' })
@Directive('@key(fields: "id")')
export class EntityType {
  @Field(() => ID)
  id: string;

  @Field(() => EntityKindEnum, { nullable: true })
  kind?: EntityKind;

  @Field(() => String, { nullable: true, description: 'The normalised value (E.164 phone, IBAN, canonical URL, ...)' })
  value?: string;

  @Field(() => String, { nullable: true, description: 'The value masked, for callers who may not read it' })
  maskedValue?: string;

  @Field(() => Date, { nullable: true })
  firstSeenAt?: Date;
}

@ObjectType('Observation', { description: "An agency's statement that an entity appears in one of its records" })
@Directive('@key(fields: "id")')
export class ObservationType extends MarkedRecordType {
  @Field(() => SourceTypeEnum, { nullable: true })
  sourceType?: SourceType;

  @Field(() => ID, { nullable: true, description: 'The id of the case, report, narrative or typology the statement comes from' })
  sourceId?: string;

  @Field(() => Date, { nullable: true })
  observedAt?: Date;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

/** A person of the cases subgraph, which resolves it through its own policy. */
@ObjectType('Person')
@Directive('@key(fields: "id", resolvable: false)')
export class PersonRef {
  @Field(() => ID)
  id: string;
}

@ObjectType('Link', { description: "An agency's statement that two entities or persons are related" })
@Directive('@key(fields: "id")')
export class LinkType extends MarkedRecordType {
  @Field(() => LinkKindEnum, { nullable: true })
  kind?: LinkKind;

  @Field(() => PersonRef, { nullable: true })
  fromPerson?: { __typename: 'Person'; id: string } | null;

  @Field(() => PersonRef, { nullable: true })
  toPerson?: { __typename: 'Person'; id: string } | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  validFrom?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  validTo?: string | null;

  @Field(() => SourceTypeEnum, { nullable: true })
  sourceType?: SourceType;

  @Field(() => ID, { nullable: true })
  sourceId?: string;
}

/** The cases subgraph's Case, to which this subgraph adds the entities observed in it. */
@ObjectType('Case')
@Directive('@key(fields: "id")')
export class CaseType {
  @Field(() => ID)
  id: string;
}

export const EntityConnection = Connection(EntityType, 'Entity');
