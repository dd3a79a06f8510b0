import { appendAudit } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';

/**
 * The erasure audit events of one retention erasure: one ERASE event per record erased (the record,
 * its parts, the statements that followed it), naming who, which record, whose it was and when;
 * never its content. Appended to the audit chain inside the erasing transaction and as its last
 * statement (appendAudit's contract), so there is never an erasure without its events, nor events
 * for an erasure that rolled back.
 */
export async function recordErasures(
  tx: Sql,
  ctx: RequestContext,
  records: ReadonlyArray<{ subjectType: string; id: string }>,
  forgottenEntityIds: readonly string[] = [],
): Promise<void> {
  await appendAudit(tx, ctx, [
    ...records.map((r) => ({ action: 'ERASE' as const, subjectType: r.subjectType, subjectId: r.id, recordOwnerAgencyId: ctx.actor.agencyId })),
    // Entities that only the erased statements named went with them (shared ground: no owner).
    ...forgottenEntityIds.map((e) => ({ action: 'ERASE' as const, subjectType: 'Entity', subjectId: e, recordOwnerAgencyId: null, fields: ['value'] })),
  ]);
}
