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
  /** Static keys, or null when the keys are read from `jwksUri` (found by discovery). */
  jwks: JSONWebKeySet | null;
  jwksUri: string | null;
  /** The longest lifetime (exp − iat) and age (now − iat) accepted in this issuer's tokens. */
  maxTokenLifetimeSeconds: number;
}

export interface UserRecord {
  id: string;
  role: Role;
  active: boolean;
}

/**
 * What the gateway needs to authenticate a caller: the trusted issuers (an issuer decides the
 * agency), and the user registered under that agency. Read by the gateway through this module only.
 * The issuers are read all at once: a few per agency, so a token naming an unknown issuer never
 * costs a lookup of its own.
 */
export async function loadTrustedIssuers(db: Sql): Promise<TrustedIssuerRecord[]> {
  return db.query<TrustedIssuerRecord>(
    `SELECT t.issuer, t.agency_id AS "agencyId", a.type AS "agencyType", a.country, t.audience, t.algorithms, t.jwks, t.jwks_uri AS "jwksUri",
        t.max_token_lifetime_seconds AS "maxTokenLifetimeSeconds"
       FROM agencies.trusted_issuers t JOIN agencies.agencies a ON a.id = t.agency_id`,
  );
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

/**
 * How long a gateway may go on trusting what it read about a user: a deactivation made in another
 * process than the gateway's takes effect within this (in the gateway's own process, at once).
 */
export const USER_CACHE_TTL_MS = 5_000;

/** What changed about who may sign in: a user's access (setUserActive) or the trusted issuers (registerTrustedIssuer). */
export type IdentityChange = 'users' | 'issuers';
type IdentityChangeListener = (change: IdentityChange) => void;
const identityChangeListeners = new Set<IdentityChangeListener>();

/**
 * Called once a change to who may sign in is committed in this process: the gateway of this
 * process drops what it holds about users, or reads the issuers again. Returns the function that
 * stops the calls.
 */
export function onIdentityChanged(listener: IdentityChangeListener): () => void {
  identityChangeListeners.add(listener);
  return () => identityChangeListeners.delete(listener);
}

export function identityChanged(change: IdentityChange): void {
  for (const listener of identityChangeListeners) listener(change);
}
