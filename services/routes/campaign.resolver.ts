import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { rawOf } from '../../policies/enforce';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import * as campaigns from './campaign.service';
import {
  CampaignAreasExportType,
  CampaignAreaType,
  CampaignConnection,
  CampaignExportFormat,
  CampaignIndicatorType,
  CampaignReachType,
  CampaignType,
  CreateCampaignInput,
  RecordCampaignReachInput,
  UpdateCampaignInput,
} from './campaign.type';
import * as routes from './route.service';
import { LocationType, RouteType } from './route.type';

@Resolver(() => CampaignType)
export class CampaignResolver {
  @Query(() => CampaignType, { nullable: true, description: 'One campaign; NOT_FOUND when it does not exist or does not reach you' })
  campaign(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return campaigns.getCampaign(ctx, id);
  }

  @Query(() => CampaignConnection, { description: 'The campaigns your agency runs or is the partner of, latest start first' })
  campaigns(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext) {
    return campaigns.listCampaigns(ctx, page);
  }

  @Query(() => [CampaignAreaType], {
    description:
      'Candidate target areas: places of recruitment (route origins and recruitment hotspots) with the cases recruited there in the period, under disclosure control; ordered by place, never by count',
  })
  campaignCandidateAreas(
    @Arg('periodFrom', () => String, { description: 'YYYY-MM-DD' }) periodFrom: string,
    @Arg('periodTo', () => String, { description: 'YYYY-MM-DD' }) periodTo: string,
    @Ctx() ctx: RequestContext,
  ) {
    return campaigns.candidateAreas(ctx, periodFrom, periodTo);
  }

  @Query(() => [CampaignAreaType], {
    description:
      "A campaign's target areas with the cases recruited there in the year before it starts (exact for the hub, disclosure-controlled for the partner)",
  })
  campaignTargetAreas(@Arg('campaignId', () => ID) campaignId: string, @Ctx() ctx: RequestContext) {
    return campaigns.campaignTargetAreas(ctx, campaignId);
  }

  @Query(() => CampaignAreasExportType, {
    description:
      'The target areas as a CSV or GeoJSON file for the partner: places and counts under the disclosure control of bank and NGO counts, never a case',
  })
  campaignTargetAreasExport(
    @Arg('campaignId', () => ID) campaignId: string,
    @Arg('format', () => CampaignExportFormat) format: CampaignExportFormat,
    @Ctx() ctx: RequestContext,
  ) {
    return campaigns.exportTargetAreas(ctx, campaignId, format);
  }

  @Query(() => [CampaignReachType], { description: 'The reach recorded for a campaign, by ISO week and area' })
  campaignReach(@Arg('campaignId', () => ID) campaignId: string, @Ctx() ctx: RequestContext) {
    return campaigns.listReach(ctx, campaignId);
  }

  @Query(() => [CampaignIndicatorType], {
    description: 'Before/after indicators per target area over two windows of equal length (the campaign period and as many days just before it)',
  })
  campaignIndicators(@Arg('campaignId', () => ID) campaignId: string, @Ctx() ctx: RequestContext) {
    return campaigns.campaignIndicators(ctx, campaignId);
  }

  @Mutation(() => CampaignType, { description: 'Creates a campaign run by your agency; idempotent on input.idempotencyKey' })
  createCampaign(@Arg('input', () => CreateCampaignInput) input: CreateCampaignInput, @Ctx() ctx: RequestContext) {
    return campaigns.createCampaign(ctx, input);
  }

  @Mutation(() => CampaignType, {
    description: "Changes a campaign's name, goal, languages, channels, period or target areas; fields not given keep their value",
  })
  updateCampaign(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateCampaignInput) input: UpdateCampaignInput, @Ctx() ctx: RequestContext) {
    return campaigns.updateCampaign(ctx, id, input);
  }

  @Mutation(() => CampaignReachType, {
    description: 'Records the people reached and the calls taken in one target area and ISO week; recording again replaces the figures',
  })
  recordCampaignReach(@Arg('input', () => RecordCampaignReachInput) input: RecordCampaignReachInput, @Ctx() ctx: RequestContext) {
    return campaigns.recordReach(ctx, input);
  }

  @FieldResolver(() => [LocationType], { nullable: true })
  targetAreas(@Root() campaign: object, @Ctx() ctx: RequestContext) {
    return campaigns.targetAreasOf(ctx, campaign);
  }
}

@Resolver(() => CampaignReachType)
export class CampaignReachResolver {
  @FieldResolver(() => CampaignType, { nullable: true })
  campaign(@Root() reach: object, @Ctx() ctx: RequestContext) {
    return campaigns.campaignOf(ctx, reach);
  }

  @FieldResolver(() => LocationType, { nullable: true })
  location(@Root() reach: object, @Ctx() ctx: RequestContext) {
    return routes.locationOf(ctx, reach, 'locationId');
  }
}

@Resolver(() => CampaignAreaType)
export class CampaignAreaResolver {
  @FieldResolver(() => LocationType, { nullable: true })
  location(@Root() area: object, @Ctx() ctx: RequestContext) {
    return routes.locationOf(ctx, area, 'locationId');
  }

  @FieldResolver(() => [RouteType], { description: 'The published routes that start here and reach you, with the counts the hub chose' })
  publishedRoutes(@Root() area: object, @Ctx() ctx: RequestContext) {
    return routes.routesFrom(ctx, rawOf(area).locationId as string);
  }
}

@Resolver(() => CampaignIndicatorType)
export class CampaignIndicatorResolver {
  @FieldResolver(() => LocationType, { nullable: true })
  location(@Root() indicator: object, @Ctx() ctx: RequestContext) {
    return routes.locationOf(ctx, indicator, 'locationId');
  }
}
