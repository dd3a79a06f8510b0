import { declareTables } from '../kernel/tables';

/**
 * Every table of the `audit` schema: the trail, read under row-level security, appended through
 * audit.append_runs (and audit.append_events, its predecessor) only; the actor tokens mutations
 * ran with, which only audit.claim_actor_token reads and writes; and the hit/no-hit quota's counts
 * per minute, which a trigger on the events writes and audit.hit_no_hit_window_wait reads.
 */
export const AUDIT_TABLES = declareTables('audit', [
  { table: 'audit.events', rows: { kind: 'audit' }, privileges: ['SELECT'] },
  { table: 'audit.used_actor_tokens', rows: { kind: 'function-only' }, privileges: [] },
  { table: 'audit.hit_no_hit_usage', rows: { kind: 'function-only' }, privileges: [] },
]);
