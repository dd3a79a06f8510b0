import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { REDACTED } from '../../policies/enforce';
import type { RequestContext } from '../kernel/context';
import { correlations } from './correlation.service';
import { getLink, getObservation } from './entity.service';
import { IdentifierInput } from './entity.input';
import { EntityType, LinkKindEnum } from './entity.type';
import { hitNoHit, hitNoHitInterest } from './hit-no-hit.service';
import { network, sharedEntities, shortestPath } from './network.service';
import {
  CorrelationAlertType,
  HitNoHitInterestType,
  HitNoHitResultType,
  NetworkEdgeType,
  NetworkNodeType,
  NetworkShapeArgs,
  NetworkType,
  OrganisationMatchType,
} from './network.type';
import type { LinkKind } from './observe';
import { searchOrganisations } from './search.service';

/** Link analysis for investigators: every answer is made only of statements the caller may see. */
@Resolver()
export class NetworkResolver {
  @Query(() => [OrganisationMatchType], {
    description: 'Organisations by name (with or without diacritics, small misspellings), best match first; only names you may read',
  })
  searchOrganisations(@Arg('name', () => String) name: string, @Arg('first', () => Int, { defaultValue: 20 }) first: number, @Ctx() ctx: RequestContext) {
    return searchOrganisations(ctx, name, first);
  }

  @Query(() => NetworkType, {
    description: 'The network around entities, persons or cases, as nodes and edges for a link chart, built from the statements you may see',
  })
  network(
    @Arg('seeds', () => [ID], { description: 'Entity, person or case ids (at most 100)' }) seeds: string[],
    @Args(() => NetworkShapeArgs) shape: NetworkShapeArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return network(ctx, { seeds, ...shape });
  }

  @Query(() => NetworkType, {
    nullable: true,
    description: 'The shortest chain of statements you may see between two entities, persons or cases; null if none within maxDepth',
  })
  shortestPath(
    @Arg('from', () => ID) from: string,
    @Arg('to', () => ID) to: string,
    @Arg('maxDepth', () => Int, { defaultValue: 3, description: '1 to 6 edges' }) maxDepth: number,
    @Arg('linkKinds', () => [LinkKindEnum], { nullable: true }) linkKinds: LinkKind[] | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return shortestPath(ctx, { from, to, maxDepth, linkKinds });
  }

  @Query(() => [EntityType], { description: 'Entities observed in both cases, by observations you may see' })
  sharedEntities(@Arg('caseA', () => ID) caseA: string, @Arg('caseB', () => ID) caseB: string, @Ctx() ctx: RequestContext) {
    return sharedEntities(ctx, caseA, caseB);
  }

  @Query(() => [CorrelationAlertType], {
    description: "What's new on your cases: other agencies' statements you may see, since a time, about entities your agency's cases observed; newest first",
  })
  correlations(
    @Arg('since', () => String, { nullable: true, description: 'ISO 8601 date or date-time; omitted: all' }) since: string | undefined,
    @Arg('first', () => Int, { defaultValue: 100, description: 'At most 500' }) first: number,
    @Ctx() ctx: RequestContext,
  ) {
    return correlations(ctx, since, first);
  }

  @Query(() => [HitNoHitResultType], {
    description:
      'Whether the hub knows each identifier beyond what you can see, and which holders accept access requests; never what they hold. At most 1000 per request',
  })
  hitNoHit(@Arg('identifiers', () => [IdentifierInput]) identifiers: IdentifierInput[], @Ctx() ctx: RequestContext) {
    return hitNoHit(ctx, identifiers);
  }

  @Query(() => [HitNoHitInterestType], {
    description: 'Identifiers your agency holds that other agencies asked hit/no-hit about, with how often by agency type; most asked first',
  })
  hitNoHitInterest(
    @Arg('from', () => String, { description: 'ISO 8601 date or date-time, inclusive' }) from: string,
    @Arg('to', () => String, { description: 'ISO 8601 date or date-time, exclusive' }) to: string,
    @Ctx() ctx: RequestContext,
  ) {
    return hitNoHitInterest(ctx, from, to);
  }
}

@Resolver(() => NetworkNodeType)
export class NetworkNodeResolver {
  /**
   * An entity node's label is its projected value where the caller may read it, else its masked
   * value. A value shown this way is a consultation of Entity.value like any other, so it is noted on
   * the request's consultation log (kernel/audit.ts) exactly as resolving `entity { value }` would be.
   */
  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Entities: the value where you may read it, else the masked value. Persons and cases: null; select `person` or `case`, which their subgraph resolves under its own policy',
  })
  label(@Root() node: NetworkNodeType, @Ctx() ctx: RequestContext): string | null {
    const entity = node.entity;
    if (!entity) return null;
    if (entity.value !== REDACTED && typeof entity.value === 'string') {
      ctx.consulted.resolved('Entity', entity, 'value', entity.value);
      return entity.value;
    }
    return typeof entity.maskedValue === 'string' ? entity.maskedValue : null;
  }
}

@Resolver(() => NetworkEdgeType)
export class NetworkEdgeResolver {
  /** The statement behind an edge, through its own policy, one statement for all the edges of a response. */
  @FieldResolver()
  link(@Root() edge: NetworkEdgeType, @Ctx() ctx: RequestContext) {
    return edge.subject === 'Link' ? getLink(ctx, edge.id) : null;
  }

  @FieldResolver()
  observation(@Root() edge: NetworkEdgeType, @Ctx() ctx: RequestContext) {
    return edge.subject === 'Observation' ? getObservation(ctx, edge.id) : null;
  }
}
