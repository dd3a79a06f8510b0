import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { rawOf } from '../../policies/enforce';
import type { RequestContext } from '../kernel/context';
import * as agencies from './agency.service';
import { AgencyType, PermissionType, RegisterAgencyInput, RegisterTrustedIssuerInput, RegisterUserInput, TrustedIssuerType, UserType } from './agency.type';
import { USER_CACHE_TTL_MS } from './identity.repository';

@Resolver(() => AgencyType)
export class AgencyResolver {
  @Query(() => AgencyType, { nullable: true })
  agency(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return agencies.getAgency(ctx, id);
  }

  @Query(() => [AgencyType], { description: 'The member directory' })
  agencies(@Ctx() ctx: RequestContext) {
    return agencies.listAgencies(ctx);
  }

  @Query(() => UserType, { description: 'The authenticated user' })
  me(@Ctx() ctx: RequestContext) {
    return agencies.me(ctx);
  }

  @Query(() => [PermissionType], {
    description:
      'What your agency type and role may do, by record type (the rules of policies/, as docs/access-matrix.md shows them): the console offers only the pages these allow',
  })
  permissions(@Ctx() ctx: RequestContext) {
    return agencies.permissions(ctx);
  }

  @FieldResolver(() => [UserType], { description: 'HUB_ADMIN only' })
  users(@Root() agency: { id: string }, @Ctx() ctx: RequestContext) {
    return agencies.usersOfAgency(ctx, agency.id);
  }

  @FieldResolver(() => [TrustedIssuerType], { description: 'HUB_ADMIN only' })
  trustedIssuers(@Root() agency: { id: string }, @Ctx() ctx: RequestContext) {
    return agencies.issuersOfAgency(ctx, agency.id);
  }

  @Mutation(() => AgencyType)
  registerAgency(@Arg('input', () => RegisterAgencyInput) input: RegisterAgencyInput, @Ctx() ctx: RequestContext) {
    return agencies.registerAgency(ctx, input);
  }

  @Mutation(() => UserType)
  registerUser(@Arg('input', () => RegisterUserInput) input: RegisterUserInput, @Ctx() ctx: RequestContext) {
    return agencies.registerUser(ctx, input);
  }

  @Mutation(() => UserType, {
    description: `Activates or deactivates a user. A deactivated user is refused (UNAUTHENTICATED) from their next request on when the gateway runs in the same process as this subgraph (in-process mode), and within ${USER_CACHE_TTL_MS / 1000} seconds otherwise (multi-process, containers: the gateway caches users that long).`,
  })
  setUserActive(@Arg('id', () => ID) id: string, @Arg('active', () => Boolean) active: boolean, @Ctx() ctx: RequestContext) {
    return agencies.setUserActive(ctx, id, active);
  }

  @Mutation(() => TrustedIssuerType)
  registerTrustedIssuer(@Arg('input', () => RegisterTrustedIssuerInput) input: RegisterTrustedIssuerInput, @Ctx() ctx: RequestContext) {
    return agencies.registerTrustedIssuer(ctx, input);
  }
}

@Resolver(() => UserType)
export class UserResolver {
  @FieldResolver(() => AgencyType, { nullable: true, description: 'The agency this person acts for, as the directory shows it to you' })
  agency(@Root() user: object, @Ctx() ctx: RequestContext) {
    return agencies.getAgency(ctx, rawOf<{ agencyId: string }>(user).agencyId);
  }
}
