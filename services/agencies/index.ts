import { AgenciesInit1764000000010 } from '../../migrations/agencies/1764000000010-agencies-init';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { AgencyResolver } from './agency.resolver';
import * as agencies from './agency.service';
import { seedAgenciesDemo } from './demo-data';

/** Agencies, their users and roles, their identity providers, and sharing groups. */
export const agenciesSubgraph: SubgraphDefinition = {
  name: 'agencies',
  port: 4002,
  dbSchema: 'agencies',
  migrations: [AgenciesInit1764000000010],
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [AgencyResolver],
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
      },
    }),
  seedDemo: seedAgenciesDemo,
};
