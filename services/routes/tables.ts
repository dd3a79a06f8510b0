import { declareTables, READ_WRITE } from '../kernel/tables';

/** Every table of the `routes` schema (services/kernel/tables.ts says what each kind means). */
export const ROUTES_TABLES = declareTables('routes', [
  { table: 'routes.locations', rows: { kind: 'reference' }, privileges: ['SELECT'] },
  { table: 'routes.routes', rows: { kind: 'marked' }, privileges: READ_WRITE },
  { table: 'routes.grants', rows: { kind: 'grants', records: ['routes.routes'] }, privileges: READ_WRITE },
  // A campaign is read by the hub agency that owns it and its partner agency, written by the owner.
  { table: 'routes.campaigns', rows: { kind: 'agency', columns: ['owner_agency_id', 'partner_agency_id'] }, privileges: ['SELECT', 'INSERT', 'UPDATE'] },
  // Reach and calls: written by the partner (or the owner, for a platform), read by both.
  {
    table: 'routes.campaign_reach',
    rows: { kind: 'agency', columns: ['recorded_by_agency_id', 'owner_agency_id'] },
    privileges: ['SELECT', 'INSERT', 'UPDATE'],
  },
]);
