import { Field, ID, InputType } from 'type-graphql';
import { type EntityKind, EntityKindEnum } from '../kernel/identifier';
import type { LinkKind } from './observe';
import { LinkKindEnum } from './entity.type';

@InputType()
export class EntityFilter {
  @Field(() => EntityKindEnum, { nullable: true })
  kind?: EntityKind;

  @Field(() => String, { nullable: true, description: 'Exact match after normalisation; needs `kind`' })
  value?: string;

  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2 country a national-format value is read with; defaults to your agency's country" })
  country?: string;
}

@InputType()
export class AddCaseEntityInput {
  @Field(() => EntityKindEnum)
  kind: EntityKind;

  @Field(() => String, { description: 'Normalised by kind: E.164 phone, IBAN or sort code + account, canonical URL, ...' })
  value: string;

  @Field(() => String, {
    nullable: true,
    description:
      "ISO 3166-1 alpha-2 country a national-format value is read with (a phone typed 0722 123 456 with RO is +40722123456); defaults to your agency's country",
  })
  country?: string;

  @Field(() => String, { nullable: true })
  note?: string;

  @Field(() => ID, { nullable: true, description: 'A person of the same case who is linked to the entity' })
  linkToPersonId?: string;

  @Field(() => LinkKindEnum, { nullable: true, description: 'Defaults by entity kind (PHONE: USES_PHONE, BANK_ACCOUNT: HOLDS_ACCOUNT, ...)' })
  linkKind?: LinkKind;
}

@InputType({ description: 'An identifier as a user typed it; normalised like a contribution (E.164 phones, IBANs, ...)' })
export class IdentifierInput {
  @Field(() => EntityKindEnum)
  kind: EntityKind;

  @Field(() => String)
  value: string;

  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2 country a national-format value is read with; defaults to your agency's country" })
  country?: string;
}
