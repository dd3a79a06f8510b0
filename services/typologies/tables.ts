import { declareTables, READ_WRITE } from '../kernel/tables';

/** Every table of the `typologies` schema (services/kernel/tables.ts says what each kind means). */
export const TYPOLOGIES_TABLES = declareTables('typologies', [
  { table: 'typologies.typologies', rows: { kind: 'marked' }, privileges: READ_WRITE },
  // A batch's idempotency record: the bank that submitted it, nobody else.
  { table: 'typologies.submissions', rows: { kind: 'agency', columns: ['owner_agency_id'] }, privileges: ['SELECT', 'INSERT'] },
  { table: 'typologies.transaction_reports', rows: { kind: 'marked' }, privileges: READ_WRITE },
  // Parties go with their report (ON DELETE CASCADE): never changed or deleted on their own.
  {
    table: 'typologies.report_parties',
    rows: { kind: 'part', parent: 'typologies.transaction_reports', column: 'report_id' },
    privileges: ['SELECT', 'INSERT'],
  },
  { table: 'typologies.grants', rows: { kind: 'grants', records: ['typologies.typologies', 'typologies.transaction_reports'] }, privileges: READ_WRITE },
]);
