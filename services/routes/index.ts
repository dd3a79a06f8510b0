import { RoutesInit1764000000050 } from '../../migrations/routes/1764000000050-routes-init';
import { Campaigns1764000000060 } from '../../migrations/routes/1764000000060-campaigns';
import { RoutesOwnerReviewDueIndexes1764000003100 } from '../../migrations/routes/1764000003100-owner-review-due-indexes';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { CampaignAreaResolver, CampaignIndicatorResolver, CampaignReachResolver, CampaignResolver } from './campaign.resolver';
import * as campaigns from './campaign.service';
import { seedRoutesDemo } from './demo-data';
import { HotspotResolver, LocationResolver, RouteAggregateResolver, RouteResolver } from './route.resolver';
import * as routes from './route.service';
import { ROUTES_TABLES } from './tables';

/**
 * The gazetteer, the routes the hub publishes, and route aggregates and hotspots aggregated live
 * from shareable case events (route aggregates are read under the Route policy), and prevention
 * campaigns targeted at places of recruitment (docs/campaigns.md).
 */
export const routesSubgraph: SubgraphDefinition = {
  name: 'routes',
  port: 4003,
  dbSchema: 'routes',
  migrations: [RoutesInit1764000000050, Campaigns1764000000060, RoutesOwnerReviewDueIndexes1764000003100],
  tables: ROUTES_TABLES,
  // The export is audited as a disclosure to the partner, in the request's transaction (campaign.service.ts).
  primaryQueries: ['campaignTargetAreasExport'],
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [
        LocationResolver,
        RouteResolver,
        RouteAggregateResolver,
        HotspotResolver,
        CampaignResolver,
        CampaignReachResolver,
        CampaignAreaResolver,
        CampaignIndicatorResolver,
      ],
      references: {
        Location: { __resolveReference: (ref: { id: string }, ctx) => routes.getLocation(ctx, ref.id) },
        Route: { __resolveReference: (ref: { id: string }, ctx) => routes.getRoute(ctx, ref.id) },
        Campaign: { __resolveReference: (ref: { id: string }, ctx) => campaigns.getCampaign(ctx, ref.id) },
      },
      relations: {
        Route: ['origin', 'transit', 'destination'],
        Hotspot: ['location'],
        Campaign: ['targetAreas'],
        CampaignArea: ['location', 'publishedRoutes'],
        CampaignReach: ['campaign', 'location'],
        CampaignIndicator: ['location'],
      },
      rootAccess: {
        location: ['read', 'Location'],
        locations: ['read', 'Location'],
        route: ['read', 'Route'],
        routes: ['read', 'Route'],
        routeAggregates: ['read', 'Route'],
        hotspots: ['read', 'Hotspot'],
        publishRoute: ['create', 'Route'],
        campaign: ['read', 'Campaign'],
        campaigns: ['read', 'Campaign'],
        campaignCandidateAreas: ['create', 'Campaign'],
        campaignTargetAreas: ['read', 'CampaignArea'],
        campaignTargetAreasExport: ['read', 'CampaignArea'],
        campaignReach: ['read', 'CampaignReach'],
        campaignIndicators: ['read', 'CampaignIndicator'],
        createCampaign: ['create', 'Campaign'],
        updateCampaign: ['update', 'Campaign'],
        recordCampaignReach: ['create', 'CampaignReach'],
      },
    }),
  seedDemo: seedRoutesDemo,
};
