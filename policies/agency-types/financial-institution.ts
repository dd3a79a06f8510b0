import type { AgencyTypePolicy } from '../rules';
import {
  CASE_OVERVIEW,
  ENTITY_OVERVIEW,
  ENTITY_VALUE,
  EVENT_OVERVIEW,
  HOTSPOT_FIELDS,
  LINK_FIELDS,
  LOCATION_FIELDS,
  NRM_STATISTICS_FIELDS,
  OBSERVATION_FIELDS,
  RECORD_META,
  ROUTE_FIELDS,
  SCREENING_JOB_FIELDS,
  SCREENING_RESULT_FIELDS,
  TRANSACTION_REPORT_FIELDS,
  TYPOLOGY_FIELDS,
} from '../subjects';
import { auditTrailRules, directoryRules, governanceRules, recipientRules } from './common';

/**
 * Banks: learn patterns (typologies, case overviews, routes with small counts suppressed) and see
 * identifiers only where they touch their own reports. Never victims, narratives or case text.
 */
export const financialInstitutionPolicy: AgencyTypePolicy = (actor, { can }) => {
  const own = { ownerAgencyId: actor.agencyId };
  directoryRules(actor, can);
  governanceRules(actor, can);
  auditTrailRules(actor, can);
  recipientRules(actor, can);

  can('read', 'Case', [...CASE_OVERVIEW]);
  can('read', 'TraffickingEvent', [...EVENT_OVERVIEW]);

  // A suspect's name and role, only when the suspect is linked to an account the bank reported.
  can('read', 'Person', [...RECORD_META, 'caseId', 'role', 'fullName'], { role: 'SUSPECT', linkedToOwnReport: true });

  can('read', 'Entity', [...ENTITY_OVERVIEW]);
  can('read', 'Entity', [...ENTITY_VALUE], { linkedToOwnReport: true });
  can('read', 'Observation', [...OBSERVATION_FIELDS], own);
  can(['create', 'update'], 'Observation', own);
  can('read', 'Link', [...LINK_FIELDS], own);
  can(['create', 'update'], 'Link', own);

  can('read', 'Location', [...LOCATION_FIELDS]);
  can('read', 'Route', [...ROUTE_FIELDS]);
  can('read', 'Hotspot', [...HOTSPOT_FIELDS]);
  // Referral-mechanism statistics, perturbed as hotspots are; never a victim's stages.
  can('read', 'NrmStatistics', [...NRM_STATISTICS_FIELDS]);

  can('read', 'Typology', [...TYPOLOGY_FIELDS]);
  can(['create', 'update'], 'Typology', own);
  can('read', 'TransactionReport', [...TRANSACTION_REPORT_FIELDS], own);
  can(['create', 'update'], 'TransactionReport', own);

  // Bulk screening of the bank's customer book: its own jobs only, each identifier answered as hit/no-hit answers it.
  can('read', 'ScreeningJob', [...SCREENING_JOB_FIELDS], own);
  can(['create', 'update'], 'ScreeningJob', own);
  can('read', 'ScreeningResult', [...SCREENING_RESULT_FIELDS], own);
};
