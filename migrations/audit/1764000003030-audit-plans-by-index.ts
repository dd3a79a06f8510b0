import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit schema's functions on tables that start empty and grow with the hub's traffic (the
 * trail, the used actor tokens, the hit/no-hit counts) run with sequential scans disabled, so their
 * statements always read through the tables' indexes. A connection keeps a function's plans for
 * its lifetime (plpgsql's, and since Postgres 18 a SQL function's), and the appenders' connections
 * live as long as their process: a plan made while a table was empty and analysed (a fresh hub, a
 * benchmark's data set) is a sequential scan, which stays as the table grows, until an ANALYZE of
 * the table replans it. The chain's head (`ORDER BY seq DESC LIMIT 1`) was then read by scanning and
 * sorting the whole trail at every append, under the chain's lock: 0.9 ms a call at first, 6.7 ms at
 * 21,000 events. None of these functions' statements is meant to read a whole table.
 */
const FUNCTIONS = [
  'audit.chain_head()',
  'audit.chain_extent(bigint)',
  'audit.locked_chain_head(bigint)',
  'audit.append_events(timestamptz, uuid, uuid, text, text, text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])',
  'audit.append_runs(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])',
  'audit.append_runs(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[], jsonb[])',
  'audit.append_runs_at_head(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])',
  'audit.append_runs_at_head(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[], jsonb[])',
  'audit.append_hit_no_hit(bigint, text[], uuid[], uuid[], text[], text[], int[], int[], int[], int[], int[], jsonb[], jsonb[], text[], text[], text[])',
  'audit.hit_no_hit_wait(bigint, int, int, int, int, int)',
  'audit.claim_actor_token(text, text, timestamptz)',
];

export class AuditPlansByIndex1764000003030 implements MigrationInterface {
  name = 'AuditPlansByIndex1764000003030';

  async up(q: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) await q.query(`ALTER FUNCTION ${fn} SET enable_seqscan = off`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) await q.query(`ALTER FUNCTION ${fn} RESET enable_seqscan`);
  }
}
