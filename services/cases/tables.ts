import { declareTables, READ_WRITE } from '../kernel/tables';

/** Every table of the `cases` schema (services/kernel/tables.ts says what each kind means). */
export const CASES_TABLES = declareTables('cases', [
  { table: 'cases.cases', rows: { kind: 'marked' }, privileges: READ_WRITE },
  { table: 'cases.persons', rows: { kind: 'marked', searchedBy: 'full_name_folded' }, privileges: READ_WRITE },
  { table: 'cases.events', rows: { kind: 'marked' }, privileges: READ_WRITE },
  { table: 'cases.referral_stages', rows: { kind: 'marked' }, privileges: READ_WRITE },
  // The aggregates' read model (migrations/cases/1764000003090-case-chains.ts): kept by the schema's triggers, read where its case is.
  { table: 'cases.case_chains', rows: { kind: 'part', parent: 'cases.cases', column: 'case_id' }, privileges: ['SELECT'] },
  {
    table: 'cases.grants',
    rows: { kind: 'grants', records: ['cases.cases', 'cases.persons', 'cases.events', 'cases.referral_stages'] },
    privileges: READ_WRITE,
  },
]);
