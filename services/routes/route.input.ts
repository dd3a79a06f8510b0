import { Field, ID, InputType, Int } from 'type-graphql';
import { HandlingInput } from '../kernel/marked-record';
import { ExploitationType } from '../kernel/taxonomy';

@InputType()
export class RouteFilter {
  @Field(() => ExploitationType, { nullable: true })
  exploitationType?: ExploitationType;

  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2 of the route's origin" })
  originCountry?: string;

  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2 of the route's destination" })
  destinationCountry?: string;
}

@InputType()
export class PublishRouteInput {
  @Field(() => ID)
  originLocationId: string;

  @Field(() => [ID], { nullable: true, description: 'In travel order' })
  transitLocationIds?: string[];

  @Field(() => ID)
  destinationLocationId: string;

  @Field(() => [ExploitationType])
  exploitationTypes: ExploitationType[];

  @Field(() => String, { nullable: true })
  periodStart?: string;

  @Field(() => String, { nullable: true })
  periodEnd?: string;

  @Field(() => Int)
  victimCount: number;

  @Field(() => Int)
  caseCount: number;

  @Field(() => HandlingInput, { description: 'At least the highest marking of the cases the route was derived from' })
  handling: HandlingInput;
}
