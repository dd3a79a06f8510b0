import { declareTables, READ_WRITE } from '../kernel/tables';

/** Every table of the `narratives` schema (services/kernel/tables.ts says what each kind means). */
export const NARRATIVES_TABLES = declareTables('narratives', [
  { table: 'narratives.narratives', rows: { kind: 'marked' }, privileges: READ_WRITE },
  // That an erasure happened: written once; deleted only with its narrative at retention ERASE.
  { table: 'narratives.erasures', rows: { kind: 'part', parent: 'narratives.narratives', column: 'narrative_id' }, privileges: ['SELECT', 'INSERT', 'DELETE'] },
  { table: 'narratives.proposals', rows: { kind: 'part', parent: 'narratives.narratives', column: 'narrative_id' }, privileges: READ_WRITE },
  { table: 'narratives.grants', rows: { kind: 'grants', records: ['narratives.narratives'] }, privileges: READ_WRITE },
]);
