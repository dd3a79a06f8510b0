import type { AgencyTypePolicy } from '../rules';
import { NOTIFICATION_FIELDS } from '../subjects';
import { auditTrailRules, directoryRules, recipientRules } from './common';

/**
 * Frontline services (social services, health, schools, faith groups): they notify a suspected case
 * to a competent agency and follow what they notified, and nothing else. They hold no intelligence
 * of the hub's: no cases, entities, routes, hit/no-hit or access requests; the directory tells them
 * where to refer.
 */
export const frontlinePolicy: AgencyTypePolicy = (actor, { can }) => {
  const own = { notifierAgencyId: actor.agencyId };
  directoryRules(actor, can);
  auditTrailRules(actor, can);
  recipientRules(actor, can);
  can('read', 'Notification', [...NOTIFICATION_FIELDS], own);
  can('create', 'Notification', own);
};
