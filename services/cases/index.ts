import { CasesInit1764000000000 } from '../../migrations/cases/1764000000000-cases-init';
import { ReferralStages1764000000010 } from '../../migrations/cases/1764000000010-referral-stages';
import { CaseNrmStageDerived1764000001400 } from '../../migrations/cases/1764000001400-case-nrm-stage-derived';
import { PersonsFoldedName1764000003040 } from '../../migrations/cases/1764000003040-persons-folded-name';
import { CasesNewestFirstIndexes1764000003060 } from '../../migrations/cases/1764000003060-newest-first-indexes';
import { CaseChains1764000003090 } from '../../migrations/cases/1764000003090-case-chains';
import { CaseChainsUniformOnly1764000003120 } from '../../migrations/cases/1764000003120-case-chains-uniform-only';
import { CasesOwnerReviewDueIndexes1764000003100 } from '../../migrations/cases/1764000003100-owner-review-due-indexes';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { CaseResolver, PersonResolver, TraffickingEventResolver } from './case.resolver';
import * as cases from './case.service';
import { seedCasesDemo } from './demo-data';
import { PersonReferralResolver, ReferralStageResolver } from './referral.resolver';
import * as referrals from './referral.service';
import { CASES_TABLES } from './tables';

/** Cases, the persons in them and their trafficking events. */
export const casesSubgraph: SubgraphDefinition = {
  name: 'cases',
  port: 4001,
  dbSchema: 'cases',
  migrations: [
    CasesInit1764000000000,
    ReferralStages1764000000010,
    CaseNrmStageDerived1764000001400,
    PersonsFoldedName1764000003040,
    CasesNewestFirstIndexes1764000003060,
    CaseChains1764000003090,
    CaseChainsUniformOnly1764000003120,
    CasesOwnerReviewDueIndexes1764000003100,
  ],
  tables: CASES_TABLES,
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [CaseResolver, PersonResolver, TraffickingEventResolver, ReferralStageResolver, PersonReferralResolver],
      references: {
        Case: { __resolveReference: (ref: { id: string }, ctx) => cases.getCase(ctx, ref.id) },
        Person: { __resolveReference: (ref: { id: string }, ctx) => cases.getPerson(ctx, ref.id) },
        TraffickingEvent: { __resolveReference: (ref: { id: string }, ctx) => cases.getEvent(ctx, ref.id) },
        ReferralStage: { __resolveReference: (ref: { id: string }, ctx) => referrals.getReferralStage(ctx, ref.id) },
      },
      relations: { Case: ['persons', 'events'], Person: ['referralStages'] },
      rootAccess: {
        case: ['read', 'Case'],
        cases: ['read', 'Case'],
        person: ['read', 'Person'],
        persons: ['read', 'Person'],
        searchPersons: ['read', 'Person'],
        traffickingEvent: ['read', 'TraffickingEvent'],
        openCase: ['create', 'Case'],
        updateCase: ['update', 'Case'],
        addPerson: ['create', 'Person'],
        addTraffickingEvent: ['create', 'TraffickingEvent'],
        referralStage: ['read', 'ReferralStage'],
        referralStages: ['read', 'ReferralStage'],
        recordReferralStage: ['create', 'ReferralStage'],
        nrmStatistics: ['read', 'NrmStatistics'],
        nrmStatisticsChart: ['read', 'NrmStatistics'],
      },
    }),
  seedDemo: seedCasesDemo,
};
