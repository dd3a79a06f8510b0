import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import { ContributeNarrativeInput } from './narrative.input';
import * as narratives from './narrative.service';
import { NarrativeCase, NarrativeConnection, NarrativeProposalType, NarrativeType, ProposalDecision } from './narrative.type';

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

  @Mutation(() => NarrativeType, {
    description:
      "Contributes a narrative to a case your agency owns (caseId) or to a new case it opens (newCase), with the survivor's consent; identifiers and indicators read from the text become proposals. Idempotent on input.idempotencyKey",
  })
  contributeNarrative(@Arg('input', () => ContributeNarrativeInput) input: ContributeNarrativeInput, @Ctx() ctx: RequestContext) {
    return narratives.contributeNarrative(ctx, input);
  }

  @Mutation(() => NarrativeType, {
    description:
      'Records the withdrawal of consent: erases the text, its indicators, its proposals and the observations and links made from it, and logs that an erasure happened',
  })
  withdrawConsent(@Arg('id', () => ID) id: string, @Arg('reason', () => String, { nullable: true }) reason: string | undefined, @Ctx() ctx: RequestContext) {
    return narratives.withdrawConsent(ctx, id, reason);
  }

  @FieldResolver(() => [NarrativeProposalType], {
    description: 'What Tessera read in the text, to confirm or reject: only for the owner agency while it may read the text, otherwise empty',
  })
  proposals(@Root() narrative: Record<string, unknown>, @Ctx() ctx: RequestContext) {
    return narratives.proposalsOfNarrative(ctx, narrative);
  }
}

@Resolver(() => NarrativeProposalType)
export class NarrativeProposalResolver {
  @Mutation(() => NarrativeProposalType, {
    description:
      "The narrative's owner confirms a proposal (an identifier becomes an observation from the narrative, an indicator joins its indicators) or rejects it",
  })
  decideProposal(@Arg('id', () => ID) id: string, @Arg('decision', () => ProposalDecision) decision: ProposalDecision, @Ctx() ctx: RequestContext) {
    return narratives.decideProposal(ctx, id, decision);
  }

  @FieldResolver(() => NarrativeType, { nullable: true, description: 'The narrative it was read from' })
  narrative(@Root() proposal: { narrativeId: string }, @Ctx() ctx: RequestContext) {
    return narratives.getNarrative(ctx, proposal.narrativeId);
  }
}

@Resolver(() => NarrativeCase)
export class NarrativeCaseResolver {
  @FieldResolver(() => [NarrativeType], { description: 'The narratives of this case you may see' })
  narratives(@Root() parent: { id: string }, @Ctx() ctx: RequestContext) {
    return narratives.narrativesOfCase(ctx, parent.id);
  }
}
