import { AgenciesInit1764000000010 } from '../../migrations/agencies/1764000000010-agencies-init';
import { AgenciesGovernance1764000000020 } from '../../migrations/agencies/1764000000020-agencies-governance';
import { IssuerTokenLifetime1764000000033 } from '../../migrations/agencies/1764000000033-issuer-token-lifetime';
import { IssuerDiscovery1764000000034 } from '../../migrations/agencies/1764000000034-issuer-discovery';
import { FrontlineAgencyType1764000000036 } from '../../migrations/agencies/1764000000036-frontline-agency-type';
import { RetentionReviewsPublicReports1764000000950 } from '../../migrations/agencies/1764000000950-retention-reviews-public-reports';
import { AgenciesAdvertRecordSubjects1764000000980 } from '../../migrations/agencies/1764000000980-advert-record-subjects';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { AgencyResolver, UserResolver } from './agency.resolver';
import * as agencies from './agency.service';
import { seedAgenciesDemo } from './demo-data';
import { AccessGrantResolver, AccessRequestResolver, RetentionResolver, SharingGroupResolver } from './governance.resolver';
import { AGENCIES_TABLES } from './tables';

/**
 * Agencies, their users and roles, their identity providers, sharing groups; and the hub's
 * governance: access requests and grants, retention review. Governance subjects are policy
 * subjects like the others (policies/agency-types/common.ts): reads go through selectVisible, and
 * a change finds its record among those the caller may change.
 */
export const agenciesSubgraph: SubgraphDefinition = {
  name: 'agencies',
  port: 4002,
  dbSchema: 'agencies',
  migrations: [
    AgenciesInit1764000000010,
    AgenciesGovernance1764000000020,
    IssuerTokenLifetime1764000000033,
    IssuerDiscovery1764000000034,
    FrontlineAgencyType1764000000036,
    RetentionReviewsPublicReports1764000000950,
    AgenciesAdvertRecordSubjects1764000000980,
  ],
  tables: AGENCIES_TABLES,
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [AgencyResolver, UserResolver, AccessRequestResolver, AccessGrantResolver, SharingGroupResolver, RetentionResolver],
      references: { Agency: { __resolveReference: (ref: { id: string }, ctx) => agencies.getAgency(ctx, ref.id) } },
      relations: {
        Agency: ['users', 'trustedIssuers'],
        User: ['agency'],
        AccessRequest: ['requesterAgency', 'targetAgency', 'grants'],
        AccessGrant: ['grantorAgency', 'granteeAgency'],
        SharingGroup: ['members'],
      },
      rootAccess: {
        agency: ['read', 'Agency'],
        agencies: ['read', 'Agency'],
        me: ['read', 'User'],
        permissions: ['read', 'User'],
        registerAgency: ['create', 'Agency'],
        registerUser: ['create', 'User'],
        setUserActive: ['update', 'User'],
        registerTrustedIssuer: ['create', 'TrustedIssuer'],
        accessRequest: ['read', 'AccessRequest'],
        accessRequests: ['read', 'AccessRequest'],
        accessGrants: ['read', 'AccessGrant'],
        requestAccess: ['create', 'AccessRequest'],
        grantAccess: ['update', 'AccessRequest'],
        refuseAccess: ['update', 'AccessRequest'],
        revokeGrant: ['update', 'AccessGrant'],
        sharingGroups: ['read', 'SharingGroup'],
        createSharingGroup: ['create', 'SharingGroup'],
        addGroupMember: ['update', 'SharingGroup'],
        removeGroupMember: ['update', 'SharingGroup'],
        recordsDueForReview: ['read', 'ReviewableRecord'],
        retentionReviews: ['read', 'RetentionReview'],
        reviewRecord: ['create', 'RetentionReview'],
      },
    }),
  seedDemo: seedAgenciesDemo,
};
