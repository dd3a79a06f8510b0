import type { Actor } from './actor';
import type { AppAbility } from './rules';
import { reachSql } from './reach';
import { type AttributeSql, compileConditions, type SqlParams } from './sql';
import { type Action, isMarkedSubject, type PolicyRecord, SUBJECT_FIELDS, type SubjectType } from './subjects';

/** Stands in for a field the caller may not read; the GraphQL layer turns it into FORBIDDEN_FIELD. */
export const REDACTED: unique symbol = Symbol.for('tessera.redacted');
export type Redacted = typeof REDACTED;

const RAW = Symbol.for('tessera.raw');

type FieldPlan = 'always' | 'never' | 'conditional';
const plans = new WeakMap<AppAbility, Map<SubjectType, Map<string, FieldPlan>>>();

/**
 * For one ability and subject, which fields are readable on every row it can see ('always'), on
 * none ('never'), or depending on the row ('conditional'). Computed once per request and subject so
 * projection does per-record work only for conditional fields.
 */
export function fieldPlan(ability: AppAbility, subject: SubjectType): Map<string, FieldPlan> {
  let bySubject = plans.get(ability);
  if (!bySubject) {
    bySubject = new Map();
    plans.set(ability, bySubject);
  }
  let plan = bySubject.get(subject);
  if (plan) return plan;
  plan = new Map();
  // possibleRulesFor keeps inverted field rules, which rulesFor() without a field drops.
  const rules = ability.possibleRulesFor('read', subject);
  for (const field of SUBJECT_FIELDS[subject]) {
    const relevant = rules.filter((r) => r.matchesField(field));
    const allows = relevant.filter((r) => !r.inverted);
    const denies = relevant.filter((r) => r.inverted);
    let p: FieldPlan;
    if (allows.length === 0) p = 'never';
    else if (denies.length === 0 && allows.some((r) => !r.conditions)) p = 'always';
    else p = 'conditional';
    plan.set(field, p);
  }
  bySubject.set(subject, plan);
  return plan;
}

/**
 * Field-level policy applied to one record: every field listed for the subject is copied if the
 * ability allows it for this record, REDACTED otherwise. Fields not listed are never copied.
 * The raw record stays reachable (for relation keys) through `rawOf`, never through GraphQL.
 */
export function project<T extends PolicyRecord>(ability: AppAbility, record: T): Record<string, unknown> {
  const subject = record.__typename;
  const out: Record<string, unknown> = { __typename: subject };
  const plan = projectionPlan(ability, subject);
  const layout = layoutFor(plan, record);
  const fields = plan.fields;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    out[field] = layout[i] ? record[field] : REDACTED;
  }
  Object.defineProperty(out, RAW, { value: record, enumerable: false });
  return out;
}

type Rule = ReturnType<AppAbility['rulesFor']>[number];

/**
 * Per ability and subject, once: the fields, and for each either its fixed answer or the indexes of
 * its rules (into `rules`, in CASL's priority order). Which fields a record may show then depends
 * only on which of those few rules its conditions match: that answer (a layout) is kept per
 * combination, so a record costs one condition match per distinct rule and a copy per field.
 */
interface ProjectionPlan {
  fields: string[];
  steps: Array<{ always: boolean; ruleIndexes: number[] | null }>;
  rules: Rule[];
  layouts: Map<number, boolean[]>;
}
const projectionPlans = new WeakMap<AppAbility, Map<SubjectType, ProjectionPlan>>();
/** Rule combinations are kept as bits of a number; a subject with more conditional rules is decided record by record. */
const MAX_CACHED_RULES = 30;

function projectionPlan(ability: AppAbility, subject: SubjectType): ProjectionPlan {
  let bySubject = projectionPlans.get(ability);
  if (!bySubject) {
    bySubject = new Map();
    projectionPlans.set(ability, bySubject);
  }
  let plan = bySubject.get(subject);
  if (!plan) {
    const rules: Rule[] = [];
    const indexOf = (rule: Rule) => {
      const i = rules.indexOf(rule);
      return i >= 0 ? i : rules.push(rule) - 1;
    };
    const entries = [...fieldPlan(ability, subject)];
    plan = {
      fields: entries.map(([field]) => field),
      steps: entries.map(([field, p]) => ({
        always: p === 'always',
        ruleIndexes: p === 'conditional' ? ability.rulesFor('read', subject, field).map(indexOf) : null,
      })),
      rules,
      layouts: new Map(),
    };
    bySubject.set(subject, plan);
  }
  return plan;
}

/**
 * Which fields this record shows, as CASL's can() decides: for each field the first of its rules
 * (in priority order) whose conditions match decides, allowing unless it is inverted; none: denied.
 */
function layoutFor(plan: ProjectionPlan, record: PolicyRecord): boolean[] {
  const matches = plan.rules.map((rule) => !rule.conditions || rule.matchesConditions(record));
  const decide = () =>
    plan.steps.map(({ always, ruleIndexes }) => {
      if (!ruleIndexes) return always;
      for (const i of ruleIndexes) if (matches[i]) return !plan.rules[i]!.inverted;
      return false;
    });
  if (plan.rules.length > MAX_CACHED_RULES) return decide();
  let key = 0;
  matches.forEach((m, i) => {
    if (m) key |= 1 << i;
  });
  let layout = plan.layouts.get(key);
  if (!layout) {
    layout = decide();
    plan.layouts.set(key, layout);
  }
  return layout;
}

/** The record behind a projection, for server-side use only (foreign keys for loaders). */
export function rawOf<T = PolicyRecord>(projected: object): T {
  const raw = (projected as Record<symbol, unknown>)[RAW];
  if (!raw) throw new Error('rawOf() called on an object that did not come from project()');
  return raw as T;
}

