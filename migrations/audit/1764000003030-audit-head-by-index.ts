import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain's functions read its head (`ORDER BY seq DESC LIMIT 1`) with sequential scans
 * disabled, so always through the index on `seq`. A connection caches a function's plans for its
 * lifetime (plpgsql's, and since Postgres 18 a SQL function's): a plan made while the trail was
 * empty and analysed (a fresh hub, a benchmark's data set) is a sequential scan and a sort, which
 * stays as the trail grows, until an ANALYZE invalidates it. Every append, under the chain's lock,
 * then read the whole trail: 0.9 ms a call at first, 6.7 ms at 21,000 events. The functions'
 * other statements read through indexes, or scan no table.
 */
const HEAD_READERS = [
  'audit.chain_head()',
  'audit.chain_extent(bigint)',
  'audit.locked_chain_head(bigint)',
  'audit.append_events(timestamptz, uuid, uuid, text, text, text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])',
  'audit.append_runs(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])',
  'audit.append_runs(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[], jsonb[])',
  'audit.append_runs_at_head(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[])',
  'audit.append_runs_at_head(bigint, timestamptz, uuid[], uuid[], text[], text[], text[], text[], text[], uuid[], jsonb[], jsonb[], text[], text[], jsonb[])',
  'audit.append_hit_no_hit(bigint, text[], uuid[], uuid[], text[], text[], int[], int[], int[], int[], int[], jsonb[], jsonb[], text[], text[], text[])',
];

export class AuditHeadByIndex1764000003030 implements MigrationInterface {
  name = 'AuditHeadByIndex1764000003030';

  async up(q: QueryRunner): Promise<void> {
    for (const fn of HEAD_READERS) await q.query(`ALTER FUNCTION ${fn} SET enable_seqscan = off`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const fn of HEAD_READERS) await q.query(`ALTER FUNCTION ${fn} RESET enable_seqscan`);
  }
}
