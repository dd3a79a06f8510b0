import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AgenciesInit1764000000010 implements MigrationInterface {
  name = 'AgenciesInit1764000000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE agencies.agencies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{2,60}$'),
      name text NOT NULL,
      type text NOT NULL CHECK (type IN ('LAW_ENFORCEMENT','FINANCIAL_INSTITUTION','NGO','HUB_ANALYST','HUB_ADMIN')),
      country char(2) NOT NULL,
      accepts_access_requests boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE agencies.users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      agency_id uuid NOT NULL REFERENCES agencies.agencies(id),
      subject text NOT NULL,
      display_name text NOT NULL,
      role text NOT NULL CHECK (role IN ('VIEWER','CONTRIBUTOR','SUPERVISOR')),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (agency_id, subject)
    )`);
    await q.query(`CREATE TABLE agencies.trusted_issuers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      agency_id uuid NOT NULL REFERENCES agencies.agencies(id),
      issuer text NOT NULL UNIQUE,
      audience text NOT NULL,
      algorithms text[] NOT NULL CHECK (algorithms <@ ARRAY['ES256','ES384','RS256','PS256','EdDSA']::text[] AND cardinality(algorithms) > 0),
      jwks jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE agencies.sharing_groups (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE,
      name text NOT NULL
    )`);
    await q.query(`CREATE TABLE agencies.sharing_group_members (
      group_id uuid NOT NULL REFERENCES agencies.sharing_groups(id) ON DELETE CASCADE,
      agency_id uuid NOT NULL REFERENCES agencies.agencies(id),
      PRIMARY KEY (group_id, agency_id)
    )`);
    await q.query(`CREATE INDEX sharing_group_members_agency_idx ON agencies.sharing_group_members (agency_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agencies.sharing_group_members`);
    await q.query(`DROP TABLE agencies.sharing_groups`);
    await q.query(`DROP TABLE agencies.trusted_issuers`);
    await q.query(`DROP TABLE agencies.users`);
    await q.query(`DROP TABLE agencies.agencies`);
  }
}
