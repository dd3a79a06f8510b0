import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import type { Actor } from '../policies/actor';
import { findTrustedIssuer, findUser, type TrustedIssuerRecord } from '../services/agencies/identity.repository';
import type { Sql } from '../services/kernel/db';
import { unauthenticated } from '../services/kernel/errors';
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
        const record = await findTrustedIssuer(this.db, iss);
        return record ? { record, keys: createLocalJWKSet(record.jwks as JSONWebKeySet) } : null;
      });
      if (!issuer) throw new Error(`unknown issuer ${iss}`);
      const { payload } = await jwtVerify(token, issuer.keys, {
        issuer: issuer.record.issuer,
        audience: issuer.record.audience,
        algorithms: issuer.record.algorithms,
        requiredClaims: ['exp', 'iat', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      const sub = payload.sub!;
      const user = await this.users.get(`${issuer.record.agencyId}:${sub}`, () => findUser(this.db, issuer.record.agencyId, sub));
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
      this.log.info({ reason: (err as Error).message }, 'authentication refused');
      throw unauthenticated('Invalid or unacceptable token');
    }
  }
}
