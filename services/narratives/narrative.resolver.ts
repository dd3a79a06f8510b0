import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import { ContributeNarrativeInput } from './narrative.input';
import * as narratives from './narrative.service';
import { NarrativeCase, NarrativeConnection, NarrativeType } from './narrative.type';

@Resolver(() => NarrativeType)
export class NarrativeResolver {
  @Query(() => NarrativeType, { nullable: true, description: 'One narrative; NOT_FOUND when it does not exist or does not reach you' })
  narrative(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return narratives.getNarrative(ctx, id);
  }

  @Query(() => NarrativeConnection, { description: 'Narratives that reach you, optionally of one case' })
  narratives(@Arg('caseId', () => ID, { nullable: true }) caseId: string | undefined, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext) {
    return narratives.listNarratives(ctx, caseId, page);
  }

  @Mutation(() => NarrativeType, { description: "Contributes a narrative to a case your agency owns, with the survivor's consent; idempotent on input.idempotencyKey" })
  contributeNarrative(@Arg('input', () => ContributeNarrativeInput) input: ContributeNarrativeInput, @Ctx() ctx: RequestContext) {
    return narratives.contributeNarrative(ctx, input);
  }

  @Mutation(() => NarrativeType, { description: 'Records the withdrawal of consent: erases the text and its indicators and logs the erasure' })
  withdrawConsent(@Arg('id', () => ID) id: string, @Arg('reason', () => String, { nullable: true }) reason: string | undefined, @Ctx() ctx: RequestContext) {
    return narratives.withdrawConsent(ctx, id, reason);
  }
}

@Resolver(() => NarrativeCase)
export class NarrativeCaseResolver {
  @FieldResolver(() => [NarrativeType], { description: 'The narratives of this case you may see' })
  narratives(@Root() parent: { id: string }, @Ctx() ctx: RequestContext) {
    return narratives.narrativesOfCase(ctx, parent.id);
  }
}
