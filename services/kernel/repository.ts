import DataLoader from 'dataloader';
import { fieldReadableSql, policyAttributeColumns } from '../../policies/enforce';
import { type AttributeSql, SqlParams } from '../../policies/sql';
import type { PolicyRecord, SubjectType } from '../../policies/subjects';
import type { RequestContext } from './context';
import type { QueryOptions } from './db';
import { forbiddenField, notFound } from './errors';
import { projectOne, visibleWhere } from './policy';
import { isUuid } from './validate';

/**
 * How one subject is stored: its table, its select list, how rows become policy records, and the
 * SQL of the attributes its rules may use. Every read of the subject goes through `selectVisible`
 * or `visibleLoader`, which always AND the record-level policy into the WHERE clause.
 */
export interface SubjectTable<R extends PolicyRecord = PolicyRecord> {
  subject: SubjectType;
  table: string;
  alias: string;
  /** `<schema>.grants` for marked subjects. */
  grantsTable?: string;
  /** The select list; a function where a column depends on the caller (e.g. aggregates over what reaches them). */
  columns: string | ((ctx: RequestContext, params: SqlParams) => string);
  attributes(ctx: RequestContext, params: SqlParams): AttributeSql;
  map(row: Record<string, unknown>): R;
}

export interface SelectOptions {
  /** Extra conditions; use `params` for their values. */
  where?: (params: SqlParams) => string[];
  orderBy?: string;
  limit?: number;
  offset?: number;
  /** Adds `count(*) OVER ()` so one statement returns the page and the total the caller may see. */
  withTotal?: boolean;
  params?: SqlParams;
  /** Extra select items, e.g. a batching key. */
  extraColumns?: string;
  /**
   * Policy fields the `where` conditions filter or search on. Each must be readable by the caller:
   * never readable → FORBIDDEN_FIELD; readable on some rows → the filter applies only to those rows.
   */
  filterFields?: string[];
  /** Sort by a policy field: rows where the caller cannot read it sort as if it were null. */
  sort?: { field: string; column: string | ((params: SqlParams) => string); direction: 'ASC' | 'DESC' };
  /** How the statement runs (services/kernel/db.ts QueryOptions): a generic plan for a load by key (visibleLoader's, and others like it). */
  statement?: QueryOptions;
}

export async function selectVisible<R extends PolicyRecord>(
  ctx: RequestContext,
  t: SubjectTable<R>,
  opts: SelectOptions = {},
): Promise<{ rows: R[]; total: number }> {
  const params = opts.params ?? new SqlParams();
  const attributes = t.attributes(ctx, params);
  const visible = visibleWhere(ctx, t.subject, { alias: t.alias, attributes, grantsTable: t.grantsTable }, params);
  if (visible === 'FALSE') return { rows: [], total: 0 };
  const readable = (field: string) => {
    const sql = fieldReadableSql(ctx.ability, t.subject, field, attributes, params);
    if (sql === 'FALSE') {
      const err = forbiddenField(t.subject, field);
      err.message = `You may not filter, sort or search on ${t.subject}.${field}`;
      throw err;
    }
    return sql;
  };
  const confined = (opts.filterFields ?? []).map(readable).filter((c) => c !== 'TRUE');
  let orderBy = opts.orderBy;
  if (opts.sort) {
    const cond = readable(opts.sort.field);
    const column = typeof opts.sort.column === 'function' ? opts.sort.column(params) : opts.sort.column;
    const key = cond === 'TRUE' ? column : `CASE WHEN ${cond} THEN ${column} END`;
    orderBy = `${key} ${opts.sort.direction} NULLS LAST${orderBy ? `, ${orderBy}` : ''}`;
  }
  const conditions = [visible, ...confined, ...(opts.where?.(params) ?? [])];
  const columns = typeof t.columns === 'function' ? t.columns(ctx, params) : t.columns;
  const sql = `SELECT ${columns}${opts.extraColumns ? `, ${opts.extraColumns}` : ''}${policyAttributeColumns(ctx.ability, t.subject, attributes)}${opts.withTotal ? ', count(*) OVER () AS "__total"' : ''}
    FROM ${t.table} ${t.alias}
    WHERE ${conditions.map((c) => `(${c})`).join(' AND ')}
    ${orderBy ? `ORDER BY ${orderBy}` : ''}
    ${opts.limit !== undefined ? `LIMIT ${params.add(opts.limit)}` : ''}
    ${opts.offset ? `OFFSET ${params.add(opts.offset)}` : ''}`;
  const raw = await ctx.db.query<Record<string, unknown>>(sql, params.values, opts.statement);
  const total = raw.length ? Number(raw[0]?.__total ?? raw.length) : 0;
  return { rows: raw.map((r) => t.map(r)), total };
}

