import { declareTables } from '../kernel/tables';

/** Every table of the `agencies` schema (services/kernel/tables.ts says what each kind means). */
export const AGENCIES_TABLES = declareTables('agencies', [
  { table: 'agencies.agencies', rows: { kind: 'reference' }, privileges: ['SELECT', 'INSERT'] },
  { table: 'agencies.users', rows: { kind: 'reference' }, privileges: ['SELECT', 'INSERT', 'UPDATE'] },
  { table: 'agencies.trusted_issuers', rows: { kind: 'reference' }, privileges: ['SELECT', 'INSERT'] },
  { table: 'agencies.sharing_groups', rows: { kind: 'reference' }, privileges: ['SELECT', 'INSERT'] },
  { table: 'agencies.sharing_group_members', rows: { kind: 'reference' }, privileges: ['SELECT', 'INSERT', 'DELETE'] },
  // Between the requesting agency and the record owner it asks: identifier values and purposes.
  {
    table: 'agencies.access_requests',
    rows: { kind: 'agency', columns: ['requester_agency_id', 'target_agency_id'] },
    privileges: ['SELECT', 'INSERT', 'UPDATE'],
  },
  {
    table: 'agencies.access_request_grants',
    rows: { kind: 'agency', columns: ['grantor_agency_id', 'grantee_agency_id'] },
    privileges: ['SELECT', 'INSERT', 'DELETE'],
  },
  { table: 'agencies.retention_reviews', rows: { kind: 'agency', columns: ['agency_id'] }, privileges: ['SELECT', 'INSERT'] },
]);
