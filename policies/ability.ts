import { AbilityBuilder, createMongoAbility } from '@casl/ability';
import type { Actor, AgencyType } from './actor';
import { isAgencyType, isRole } from './actor';
import { financialInstitutionPolicy } from './agency-types/financial-institution';
import { hubAdminPolicy } from './agency-types/hub-admin';
import { hubAnalystPolicy } from './agency-types/hub-analyst';
import { lawEnforcementPolicy } from './agency-types/law-enforcement';
import { ngoPolicy } from './agency-types/ngo';
import type { AgencyTypePolicy, AppAbility, RuleBuilder } from './rules';
import type { PolicyRecord } from './subjects';

export type { AppAbility } from './rules';

const POLICIES: Record<AgencyType, AgencyTypePolicy> = {
  LAW_ENFORCEMENT: lawEnforcementPolicy,
  FINANCIAL_INSTITUTION: financialInstitutionPolicy,
  NGO: ngoPolicy,
  HUB_ANALYST: hubAnalystPolicy,
  HUB_ADMIN: hubAdminPolicy,
};

/**
 * Layer 1 of the access model: what this agency type and role may do with which fields. Record
 * reach (TLP, ownership, sharing, grants) is layer 2/3 and lives in reach.ts; both must allow.
 */
export function defineAbilityFor(actor: Actor): AppAbility {
  if (!isAgencyType(actor.agencyType)) throw new Error(`Unknown agency type: ${String(actor.agencyType)}`);
  if (!isRole(actor.role)) throw new Error(`Unknown role: ${String(actor.role)}`);
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility as never);
  POLICIES[actor.agencyType](actor, builder as unknown as RuleBuilder);
  if (actor.role === 'VIEWER') {
    // Viewers read; they never contribute, change or withdraw.
    (builder as unknown as RuleBuilder).cannot(['create', 'update', 'withdraw'], 'all');
  }
  return builder.build({ detectSubjectType: (record) => (record as PolicyRecord).__typename });
}
