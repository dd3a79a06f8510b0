import { ProductsInit1764000000600 } from '../../migrations/products/1764000000600-products-init';
import { ProductsReportVisualsLabelledEntities1764000003120 } from '../../migrations/products/1764000003120-report-visuals-labelled-entities';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { seedProductsDemo } from './demo-data';
import { IntelligenceReportResolver, IntelligenceReportVersionResolver, ReportFeedbackResolver } from './report.resolver';
import * as reports from './report.service';
import { PRODUCTS_TABLES } from './tables';

/**
 * What goes out of the hub: intelligence reports its analysts publish to an audience (agency types,
 * sharing groups, named agencies), in versions, with visuals rendered as the audience reads them,
 * as PDF; and the recipients' feedback.
 */
export const productsSubgraph: SubgraphDefinition = {
  name: 'products',
  port: 4009,
  dbSchema: 'products',
  migrations: [ProductsInit1764000000600, ProductsReportVisualsLabelledEntities1764000003120],
  tables: PRODUCTS_TABLES,
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [IntelligenceReportResolver, IntelligenceReportVersionResolver, ReportFeedbackResolver],
      references: {
        IntelligenceReport: { __resolveReference: (ref: { id: string }, ctx) => reports.getReport(ctx, ref.id) },
      },
      relations: { IntelligenceReport: ['latest', 'versions'] },
      rootAccess: {
        intelligenceReport: ['read', 'IntelligenceReport'],
        intelligenceFeed: ['read', 'IntelligenceReport'],
        publishIntelligenceReport: ['create', 'IntelligenceReport'],
        reviseIntelligenceReport: ['update', 'IntelligenceReport'],
        withdrawIntelligenceReport: ['withdraw', 'IntelligenceReport'],
        recordReportFeedback: ['create', 'ReportFeedback'],
        reportFeedback: ['read', 'ReportFeedback'],
        reportFeedbackSummary: ['read', 'ReportFeedbackSummary'],
      },
    }),
  seedDemo: seedProductsDemo,
};
