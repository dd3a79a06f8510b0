import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import * as adverts from './advert.service';
import * as leads from './lead.service';
import {
  AdvertConnection,
  AdvertFilter,
  AdvertImportType,
  AdvertLeadComputationType,
  AdvertLeadConnection,
  AdvertLeadFilter,
  AdvertLeadType,
  AdvertType,
  ImportAdvertsInput,
} from './advert.type';

@Resolver(() => AdvertType)
export class AdvertResolver {
  @Query(() => AdvertType, { nullable: true, description: 'One advert; NOT_FOUND when it does not exist or does not reach you' })
  advert(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return adverts.getAdvert(ctx, id);
  }

  @Query(() => AdvertConnection, { description: 'Adverts that reach you, last seen first; filters only on fields you can read' })
  adverts(
    @Arg('filter', () => AdvertFilter, { nullable: true }) filter: AdvertFilter | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return adverts.listAdverts(ctx, filter, page);
  }

  @Mutation(() => AdvertImportType, {
    description:
      'Ingests a file of adverts (NDJSON or CSV), all or nothing: any malformed line refuses the file (BAD_USER_INPUT, extensions.errors: [{ line, field, message }]); the same file with the same handling ingested again writes nothing (replayed); an advert seen again widens its sightings',
  })
  importAdverts(@Arg('input', () => ImportAdvertsInput) input: ImportAdvertsInput, @Ctx() ctx: RequestContext) {
    return adverts.importAdverts(ctx, input);
  }
}

@Resolver(() => AdvertLeadType)
export class AdvertLeadResolver {
  @Query(() => AdvertLeadType, { nullable: true, description: 'One lead; NOT_FOUND when it does not exist or does not reach you' })
  advertLead(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return leads.getAdvertLead(ctx, id);
  }

  @Query(() => AdvertLeadConnection, { description: 'Leads that reach you, strongest first' })
  advertLeads(
    @Arg('filter', () => AdvertLeadFilter, { nullable: true }) filter: AdvertLeadFilter | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return leads.listAdvertLeads(ctx, filter, page);
  }

  @Mutation(() => AdvertLeadComputationType, {
    description:
      "Computes the hub's leads afresh from every advert it holds, replacing its earlier leads; while another computation of your agency's leads runs, refused at once with CONFLICT (extensions.reason: COMPUTATION_IN_PROGRESS), nothing written",
  })
  computeAdvertLeads(@Ctx() ctx: RequestContext) {
    return leads.computeAdvertLeads(ctx);
  }

  @FieldResolver(() => [AdvertType], { nullable: true, description: 'The adverts the lead rests on that reach you' })
  adverts(@Root() lead: { adverts?: unknown }, @Ctx() ctx: RequestContext) {
    return leads.advertsOfLead(ctx, lead);
  }
}
