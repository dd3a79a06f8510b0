import { advertsSubgraph } from './adverts';
import { agenciesSubgraph } from './agencies';
import { auditSubgraph } from './audit';
import { casesSubgraph } from './cases';
import { entitiesSubgraph } from './entities';
import { intakeSubgraph } from './intake';
import type { SubgraphDefinition } from './kernel/subgraph';
import { narrativesSubgraph } from './narratives';
import { productsSubgraph } from './products';
import { routesSubgraph } from './routes';
import { typologiesSubgraph } from './typologies';

/**
 * Every subgraph, in the order their migrations and demo data are applied (later ones refer to
 * earlier ones' demo records).
 */
export const SUBGRAPHS: SubgraphDefinition[] = [
  agenciesSubgraph,
  routesSubgraph,
  casesSubgraph,
  entitiesSubgraph,
  typologiesSubgraph,
  narrativesSubgraph,
  intakeSubgraph,
  productsSubgraph,
  advertsSubgraph,
  // The audit trail: every subgraph appends to its schema (services/kernel/audit.ts); it serves auditTrail.
  auditSubgraph,
];
