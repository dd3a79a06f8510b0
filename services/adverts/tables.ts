import { declareTables, READ_WRITE } from '../kernel/tables';

/** Every table of the `adverts` schema (services/kernel/tables.ts says what each kind means). */
export const ADVERTS_TABLES = declareTables('adverts', [
  // A file ingested (by its hash) and what it wrote: the agency that sent it, nobody else.
  { table: 'adverts.imports', rows: { kind: 'agency', columns: ['owner_agency_id'] }, privileges: ['SELECT', 'INSERT'] },
  { table: 'adverts.adverts', rows: { kind: 'marked' }, privileges: READ_WRITE },
  { table: 'adverts.leads', rows: { kind: 'marked' }, privileges: READ_WRITE },
  // A computation of an agency's leads and the leads it wrote (their ids): the agency that ran it, nobody else.
  { table: 'adverts.lead_computations', rows: { kind: 'agency', columns: ['owner_agency_id'] }, privileges: ['SELECT', 'INSERT'] },
  { table: 'adverts.grants', rows: { kind: 'grants', records: ['adverts.adverts', 'adverts.leads'] }, privileges: READ_WRITE },
]);
