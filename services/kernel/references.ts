import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * Stubs for entity types another subgraph owns, used where a record only points at one. The owning
 * subgraph resolves them (through its own policy path). Subgraphs that add fields to one of these
 * types define their own class for it instead.
 */
@ObjectType('Agency')
@Directive('@key(fields: "id", resolvable: false)')
export class AgencyRef {
  @Field(() => ID)
  id: string;
}

@ObjectType('Location')
@Directive('@key(fields: "id", resolvable: false)')
export class LocationRef {
  @Field(() => ID)
  id: string;
}

export function ref<T extends string>(typename: T, id: string | null | undefined): { __typename: T; id: string } | null {
  return id ? { __typename: typename, id } : null;
}
