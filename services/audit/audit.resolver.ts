import { Arg, Args, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import { AuditFilter } from './audit.input';
import * as audit from './audit.service';
import { AuditCheckpointKeyType, AuditCheckpointType, AuditEventConnection, AuditEventType } from './audit.type';

@Resolver(() => AuditEventType)
export class AuditResolver {
  @Query(() => AuditEventConnection, {
    description: "Audit events, newest first: your agency's own (as actor, record owner or recipient); all of them for hub supervisors",
  })
  auditTrail(
    @Arg('filter', () => AuditFilter, { nullable: true }) filter: AuditFilter | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return audit.auditTrail(ctx, filter, page);
  }

  @Query(() => [AuditCheckpointType], {
    description: 'The newest signed checkpoints of the audit chain, newest first (at most 100): keep copies to witness the chain (docs/audit.md)',
  })
  auditCheckpoints(@Arg('last', () => Int, { defaultValue: 10 }) last: number) {
    return audit.auditCheckpoints(last);
  }

  @Query(() => AuditCheckpointType, { nullable: true, description: 'The newest signed checkpoint of the audit chain; null before the first' })
  latestAuditCheckpoint() {
    return audit.auditCheckpoints(1)[0] ?? null;
  }

  @Query(() => AuditCheckpointKeyType, { description: 'The public key checkpoints are signed with, and its signed-note verifier key' })
  auditCheckpointKey() {
    return audit.auditCheckpointKey();
  }
}
