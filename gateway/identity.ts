import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Actor } from '../policies/actor';
import { findUser, loadTrustedIssuers, onIdentityChanged, type TrustedIssuerRecord, USER_CACHE_TTL_MS } from '../services/agencies/api';
import type { Sql } from '../services/kernel/db';
import { serviceUnavailable, unauthenticated } from '../services/kernel/errors';
import type { Logger } from '../services/kernel/logger';

/** At most this many users are cached (least recently used out first). */
export const USER_CACHE_SIZE = 10_000;
/** The trusted issuers are read again after this long... */
export const ISSUER_REFRESH_MS = 30_000;
/** ...or sooner, but at most this often, when a token names an issuer not among them (one registered since). */
export const ISSUER_MISS_REFRESH_MS = 5_000;

/**
 * Entries that live `ttlMs` and at most `capacity` of them (least recently used out first). A load
 * that started before clear() is not stored: what it read may predate the change that cleared.
 */
export class BoundedTtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  private generation = 0;
  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      if (hit.until > Date.now()) {
        this.entries.set(key, hit);
        return hit.value;
      }
    }
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation) {
      this.entries.delete(key);
      this.entries.set(key, { value, until: Date.now() + this.ttlMs });
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
    return value;
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

/**
 * An issuer registered by URL: its key set is fetched from its jwks_uri (https; http only on a
 * development hub or a loopback address), kept for JWKS_MAX_AGE_MS,
 * and fetched again sooner when a token names a key id it does not hold (the issuer rotated its
 * keys), but never more often than `cooldownMs`, whatever tokens arrive.
 */
export const JWKS_MAX_AGE_MS = 10 * 60_000;
export const JWKS_COOLDOWN_MS = 30_000;

export interface IdentityOptions {
  /** A development hub accepts an issuer's jwks_uri on http (a local IdP); otherwise only https. */
  development?: boolean;
  /** The floor on refetching an issuer's key set for an unknown key id; default JWKS_COOLDOWN_MS. */
  jwksCooldownMs?: number;
}

/** An http key set is accepted on a loopback address (an IdP on this machine), as RFC 8252 allows for redirects. */
function isLoopback(uri: string): boolean {
  const host = new URL(uri).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

interface Issuer {
  record: TrustedIssuerRecord;
  keys: JWTVerifyGetKey;
}

/**
 * Every trusted issuer, read at once and again every ISSUER_REFRESH_MS, or when a token names one
 * not among them but at most every ISSUER_MISS_REFRESH_MS. A token with a made-up issuer costs no
 * lookup of its own, and memory holds the issuers of the table and nothing a caller chose.
 */
class TrustedIssuers {
  private byIssuer = new Map<string, Issuer>();
  private loadedAt = -Infinity;
  private loading?: Promise<void>;
  private generation = 0;

  /** Remote key sets by jwks_uri: kept across reloads of the issuers, so their cache and cooldown hold. */
  private readonly remote = new Map<string, JWTVerifyGetKey>();

  constructor(
    private readonly db: Sql,
    private readonly options: IdentityOptions,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.byIssuer.size;
  }

  private keysOf(record: TrustedIssuerRecord): JWTVerifyGetKey | undefined {
    if (record.jwks) return createLocalJWKSet(record.jwks);
    const uri = record.jwksUri!;
    if (!uri.startsWith('https://') && !(uri.startsWith('http://') && (this.options.development || isLoopback(uri)))) {
      this.log.error({ issuer: record.issuer, jwksUri: uri }, 'issuer key set refused: https only outside development');
      return undefined;
    }
    let keys = this.remote.get(uri);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(uri), { cacheMaxAge: JWKS_MAX_AGE_MS, cooldownDuration: this.options.jwksCooldownMs ?? JWKS_COOLDOWN_MS });
      this.remote.set(uri, keys);
    }
    return keys;
  }

  /** The next token is judged on the issuers as they are now in the database (not on a read already under way). */
  stale(): void {
    this.generation++;
    this.loadedAt = -Infinity;
    this.loading = undefined;
  }

  async find(iss: string): Promise<Issuer | undefined> {
    const age = Date.now() - this.loadedAt;
    if (age > ISSUER_REFRESH_MS || (!this.byIssuer.has(iss) && age > ISSUER_MISS_REFRESH_MS)) await this.reload();
    return this.byIssuer.get(iss);
  }

  private reload(): Promise<void> {
    this.loading ??= (async (generation) => {
      try {
        const records = await fromStore(() => loadTrustedIssuers(this.db));
        // A read overtaken by stale() is not kept: it may predate the change.
        if (generation !== this.generation) return;
        const byIssuer = new Map<string, Issuer>();
        for (const record of records) {
          const keys = this.keysOf(record);
          if (keys) byIssuer.set(record.issuer, { record, keys });
        }
        this.byIssuer = byIssuer;
        this.loadedAt = Date.now();
      } finally {
        if (generation === this.generation) this.loading = undefined;
      }
    })(this.generation);
    return this.loading;
  }
}