/** Whether the caller can read the field on every row it sees (no per-row condition). */
export function readableOnEveryRow(ability: AppAbility, subject: SubjectType, field: string): boolean {
  return fieldPlan(ability, subject).get(field) === 'always';
}

/**
 * The rows on which the caller may read `field`, as SQL: 'TRUE' when it is readable on every row,
 * 'FALSE' when on none, else the field rules' conditions. Filtering, searching or sorting on a
 * field must be confined to these rows, or the result set would reveal values the caller cannot read.
 */
export function fieldReadableSql(ability: AppAbility, subject: SubjectType, field: string, attributes: AttributeSql, params: SqlParams): string {
  const plan = fieldPlan(ability, subject).get(field);
  if (plan === 'always') return 'TRUE';
  if (plan !== 'conditional') return 'FALSE';
  const rules = ability.possibleRulesFor('read', subject).filter((r) => r.matchesField(field));
  const compile = (r: (typeof rules)[number]) => `(${compileConditions(r.conditions as Record<string, unknown> | undefined, attributes, params)})`;
  const allow = rules.filter((r) => !r.inverted).map(compile);
  const deny = rules.filter((r) => r.inverted).map(compile);
  return `(${allow.join(' OR ')})${deny.length ? ` AND (${deny.join(' OR ')}) IS NOT TRUE` : ''}`;
}

/** Whether the caller's agency type may see any row of this subject at all. */
export function canReadAny(ability: AppAbility, subject: SubjectType): boolean {
  return canAny(ability, 'read', subject);
}

/**
 * Whether some read rule lets the caller see rows of `subject` that another agency owns: false when
 * every rule confines it to rows whose `ownerAgencyId` is its own agency (a bank's or an NGO's view
 * of statements), so a question about others' rows has no answer to look for.
 */
export function canReadOthersRows(ability: AppAbility, subject: SubjectType, agencyId: string): boolean {
  return ability.rulesFor('read', subject).some((r) => !r.inverted && (r.conditions as Record<string, unknown> | undefined)?.ownerAgencyId !== agencyId);
}

/**
 * Whether some rule lets this ability do `action` on some record of `subject`: type level, so a
 * conditional rule counts and only an unconditional `cannot` (a viewer's writes) refuses.
 */
export function canAny(ability: AppAbility, action: Action, subject: SubjectType): boolean {
  return ability.can(action, subject);
}

export interface VisibilityOptions {
  alias: string;
  /** SQL for each attribute the subject's rules may use in their conditions. */
  attributes: AttributeSql;
  /** `<schema>.grants` for marked subjects; omit for unmarked ones (entities, locations, agencies). */
  grantsTable?: string;
}

/**
 * The record-level rule for a list, loader or reference as one SQL predicate: the TLP/ownership/
 * grant reach (for marked subjects) AND at least one of the agency type's read rules. Counts,
 * pagination and ordering then see only rows the caller may see.
 */
export function visibleRowsSql(actor: Actor, ability: AppAbility, subject: SubjectType, opts: VisibilityOptions, params: SqlParams): string {
  return permittedRowsSql(actor, ability, 'read', subject, opts, params);
}

/**
 * The same for any action: the rows on which the caller holds `action` (for changes that must find
 * their record among those the caller may change, such as answering a request addressed to it).
 */
export function permittedRowsSql(actor: Actor, ability: AppAbility, action: Action, subject: SubjectType, opts: VisibilityOptions, params: SqlParams): string {
  const rules = ability.rulesFor(action, subject);
  const allows = rules.filter((r) => !r.inverted);
  if (allows.length === 0) return 'FALSE';
  const compile = (r: (typeof rules)[number]) => compileConditions(r.conditions as Record<string, unknown> | undefined, opts.attributes, params);
  // An unconditional rule allows every row: said as TRUE (callers can tell, and skip the table), and
  // the other rules are not compiled (a placeholder no statement references would be refused).
  const unconditional = allows.some((r) => !r.conditions || Object.keys(r.conditions).length === 0);
  const parts = unconditional ? [] : [`(${allows.map((r) => `(${compile(r)})`).join(' OR ')})`];
  // Inverted rules without fields exclude whole rows; inverted field rules only redact fields.
  for (const r of rules.filter((r) => r.inverted && !r.fields)) parts.push(`(${compile(r)}) IS NOT TRUE`);
  if (isMarkedSubject(subject)) {
    if (!opts.grantsTable) throw new Error(`${subject} is a marked subject: visibleRowsSql needs its grants table`);
    parts.unshift(reachSql(actor, opts.alias, opts.grantsTable, params));
  }
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

/** SQL select items that carry each policy attribute the subject's read rules use (deny rules on fields included), under its own name. */
export function policyAttributeColumns(ability: AppAbility, subject: SubjectType, attributes: AttributeSql): string {
  const used = new Set<string>();
  const collect = (c: unknown) => {
    if (!c || typeof c !== 'object') return;
    for (const [k, v] of Object.entries(c as Record<string, unknown>)) {
      if (k === '$or' || k === '$and') (v as unknown[]).forEach(collect);
      else used.add(k);
    }
  };
  // possibleRulesFor: rulesFor without a field leaves out the inverted rules that name fields, whose
  // conditions projection evaluates as much as any other's.
  for (const r of ability.possibleRulesFor('read', subject)) collect(r.conditions);
  const cols: string[] = [];
  for (const name of used) {
    const sql = attributes[name];
    if (!sql) throw new Error(`Policy condition uses attribute "${name}" that has no SQL mapping`);
    cols.push(`(${sql()}) AS "${name}"`);
  }
  return cols.length ? `, ${cols.join(', ')}` : '';
}
