import { canReadAny, project, visibleRowsSql, type VisibilityOptions } from '../../policies/enforce';
import type { SqlParams } from '../../policies/sql';
import type { Action, PolicyRecord, SubjectType } from '../../policies/subjects';
import type { RequestContext } from './context';
import { forbidden, notFound } from './errors';

/**
 * The enforcement the services call: one place per concern, used by queries, lists, loaders,
 * `_entities` references and mutation results alike.
 */

/** Record-level rule as SQL for this request's actor. */
export function visibleWhere(ctx: RequestContext, subject: SubjectType, opts: VisibilityOptions, params: SqlParams): string {
  return visibleRowsSql(ctx.actor, ctx.ability, subject, opts, params);
}

/**
 * Field-level rule applied to records fetched through visibleWhere. Records whose personal fields
 * are released (not REDACTED) are noted for the audit trail's consultation record (kernel/audit.ts).
 */
export function projectAll(ctx: RequestContext, records: PolicyRecord[]): Record<string, unknown>[] {
  return records.map((r) => projectOne(ctx, r));
}

export function projectOne(ctx: RequestContext, record: PolicyRecord): Record<string, unknown> {
  const projected = project(ctx.ability, record);
  ctx.consulted.released(record, projected);
  return projected;
}

/** Whether any row of the subject can reach this caller's agency type (else lists are empty). */
export function mayReadAny(ctx: RequestContext, subject: SubjectType): boolean {
  return canReadAny(ctx.ability, subject);
}

/**
 * A change to an existing record: the record must reach the caller (else NOT_FOUND, as if it did
 * not exist), and the caller must hold the action on it (else FORBIDDEN: they can see it, so
 * saying so reveals nothing).
 */
export function assertCanChange(ctx: RequestContext, action: Action, record: PolicyRecord | undefined, subject: SubjectType): asserts record is PolicyRecord {
  if (!record) throw notFound(subject);
  if (!ctx.ability.can(action, record)) throw forbidden(`Only the owner agency may ${action} this ${subject}`);
}

/** A new record: the owner is the caller's agency, and the caller must be allowed to create it. */
export function assertCanCreate(ctx: RequestContext, record: PolicyRecord): void {
  if (!ctx.ability.can('create', record)) throw forbidden(`Your agency or role may not create ${record.__typename}`);
}