/** How far the gateway's clock and an IdP's may disagree, for exp, nbf and iat. */
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
 * Authenticates a caller from their agency IdP's JWT. The issuer (one of the trusted issuers)
 * decides the agency; only that issuer's keys, algorithms and audience are accepted; the token was
 * issued (iat) neither in the future nor longer ago than the issuer's maximum token lifetime
 * (default 24 h), and is not valid for longer than that (exp − iat); the user must be registered
 * and active under that agency. Every refusal is UNAUTHENTICATED with one message; the reason goes
 * to the log, never to the caller.
 */
export class IdentityVerifier {
  readonly issuers: TrustedIssuers;
  readonly users = new BoundedTtlCache<Awaited<ReturnType<typeof findUser>>>(USER_CACHE_TTL_MS, USER_CACHE_SIZE);
  /**
   * Tokens whose signature and claims were verified, by the token itself, for at most as long as
   * the issuers are kept (a change to them clears it): a session's next requests cost no signature
   * check. Expiry is checked again on every use, so a kept verification never outlives
   * its token; the user is looked up on every use as before.
   */
  readonly verifiedTokens = new BoundedTtlCache<JWTPayload>(ISSUER_REFRESH_MS, USER_CACHE_SIZE);
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Sql,
    private readonly log: Logger,
    options: IdentityOptions = {},
  ) {
    this.issuers = new TrustedIssuers(db, options, log);
    // A user (de)activated, or an issuer registered, in this process: the next request is judged on the committed state.
    this.unsubscribe = onIdentityChanged((change) => {
      if (change === 'users') return this.users.clear();
      this.issuers.stale();
      this.verifiedTokens.clear();
    });
  }

  /** Stops listening for user changes (the hub stops). */
  close(): void {
    this.unsubscribe();
  }

  async authenticate(authorization: string | undefined, purpose: string | undefined): Promise<Actor> {
    const token = /^Bearer [A-Za-z0-9_.-]+$/.test(authorization ?? '') ? authorization!.slice(7) : undefined;
    if (!token) throw unauthenticated();
    try {
      const header = decodeProtectedHeader(token);
      // Keys come only from the issuer's registered key set, never from the token itself.
      if ('jwk' in header || 'jku' in header || 'x5u' in header || 'x5c' in header) throw new Error(`embedded key material (${Object.keys(header).join(',')})`);
      const iss = decodeJwt(token).iss;
      if (typeof iss !== 'string') throw new Error('no issuer');
      const issuer = await this.issuers.find(iss);
      if (!issuer) throw new Error(`unknown issuer ${iss.slice(0, 200)}`);
      const algorithms = issuer.record.algorithms.filter((a) => ASYMMETRIC_ALGORITHMS.has(a));
      if (!algorithms.length) throw new Error(`issuer ${iss} allows no asymmetric algorithm`);
      const maxLifetime = issuer.record.maxTokenLifetimeSeconds;
      const payload = await this.verifiedTokens.get(token, async () => {
        const verified = await jwtVerify(token, issuer.keys, {
          issuer: issuer.record.issuer,
          audience: issuer.record.audience,
          algorithms,
          requiredClaims: ['exp', 'iat', 'sub'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          // iat neither in the future nor older than the lifetime allows.
          maxTokenAge: maxLifetime,
        });
        return verified.payload;
      });
      // A kept verification ends with its token (exp - iat is at most the issuer's lifetime, checked below).
      if (payload.exp! + CLOCK_TOLERANCE_SECONDS <= Date.now() / 1000) throw new Error('token expired');
      if (payload.exp! - payload.iat! > maxLifetime) throw new Error(`token lifetime ${payload.exp! - payload.iat!} s exceeds the issuer's ${maxLifetime} s`);
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
