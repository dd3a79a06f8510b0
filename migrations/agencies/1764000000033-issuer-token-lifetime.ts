import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The longest lifetime (exp − iat) and age (now − iat) the hub accepts in a token from each
 * trusted issuer, in seconds: 24 hours unless the issuer's record says less (at most 7 days).
 */
export class IssuerTokenLifetime1764000000033 implements MigrationInterface {
  name = 'IssuerTokenLifetime1764000000033';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agencies.trusted_issuers
      ADD COLUMN max_token_lifetime_seconds integer NOT NULL DEFAULT 86400
      CHECK (max_token_lifetime_seconds BETWEEN 60 AND 604800)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agencies.trusted_issuers DROP COLUMN max_token_lifetime_seconds`);
  }
}
