import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A batch of blinded elements is submitted once (services/kernel/idempotency.ts): each
 * entities.private_screening_batches row keeps the idempotency key the bank's client sent with it,
 * the hash of its request and the id of the key it was evaluated under, so that the same batch
 * re-sent under the same key is evaluated again without a second quota spend or audit event, and
 * another batch under a used key is refused. Rows of before (the demo's) have none.
 */
export class EntitiesPrivateScreeningIdempotency1764000002400 implements MigrationInterface {
  name = 'EntitiesPrivateScreeningIdempotency1764000002400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE entities.private_screening_batches
      ADD COLUMN idempotency_key text,
      ADD COLUMN request_hash text,
      ADD COLUMN key_id text,
      ADD CONSTRAINT private_screening_batches_submitted_once CHECK ((idempotency_key IS NULL) = (request_hash IS NULL) AND (idempotency_key IS NULL) = (key_id IS NULL))`);
    await q.query(`CREATE UNIQUE INDEX private_screening_batches_idempotency_idx ON entities.private_screening_batches (owner_agency_id, idempotency_key)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX entities.private_screening_batches_idempotency_idx`);
    await q.query(`ALTER TABLE entities.private_screening_batches DROP CONSTRAINT private_screening_batches_submitted_once,
      DROP COLUMN key_id, DROP COLUMN request_hash, DROP COLUMN idempotency_key`);
  }
}
