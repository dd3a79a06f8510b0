import { AuditInit1764000000400 } from '../../migrations/audit/1764000000400-audit-init';
import { AuditEventsByActorUser1764000000420 } from '../../migrations/audit/1764000000420-events-by-actor-user';
import { AuditHitNoHitQueries1764000000470 } from '../../migrations/audit/1764000000470-hit-no-hit-queries';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { AuditResolver } from './audit.resolver';
import { startCheckpointer } from './checkpoints';
import { AUDIT_TABLES } from './tables';
import { AuditAppendFunction1764000000410 } from '../../migrations/audit/1764000000410-audit-append-function';
import { AuditChainExtent1764000000425 } from '../../migrations/audit/1764000000425-audit-chain-extent';
import { AuditAppendRuns1764000000480 } from '../../migrations/audit/1764000000480-audit-append-runs';
import { AuditHitNoHitQuotaColumn1764000001000 } from '../../migrations/audit/1764000001000-hit-no-hit-quota-column';
import { AuditUsedActorTokens1764000001300 } from '../../migrations/audit/1764000001300-used-actor-tokens';
import { AuditLockedHead1764000001310 } from '../../migrations/audit/1764000001310-audit-locked-head';
import { AuditAppendAtHead1764000002000 } from '../../migrations/audit/1764000002000-audit-append-at-head';
import { AuditHitNoHitAppend1764000002100 } from '../../migrations/audit/1764000002100-hit-no-hit-append';
import { AuditConsultationRecords1764000002200 } from '../../migrations/audit/1764000002200-audit-consultation-records';
import { AuditAppendAtHeadRecords1764000002900 } from '../../migrations/audit/1764000002900-audit-append-at-head-records';
import { AuditEventSeqsAbout1764000002950 } from '../../migrations/audit/1764000002950-audit-event-seqs-about';
import { AuditClaimActorTokenIndex1764000003000 } from '../../migrations/audit/1764000003000-claim-actor-token-index';
import { AuditFieldsUncompressed1764000003010 } from '../../migrations/audit/1764000003010-audit-fields-uncompressed';
import { AuditHitNoHitUsage1764000003020 } from '../../migrations/audit/1764000003020-hit-no-hit-usage';
import { AuditPlansByIndex1764000003030 } from '../../migrations/audit/1764000003030-audit-plans-by-index';
import { AuditHitNoHitInterestSince1764000003120 } from '../../migrations/audit/1764000003120-hit-no-hit-interest-since';

/** Why the checkpoints are open to every member: a witness keeps its own copies and checks them with the hub's public key. */
const CHECKPOINTS_ARE_PUBLIC = 'a checkpoint holds an event count, a seq, a hash and a time, nothing of any event: every member may keep copies as a witness';

/**
 * The audit trail (DPA 2018 s.62). Events are written by every subgraph through
 * services/kernel/audit.ts into this subgraph's schema; this subgraph answers queries on them and
 * signs checkpoints of the chain into a store outside the database (checkpoints.ts).
 */
export const auditSubgraph: SubgraphDefinition = {
  name: 'audit',
  port: 4007,
  dbSchema: 'audit',
  migrations: [
    AuditInit1764000000400,
    AuditAppendFunction1764000000410,
    AuditEventsByActorUser1764000000420,
    AuditChainExtent1764000000425,
    AuditHitNoHitQueries1764000000470,
    AuditAppendRuns1764000000480,
    AuditHitNoHitQuotaColumn1764000001000,
    AuditUsedActorTokens1764000001300,
    AuditLockedHead1764000001310,
    AuditAppendAtHead1764000002000,
    AuditHitNoHitAppend1764000002100,
    AuditConsultationRecords1764000002200,
    AuditAppendAtHeadRecords1764000002900,
    AuditEventSeqsAbout1764000002950,
    AuditClaimActorTokenIndex1764000003000,
    AuditFieldsUncompressed1764000003010,
    AuditHitNoHitUsage1764000003020,
    AuditPlansByIndex1764000003030,
    AuditHitNoHitInterestSince1764000003120,
  ],
  tables: AUDIT_TABLES,
  startBackground: (db, config) => startCheckpointer(db, config),
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [AuditResolver],
      rootAccess: {
        auditTrail: ['read', 'AuditEvent'],
        auditCheckpoints: { anyMember: CHECKPOINTS_ARE_PUBLIC },
        latestAuditCheckpoint: { anyMember: CHECKPOINTS_ARE_PUBLIC },
        auditCheckpointKey: { anyMember: CHECKPOINTS_ARE_PUBLIC },
      },
    }),
};
