import { NarrativesInit1764000000300 } from '../../migrations/narratives/1764000000300-narratives-init';
import { NarrativesOwnerReviewDueIndexes1764000003100 } from '../../migrations/narratives/1764000003100-owner-review-due-indexes';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { seedNarrativesDemo } from './demo-data';
import { NarrativeCaseResolver, NarrativeProposalResolver, NarrativeResolver } from './narrative.resolver';
import * as narratives from './narrative.service';
import { NARRATIVES_TABLES } from './tables';

/** NGOs' narratives of cases, under the survivor's consent, and `Case.narratives`. */
export const narrativesSubgraph: SubgraphDefinition = {
  name: 'narratives',
  port: 4006,
  dbSchema: 'narratives',
  migrations: [NarrativesInit1764000000300, NarrativesOwnerReviewDueIndexes1764000003100],
  tables: NARRATIVES_TABLES,
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [NarrativeResolver, NarrativeProposalResolver, NarrativeCaseResolver],
      references: {
        Narrative: { __resolveReference: (ref: { id: string }, ctx) => narratives.getNarrative(ctx, ref.id) },
        // Case.narratives applies the narratives' own policy; the case itself is the cases subgraph's.
        Case: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
      },
      // Narrative.proposals answers [] unless the caller's agency owns the narrative and may read its text.
      relations: { Case: ['narratives'], Narrative: ['proposals'] },
      rootAccess: {
        narrative: ['read', 'Narrative'],
        narratives: ['read', 'Narrative'],
        contributeNarrative: ['create', 'Narrative'],
        withdrawConsent: ['withdraw', 'Narrative'],
        decideProposal: ['update', 'Narrative'],
      },
    }),
  seedDemo: seedNarrativesDemo,
};
