import type { MongoQuery, PureAbility } from '@casl/ability';
import type { Actor } from './actor';
import type { Action, PolicyRecord, SubjectType } from './subjects';

export type AppAbility = PureAbility<[Action, SubjectType | 'all' | PolicyRecord], MongoQuery>;

/** Conditions over a record's policy attributes; the subset sql.ts compiles ($eq, $ne, $in, $nin, booleans). */
export type Conditions = Record<string, unknown>;

/** CASL's AbilityBuilder, typed for how our policies call it: (action, subject, fields?, conditions?). */
export interface RuleBuilder {
  can(action: Action | Action[], subject: SubjectType, fieldsOrConditions?: string[] | Conditions, conditions?: Conditions): unknown;
  /** `.because(reason)` names why: a reason the GraphQL layer turns into its own error code (ability.ts). */
  cannot(
    action: Action | Action[],
    subject: SubjectType | 'all',
    fieldsOrConditions?: string[] | Conditions,
    conditions?: Conditions,
  ): { because(reason: string): unknown };
}

/** One function per agency type, in its own file under agency-types/. */
export type AgencyTypePolicy = (actor: Actor, rules: RuleBuilder) => void;
