import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import type { Actor } from '../policies/actor';
import { findTrustedIssuer, findUser, type TrustedIssuerRecord } from '../services/agencies/api';
import type { Sql } from '../services/kernel/db';
import { serviceUnavailable, unauthenticated } from '../services/kernel/errors';
import type { Logger } from '../services/kernel/logger';

class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  constructor(private readonly ttlMs: number) {}
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = await load();
    this.entries.set(key, { value, until: Date.now() + this.ttlMs });
    return value;
  }
}

const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Asymmetric signatures only, whatever an issuer's record lists: an HMAC (HS*) "secret" would be
 * the issuer's public key, which anyone can read (algorithm confusion), and `none` is no signature.
 */
const ASYMMETRIC_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

/** The identity store could not be read: the caller is not refused, the hub is unavailable (HTTP 503). */
class IdentityStoreUnavailable extends Error {}

async function fromStore<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    throw new IdentityStoreUnavailable((err as Error).message);
  }
}

/**
 * Authenticates a caller from their agency IdP's JWT. The issuer (looked up among the trusted
 * issuers) decides the agency; only that issuer's keys, algorithms and audience are accepted; the
 * user must be registered and active under that agency. Every refusal is UNAUTHENTICATED with one
 * message; the reason goes to the log, never to the caller.
 */
export class IdentityVerifier {
  private readonly issuers = new TtlCache<{ record: TrustedIssuerRecord; keys: ReturnType<typeof createLocalJWKSet> } | null>(30_000);
  private readonly users = new TtlCache<Awaited<ReturnType<typeof findUser>>>(5_000);

  constructor(
    private readonly db: Sql,
    private readonly log: Logger,
  ) {}

  async authenticate(authorization: string | undefined, purpose: string | undefined): Promise<Actor> {
    const token = /^Bearer [A-Za-z0-9_.-]+$/.test(authorization ?? '') ? authorization!.slice(7) : undefined;
    if (!token) throw unauthenticated();
    try {
      const header = decodeProtectedHeader(token);
      // Keys come only from the issuer's registered key set, never from the token itself.
      if ('jwk' in header || 'jku' in header || 'x5u' in header || 'x5c' in header) throw new Error(`embedded key material (${Object.keys(header).join(',')})`);
      const iss = decodeJwt(token).iss;
      if (typeof iss !== 'string') throw new Error('no issuer');
      const issuer = await this.issuers.get(iss, async () => {
        const record = await fromStore(() => findTrustedIssuer(this.db, iss));
        return record ? { record, keys: createLocalJWKSet(record.jwks as JSONWebKeySet) } : null;
      });
      if (!issuer) throw new Error(`unknown issuer ${iss}`);
      const algorithms = issuer.record.algorithms.filter((a) => ASYMMETRIC_ALGORITHMS.has(a));
      if (!algorithms.length) throw new Error(`issuer ${iss} allows no asymmetric algorithm`);
      const { payload } = await jwtVerify(token, issuer.keys, {
        issuer: issuer.record.issuer,
        audience: issuer.record.audience,
        algorithms,
        requiredClaims: ['exp', 'iat', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      const sub = payload.sub!;
      const user = await this.users.get(`${issuer.record.agencyId}:${sub}`, () => fromStore(() => findUser(this.db, issuer.record.agencyId, sub)));
      if (!user) throw new Error('user not registered with this agency');
      if (!user.active) throw new Error('user deactivated');
      return {
        userId: user.id,
        agencyId: issuer.record.agencyId,
        agencyType: issuer.record.agencyType,
        country: issuer.record.country,
        role: user.role,
        groupIds: user.groupIds,
        purpose: purpose?.slice(0, 500) || undefined,
      };
    } catch (err) {
      if (err instanceof IdentityStoreUnavailable) {
        this.log.error({ reason: err.message }, 'identity store unavailable');
        throw serviceUnavailable(undefined, {}, 503);
      }
      this.log.info({ reason: (err as Error).message }, 'authentication refused');
      throw unauthenticated('Invalid or unacceptable token');
    }
  }
}
