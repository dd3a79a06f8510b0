import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { rawOf } from '../../policies/enforce';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import * as access from './access-request.service';
import * as agencies from './agency.service';
import { AgencyType } from './agency.type';
import {
  AccessGrantType,
  type AccessRequestDirection,
  AccessRequestConnection,
  AccessRequestDirectionEnum,
  type AccessRequestStatus,
  AccessRequestStatusEnum,
  AccessRequestType,
  type GrantDirection,
  GrantCandidateType,
  GrantDirectionEnum,
  RecordRefInput,
  RecordSubjectTypeEnum,
  type ReviewedSubject,
  RequestAccessInput,
  RetentionReviewConnection,
  RetentionReviewType,
  type ReviewDecision,
  ReviewableRecordConnection,
  ReviewDecisionEnum,
  SharingGroupType,
} from './governance.type';
import * as retention from './retention.service';
import * as groups from './sharing-group.service';

@Resolver(() => AccessRequestType)
export class AccessRequestResolver {
  @Query(() => AccessRequestType, { nullable: true, description: 'One access request made by or addressed to your agency' })
  accessRequest(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return access.getAccessRequest(ctx, id);
  }

  @Query(() => AccessRequestConnection, { description: 'Access requests addressed to your agency (INCOMING), made by it (OUTGOING), or both; newest first' })
  accessRequests(
    @Arg('status', () => AccessRequestStatusEnum, { nullable: true }) status: AccessRequestStatus | undefined,
    @Arg('direction', () => AccessRequestDirectionEnum, { nullable: true }) direction: AccessRequestDirection | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return access.listAccessRequests(ctx, direction, status, page);
  }

  @Mutation(() => AccessRequestType, { description: 'Asks the holder named by a hit/no-hit answer for the records behind it, stating why' })
  requestAccess(@Arg('input', () => RequestAccessInput) input: RequestAccessInput, @Ctx() ctx: RequestContext) {
    return access.requestAccess(ctx, input);
  }

  @Mutation(() => AccessRequestType, {
    description: "Grants the requester time-limited access to some of your agency's own records (never RED), at most 180 days",
  })
  grantAccess(
    @Arg('requestId', () => ID) requestId: string,
    @Arg('records', () => [RecordRefInput]) records: RecordRefInput[],
    @Arg('expiresAt', () => Date) expiresAt: Date,
    @Ctx() ctx: RequestContext,
  ) {
    return access.grantAccess(ctx, requestId, records, expiresAt);
  }

  @Mutation(() => AccessRequestType, { description: 'Refuses an access request, saying why' })
  refuseAccess(@Arg('requestId', () => ID) requestId: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: RequestContext) {
    return access.refuseAccess(ctx, requestId, reason);
  }

  @FieldResolver(() => AgencyType)
  requesterAgency(@Root() r: object, @Ctx() ctx: RequestContext) {
    return agencies.getAgency(ctx, rawOf<access.AccessRequestResult>(r).requesterAgencyId);
  }

  @FieldResolver(() => AgencyType)
  targetAgency(@Root() r: object, @Ctx() ctx: RequestContext) {
    return agencies.getAgency(ctx, rawOf<access.AccessRequestResult>(r).targetAgencyId);
  }

  @FieldResolver(() => [AccessGrantType])
  grants(@Root() r: object, @Ctx() ctx: RequestContext) {
    return access.grantsOfRequest(ctx, rawOf<access.AccessRequestResult>(r).id);
  }

  @FieldResolver(() => [GrantCandidateType], { nullable: true })
  candidates(@Root() r: Record<string, unknown>, @Ctx() ctx: RequestContext) {
    return access.candidatesFor(ctx, r, rawOf<access.AccessRequestResult>(r));
  }
}

@Resolver(() => AccessGrantType)
export class AccessGrantResolver {
  @Query(() => [AccessGrantType], { description: 'Grants your agency GAVE on its records or RECEIVED, newest first (at most 500)' })
  accessGrants(
    @Arg('direction', () => GrantDirectionEnum) direction: GrantDirection,
    @Arg('activeOnly', () => Boolean, { defaultValue: false }) activeOnly: boolean,
    @Ctx() ctx: RequestContext,
  ) {
    return access.listGrants(ctx, direction, activeOnly);
  }

