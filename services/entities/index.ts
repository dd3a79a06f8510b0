import { EntitiesInit1764000000100 } from '../../migrations/entities/1764000000100-entities-init';
import { EntitiesIdentifierHolders1764000000120 } from '../../migrations/entities/1764000000120-identifier-holders';
import { EntitiesEnsureEntities1764000000140 } from '../../migrations/entities/1764000000140-ensure-entities';
import { EntitiesForgetOrphans1764000000150 } from '../../migrations/entities/1764000000150-forget-orphans';
import { EntitiesObservationsByEntityAndDate1764000000130 } from '../../migrations/entities/1764000000130-observations-by-entity-and-date';
import { EntitiesOrganisationSearch1764000000110 } from '../../migrations/entities/1764000000110-entities-organisation-search';
import { EntitiesScreeningJobs1764000000160 } from '../../migrations/entities/1764000000160-screening-jobs';
import { EntitiesIdentifierHoldersAntiJoin1764000000165 } from '../../migrations/entities/1764000000165-identifier-holders-anti-join';
import { EntitiesScreeningChunkAnswers1764000001000 } from '../../migrations/entities/1764000001000-screening-chunk-answers';
import { EntitiesAdvertSource1764000000700 } from '../../migrations/entities/1764000000700-advert-source';
import { EntitiesPrivateScreening1764000001100 } from '../../migrations/entities/1764000001100-private-screening';
import { EntitiesPrivateScreeningEntries1764000001110 } from '../../migrations/entities/1764000001110-private-screening-entries';
import { EntitiesPrivateScreeningIdempotency1764000002400 } from '../../migrations/entities/1764000002400-private-screening-idempotency';
import { EntitiesOrganisationFoldedName1764000003050 } from '../../migrations/entities/1764000003050-organisation-folded-name';
import { EntitiesObservationsNewestFirstIndex1764000003080 } from '../../migrations/entities/1764000003080-observations-newest-first-index';
import { EntitiesOwnerReviewDueIndexes1764000003100 } from '../../migrations/entities/1764000003100-owner-review-due-indexes';
import { EntitiesLinksSourceIndex1764000003110 } from '../../migrations/entities/1764000003110-links-source-index';
import { EntitiesScreeningAnswersKept1764000003120 } from '../../migrations/entities/1764000003120-screening-answers-kept';
import { EntitiesLinksCarryPersonHandling1764000003130 } from '../../migrations/entities/1764000003130-links-carry-person-handling';
import { EntitiesScreeningAnswersErasureAudited1764000003140 } from '../../migrations/entities/1764000003140-screening-answers-erasure-audited';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { seedEntitiesDemo } from './demo-data';
import { CaseEntitiesResolver, EntityResolver, LinkResolver, ObservationResolver } from './entity.resolver';
import * as service from './entity.service';
import { ExportResolver } from './export.resolver';
import { NetworkEdgeResolver, NetworkNodeResolver, NetworkResolver } from './network.resolver';
import { PrivateScreeningResolver } from './private-screening.resolver';
import { startEntriesBuilder } from './private-screening.service';
import { startScreeningAnswersSweep } from './screening.service';
import { ScreeningResolver } from './screening.resolver';
import { ENTITIES_TABLES } from './tables';

/** Entities (phones, accounts, adverts, ...) and the observations and links agencies state about them. */
export const entitiesSubgraph: SubgraphDefinition = {
  name: 'entities',
  port: 4004,
  dbSchema: 'entities',
  migrations: [
    EntitiesInit1764000000100,
    EntitiesOrganisationSearch1764000000110,
    EntitiesIdentifierHolders1764000000120,
    EntitiesObservationsByEntityAndDate1764000000130,
    EntitiesEnsureEntities1764000000140,
    EntitiesForgetOrphans1764000000150,
    EntitiesScreeningJobs1764000000160,
    EntitiesIdentifierHoldersAntiJoin1764000000165,
    EntitiesAdvertSource1764000000700,
    EntitiesScreeningChunkAnswers1764000001000,
    EntitiesPrivateScreening1764000001100,
    EntitiesPrivateScreeningEntries1764000001110,
    EntitiesPrivateScreeningIdempotency1764000002400,
    EntitiesOrganisationFoldedName1764000003050,
    EntitiesObservationsNewestFirstIndex1764000003080,
    EntitiesOwnerReviewDueIndexes1764000003100,
    EntitiesLinksSourceIndex1764000003110,
    EntitiesScreeningAnswersKept1764000003120,
    EntitiesLinksCarryPersonHandling1764000003130,
    EntitiesScreeningAnswersErasureAudited1764000003140,
  ],
  tables: ENTITIES_TABLES,
  // The private screening entries of the hub's key, built at start and after a key rotation, before a
  // bank's first filter needs them; and the screening answers erased once past their time.
  startBackground: (db) => {
    const tasks = [startEntriesBuilder(db), startScreeningAnswersSweep(db)];
    return { stop: async () => void (await Promise.all(tasks.map((t) => t.stop()))) };
  },
  // Each question meters its quota and is audited in its own transaction (hit-no-hit.service.ts).
  primaryQueries: ['hitNoHit', 'privateScreeningFilter'],
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [
        EntityResolver,
        ObservationResolver,
        LinkResolver,
        CaseEntitiesResolver,
        NetworkResolver,
        NetworkNodeResolver,
        NetworkEdgeResolver,
        ExportResolver,
        ScreeningResolver,
        PrivateScreeningResolver,
      ],
      references: {
        Entity: { __resolveReference: (ref: { id: string }, ctx) => service.getEntity(ctx, ref.id) },
        Observation: { __resolveReference: (ref: { id: string }, ctx) => service.getObservation(ctx, ref.id) },
        Link: { __resolveReference: (ref: { id: string }, ctx) => service.getLink(ctx, ref.id) },
        // Only the key: Case.entities applies the policy, and the cases subgraph guards the rest of Case.
        Case: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
      },
      relations: {
        Entity: ['observations', 'links', 'cases'],
        Observation: ['entity'],
        Link: ['fromEntity', 'toEntity'],
        Case: ['entities'],
        ScreeningJob: ['results'],
      },
      rootAccess: {
        entity: ['read', 'Entity'],
        entities: ['read', 'Entity'],
        observation: ['read', 'Observation'],
        link: ['read', 'Link'],
        addCaseEntity: ['create', 'Observation'],
        searchOrganisations: ['read', 'Entity'],
        network: ['read', 'Link'],
        shortestPath: ['read', 'Link'],
        networkExport: ['read', 'Link'],
        caseExport: ['read', 'Case'],
        sharedEntities: ['read', 'Entity'],
        correlations: ['read', 'Observation'],
        hitNoHit: ['read', 'HitNoHitResult'],
        hitNoHitInterest: ['read', 'HitNoHitInterest'],
        screeningJob: ['read', 'ScreeningJob'],
        screeningJobs: ['read', 'ScreeningJob'],
        createScreeningJob: ['create', 'ScreeningJob'],
        appendScreeningChunk: ['update', 'ScreeningJob'],
        closeScreeningJob: ['update', 'ScreeningJob'],
        // Private screening: whoever may screen in clear (private-screening.service.ts).
        privateScreeningKey: ['create', 'ScreeningJob'],
        evaluatePrivateScreening: ['create', 'ScreeningJob'],
        privateScreeningFilter: ['create', 'ScreeningJob'],
      },
    }),
  seedDemo: seedEntitiesDemo,
};
