import { AgenciesInit1764000000010 } from '../../migrations/agencies/1764000000010-agencies-init';
import { AgenciesGovernance1764000000020 } from '../../migrations/agencies/1764000000020-agencies-governance';
import { IssuerTokenLifetime1764000000033 } from '../../migrations/agencies/1764000000033-issuer-token-lifetime';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { AgencyResolver } from './agency.resolver';
import * as agencies from './agency.service';
import { seedAgenciesDemo } from './demo-data';
import { AccessGrantResolver, AccessRequestResolver, RetentionResolver, SharingGroupResolver } from './governance.resolver';
import { AGENCIES_TABLES } from './tables';

/**
 * Agencies, their users and roles, their identity providers, sharing groups; and the hub's
 * governance: access requests and grants, retention review. The governance root fields are
 * 'any-member' here because their subjects are not yet in policies/: each service checks the
 * agency type and role first (governance.access.ts) and confines every row to the caller's agency.
 */
export const agenciesSubgraph: SubgraphDefinition = {
  name: 'agencies',
  port: 4002,
  dbSchema: 'agencies',
  migrations: [AgenciesInit1764000000010, AgenciesGovernance1764000000020, IssuerTokenLifetime1764000000033],
  tables: AGENCIES_TABLES,
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [AgencyResolver, AccessRequestResolver, AccessGrantResolver, SharingGroupResolver, RetentionResolver],
      references: { Agency: { __resolveReference: (ref: { id: string }, ctx) => agencies.getAgency(ctx, ref.id) } },
      relations: { Agency: ['users', 'trustedIssuers'] },
      rootAccess: {
        agency: ['read', 'Agency'],
        agencies: ['read', 'Agency'],
        me: 'any-member',
        registerAgency: ['create', 'Agency'],
        registerUser: ['create', 'User'],
        setUserActive: ['update', 'User'],
        registerTrustedIssuer: ['create', 'TrustedIssuer'],
        // governance.access.ts: requestAccess / handleAccessRequests
        accessRequest: 'any-member',
        accessRequests: 'any-member',
        accessGrants: 'any-member',
        requestAccess: 'any-member',
        grantAccess: 'any-member',
        refuseAccess: 'any-member',
        revokeGrant: 'any-member',
        // every member lists its own groups; manageSharingGroups for the changes
        sharingGroups: 'any-member',
        createSharingGroup: 'any-member',
        addGroupMember: 'any-member',
        removeGroupMember: 'any-member',
        // seeRetention / reviewRecords
        recordsDueForReview: 'any-member',
        retentionReviews: 'any-member',
        reviewRecord: 'any-member',
      },
    }),
  seedDemo: seedAgenciesDemo,
};
