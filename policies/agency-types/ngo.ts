import type { AgencyTypePolicy } from '../rules';
import {
  ADVERT_LEAD_OVERVIEW,
  CAMPAIGN_AREA_FIELDS,
  CAMPAIGN_FIELDS,
  CAMPAIGN_REACH_FIELDS,
  CASE_DETAIL,
  CASE_OVERVIEW,
  ENTITY_OVERVIEW,
  ENTITY_VALUE,
  EVENT_DETAIL,
  EVENT_OVERVIEW,
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
  TYPOLOGY_FIELDS,
  NOTIFICATION_FIELDS,
} from '../subjects';
import { auditTrailRules, directoryRules, governanceRules, recipientRules } from './common';

/**
 * NGOs: survivors' advocates. They read case overviews, de-identified victim profiles, hotspots and
 * routes (small counts suppressed); identities and narrative text only on what they own.
 */
export const ngoPolicy: AgencyTypePolicy = (actor, { can }) => {
  const own = { ownerAgencyId: actor.agencyId };
  directoryRules(actor, can);
  governanceRules(actor, can);
  auditTrailRules(actor, can);
  recipientRules(actor, can);

  can('read', 'Case', [...CASE_OVERVIEW, ...CASE_DETAIL]);
  can('create', 'Case', own);
  can('update', 'Case', own);

  can('read', 'TraffickingEvent', [...EVENT_OVERVIEW, ...EVENT_DETAIL]);
  can(['create', 'update'], 'TraffickingEvent', own);

  // Victims' de-identified profiles; everyone else (suspects, witnesses, reporters) only on the NGO's own cases.
  can('read', 'Person', [...PERSON_PROFILE], { role: 'VICTIM' });
  can('read', 'Person', [...PERSON_PROFILE, ...PERSON_IDENTITY], own);
  can(['create', 'update'], 'Person', own);

  // Victims' paths through the referral mechanisms, as the case's NRM stage; recorded by the person's owner.
  can('read', 'ReferralStage', [...REFERRAL_STAGE_FIELDS]);
  can('create', 'ReferralStage', own);

  can('read', 'Entity', [...ENTITY_OVERVIEW]);
  can('read', 'Entity', [...ENTITY_VALUE], { kind: { $ne: 'BANK_ACCOUNT' } });
  can('read', 'Observation', [...OBSERVATION_FIELDS], own);
  can(['create', 'update'], 'Observation', own);
  can('read', 'Link', [...LINK_FIELDS], own);
  can(['create', 'update'], 'Link', own);

  can('read', 'Location', [...LOCATION_FIELDS]);
  can('read', 'Route', [...ROUTE_FIELDS]);
  can('read', 'Hotspot', [...HOTSPOT_FIELDS]);
  can('read', 'NrmStatistics', [...NRM_STATISTICS_FIELDS]);

  can('read', 'Typology', [...TYPOLOGY_FIELDS], { marking: { $in: ['CLEAR', 'GREEN'] } });

  can('read', 'Narrative', [...NARRATIVE_OVERVIEW]);
  can('read', 'Narrative', [...NARRATIVE_TEXT], own);
  can('create', 'Narrative', own);
  can(['update', 'withdraw'], 'Narrative', own);

  // Leads from the advert feed as patterns (kind, score, indicators, cities), for outreach where
  // they point: never the adverts, phones or image hashes, which identify the people advertised.
  can('read', 'AdvertLead', [...ADVERT_LEAD_OVERVIEW]);

  // Referrals from frontline services where this agency is the destination: read them, and move their status on.
  can('read', 'Notification', [...NOTIFICATION_FIELDS], { destinationAgencyId: actor.agencyId });
  can('update', 'Notification', { destinationAgencyId: actor.agencyId });

  // Prevention campaigns the NGO runs as the hub's partner: the campaign and its target areas (counts
  // under disclosure control, never a case), and the reach it records per area and week.
  const partner = { partnerAgencyId: actor.agencyId };
  can('read', 'Campaign', [...CAMPAIGN_FIELDS], partner);
  can('read', 'CampaignArea', [...CAMPAIGN_AREA_FIELDS]);
  can('read', 'CampaignReach', [...CAMPAIGN_REACH_FIELDS], partner);
  can('create', 'CampaignReach', partner);
};
