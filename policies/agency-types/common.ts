import type { Actor } from '../actor';
import type { RuleBuilder } from '../rules';
import {
  ACCESS_GRANT_FIELDS,
  ACCESS_REQUEST_FIELDS,
  AGENCY_FIELDS,
  AUDIT_EVENT_FIELDS,
  GRANT_CANDIDATES,
  HIT_NO_HIT_FIELDS,
  HIT_NO_HIT_INTEREST_FIELDS,
  HIT_NO_HIT_ASKERS_FIELDS,
  INTELLIGENCE_REPORT_FIELDS,
  REPORT_FEEDBACK_FIELDS,
  REPORT_VERSION_FIELDS,
  RETENTION_REVIEW_FIELDS,
  REVIEWABLE_RECORD_FIELDS,
  SHARING_GROUP_FIELDS,
  USER_FIELDS,
} from '../subjects';

/** Every member agency may read the agency directory (whom to ask) and its own user record. */
export function directoryRules(actor: Actor, can: RuleBuilder['can']): void {
  can('read', 'Agency', [...AGENCY_FIELDS]);
  can('read', 'User', [...USER_FIELDS], { id: actor.userId });
}

/**
 * Governance for the agency types that hold intelligence (every type but the hub's administration):
 * - hit/no-hit on identifiers, for every role; how often other agencies asked about the agency's own
 *   identifiers (counts by agency type), for contributors and supervisors;
 * - the sharing groups the agency belongs to, with their members (whom it shares with), every role;
 * - access requests and grants the agency is party to, for contributors and supervisors: the
 *   requester asks, the target's supervisors answer (grant or refuse), and the target alone sees
 *   its own candidate records;
 *   the grantor revokes;
 * - its own records due for retention review and the reviews made, for contributors and
 *   supervisors; only a supervisor decides (KEEP or ERASE).
 * VIEWERs never create or update (ability.ts). The audit trail is in `auditTrailRules`.
 */
export function governanceRules(actor: Actor, can: RuleBuilder['can']): void {
  const agency = actor.agencyId;
  can('read', 'HitNoHitResult', [...HIT_NO_HIT_FIELDS]);
  can('read', 'SharingGroup', [...SHARING_GROUP_FIELDS], { includesOwnAgency: true });

  if (actor.role !== 'VIEWER') {
    can('read', 'AccessRequest', [...ACCESS_REQUEST_FIELDS], { requesterAgencyId: agency });
    can('read', 'AccessRequest', [...ACCESS_REQUEST_FIELDS, ...GRANT_CANDIDATES], { targetAgencyId: agency });
    can('read', 'AccessGrant', [...ACCESS_GRANT_FIELDS], { grantorAgencyId: agency });
    can('read', 'AccessGrant', [...ACCESS_GRANT_FIELDS], { granteeAgencyId: agency });
    can('read', 'ReviewableRecord', [...REVIEWABLE_RECORD_FIELDS], { ownerAgencyId: agency });
    can('read', 'RetentionReview', [...RETENTION_REVIEW_FIELDS], { agencyId: agency });
    can('read', 'HitNoHitInterest', [...HIT_NO_HIT_INTEREST_FIELDS], { agencyId: agency });
    // Police asking about an identifier is an investigation's trace: told to a bank, an NGO or the
    // hub, it could tip off the person behind it. Only police see police interest
    // (law-enforcement.ts: deconfliction); every holder sees the other types'.
    can('read', 'HitNoHitAskers', [...HIT_NO_HIT_ASKERS_FIELDS], { agencyId: agency, agencyType: { $ne: 'LAW_ENFORCEMENT' } });
  }
  can('create', 'AccessRequest', { requesterAgencyId: agency });
  // Answering (granting or refusing) discloses the agency's records: a supervisor's decision.
  if (actor.role === 'SUPERVISOR') can('update', 'AccessRequest', { targetAgencyId: agency });
  can('update', 'AccessGrant', { grantorAgencyId: agency });
  if (actor.role === 'SUPERVISOR') can('create', 'RetentionReview', { agencyId: agency });
}

/**
 * The audit trail: an agency's supervisors see every event that concerns it (as actor, as the
 * record's owner, as a recipient of a disclosure); every other user sees the events they caused.
 */
export function auditTrailRules(actor: Actor, can: RuleBuilder['can']): void {
  if (actor.role === 'SUPERVISOR') {
    can('read', 'AuditEvent', [...AUDIT_EVENT_FIELDS], { actorAgencyId: actor.agencyId });
    can('read', 'AuditEvent', [...AUDIT_EVENT_FIELDS], { recordOwnerAgencyId: actor.agencyId });
    can('read', 'AuditEvent', [...AUDIT_EVENT_FIELDS], { disclosedToOwnAgency: true });
  } else {
    can('read', 'AuditEvent', [...AUDIT_EVENT_FIELDS], { actorUserId: actor.userId });
  }
}

/**
 * Intelligence reports, for every agency type the hub publishes to: a report and its versions where
 * the agency is in its audience (its type, the agency itself, or one of its sharing groups, until the
 * report is withdrawn); feedback on them, the agency's own only (VIEWERs read, never record).
 */
export function recipientRules(actor: Actor, can: RuleBuilder['can']): void {
  can('read', 'IntelligenceReport', [...INTELLIGENCE_REPORT_FIELDS], { inAudience: true });
  can('read', 'IntelligenceReportVersion', [...REPORT_VERSION_FIELDS], { inAudience: true });
  can('read', 'ReportFeedback', [...REPORT_FEEDBACK_FIELDS], { agencyId: actor.agencyId });
  can('create', 'ReportFeedback', { agencyId: actor.agencyId });
}
