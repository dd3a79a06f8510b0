import { AuditInit1764000000400 } from '../../migrations/audit/1764000000400-audit-init';
import { AuditEventsByActorUser1764000000420 } from '../../migrations/audit/1764000000420-events-by-actor-user';
import { AuditHitNoHitQueries1764000000470 } from '../../migrations/audit/1764000000470-hit-no-hit-queries';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { AuditResolver } from './audit.resolver';
import { AUDIT_TABLES } from './tables';
import { AuditAppendFunction1764000000410 } from '../../migrations/audit/1764000000410-audit-append-function';

/**
 * The audit trail (DPA 2018 s.62). Events are written by every subgraph through
 * services/kernel/audit.ts into this subgraph's schema; this subgraph only answers queries on them.
 */
export const auditSubgraph: SubgraphDefinition = {
  name: 'audit',
  port: 4007,
  dbSchema: 'audit',
  migrations: [AuditInit1764000000400, AuditAppendFunction1764000000410, AuditEventsByActorUser1764000000420, AuditHitNoHitQueries1764000000470],
  tables: AUDIT_TABLES,
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [AuditResolver],
      rootAccess: { auditTrail: ['read', 'AuditEvent'] },
    }),
};
