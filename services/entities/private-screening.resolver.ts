import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { evaluatePrivateScreening, MAX_PRIVATE_BATCH, privateScreeningFilter, privateScreeningPublicKey } from './private-screening.service';
import { PrivateScreeningEvaluationType, PrivateScreeningFilterType, PrivateScreeningKeyType } from './private-screening.type';

/** Private screening for banks: the hub never sees the identifiers (private-screening.service.ts, docs/screening.md). */
@Resolver()
export class PrivateScreeningResolver {
  @Query(() => PrivateScreeningKeyType, { description: "The hub's private screening key (pin it: every evaluation is proven against it)" })
  privateScreeningKey(@Ctx() ctx: RequestContext) {
    return privateScreeningPublicKey(ctx);
  }

  @Mutation(() => PrivateScreeningEvaluationType, {
    description: `Evaluates up to ${MAX_PRIVATE_BATCH} blinded identifiers with the hub's key (RFC 9497 VOPRF); counted against your agency's daily quota`,
  })
  evaluatePrivateScreening(
    @Arg('request', () => String, { description: 'An RFC 9497 EvaluationRequest of the key’s suite, serialized, base64' }) request: string,
    @Ctx() ctx: RequestContext,
  ) {
    return evaluatePrivateScreening(ctx, request);
  }

  @Query(() => PrivateScreeningFilterType, {
    description: 'The filter your finalized outputs are looked up in: the identifiers the hub knows beyond what you can see',
  })
  privateScreeningFilter(@Ctx() ctx: RequestContext) {
    return privateScreeningFilter(ctx);
  }
}
