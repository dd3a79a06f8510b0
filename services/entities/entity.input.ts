import { Field, ID, InputType } from 'type-graphql';
import type { EntityKind } from './identifier';
import type { LinkKind } from './observe';
import { EntityKindEnum, LinkKindEnum } from './entity.type';

@InputType()
export class EntityFilter {
  @Field(() => EntityKindEnum, { nullable: true })
  kind?: EntityKind;

  @Field(() => String, { nullable: true, description: 'Exact match after normalisation; needs `kind`' })
  value?: string;
}

@InputType()
export class AddCaseEntityInput {
  @Field(() => EntityKindEnum)
  kind: EntityKind;

  @Field(() => String, { description: 'Normalised by kind: E.164 phone, IBAN or sort code + account, canonical URL, ...' })
  value: string;

  @Field(() => String, { nullable: true })
  note?: string;

  @Field(() => ID, { nullable: true, description: 'A person of the same case who is linked to the entity' })
  linkToPersonId?: string;

  @Field(() => LinkKindEnum, { nullable: true, description: 'Defaults by entity kind (PHONE: USES_PHONE, BANK_ACCOUNT: HOLDS_ACCOUNT, ...)' })
  linkKind?: LinkKind;
}
