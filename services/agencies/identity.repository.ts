import type { JSONWebKeySet } from 'jose';
import type { AgencyType, Role } from '../../policies/actor';
import type { Sql } from '../kernel/db';

export interface TrustedIssuerRecord {
  issuer: string;
  agencyId: string;
  agencyType: AgencyType;
  country: string;
  audience: string;
  algorithms: string[];
  jwks: JSONWebKeySet;
}

export interface UserRecord {
  id: string;
  role: Role;
  active: boolean;
}

/**
 * What the gateway needs to authenticate a caller: the issuer (which decides the agency), and the
 * user registered under that agency. Read by the gateway through this module only.
 */
export async function findTrustedIssuer(db: Sql, issuer: string): Promise<TrustedIssuerRecord | undefined> {
  const [row] = await db.query<TrustedIssuerRecord>(
    `SELECT t.issuer, t.agency_id AS "agencyId", a.type AS "agencyType", a.country, t.audience, t.algorithms, t.jwks
       FROM agencies.trusted_issuers t JOIN agencies.agencies a ON a.id = t.agency_id WHERE t.issuer = $1`,
    [issuer],
  );
  return row;
}

export async function findUser(db: Sql, agencyId: string, subject: string): Promise<(UserRecord & { groupIds: string[] }) | undefined> {
  const [row] = await db.query<UserRecord & { groupIds: string[] }>(
    `SELECT u.id, u.role, u.active,
        ARRAY(SELECT m.group_id::text FROM agencies.sharing_group_members m WHERE m.agency_id = u.agency_id) AS "groupIds"
       FROM agencies.users u WHERE u.agency_id = $1 AND u.subject = $2`,
    [agencyId, subject],
  );
  return row;
}
