import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bulk screening (services/entities/screening.service.ts): a bank's job, the chunks of identifiers it
 * appended (each answered when it arrives), and one result row per identifier asked. All three are
 * rows of one agency (services/entities/tables.ts), so row-level security shows a job, its chunks
 * and its results to the agency that created it and to nobody else. A result holds what hit/no-hit
 * answers (known, holder count, nameable holders) and never more: it is computed by
 * entities.identifier_holders, the one function that looks past row-level security.
 */
export class EntitiesScreeningJobs1764000000160 implements MigrationInterface {
  name = 'EntitiesScreeningJobs1764000000160';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE entities.screening_jobs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_agency_id uuid NOT NULL,
      created_by_user_id uuid NOT NULL,
      idempotency_key text NOT NULL,
      request_hash text NOT NULL,
      status text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'CLOSED')),
      chunk_count int NOT NULL DEFAULT 0,
      identifier_count int NOT NULL DEFAULT 0,
      known_count int NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      closed_at timestamptz,
      UNIQUE (owner_agency_id, idempotency_key)
    )`);
    await q.query(`CREATE INDEX screening_jobs_owner_idx ON entities.screening_jobs (owner_agency_id, created_at DESC)`);
    await q.query(`CREATE TABLE entities.screening_chunks (
      job_id uuid NOT NULL REFERENCES entities.screening_jobs (id) ON DELETE CASCADE,
      chunk_number int NOT NULL CHECK (chunk_number >= 0),
      owner_agency_id uuid NOT NULL,
      request_hash text NOT NULL,
      identifier_count int NOT NULL,
      known_count int NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (job_id, chunk_number)
    )`);
    // The daily quota sums an agency's answered chunks of the last 24 hours.
    await q.query(`CREATE INDEX screening_chunks_quota_idx ON entities.screening_chunks (owner_agency_id, created_at)`);
    // No foreign key to the job: checking it costs a third of a chunk's insert, and results are only
    // ever written in the transaction that locks their job (services/entities/screening.service.ts).
    await q.query(`CREATE TABLE entities.screening_results (
      job_id uuid NOT NULL,
      chunk_number int NOT NULL,
      item int NOT NULL,
      owner_agency_id uuid NOT NULL,
      kind text NOT NULL,
      value text NOT NULL,
      known boolean NOT NULL,
      holder_count int NOT NULL,
      contactable uuid[] NOT NULL,
      PRIMARY KEY (job_id, chunk_number, item)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE entities.screening_results`);
    await q.query(`DROP TABLE entities.screening_chunks`);
    await q.query(`DROP TABLE entities.screening_jobs`);
  }
}
