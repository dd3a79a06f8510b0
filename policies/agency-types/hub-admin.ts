import type { AgencyTypePolicy } from '../rules';
import { TRUSTED_ISSUER_FIELDS, USER_FIELDS } from '../subjects';
import { directoryRules } from './common';

/** The hub's administrators register agencies, issuers and users. They read no intelligence. */
export const hubAdminPolicy: AgencyTypePolicy = (actor, { can }) => {
  directoryRules(actor, can);
  can(['create', 'update'], 'Agency');
  can('read', 'User', [...USER_FIELDS]);
  can(['create', 'update'], 'User');
  can('read', 'TrustedIssuer', [...TRUSTED_ISSUER_FIELDS]);
  can(['create', 'update'], 'TrustedIssuer');
};
