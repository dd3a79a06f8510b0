/** Positional parameters for one SQL statement: `params.add(v)` returns its `$n` placeholder. */
export class SqlParams {
  readonly values: unknown[] = [];
  constructor(initial: readonly unknown[] = []) {
    this.values.push(...initial);
  }
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * How a subject's policy attributes are computed in SQL. Plain columns and derived facts
 * ("is this entity linked to one of the caller's own reports?") alike; evaluated lazily so only
 * the attributes a rule uses cost anything.
 */
export type AttributeSql = Record<string, () => string>;

type Condition = Record<string, unknown>;

/**
 * Membership in `list` as CASL decides it, where NULL is a value like any other: an attribute that
 * is NULL is in the list exactly when the list names null.
 */
function inList(expr: string, list: unknown, params: SqlParams): { isIn: string; isNotIn: string } {
  if (!Array.isArray(list)) throw new Error(`$in and $nin take a list, got ${JSON.stringify(list)}`);
  const values = list.filter((v) => v !== null);
  const any = `${expr} = ANY(${params.add(values)})`;
  return values.length < list.length
    ? { isIn: `(${expr} IS NULL OR ${any})`, isNotIn: `${expr} IS NOT NULL AND (${any}) IS NOT TRUE` }
    : { isIn: any, isNotIn: `(${any}) IS NOT TRUE` };
}

/**
 * One attribute's condition. Every form is TRUE exactly where CASL matches, a NULL attribute
 * included (equality with null is IS NULL; a list's membership is decided for NULL too), so the
 * result may be composed under a deny's `IS NOT TRUE` as well as under an allow.
 */
function compileValue(attr: string, expr: string, value: unknown, params: SqlParams): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const ops = Object.entries(value as Record<string, unknown>);
    return ops
      .map(([op, v]) => {
        switch (op) {
          case '$eq':
            return v === null ? `${expr} IS NULL` : `${expr} = ${params.add(v)}`;
          case '$ne':
            return `${expr} IS DISTINCT FROM ${params.add(v)}`;
          case '$in':
            return inList(expr, v, params).isIn;
          case '$nin':
            return inList(expr, v, params).isNotIn;
          default:
            throw new Error(`Policy condition operator ${op} on ${attr} has no SQL translation`);
        }
      })
      .join(' AND ');
  }
  if (Array.isArray(value)) throw new Error(`Policy condition on ${attr} compares to an array; use $in`);
  // `true` is the attribute itself, so an EXISTS attribute is a join the planner can drive from either
  // side (under `IS TRUE` it stays a subquery: run per row, or over every row at once); NULL is not
  // TRUE either way. `false` must be FALSE.
  if (typeof value === 'boolean') return value ? `(${expr})` : `(${expr}) IS FALSE`;
  if (value === null) return `${expr} IS NULL`;
  return `${expr} = ${params.add(value)}`;
}

/**
 * Translates one CASL rule's conditions (the small Mongo-query subset our policies use) into a SQL
 * boolean expression that is TRUE exactly where CASL would match the rule, and FALSE or NULL
 * elsewhere: whoever composes rules tests it for TRUE (a WHERE, `IS NOT TRUE` for a deny), never
 * negates it bare. Anything we cannot translate throws, so a rule can never be silently dropped.
 */
export function compileConditions(conditions: Condition | undefined, attributes: AttributeSql, params: SqlParams): string {
  if (!conditions || Object.keys(conditions).length === 0) return 'TRUE';
  const parts = Object.entries(conditions).map(([attr, value]) => {
    if (attr === '$or' || attr === '$and') {
      const subs = (value as Condition[]).map((c) => `(${compileConditions(c, attributes, params)})`);
      return `(${subs.join(attr === '$or' ? ' OR ' : ' AND ')})`;
    }
    const attribute = attributes[attr];
    if (!attribute) throw new Error(`Policy condition uses attribute "${attr}" that has no SQL mapping`);
    return compileValue(attr, attribute(), value, params);
  });
  return parts.join(' AND ');
}