/**
 * A per-request loader of visible rows by a key column (`id` for by-id lookups, a foreign key for
 * children): one statement per batch of keys, whatever the width of the list that asks. Its
 * statement has one text per table, key and policy, and a plan that does not depend on the keys:
 * it runs on a generic plan (QueryOptions.genericPlan), planned once per connection; its planning
 * took 5 to 15 times its execution.
 */
export function visibleLoader<R extends PolicyRecord>(ctx: RequestContext, t: SubjectTable<R>, keyColumn: string, orderBy?: string): DataLoader<string, R[]> {
  return ctx.loader(
    `${t.subject}:${keyColumn}`,
    () =>
      new DataLoader<string, R[]>(async (keys) => {
        const { rows } = await selectVisible(ctx, t, {
          where: (p) => [`${t.alias}.${keyColumn} = ANY(${p.add(keys)}::uuid[])`],
          orderBy,
          extraColumns: `${t.alias}.${keyColumn}::text AS "__key"`,
          statement: { genericPlan: true },
        });
        const byKey = new Map<string, R[]>();
        for (const row of rows) {
          const k = String(row[`__key`] ?? '');
          const list = byKey.get(k) ?? [];
          list.push(row);
          byKey.set(k, list);
        }
        return keys.map((k) => byKey.get(k) ?? []);
      }),
  );
}

/** A visible row by id, or undefined: "does not exist" and "does not reach you" are one answer. */
export async function findVisible<R extends PolicyRecord>(ctx: RequestContext, t: SubjectTable<R>, id: string): Promise<R | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await visibleLoader(ctx, t, 'id').load(id);
  return row;
}

/**
 * For the RETURNING clause of a write to `t.table AS t.alias`: the written row as `selectVisible`
 * reads it (the select list and the policy's attribute columns) and whether it reaches the caller,
 * so the write answers with the record instead of reading it back. Subqueries of the select list
 * see the database as it was before the statement (a child table written after it reads as empty).
 */
export function visibleReturning<R extends PolicyRecord>(ctx: RequestContext, t: SubjectTable<R>, params: SqlParams): string {
  const attributes = t.attributes(ctx, params);
  const visible = visibleWhere(ctx, t.subject, { alias: t.alias, attributes, grantsTable: t.grantsTable }, params);
  const columns = typeof t.columns === 'function' ? t.columns(ctx, params) : t.columns;
  return `${columns}${policyAttributeColumns(ctx.ability, t.subject, attributes)}, (${visible}) AS "__visible"`;
}

/** A row returned through `visibleReturning` as the record, through the field policy; NOT_FOUND if it does not reach the caller. */
export function projectReturned<R extends PolicyRecord>(ctx: RequestContext, t: SubjectTable<R>, row: Record<string, unknown>): Record<string, unknown> {
  const { __visible: visible, ...rest } = row;
  if (visible !== true) throw notFound(t.subject);
  return projectOne(ctx, t.map(rest));
}

/** A visible record by id through the field policy, or NOT_FOUND. */
export async function getVisible(ctx: RequestContext, t: SubjectTable, id: string): Promise<Record<string, unknown>> {
  const row = await findVisible(ctx, t, id);
  if (!row) throw notFound(t.subject);
  return projectOne(ctx, row);
}
