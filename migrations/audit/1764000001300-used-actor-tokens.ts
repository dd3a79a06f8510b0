import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit.used_actor_tokens`: the ids (`jti`) of the actor tokens mutations ran with, per audience
 * (subgraph), until the token has expired, shared by every replica of a subgraph
 * (services/kernel/actor-token.ts). `audit.claim_actor_token(audience, jti, expires_at)` inserts
 * one and answers whether it was new; it runs in the mutation's own transaction, so a second
 * request with the same token, at any replica, waits for the first to end and is refused if it
 * committed. It also removes up to 100 expired ids (rows another session holds are skipped), so
 * the table stays as small as a minute of mutations. The application role has no privilege on the
 * table: only the function, which its owner defines, reads and writes it.
 */
export class AuditUsedActorTokens1764000001300 implements MigrationInterface {
  name = 'AuditUsedActorTokens1764000001300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit.used_actor_tokens (
        audience text NOT NULL,
        jti text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (audience, jti)
      )`);
    await q.query('CREATE INDEX used_actor_tokens_expires_idx ON audit.used_actor_tokens (expires_at)');
    await q.query(`CREATE FUNCTION audit.claim_actor_token(audience text, jti text, expires_at timestamptz)
      RETURNS boolean LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
      BEGIN
        DELETE FROM audit.used_actor_tokens u WHERE u.ctid = ANY (ARRAY(
          SELECT x.ctid FROM audit.used_actor_tokens x WHERE x.expires_at < clock_timestamp() ORDER BY x.expires_at LIMIT 100 FOR UPDATE SKIP LOCKED));
        INSERT INTO audit.used_actor_tokens AS u (audience, jti, expires_at)
          VALUES (claim_actor_token.audience, claim_actor_token.jti, claim_actor_token.expires_at)
          ON CONFLICT DO NOTHING;
        RETURN FOUND;
      END
    $$`);
    await q.query('REVOKE ALL ON FUNCTION audit.claim_actor_token(text, text, timestamptz) FROM PUBLIC');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION audit.claim_actor_token(text, text, timestamptz)');
    await q.query('DROP TABLE audit.used_actor_tokens');
  }
}
