import { AbilityBuilder, createMongoAbility } from '@casl/ability';
import type { Actor, ActorType } from './actor';
import { isActorType, isRole } from './actor';
import { financialInstitutionPolicy } from './agency-types/financial-institution';
import { frontlinePolicy } from './agency-types/frontline';
import { hubAdminPolicy } from './agency-types/hub-admin';
import { hubAnalystPolicy } from './agency-types/hub-analyst';
import { lawEnforcementPolicy } from './agency-types/law-enforcement';
import { ngoPolicy } from './agency-types/ngo';
import { publicPolicy } from './agency-types/public';
import type { AgencyTypePolicy, AppAbility, RuleBuilder } from './rules';
import { PERSON_IDENTITY, type PolicyRecord } from './subjects';

export type { AppAbility } from './rules';

/** The reason on the rule that withholds a victim's identity from a request that states no purpose. */
export const PURPOSE_REQUIRED = 'PURPOSE_REQUIRED';

const POLICIES: Record<ActorType, AgencyTypePolicy> = {
  LAW_ENFORCEMENT: lawEnforcementPolicy,
  FINANCIAL_INSTITUTION: financialInstitutionPolicy,
  NGO: ngoPolicy,
  FRONTLINE: frontlinePolicy,
  HUB_ANALYST: hubAnalystPolicy,
  HUB_ADMIN: hubAdminPolicy,
  PUBLIC: publicPolicy,
};

/**
 * Layer 1 of the access model: what this agency type and role may do with which fields. Record
 * reach (TLP, ownership, sharing, grants) is layer 2/3 and lives in reach.ts; both must allow.
 */
export function defineAbilityFor(actor: Actor): AppAbility {
  if (!isActorType(actor.agencyType)) throw new Error(`Unknown agency type: ${String(actor.agencyType)}`);
  if (!isRole(actor.role)) throw new Error(`Unknown role: ${String(actor.role)}`);
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility as never);
  const rules = builder as unknown as RuleBuilder;
  POLICIES[actor.agencyType](actor, rules);
  if (!actor.purpose) {
    // A victim's identity is consulted only for a stated purpose (x-tessera-purpose), which the
    // consultation audit records: without one it is withheld, and name searches pass victims by.
    rules.cannot('read', 'Person', [...PERSON_IDENTITY], { role: 'VICTIM' }).because(PURPOSE_REQUIRED);
  }
  if (actor.role === 'VIEWER') {
    // Viewers read; they never contribute, change or withdraw.
    rules.cannot(['create', 'update', 'withdraw'], 'all');
  }
  return builder.build({ detectSubjectType: (record) => (record as PolicyRecord).__typename });
}
