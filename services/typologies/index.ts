import { TypologiesInit1764000000200 } from '../../migrations/typologies/1764000000200-typologies-init';
import { TypologiesReportsNewestFirstIndex1764000003070 } from '../../migrations/typologies/1764000003070-reports-newest-first-index';
import { TypologiesOwnerReviewDueIndexes1764000003100 } from '../../migrations/typologies/1764000003100-owner-review-due-indexes';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { seedTypologiesDemo } from './demo-data';
// Typologies first: type-graphql emits root fields in the order their resolver modules load.
import { TypologyResolver } from './typology.resolver';
import * as typologies from './typology.service';
import { TYPOLOGIES_TABLES } from './tables';
import { TransactionReportResolver, TransactionReportSubmissionResolver } from './transaction-report.resolver';
import * as transactionReports from './transaction-report.service';

/** Banks' typologies (patterns for peers) and transaction reports (evidence with identifiers). */
export const typologiesSubgraph: SubgraphDefinition = {
  name: 'typologies',
  port: 4005,
  dbSchema: 'typologies',
  migrations: [TypologiesInit1764000000200, TypologiesReportsNewestFirstIndex1764000003070, TypologiesOwnerReviewDueIndexes1764000003100],
  tables: TYPOLOGIES_TABLES,
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [TypologyResolver, TransactionReportResolver, TransactionReportSubmissionResolver],
      references: {
        Typology: { __resolveReference: (ref: { id: string }, ctx) => typologies.getTypology(ctx, ref.id) },
        TransactionReport: { __resolveReference: (ref: { id: string }, ctx) => transactionReports.getTransactionReport(ctx, ref.id) },
      },
      rootAccess: {
        typology: ['read', 'Typology'],
        typologies: ['read', 'Typology'],
        transactionReport: ['read', 'TransactionReport'],
        transactionReports: ['read', 'TransactionReport'],
        submitTypology: ['create', 'Typology'],
        submitTransactionReport: ['create', 'TransactionReport'],
        submitTransactionReports: ['create', 'TransactionReport'],
        importTransactionReports: ['create', 'TransactionReport'],
      },
    }),
  seedDemo: seedTypologiesDemo,
};
