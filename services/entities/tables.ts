import { declareTables, READ_WRITE } from '../kernel/tables';

/** Every table of the `entities` schema (services/kernel/tables.ts says what each kind means). */
export const ENTITIES_TABLES = declareTables('entities', [
  // Created only through entities.ensure_entities, and forgotten only by the schema's own functions.
  {
    table: 'entities.entities',
    rows: { kind: 'reached-through', through: 'entities.observations', column: 'entity_id', searchedBy: 'organisation_name_folded' },
    privileges: ['SELECT'],
  },
  { table: 'entities.observations', rows: { kind: 'marked' }, privileges: READ_WRITE },
  { table: 'entities.links', rows: { kind: 'marked' }, privileges: READ_WRITE },
  { table: 'entities.grants', rows: { kind: 'grants', records: ['entities.observations', 'entities.links'] }, privileges: READ_WRITE },
  // A bank's screening jobs and their chunks, which hold the chunks' answers: its own rows only (services/entities/screening.service.ts).
  { table: 'entities.screening_jobs', rows: { kind: 'agency', columns: ['owner_agency_id'] }, privileges: ['SELECT', 'INSERT', 'UPDATE'] },
  { table: 'entities.screening_chunks', rows: { kind: 'agency', columns: ['owner_agency_id'] }, privileges: ['SELECT', 'INSERT'] },
  // How many blinded elements an agency had evaluated, and when (services/entities/private-screening.service.ts): its own rows only.
  { table: 'entities.private_screening_batches', rows: { kind: 'agency', columns: ['owner_agency_id'] }, privileges: ['SELECT', 'INSERT'] },
  // The hub's evaluation of each entity under its private screening key (`id` is the entity's): shared ground like the entities, written by the schema's own function.
  {
    table: 'entities.private_screening_entries',
    rows: { kind: 'reached-through', through: 'entities.observations', column: 'entity_id' },
    privileges: ['SELECT'],
  },
]);
