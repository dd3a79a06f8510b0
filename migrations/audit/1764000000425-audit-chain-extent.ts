import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit.chain_extent(after_seq)`: what the checkpoint signer (services/audit/checkpoints.ts) needs
 * of the whole chain, which row-level security hides from the application role: how many events
 * follow `after_seq`, the seq and hash of the newest one, and the hash of the event at `after_seq`
 * (null if there is none), so the signer can check that the head it signed last is still in the
 * chain before it signs a new one. Nothing of any event's content. Reads only the events after
 * `after_seq` (by the primary key), so a checkpoint costs what was appended since the last one.
 */
export class AuditChainExtent1764000000425 implements MigrationInterface {
  name = 'AuditChainExtent1764000000425';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION audit.chain_extent(after_seq bigint) RETURNS TABLE (events bigint, head_seq text, head_hash text, after_hash text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
        SELECT (SELECT count(*) FROM audit.events e WHERE e.seq > after_seq),
          (SELECT e.seq::text FROM audit.events e ORDER BY e.seq DESC LIMIT 1),
          (SELECT e.hash FROM audit.events e ORDER BY e.seq DESC LIMIT 1),
          (SELECT e.hash FROM audit.events e WHERE e.seq = after_seq)
      $$`);
    await q.query(`REVOKE ALL ON FUNCTION audit.chain_extent(bigint) FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit.chain_extent(bigint)`);
  }
}
