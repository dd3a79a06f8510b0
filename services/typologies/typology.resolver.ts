import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import { SubmitTypologyInput, TypologyFilter } from './typology.input';
import * as typologies from './typology.service';
import { TypologyConnection, TypologyType } from './typology.type';

@Resolver(() => TypologyType)
export class TypologyResolver {
  @Query(() => TypologyType, { nullable: true, description: 'One typology; NOT_FOUND when it does not exist or does not reach you' })
  typology(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return typologies.getTypology(ctx, id);
  }

  @Query(() => TypologyConnection, { description: 'Typologies that reach you; filters only on fields you can read' })
  typologies(
    @Arg('filter', () => TypologyFilter, { nullable: true }) filter: TypologyFilter | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return typologies.listTypologies(ctx, filter, page);
  }

  @Mutation(() => TypologyType, { description: 'Submits a typology owned by your agency; idempotent on input.idempotencyKey' })
  submitTypology(@Arg('input', () => SubmitTypologyInput) input: SubmitTypologyInput, @Ctx() ctx: RequestContext) {
    return typologies.submitTypology(ctx, input);
  }
}
