import { canAny, canReadAny, canReadOthersRows, permittedRowsSql, project, visibleRowsSql, type VisibilityOptions } from '../../policies/enforce';
import { audienceSql, reachSql } from '../../policies/reach';
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

/** The rows on which the caller holds `action`, as SQL (NOT_FOUND for a change outside them). */
export function permittedWhere(ctx: RequestContext, action: Action, subject: SubjectType, opts: VisibilityOptions, params: SqlParams): string {
  return permittedRowsSql(ctx.actor, ctx.ability, action, subject, opts, params);
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

/**
 * Layers 2 and 3 alone (TLP marking, ownership, sharing, grants; RED only for its named users) over
 * a marked row: for queries that need whether a record reaches the caller without reading it as a
 * subject (aggregates, existence checks, governance of a marked record). The one definition is
 * policies/reach.ts; services reach it only through here.
 */
export function reaches(ctx: RequestContext, alias: string, grantsTable: string, params: SqlParams): string {
  return reachSql(ctx.actor, alias, grantsTable, params);
}

/** Whether some rule lets the caller do `action` on some record of the subject (type level). */
export function mayAny(ctx: RequestContext, action: Action, subject: SubjectType): boolean {
  return canAny(ctx.ability, action, subject);
}

/**
 * Whether a published report (an `audience` row, `alias`) is addressed to the caller: its type, agency
 * or one of its groups is named, and it is not withdrawn (the `inAudience` policy attribute; the one
 * definition is policies/reach.ts, which row-level security states from the same function).
 */
export function inAudience(ctx: RequestContext, alias: string, params: SqlParams): string {
  return audienceSql(ctx.actor, alias, params);
}

/** Whether any row of the subject can reach this caller's agency type (else lists are empty). */
export function mayReadAny(ctx: RequestContext, subject: SubjectType): boolean {
  return canReadAny(ctx.ability, subject);
}

/** Whether the caller may read rows of the subject that another agency owns (`canReadOthersRows`). */
export function mayReadOthersRows(ctx: RequestContext, subject: SubjectType): boolean {
  return canReadOthersRows(ctx.ability, subject, ctx.actor.agencyId);
}

/**
 * Type and role level: when no rule lets the caller's agency type and role read the subject at all,
 * the question itself is refused (FORBIDDEN), which reveals nothing about any record.
 */
export function assertMayReadAny(ctx: RequestContext, subject: SubjectType, message: string): void {
  if (!canReadAny(ctx.ability, subject)) throw forbidden(message);
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
