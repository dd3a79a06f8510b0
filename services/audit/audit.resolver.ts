import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import { AuditFilter } from './audit.input';
import * as audit from './audit.service';
import { AuditEventConnection, AuditEventType } from './audit.type';

@Resolver(() => AuditEventType)
export class AuditResolver {
  @Query(() => AuditEventConnection, {
    description: "Audit events, newest first: your agency's own (as actor, record owner or recipient); all of them for hub supervisors",
  })
  auditTrail(@Arg('filter', () => AuditFilter, { nullable: true }) filter: AuditFilter | undefined, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext) {
    return audit.auditTrail(ctx, filter, page);
  }
}
