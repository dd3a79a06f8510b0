import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A trusted issuer's keys come either from its record (a static JSON Web Key Set) or from its
 * `jwks_uri`, found once through OpenID discovery when the issuer is registered and read by the
 * gateway as the issuer rotates its keys. Exactly one of the two.
 */
export class IssuerDiscovery1764000000034 implements MigrationInterface {
  name = 'IssuerDiscovery1764000000034';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agencies.trusted_issuers ADD COLUMN jwks_uri text`);
    await q.query(`ALTER TABLE agencies.trusted_issuers ALTER COLUMN jwks DROP NOT NULL`);
    await q.query(`ALTER TABLE agencies.trusted_issuers
      ADD CONSTRAINT trusted_issuers_one_key_source CHECK ((jwks IS NULL) <> (jwks_uri IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM agencies.trusted_issuers WHERE jwks IS NULL`);
    await q.query(`ALTER TABLE agencies.trusted_issuers DROP CONSTRAINT trusted_issuers_one_key_source`);
    await q.query(`ALTER TABLE agencies.trusted_issuers ALTER COLUMN jwks SET NOT NULL`);
    await q.query(`ALTER TABLE agencies.trusted_issuers DROP COLUMN jwks_uri`);
  }
}
