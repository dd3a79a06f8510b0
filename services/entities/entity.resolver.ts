import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import { AddCaseEntityInput, EntityFilter } from './entity.input';
import * as service from './entity.service';
import { CaseType, EntityConnection, EntityType, LinkType, ObservationType } from './entity.type';

type Projected = Record<string, unknown>;

@Resolver(() => EntityType)
export class EntityResolver {
  @Query(() => EntityType, { nullable: true, description: 'One entity; NOT_FOUND when no statement about it reaches you' })
  entity(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return service.getEntity(ctx, id);
  }

  @Query(() => EntityConnection, { description: 'Entities some statement about which reaches you; filters only on fields you can read' })
  entities(
    @Arg('filter', () => EntityFilter, { nullable: true }) filter: EntityFilter | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return service.listEntities(ctx, filter, page);
  }

  @FieldResolver(() => [ObservationType], { description: 'The statements about this entity you may see' })
  observations(@Root() entity: Projected, @Ctx() ctx: RequestContext) {
    return service.observationsOfEntity(ctx, entity);
  }

  @FieldResolver(() => [LinkType], { description: 'The links from or to this entity you may see' })
  links(@Root() entity: Projected, @Ctx() ctx: RequestContext) {
    return service.linksOfEntity(ctx, entity);
  }

  @FieldResolver(() => [CaseType], {
    nullable: 'items',
    description: 'Cases this entity was observed in, by observations you may see; null where the case does not reach you',
  })
  cases(@Root() entity: Projected, @Ctx() ctx: RequestContext) {
    return service.casesOfEntity(ctx, entity);
  }
}

@Resolver(() => ObservationType)
export class ObservationResolver {
  @Query(() => ObservationType, { nullable: true })
  observation(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return service.getObservation(ctx, id);
  }

  @Mutation(() => ObservationType, { description: 'Records that an identifier appears in a case your agency owns, optionally linked to one of its persons' })
  addCaseEntity(@Arg('caseId', () => ID) caseId: string, @Arg('input', () => AddCaseEntityInput) input: AddCaseEntityInput, @Ctx() ctx: RequestContext) {
    return service.addCaseEntity(ctx, caseId, input);
  }

  @FieldResolver(() => EntityType, { nullable: true })
  entity(@Root() observation: Projected, @Ctx() ctx: RequestContext) {
    return service.entityOfObservation(ctx, observation);
  }
}

@Resolver(() => LinkType)
export class LinkResolver {
  @Query(() => LinkType, { nullable: true })
  link(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return service.getLink(ctx, id);
  }

  @FieldResolver(() => EntityType, { nullable: true })
  fromEntity(@Root() link: Projected, @Ctx() ctx: RequestContext) {
    return service.linkEndpoint(ctx, link, 'fromEntityId');
  }

  @FieldResolver(() => EntityType, { nullable: true })
  toEntity(@Root() link: Projected, @Ctx() ctx: RequestContext) {
    return service.linkEndpoint(ctx, link, 'toEntityId');
  }
}

@Resolver(() => CaseType)
export class CaseEntitiesResolver {
  @FieldResolver(() => [EntityType], { description: 'Entities observed in this case, by observations you may see' })
  entities(@Root() parent: { id: string }, @Ctx() ctx: RequestContext) {
    return service.entitiesOfCase(ctx, parent.id);
  }
}