  @Mutation(() => AccessGrantType, { description: 'Ends a grant your agency gave, now' })
  revokeGrant(@Arg('grantId', () => ID) grantId: string, @Ctx() ctx: RequestContext) {
    return access.revokeGrant(ctx, grantId);
  }

  @FieldResolver(() => AgencyType)
  grantorAgency(@Root() g: object, @Ctx() ctx: RequestContext) {
    return agencies.getAgency(ctx, rawOf<{ grantorAgencyId: string }>(g).grantorAgencyId);
  }

  @FieldResolver(() => AgencyType)
  granteeAgency(@Root() g: object, @Ctx() ctx: RequestContext) {
    return agencies.getAgency(ctx, rawOf<{ granteeAgencyId: string }>(g).granteeAgencyId);
  }
}

@Resolver(() => SharingGroupType)
export class SharingGroupResolver {
  @Query(() => [SharingGroupType], { description: "The sharing groups your agency belongs to (the hub's administrators: all)" })
  sharingGroups(@Ctx() ctx: RequestContext) {
    return groups.listSharingGroups(ctx);
  }

  @Mutation(() => SharingGroupType, { description: 'HUB_ADMIN: creates a sharing group' })
  createSharingGroup(@Arg('slug', () => String) slug: string, @Arg('name', () => String) name: string, @Ctx() ctx: RequestContext) {
    return groups.createSharingGroup(ctx, slug, name);
  }

  @Mutation(() => SharingGroupType, { description: "HUB_ADMIN: adds an agency to a group; the group's AMBER records reach it within 5 seconds" })
  addGroupMember(@Arg('groupId', () => ID) groupId: string, @Arg('agencyId', () => ID) agencyId: string, @Ctx() ctx: RequestContext) {
    return groups.addGroupMember(ctx, groupId, agencyId);
  }

  @Mutation(() => SharingGroupType, { description: "HUB_ADMIN: removes an agency from a group; the group's AMBER records stop reaching it within 5 seconds" })
  removeGroupMember(@Arg('groupId', () => ID) groupId: string, @Arg('agencyId', () => ID) agencyId: string, @Ctx() ctx: RequestContext) {
    return groups.removeGroupMember(ctx, groupId, agencyId);
  }

  @FieldResolver(() => [AgencyType])
  async members(@Root() g: { id: string }, @Ctx() ctx: RequestContext) {
    const members = await groups.membersOf(ctx, g);
    return Promise.all(members.map((m) => agencies.getAgency(ctx, m.id)));
  }
}

@Resolver(() => RetentionReviewType)
export class RetentionResolver {
  @Query(() => ReviewableRecordConnection, { description: "Your agency's records whose review is due on or before `before` (default today), soonest first" })
  recordsDueForReview(
    @Arg('subjectType', () => RecordSubjectTypeEnum, { nullable: true }) subjectType: ReviewedSubject | undefined,
    @Arg('before', () => String, { nullable: true, description: 'YYYY-MM-DD' }) before: string | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return retention.recordsDueForReview(ctx, subjectType, before, page);
  }

  @Query(() => RetentionReviewConnection, { description: "Your agency's retention decisions, newest first" })
  retentionReviews(
    @Arg('recordId', () => ID, { nullable: true }) recordId: string | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return retention.listRetentionReviews(ctx, recordId, page);
  }

  @Mutation(() => RetentionReviewType, {
    description: "SUPERVISOR: KEEP (reason required; next review one class period from today) or ERASE one of your agency's records",
  })
  reviewRecord(
    @Arg('subjectType', () => RecordSubjectTypeEnum) subjectType: ReviewedSubject,
    @Arg('id', () => ID) id: string,
    @Arg('decision', () => ReviewDecisionEnum) decision: ReviewDecision,
    @Arg('reason', () => String, { nullable: true }) reason: string | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return retention.reviewRecord(ctx, subjectType, id, decision, reason);
  }
}
