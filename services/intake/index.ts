import { IntakeInit1764000000500 } from '../../migrations/intake/1764000000500-intake-init';
import { TriageDecisions1764000000510 } from '../../migrations/intake/1764000000510-triage-decisions';
import { NotificationPlaceCounts1764000000061 } from '../../migrations/intake/1764000000061-notification-place-counts';
import { buildFederatedSchema } from '../kernel/federation';
import type { SubgraphDefinition } from '../kernel/subgraph';
import { seedIntakeDemo } from './demo-data';
import { NotificationResolver, PublicReportPhotoResolver, PublicReportResolver } from './intake.resolver';
import * as notifications from './notification.service';
import * as reports from './public-report.service';
import { RelatedReportResolver, TriageItemResolver } from './triage.resolver';
import * as triage from './triage.service';
import { INTAKE_TABLES } from './tables';

/**
 * What comes into the hub from outside its member agencies' records: reports from the public (no
 * account; the gateway lets the anonymous public reach the four public fields only, see
 * gateway/public-intake.ts) and frontline services' notifications with their referral.
 */
export const intakeSubgraph: SubgraphDefinition = {
  name: 'intake',
  port: 4008,
  dbSchema: 'intake',
  migrations: [IntakeInit1764000000500, TriageDecisions1764000000510, NotificationPlaceCounts1764000000061],
  tables: INTAKE_TABLES,
  // The public reporter is anonymous: nothing follows them to the replica, so their receipt is read where it was written.
  primaryQueries: ['publicReportReceipt'],
  buildSchema: () =>
    buildFederatedSchema({
      resolvers: [PublicReportResolver, PublicReportPhotoResolver, NotificationResolver, TriageItemResolver, RelatedReportResolver],
      references: {
        PublicReport: { __resolveReference: (ref: { id: string }, ctx) => reports.getPublicReport(ctx, ref.id) },
        Notification: { __resolveReference: (ref: { id: string }, ctx) => notifications.getNotification(ctx, ref.id) },
        TriageItem: { __resolveReference: (ref: { id: string }, ctx) => triage.getTriageItem(ctx, ref.id) },
      },
      rootAccess: {
        publicReportChallenge: ['create', 'PublicReport'],
        submitPublicReport: ['create', 'PublicReport'],
        publicReportReceipt: ['read', 'PublicReportReceipt'],
        addToPublicReport: ['update', 'PublicReport'],
        publicReport: ['read', 'PublicReport'],
        publicReports: ['read', 'PublicReport'],
        notification: ['read', 'Notification'],
        notifications: ['read', 'Notification'],
        notifyCase: ['create', 'Notification'],
        updateNotificationStatus: ['update', 'Notification'],
        triageQueue: ['read', 'TriageItem'],
        triageItem: ['read', 'TriageItem'],
        decideTriage: ['create', 'TriageDecision'],
      },
    }),
  seedDemo: seedIntakeDemo,
};
