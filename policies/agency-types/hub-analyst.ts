import type { AgencyTypePolicy } from '../rules';
import {
  ADVERT_IDENTIFIERS,
  ADVERT_LEAD_EVIDENCE,
  ADVERT_LEAD_OVERVIEW,
  ADVERT_OVERVIEW,
  AUDIT_EVENT_FIELDS,
  CAMPAIGN_AREA_FIELDS,
  CAMPAIGN_FIELDS,
  CAMPAIGN_INDICATOR_FIELDS,
  CAMPAIGN_REACH_FIELDS,
  CASE_DETAIL,
  CASE_OVERVIEW,
  ENTITY_OVERVIEW,
  ENTITY_VALUE,
  EVENT_DETAIL,
  EVENT_OVERVIEW,
  EXACT_COUNTS,
  HOTSPOT_FIELDS,
  INTELLIGENCE_REPORT_AUDIENCE,
  INTELLIGENCE_REPORT_FIELDS,
  REPORT_FEEDBACK_SUMMARY_FIELDS,
  REPORT_VERSION_AUTHORING,
  REPORT_VERSION_FIELDS,
  LINK_FIELDS,
  LOCATION_FIELDS,
  NARRATIVE_OVERVIEW,
  NARRATIVE_TEXT,
  OBSERVATION_FIELDS,
  PERSON_IDENTITY,
  PERSON_PROFILE,
  NRM_STATISTICS_FIELDS,
  REFERRAL_STAGE_FIELDS,
  PUBLIC_REPORT_CONTACT,
  PUBLIC_REPORT_FIELDS,
  ROUTE_FIELDS,
  TRANSACTION_REPORT_FIELDS,
  TRIAGE_DECISION_FIELDS,
  TRIAGE_ITEM_FIELDS,
  TYPOLOGY_FIELDS,
} from '../subjects';
import { auditTrailRules, directoryRules, governanceRules } from './common';

/**
 * The hub's own analysts: the whole network picture and exact aggregates, but never a victim's
 * identity, and narrative text only where the survivor consented to the hub.
 */
export const hubAnalystPolicy: AgencyTypePolicy = (actor, { can }) => {
  const own = { ownerAgencyId: actor.agencyId };
  directoryRules(actor, can);
  governanceRules(actor, can);
  // The hub's supervisors oversee every agency: the whole audit trail.
  if (actor.role === 'SUPERVISOR') can('read', 'AuditEvent', [...AUDIT_EVENT_FIELDS]);
  else auditTrailRules(actor, can);

  can('read', 'Case', [...CASE_OVERVIEW, ...CASE_DETAIL]);
  can('read', 'TraffickingEvent', [...EVENT_OVERVIEW, ...EVENT_DETAIL]);
  can('read', 'Person', [...PERSON_PROFILE]);
  can('read', 'Person', [...PERSON_IDENTITY], { role: 'SUSPECT' });
  can('read', 'ReferralStage', [...REFERRAL_STAGE_FIELDS]);

  can('read', 'Entity', [...ENTITY_OVERVIEW, ...ENTITY_VALUE]);
  can('read', 'Observation', [...OBSERVATION_FIELDS]);
  can(['create', 'update'], 'Observation', own);
  can('read', 'Link', [...LINK_FIELDS]);
  can(['create', 'update'], 'Link', own);

  can('read', 'Location', [...LOCATION_FIELDS]);
  can('read', 'Route', [...ROUTE_FIELDS, ...EXACT_COUNTS]);
  can(['create', 'update'], 'Route', own);
  can('read', 'Hotspot', [...HOTSPOT_FIELDS, ...EXACT_COUNTS]);
  can('read', 'NrmStatistics', [...NRM_STATISTICS_FIELDS, ...EXACT_COUNTS]);

  can('read', 'Typology', [...TYPOLOGY_FIELDS]);
  can('read', 'TransactionReport', [...TRANSACTION_REPORT_FIELDS]);

  can('read', 'Narrative', [...NARRATIVE_OVERVIEW]);
  can('read', 'Narrative', [...NARRATIVE_TEXT], { consentHub: true });

  // The advert feed is the hub's own intelligence: its analysts ingest adverts and compute the leads.
  can('read', 'Advert', [...ADVERT_OVERVIEW, ...ADVERT_IDENTIFIERS]);
  can(['create', 'update'], 'Advert', own);
  can('read', 'AdvertLead', [...ADVERT_LEAD_OVERVIEW, ...ADVERT_LEAD_EVIDENCE]);
  can(['create', 'update'], 'AdvertLead', own);

  // Reports from the public, which only the hub triages; the reporter's contact details go no further than the hub.
  can('read', 'PublicReport', [...PUBLIC_REPORT_FIELDS, ...PUBLIC_REPORT_CONTACT]);
  // Their triage: the queue, and the decisions their own agency took. The hub opens a case only as a
  // triage decision on a public report (owned by the hub), never otherwise.
  can('read', 'TriageItem', [...TRIAGE_ITEM_FIELDS]);
  can('read', 'TriageDecision', [...TRIAGE_DECISION_FIELDS], { agencyId: actor.agencyId });
  can('create', 'TriageDecision', { agencyId: actor.agencyId });
  can('create', 'Case', { ...own, fromPublicReport: true });

  // Prevention campaigns the hub runs with a partner: exact counts behind the areas and their indicators;
  // reach is the partner's to record, except for a named platform without an account, whose figures the hub enters.
  can('read', 'Campaign', [...CAMPAIGN_FIELDS], own);
  can(['create', 'update'], 'Campaign', own);
  can('read', 'CampaignArea', [...CAMPAIGN_AREA_FIELDS, ...EXACT_COUNTS]);
  can('read', 'CampaignReach', [...CAMPAIGN_REACH_FIELDS], own);
  can('create', 'CampaignReach', { ownerAgencyId: actor.agencyId, platformPartner: true });
  can('read', 'CampaignIndicator', [...CAMPAIGN_INDICATOR_FIELDS, ...EXACT_COUNTS]);

  // Intelligence products: the hub's analysts write, revise and withdraw them, read every one with its
  // audience and history, and read the recipients' feedback summed per report and quarter.
  can('read', 'IntelligenceReport', [...INTELLIGENCE_REPORT_FIELDS, ...INTELLIGENCE_REPORT_AUDIENCE]);
  can(['create', 'update', 'withdraw'], 'IntelligenceReport', own);
  can('read', 'IntelligenceReportVersion', [...REPORT_VERSION_FIELDS, ...REPORT_VERSION_AUTHORING]);
  can('read', 'ReportFeedbackSummary', [...REPORT_FEEDBACK_SUMMARY_FIELDS]);
};
