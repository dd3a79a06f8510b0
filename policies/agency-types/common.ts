import type { Actor } from '../actor';
import type { RuleBuilder } from '../rules';
import { AGENCY_FIELDS, USER_FIELDS } from '../subjects';

/** Every member agency may read the agency directory (whom to ask) and its own user record. */
export function directoryRules(actor: Actor, can: RuleBuilder['can']): void {
  can('read', 'Agency', [...AGENCY_FIELDS]);
  can('read', 'User', [...USER_FIELDS], { id: actor.userId });
}
