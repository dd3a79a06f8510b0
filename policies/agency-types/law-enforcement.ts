import type { AgencyTypePolicy } from '../rules';
import {
  ADVERT_IDENTIFIERS,
  ADVERT_LEAD_EVIDENCE,
  ADVERT_LEAD_OVERVIEW,
  ADVERT_OVERVIEW,
  CASE_DETAIL,
  CASE_OVERVIEW,
  ENTITY_OVERVIEW,
  ENTITY_VALUE,
  EVENT_DETAIL,
  EVENT_OVERVIEW,
  EXACT_COUNTS,
  HIT_NO_HIT_ASKERS_FIELDS,
  HOTSPOT_FIELDS,
  LINK_FIELDS,
  LOCATION_FIELDS,
  NARRATIVE_OVERVIEW,
  NARRATIVE_TEXT,
  OBSERVATION_FIELDS,
  PERSON_IDENTITY,
  PERSON_PROFILE,
  NRM_STATISTICS_FIELDS,
  REFERRAL_STAGE_FIELDS,
  ROUTE_FIELDS,
  TRANSACTION_REPORT_FIELDS,
  TYPOLOGY_FIELDS,
  NOTIFICATION_FIELDS,
} from '../subjects';
import { auditTrailRules, directoryRules, governanceRules, recipientRules } from './common';

/** Police: investigators see the linked picture; victims' identities only on their own cases or by grant. */
export const lawEnforcementPolicy: AgencyTypePolicy = (actor, { can }) => {
  const own = { ownerAgencyId: actor.agencyId };
  directoryRules(actor, can);
  governanceRules(actor, can);
  auditTrailRules(actor, can);
  recipientRules(actor, can);
  // Deconfliction: a force sees that other forces asked about identifiers it holds.
  if (actor.role !== 'VIEWER') can('read', 'HitNoHitAskers', [...HIT_NO_HIT_ASKERS_FIELDS], { agencyId: actor.agencyId });

  can('read', 'Case', [...CASE_OVERVIEW, ...CASE_DETAIL]);
  can('create', 'Case', own);
  can('update', 'Case', own);

  can('read', 'TraffickingEvent', [...EVENT_OVERVIEW, ...EVENT_DETAIL]);
  can(['create', 'update'], 'TraffickingEvent', own);

  can('read', 'Person', [...PERSON_PROFILE]);
  can('read', 'Person', [...PERSON_IDENTITY], { role: 'SUSPECT' });
  can('read', 'Person', [...PERSON_IDENTITY], own);
  can('read', 'Person', [...PERSON_IDENTITY], { viaGrant: true });
  can(['create', 'update'], 'Person', own);

  // Victims' paths through the referral mechanisms, as the case's NRM stage; recorded by the person's owner.
  can('read', 'ReferralStage', [...REFERRAL_STAGE_FIELDS]);
  can('create', 'ReferralStage', own);

  can('read', 'Entity', [...ENTITY_OVERVIEW, ...ENTITY_VALUE]);
  can('read', 'Observation', [...OBSERVATION_FIELDS]);
  can(['create', 'update'], 'Observation', own);
  can('read', 'Link', [...LINK_FIELDS]);
  can(['create', 'update'], 'Link', own);

  can('read', 'Location', [...LOCATION_FIELDS]);
  can('read', 'Route', [...ROUTE_FIELDS, ...EXACT_COUNTS]);
  can('read', 'Hotspot', [...HOTSPOT_FIELDS, ...EXACT_COUNTS]);
  can('read', 'NrmStatistics', [...NRM_STATISTICS_FIELDS, ...EXACT_COUNTS]);

  can('read', 'Typology', [...TYPOLOGY_FIELDS]);
  can('read', 'TransactionReport', [...TRANSACTION_REPORT_FIELDS]);

  can('read', 'Narrative', [...NARRATIVE_OVERVIEW]);
  can('read', 'Narrative', [...NARRATIVE_TEXT], { consentLawEnforcement: true });

  // The hub's advert feed and its leads, with the phones, handles and text: police act on them.
  can('read', 'Advert', [...ADVERT_OVERVIEW, ...ADVERT_IDENTIFIERS]);
  can('read', 'AdvertLead', [...ADVERT_LEAD_OVERVIEW, ...ADVERT_LEAD_EVIDENCE]);

  // Referrals from frontline services where this agency is the destination: read them, and move their status on.
  can('read', 'Notification', [...NOTIFICATION_FIELDS], { destinationAgencyId: actor.agencyId });
  can('update', 'Notification', { destinationAgencyId: actor.agencyId });
};
