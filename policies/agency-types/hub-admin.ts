import type { AgencyTypePolicy } from '../rules';
import { SHARING_GROUP_FIELDS, TRUSTED_ISSUER_FIELDS, USER_FIELDS } from '../subjects';
import { directoryRules } from './common';

/**
 * The hub's administrators register agencies, issuers and users, and manage sharing groups. They
 * read no intelligence: no hit/no-hit, no access requests or grants, no retention, no audit trail.
 */
export const hubAdminPolicy: AgencyTypePolicy = (actor, { can }) => {
  directoryRules(actor, can);
  can(['create', 'update'], 'Agency');
  can('read', 'User', [...USER_FIELDS]);
  can(['create', 'update'], 'User');
  can('read', 'TrustedIssuer', [...TRUSTED_ISSUER_FIELDS]);
  can(['create', 'update'], 'TrustedIssuer');
  can('read', 'SharingGroup', [...SHARING_GROUP_FIELDS]);
  can(['create', 'update'], 'SharingGroup');
};
