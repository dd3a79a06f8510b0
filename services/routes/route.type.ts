import { Directive, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { MarkedRecordType } from '../kernel/marked-record';
import { Connection } from '../kernel/pagination';
import { ExploitationType } from '../kernel/taxonomy';

@ObjectType('Location', { description: 'A gazetteer entry: public reference data, unmarked' })
@Directive('@key(fields: "id")')
export class LocationType {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2' })
  countryCode?: string;

  @Field(() => Float, { nullable: true })
  latitude?: number | null;

  @Field(() => Float, { nullable: true })
  longitude?: number | null;
}

@ObjectType('Route', { description: 'Origin → transit → destination, aggregated from many cases and published by the hub' })
@Directive('@key(fields: "id")')
export class RouteType extends MarkedRecordType {
  @Field(() => [ExploitationType], { nullable: true })
  exploitationTypes?: ExploitationType[];

  @Field(() => String, { nullable: true })
  periodStart?: string | null;

  @Field(() => String, { nullable: true })
  periodEnd?: string | null;

  @Field(() => Int, { nullable: true, description: 'Null when below the disclosure threshold for your agency (countSuppressed)' })
  victimCount?: number | null;

  @Field(() => Int, { nullable: true, description: 'Null when below the disclosure threshold for your agency (countSuppressed)' })
  caseCount?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether a count was withheld because it is below the disclosure threshold' })
  countSuppressed?: boolean;
}

@ObjectType('Hotspot', { description: 'A place with the exploitation it saw over a period, aggregated from shareable trafficking events' })
export class HotspotType {
  @Field(() => String, {
    nullable: true,
    description: 'The period counted: the one requested, or without exact counts that period widened to whole calendar quarters',
  })
  periodStart?: string;

  @Field(() => String, { nullable: true, description: 'The period counted (see periodStart)' })
  periodEnd?: string;

  @Field(() => Int, {
    nullable: true,
    description:
      'Without exact counts: perturbed by at most 2 and rounded to a multiple of 3 (docs/disclosure-control.md), null when that is below the disclosure threshold (countSuppressed)',
  })
  victimCount?: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Without exact counts: perturbed by at most 2 and rounded to a multiple of 3 (docs/disclosure-control.md), null when that is below the disclosure threshold (countSuppressed)',
  })
  caseCount?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether a count was withheld because its perturbed value is below the disclosure threshold' })
  countSuppressed?: boolean;
}

@ObjectType('RouteAggregate', {
  description: 'Origin → transit → destination aggregated live from shareable trafficking events: one cell per origin and destination',
})
export class RouteAggregateType {
  @Field(() => [ExploitationType], { nullable: true, description: 'Of the cases counted' })
  exploitationTypes?: ExploitationType[];

  @Field(() => String, { nullable: true, description: 'First event of the counted cases on this route (without exact counts: start of its quarter)' })
  periodStart?: string;

  @Field(() => String, { nullable: true, description: 'Last event of the counted cases on this route (without exact counts: end of its quarter)' })
  periodEnd?: string;

  @Field(() => Int, {
    nullable: true,
    description:
      'Distinct VICTIM persons; without exact counts perturbed by at most 2 and rounded to a multiple of 3 (docs/disclosure-control.md), null when that is below the disclosure threshold (countSuppressed)',
  })
  victimCount?: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Without exact counts: perturbed by at most 2 and rounded to a multiple of 3 (docs/disclosure-control.md), null when that is below the disclosure threshold (countSuppressed)',
  })
  caseCount?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether a count was withheld because its perturbed value is below the disclosure threshold' })
  countSuppressed?: boolean;
}

@ObjectType('RouteAggregates', { description: 'Route aggregates over a period; no totals' })
export class RouteAggregatesType {
  @Field(() => String, { description: 'The period counted: the one requested, or without exact counts that period widened to whole calendar quarters' })
  periodFrom: string;

  @Field(() => String, { description: 'The period counted (see periodFrom)' })
  periodTo: string;

  @Field(() => Int, {
    nullable: true,
    description:
      'The disclosure threshold k that applies to you: a count whose perturbed value is below it is null (countSuppressed), here and in hotspots; null when you read exact counts',
  })
  disclosureThreshold: number | null;

  @Field(() => [RouteAggregateType], { description: 'Ordered by origin and destination (country, name), never by count' })
  nodes: object[];
}

export const LocationConnection = Connection(LocationType, 'Location');
export const RouteConnection = Connection(RouteType, 'Route');
