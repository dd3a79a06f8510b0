import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import { ExploitationType } from '../kernel/taxonomy';
import { PublishRouteInput, RouteFilter } from './route.input';
import * as aggregates from './aggregate.service';
import * as routes from './route.service';
import { HotspotType, LocationConnection, LocationType, RouteAggregatesType, RouteAggregateType, RouteConnection, RouteType } from './route.type';

@Resolver(() => LocationType)
export class LocationResolver {
  @Query(() => LocationType, { nullable: true, description: 'One gazetteer entry; NOT_FOUND when it does not exist' })
  location(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return routes.getLocation(ctx, id);
  }

  @Query(() => LocationConnection, { description: 'Gazetteer entries; search matches names with or without diacritics' })
  locations(
    @Arg('search', () => String, { nullable: true }) search: string | undefined,
    @Arg('countryCode', () => String, { nullable: true, description: 'ISO 3166-1 alpha-2' }) countryCode: string | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return routes.listLocations(ctx, search, countryCode, page);
  }
}

@Resolver(() => RouteType)
export class RouteResolver {
  @Query(() => RouteType, { nullable: true, description: 'One route; NOT_FOUND when it does not exist or does not reach you' })
  route(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return routes.getRoute(ctx, id);
  }

  @Query(() => RouteConnection, { description: 'Routes that reach you, newest first' })
  routes(
    @Arg('filter', () => RouteFilter, { nullable: true }) filter: RouteFilter | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return routes.listRoutes(ctx, filter, page);
  }

  @Mutation(() => RouteType, { description: 'Publishes a route owned by your agency' })
  publishRoute(@Arg('input', () => PublishRouteInput) input: PublishRouteInput, @Ctx() ctx: RequestContext) {
    return routes.publishRoute(ctx, input);
  }

  @FieldResolver(() => LocationType, { nullable: true })
  origin(@Root() route: object, @Ctx() ctx: RequestContext) {
    return routes.locationOf(ctx, route, 'originLocationId');
  }

  @FieldResolver(() => [LocationType], { description: 'Transit locations in travel order' })
  transit(@Root() route: object, @Ctx() ctx: RequestContext) {
    return routes.transitOf(ctx, route);
  }

  @FieldResolver(() => LocationType, { nullable: true })
  destination(@Root() route: object, @Ctx() ctx: RequestContext) {
    return routes.locationOf(ctx, route, 'destinationLocationId');
  }
}

@Resolver(() => RouteAggregateType)
export class RouteAggregateResolver {
  @Query(() => RouteAggregatesType, {
    description:
      'Routes aggregated live from shareable trafficking events, one per origin and destination. Without exact counts the period is widened to whole quarters and counts are perturbed by the cell-key method, those below k withheld (docs/disclosure-control.md)',
  })
  routeAggregates(
    @Arg('periodFrom', () => String, { description: 'YYYY-MM-DD' }) periodFrom: string,
    @Arg('periodTo', () => String, { description: 'YYYY-MM-DD' }) periodTo: string,
    @Arg('exploitationType', () => ExploitationType, { nullable: true }) exploitationType: ExploitationType | undefined,
    @Arg('originCountry', () => String, { nullable: true, description: 'ISO 3166-1 alpha-2 of the origin' }) originCountry: string | undefined,
    @Arg('destinationCountry', () => String, { nullable: true, description: 'ISO 3166-1 alpha-2 of the destination' }) destinationCountry: string | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return aggregates.routeAggregates(ctx, { periodFrom, periodTo, exploitationType, originCountry, destinationCountry });
  }

  @FieldResolver(() => LocationType, { nullable: true })
  origin(@Root() route: object, @Ctx() ctx: RequestContext) {
    return routes.locationOf(ctx, route, 'originLocationId');
  }

  @FieldResolver(() => [LocationType], {
    description: 'Transit places in travel order; without exact counts only those whose perturbed count of counted cases passing through is released',
  })
  transit(@Root() route: object, @Ctx() ctx: RequestContext) {
    return routes.transitOf(ctx, route);
  }

  @FieldResolver(() => LocationType, { nullable: true })
  destination(@Root() route: object, @Ctx() ctx: RequestContext) {
    return routes.locationOf(ctx, route, 'destinationLocationId');
  }
}

@Resolver(() => HotspotType)
export class HotspotResolver {
  @Query(() => [HotspotType], { description: 'Places of exploitation in a period, aggregated from shareable trafficking events' })
  hotspots(
    @Arg('periodFrom', () => String, { description: 'YYYY-MM-DD' }) periodFrom: string,
    @Arg('periodTo', () => String, { description: 'YYYY-MM-DD' }) periodTo: string,
    @Arg('exploitationType', () => ExploitationType, { nullable: true }) exploitationType: ExploitationType | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return aggregates.hotspots(ctx, periodFrom, periodTo, exploitationType);
  }

  @FieldResolver(() => LocationType, { nullable: true })
  location(@Root() hotspot: object, @Ctx() ctx: RequestContext) {
    return routes.locationOf(ctx, hotspot, 'locationId');
  }
}
