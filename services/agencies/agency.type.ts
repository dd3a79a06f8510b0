import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AGENCY_TYPES, ROLES } from '../../policies/actor';
import { enumOf } from '../kernel/enums';

export const AgencyTypeEnum = enumOf(AGENCY_TYPES);
registerEnumType(AgencyTypeEnum, { name: 'AgencyType' });
export const RoleEnum = enumOf(ROLES);
registerEnumType(RoleEnum, { name: 'Role' });

@ObjectType('Agency', { description: 'A member agency of the hub: the directory every member may read' })
@Directive('@key(fields: "id")')
export class AgencyType {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  slug?: string;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => AgencyTypeEnum, { nullable: true })
  type?: string;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2' })
  country?: string;

  @Field(() => Boolean, { nullable: true, description: 'Whether it answers access requests after a hit/no-hit' })
  acceptsAccessRequests?: boolean;
}

@ObjectType('User')
export class UserType {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true, description: "The subject (sub) the agency's identity provider gives this person" })
  subject?: string;

  @Field(() => String, { nullable: true })
  displayName?: string;

  @Field(() => RoleEnum, { nullable: true })
  role?: string;

  @Field(() => Boolean, { nullable: true })
  active?: boolean;
}

@ObjectType('TrustedIssuer', { description: "An agency's identity provider: its tokens authenticate that agency's users" })
export class TrustedIssuerType {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  issuer?: string;

  @Field(() => String, { nullable: true })
  audience?: string;

  @Field(() => [String], { nullable: true })
  algorithms?: string[];

  @Field(() => String, { nullable: true, description: 'Public JSON Web Key Set, as JSON (null when the keys are read from jwksUri)' })
  jwks?: string | null;

  @Field(() => String, { nullable: true, description: "The issuer's key set URL, found by OpenID discovery (null when the keys are static)" })
  jwksUri?: string | null;
}

@ObjectType('Permission', {
  description: 'A kind of thing your agency type and role may do with a kind of record; each record still decides (marking, ownership, sharing, fields)',
})
export class PermissionType {
  @Field(() => String, { description: 'read, create, update or withdraw' })
  action: string;

  @Field(() => String, { description: 'The record type (a GraphQL type name)' })
  subject: string;
}

@InputType()
export class RegisterAgencyInput {
  @Field(() => String)
  slug: string;

  @Field(() => String)
  name: string;

  @Field(() => AgencyTypeEnum)
  type: string;

  @Field(() => String)
  country: string;

  @Field(() => Boolean, { defaultValue: true })
  acceptsAccessRequests: boolean;
}

@InputType()
export class RegisterUserInput {
  @Field(() => ID)
  agencyId: string;

  @Field(() => String)
  subject: string;

  @Field(() => String)
  displayName: string;

  @Field(() => RoleEnum)
  role: string;
}

@InputType()
export class RegisterTrustedIssuerInput {
  @Field(() => ID)
  agencyId: string;

  @Field(() => String)
  issuer: string;

  @Field(() => String)
  audience: string;

  @Field(() => [String])
  algorithms: string[];

  @Field(() => String, {
    nullable: true,
    description:
      "Public JSON Web Key Set, as JSON; private key material is refused. Left out, the issuer's keys are read from the jwks_uri of its OpenID discovery document (https only outside development), and follow its key rotation",
  })
  jwks?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'The longest a token of this issuer may be valid (exp − iat) and the oldest it may be (now − iat), in seconds: 60 to 604800; by default 86400 (24 hours)',
  })
  maxTokenLifetimeSeconds?: number | null;
}
