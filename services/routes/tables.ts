import { declareTables, READ_WRITE } from '../kernel/tables';

/** Every table of the `routes` schema (services/kernel/tables.ts says what each kind means). */
export const ROUTES_TABLES = declareTables('routes', [
  { table: 'routes.locations', rows: { kind: 'reference' }, privileges: ['SELECT'] },
  { table: 'routes.routes', rows: { kind: 'marked' }, privileges: READ_WRITE },
  { table: 'routes.grants', rows: { kind: 'grants', records: ['routes.routes'] }, privileges: READ_WRITE },
]);
