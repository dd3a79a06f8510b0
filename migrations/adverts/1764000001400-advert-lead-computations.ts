import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `adverts.lead_computations`: one row per computation of an agency's leads, listing the leads it
 * wrote (their ids) and what it read, so that a computation is one audited record (COMBINE
 * `AdvertLeadComputation`) however many leads it makes.
 */
export class AdvertLeadComputations1764000001400 implements MigrationInterface {
  name = 'AdvertLeadComputations1764000001400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE adverts.lead_computations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_agency_id uuid NOT NULL,
      contributor_user_id uuid NOT NULL,
      advert_count int NOT NULL CHECK (advert_count >= 0),
      network_count int NOT NULL CHECK (network_count >= 0),
      movement_count int NOT NULL CHECK (movement_count >= 0),
      lead_ids uuid[] NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX lead_computations_owner_idx ON adverts.lead_computations (owner_agency_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE adverts.lead_computations`);
  }
}
