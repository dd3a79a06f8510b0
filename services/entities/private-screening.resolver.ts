import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { evaluatePrivateScreening, MAX_PRIVATE_BATCH, privateScreeningFilter, privateScreeningPublicKey } from './private-screening.service';
import { EvaluatePrivateScreeningInput, PrivateScreeningEvaluationType, PrivateScreeningFilterType, PrivateScreeningKeyType } from './private-screening.type';

/** Private screening for banks: the hub never sees the identifiers (private-screening.service.ts, docs/screening.md). */
@Resolver()
export class PrivateScreeningResolver {
  @Query(() => PrivateScreeningKeyType, { description: "The hub's private screening key (pin it: every evaluation is proven against it)" })
  privateScreeningKey(@Ctx() ctx: RequestContext) {
    return privateScreeningPublicKey(ctx);
  }

  @Mutation(() => PrivateScreeningEvaluationType, {
    description: `Evaluates up to ${MAX_PRIVATE_BATCH} blinded identifiers with the hub's key (RFC 9497 VOPRF); counted against your agency's daily quota once; idempotent on input.idempotencyKey`,
  })
  evaluatePrivateScreening(@Arg('input', () => EvaluatePrivateScreeningInput) input: EvaluatePrivateScreeningInput, @Ctx() ctx: RequestContext) {
    return evaluatePrivateScreening(ctx, input);
  }

  @Query(() => PrivateScreeningFilterType, {
    description: 'The filter your finalized outputs are looked up in: the identifiers the hub knows beyond what you can see',
  })
  privateScreeningFilter(@Ctx() ctx: RequestContext) {
    return privateScreeningFilter(ctx);
  }
}
