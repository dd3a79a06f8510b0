import type { MigrationInterface, QueryRunner } from 'typeorm';

const ENTITY_KINDS = `('PHONE','EMAIL','BANK_ACCOUNT','ONLINE_ADVERT','SOCIAL_PROFILE','ADDRESS','VEHICLE','ORGANISATION')`;
const SUBJECTS = `('Case','Person','TraffickingEvent','Observation','Link','Route','Typology','TransactionReport','Narrative')`;

/**
 * Governance across the hub: access requests after a hit/no-hit and the grants that answered them,
 * and the retention reviews of every agency's records. The grants themselves live in each schema's
 * `<schema>.grants` (the reach predicate reads them); `access_request_grants` says which request
 * each came from. No foreign key leaves this schema.
 */
export class AgenciesGovernance1764000000020 implements MigrationInterface {
  name = 'AgenciesGovernance1764000000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE agencies.access_requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      requester_agency_id uuid NOT NULL REFERENCES agencies.agencies(id),
      requested_by_user_id uuid NOT NULL REFERENCES agencies.users(id),
      target_agency_id uuid NOT NULL REFERENCES agencies.agencies(id),
      identifier_kind text NOT NULL CHECK (identifier_kind IN ${ENTITY_KINDS}),
      identifier_value text NOT NULL,
      purpose text NOT NULL CHECK (char_length(purpose) BETWEEN 10 AND 2000),
      status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','GRANTED','REFUSED')),
      decided_by_user_id uuid REFERENCES agencies.users(id),
      decided_at timestamptz,
      refusal_reason text CHECK (char_length(refusal_reason) <= 2000),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (requester_agency_id <> target_agency_id),
      CHECK ((status = 'PENDING') = (decided_at IS NULL) AND (decided_at IS NULL) = (decided_by_user_id IS NULL)),
      CHECK ((status = 'REFUSED') = (refusal_reason IS NOT NULL))
    )`);
    // One open question per requester, owner and identifier at a time.
    await q.query(`CREATE UNIQUE INDEX access_requests_one_pending_idx ON agencies.access_requests
      (requester_agency_id, target_agency_id, identifier_kind, identifier_value) WHERE status = 'PENDING'`);
    await q.query(`CREATE INDEX access_requests_target_idx ON agencies.access_requests (target_agency_id, status, created_at)`);
    await q.query(`CREATE INDEX access_requests_requester_idx ON agencies.access_requests (requester_agency_id, status, created_at)`);

    await q.query(`CREATE TABLE agencies.access_request_grants (
      grant_id uuid PRIMARY KEY,
      request_id uuid NOT NULL REFERENCES agencies.access_requests(id),
      subject_type text NOT NULL CHECK (subject_type IN ${SUBJECTS}),
      record_id uuid NOT NULL,
      grants_table text NOT NULL,
      grantor_agency_id uuid NOT NULL REFERENCES agencies.agencies(id),
      grantee_agency_id uuid NOT NULL REFERENCES agencies.agencies(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (request_id, subject_type, record_id)
    )`);
    await q.query(`CREATE INDEX access_request_grants_request_idx ON agencies.access_request_grants (request_id)`);
    await q.query(`CREATE INDEX access_request_grants_record_idx ON agencies.access_request_grants (record_id)`);
    await q.query(`CREATE INDEX access_request_grants_grantor_idx ON agencies.access_request_grants (grantor_agency_id, created_at)`);
    await q.query(`CREATE INDEX access_request_grants_grantee_idx ON agencies.access_request_grants (grantee_agency_id, created_at)`);

    // Every retention decision: who, when, what, why. Never the record's content.
    await q.query(`CREATE TABLE agencies.retention_reviews (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      agency_id uuid NOT NULL REFERENCES agencies.agencies(id),
      subject_type text NOT NULL CHECK (subject_type IN ${SUBJECTS}),
      record_id uuid NOT NULL,
      decision text NOT NULL CHECK (decision IN ('KEEP','ERASE')),
      reason text CHECK (char_length(reason) <= 2000),
      reviewed_by_user_id uuid NOT NULL REFERENCES agencies.users(id),
      reviewed_at timestamptz NOT NULL DEFAULT now(),
      previous_review_due date NOT NULL,
      next_review_due date,
      erased_record_count int NOT NULL DEFAULT 0 CHECK (erased_record_count >= 0),
      CHECK (decision <> 'KEEP' OR (reason IS NOT NULL AND next_review_due IS NOT NULL AND erased_record_count = 0)),
      CHECK (decision <> 'ERASE' OR (next_review_due IS NULL AND erased_record_count >= 1))
    )`);
    await q.query(`CREATE INDEX retention_reviews_agency_idx ON agencies.retention_reviews (agency_id, reviewed_at)`);
    await q.query(`CREATE INDEX retention_reviews_record_idx ON agencies.retention_reviews (record_id)`);

    await q.query(`ALTER TABLE agencies.sharing_groups ADD CONSTRAINT sharing_groups_slug_check CHECK (slug ~ '^[a-z0-9-]{2,60}$')`);
    await q.query(`ALTER TABLE agencies.sharing_group_members ADD COLUMN added_at timestamptz NOT NULL DEFAULT now()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agencies.sharing_group_members DROP COLUMN added_at`);
    await q.query(`ALTER TABLE agencies.sharing_groups DROP CONSTRAINT sharing_groups_slug_check`);
    await q.query(`DROP TABLE agencies.retention_reviews`);
    await q.query(`DROP TABLE agencies.access_request_grants`);
    await q.query(`DROP TABLE agencies.access_requests`);
  }
}
