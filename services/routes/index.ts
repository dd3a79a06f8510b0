import { RoutesInit1764000000050 } from '../../migrations/routes/1764000000050-routes-init';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { seedRoutesDemo } from './demo-data';
import { HotspotResolver, LocationResolver, RouteAggregateResolver, RouteResolver } from './route.resolver';
import * as routes from './route.service';
import { ROUTES_TABLES } from './tables';

/**
 * The gazetteer, the routes the hub publishes, and route aggregates and hotspots aggregated live
 * from shareable case events (route aggregates are read under the Route policy).
 */
export const routesSubgraph: SubgraphDefinition = {
  name: 'routes',
  port: 4003,
  dbSchema: 'routes',
  migrations: [RoutesInit1764000000050],
  tables: ROUTES_TABLES,
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [LocationResolver, RouteResolver, RouteAggregateResolver, HotspotResolver],
      references: {
        Location: { __resolveReference: (ref: { id: string }, ctx) => routes.getLocation(ctx, ref.id) },
        Route: { __resolveReference: (ref: { id: string }, ctx) => routes.getRoute(ctx, ref.id) },
      },
      relations: { Route: ['origin', 'transit', 'destination'], Hotspot: ['location'] },
      rootAccess: {
        location: ['read', 'Location'],
        locations: ['read', 'Location'],
        route: ['read', 'Route'],
        routes: ['read', 'Route'],
        routeAggregates: ['read', 'Route'],
        hotspots: ['read', 'Hotspot'],
        publishRoute: ['create', 'Route'],
      },
    }),
  seedDemo: seedRoutesDemo,
};
