import { AdvertsInit1764000000710 } from '../../migrations/adverts/1764000000710-adverts-init';
import { AdvertLeadComputations1764000001400 } from '../../migrations/adverts/1764000001400-advert-lead-computations';
import { AdvertsOwnerReviewDueIndexes1764000003100 } from '../../migrations/adverts/1764000003100-owner-review-due-indexes';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { AdvertLeadResolver, AdvertResolver } from './advert.resolver';
import * as adverts from './advert.service';
import { seedAdvertsDemo } from './demo-data';
import * as leads from './lead.service';
import { ADVERTS_TABLES } from './tables';

/** The hub's advert feed (adverts from adult-services sites, ingested from a partner's files) and the leads computed from it. */
export const advertsSubgraph: SubgraphDefinition = {
  name: 'adverts',
  port: 4010,
  dbSchema: 'adverts',
  migrations: [AdvertsInit1764000000710, AdvertLeadComputations1764000001400, AdvertsOwnerReviewDueIndexes1764000003100],
  tables: ADVERTS_TABLES,
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [AdvertResolver, AdvertLeadResolver],
      references: {
        Advert: { __resolveReference: (ref: { id: string }, ctx) => adverts.getAdvert(ctx, ref.id) },
        AdvertLead: { __resolveReference: (ref: { id: string }, ctx) => leads.getAdvertLead(ctx, ref.id) },
      },
      rootAccess: {
        advert: ['read', 'Advert'],
        adverts: ['read', 'Advert'],
        importAdverts: ['create', 'Advert'],
        advertLead: ['read', 'AdvertLead'],
        advertLeads: ['read', 'AdvertLead'],
        computeAdvertLeads: ['create', 'AdvertLead'],
      },
    }),
  seedDemo: seedAdvertsDemo,
};
