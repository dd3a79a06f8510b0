import DataLoader from 'dataloader';
import { fieldReadableSql, policyAttributeColumns } from '../../policies/enforce';
import { type AttributeSql, SqlParams } from '../../policies/sql';
import type { PolicyRecord, SubjectType } from '../../policies/subjects';
import type { RequestContext } from './context';
import type { QueryOptions } from './db';
import type { PageRest } from './pagination';
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

export async function selectVisible<R extends PolicyRecord>(ctx: RequestContext, t: SubjectTable<R>, opts: SelectOptions = {}): Promise<{ rows: R[] }> {
  const params = opts.params ?? new SqlParams();
  const attributes = t.attributes(ctx, params);
  const conditions = visibleConditions(ctx, t, opts, attributes, params);
  if (!conditions) return { rows: [] };
  let orderBy = opts.orderBy;
  if (opts.sort) {
    const cond = readableSql(ctx, t, opts.sort.field, attributes, params);
    const column = typeof opts.sort.column === 'function' ? opts.sort.column(params) : opts.sort.column;
    const key = cond === 'TRUE' ? column : `CASE WHEN ${cond} THEN ${column} END`;
    orderBy = `${key} ${opts.sort.direction} NULLS LAST${orderBy ? `, ${orderBy}` : ''}`;
  }
  const columns = typeof t.columns === 'function' ? t.columns(ctx, params) : t.columns;
  const sql = `SELECT ${columns}${opts.extraColumns ? `, ${opts.extraColumns}` : ''}${policyAttributeColumns(ctx.ability, t.subject, attributes)}
    FROM ${t.table} ${t.alias}
    WHERE ${conditions}
    ${orderBy ? `ORDER BY ${orderBy}` : ''}
    ${opts.limit !== undefined ? `LIMIT ${params.add(opts.limit)}` : ''}
    ${opts.offset ? `OFFSET ${params.add(opts.offset)}` : ''}`;
  const raw = await ctx.db.query<Record<string, unknown>>(sql, params.values, opts.statement);
  return { rows: raw.map((r) => t.map(r)) };
}

/**
 * One page of `selectVisible`: a row beyond the window is read to know whether another page follows,
 * and the rows the caller may see under the same conditions are counted only if `count` is called
 * (a connection's totalCount, when a client asks for it): a count reads every such row, where a page
 * in an indexed order reads a few.
 */
export async function selectPage<R extends PolicyRecord>(
  ctx: RequestContext,
  t: SubjectTable<R>,
  window: { limit: number; offset: number },
  opts: Omit<SelectOptions, 'limit' | 'offset'> = {},
): Promise<{ rows: R[] } & PageRest> {
  // The values the caller's own SQL (table, conditions) refers to, before the page's are added.
  const initial = [...(opts.params?.values ?? [])];
  const { rows } = await selectVisible(ctx, t, { ...opts, limit: window.limit + 1, offset: window.offset });
  return {
    rows: rows.slice(0, window.limit),
    hasMore: rows.length > window.limit,
    count: () => countVisible(ctx, t, { where: opts.where, filterFields: opts.filterFields, params: new SqlParams(initial) }),
  };
}

/** How many rows of `t` the caller may see under `opts`' conditions (those of `selectVisible`). */
export async function countVisible(ctx: RequestContext, t: SubjectTable, opts: Pick<SelectOptions, 'where' | 'filterFields' | 'params'> = {}): Promise<number> {
  const params = opts.params ?? new SqlParams();
  const conditions = visibleConditions(ctx, t, opts, t.attributes(ctx, params), params);
  if (!conditions) return 0;
  const [row] = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.table} ${t.alias} WHERE ${conditions}`, params.values);
  return row?.n ?? 0;
}

/** The WHERE clause of a read of `t`: the record-level policy, the filtered fields' readability, the caller's conditions; undefined when nothing can reach the caller. */
function visibleConditions(
  ctx: RequestContext,
  t: SubjectTable,
  opts: Pick<SelectOptions, 'where' | 'filterFields'>,
  attributes: AttributeSql,
  params: SqlParams,
): string | undefined {
  const visible = visibleWhere(ctx, t.subject, { alias: t.alias, attributes, grantsTable: t.grantsTable }, params);
  if (visible === 'FALSE') return undefined;
  const confined = (opts.filterFields ?? []).map((f) => readableSql(ctx, t, f, attributes, params)).filter((c) => c !== 'TRUE');
  return [visible, ...confined, ...(opts.where?.(params) ?? [])].map((c) => `(${c})`).join(' AND ');
}

/** Where the caller may read `field` of `t`'s rows; FORBIDDEN_FIELD where it never may (no filter, sort or search on it). */
function readableSql(ctx: RequestContext, t: SubjectTable, field: string, attributes: AttributeSql, params: SqlParams): string {
  const sql = fieldReadableSql(ctx.ability, t.subject, field, attributes, params);
  if (sql === 'FALSE') {
    const err = forbiddenField(t.subject, field);
    err.message = `You may not filter, sort or search on ${t.subject}.${field}`;
    throw err;
  }
  return sql;
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

/**
 * Records by id through their own policy, for another subgraph's use through the owner's API (its
 * api.ts): those that reach the caller, projected, by id; the others are simply absent.
 */
export async function visibleByIds<R extends PolicyRecord>(
  ctx: RequestContext,
  t: SubjectTable<R>,
  ids: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  const rows = await visibleLoader(ctx, t, 'id').loadMany(wanted);
  const out = new Map<string, Record<string, unknown>>();
  wanted.forEach((id, i) => {
    const found = rows[i];
    if (Array.isArray(found) && found[0]) out.set(id, projectOne(ctx, found[0]));
  });
  return out;
}
