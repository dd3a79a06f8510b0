import { declareTables } from '../kernel/tables';

/** Every table of the `intake` schema (services/kernel/tables.ts says what each kind means). */
export const INTAKE_TABLES = declareTables('intake', [
  // DELETE: a retention review's ERASE of a triaged report (its photos, additions and decision go by cascade).
  { table: 'intake.public_reports', rows: { kind: 'public-intake' }, privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
  { table: 'intake.public_report_photos', rows: { kind: 'public-intake' }, privileges: ['SELECT', 'INSERT'] },
  { table: 'intake.public_report_additions', rows: { kind: 'public-intake' }, privileges: ['SELECT', 'INSERT'] },
  // Written and pruned only by intake.spend_challenge (SECURITY DEFINER); the hub's analysts may count them.
  { table: 'intake.spent_challenges', rows: { kind: 'public-intake' }, privileges: ['SELECT'] },
  // A hub agency's triage decisions on public reports: written once, never changed (a second decision is a conflict).
  { table: 'intake.triage_decisions', rows: { kind: 'agency', columns: ['agency_id'] }, privileges: ['SELECT', 'INSERT'] },
  {
    table: 'intake.notifications',
    rows: { kind: 'agency', columns: ['notifier_agency_id', 'destination_agency_id'] },
    privileges: ['SELECT', 'INSERT', 'UPDATE'],
  },
  // A status change is written by the destination agency (by_agency_id) and read by it and the notifier.
  { table: 'intake.notification_updates', rows: { kind: 'agency', columns: ['by_agency_id', 'notifier_agency_id'] }, privileges: ['SELECT', 'INSERT'] },
]);
