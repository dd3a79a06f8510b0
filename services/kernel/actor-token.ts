import { createHash, KeyObject, randomUUID, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type CryptoKey, importJWK, type JWK } from 'jose';
import { type Actor, isActorType, isRole, PUBLIC, PUBLIC_AGENCY_ID, PUBLIC_USER_ID } from '../../policies/actor';
import { unauthenticated } from './errors';
import { fileMadeOnce } from './hub-secret';
import { newKeyPairJwks } from './key-pairs';

/**
 * The gateway tells a subgraph who is asking with a short-lived token it signs (EdDSA), audience
 * = that subgraph. Subgraphs hold only the public key: a subgraph called without such a token,
 * with one for another subgraph, or with an expired one, answers UNAUTHENTICATED.
 *
 * A token authorises one subgraph request only: it carries the hash of that request's operation
 * (document, operation name, variables: `op`) and a one-time id (`jti`). The subgraph hashes what
 * it received and refuses a token whose hash differs (a captured token cannot run another query),
 * and refuses a `jti` it has seen before (nor the same query twice): the gateway signs a new token
 * for every subgraph fetch.
 */
export const ACTOR_TOKEN_ISSUER = 'tessera-gateway';
/** The subgraphs that serve the anonymous public (policies/actor.ts PUBLIC): a public actor token for any other is refused. */
export const PUBLIC_SUBGRAPHS: readonly string[] = ['intake'];
const ALG = 'EdDSA';
const ACTOR_TOKEN_TYPE = 'tessera-actor+jwt';
const LIFETIME_SECONDS = 60;
/** Clock skew between gateway and subgraph processes that verification allows. */
const VERIFY_LEEWAY_SECONDS = 5;

export interface GatewayKeys {
  privateKey?: CryptoKey;
  publicKey: CryptoKey;
}

async function keysFromJwk(privateJwk: JWK | undefined, publicJwk: JWK): Promise<GatewayKeys> {
  return {
    privateKey: privateJwk ? ((await importJWK(privateJwk, ALG)) as CryptoKey) : undefined,
    publicKey: (await importJWK(publicJwk, ALG)) as CryptoKey,
  };
}

/** A new gateway key pair, as JWKs (scripts/compose-env.ts prints them for docker-compose's `.env`). */
export async function generateGatewayJwks(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  return newKeyPairJwks('ed25519');
}

/**
 * Keys come from TESSERA_GATEWAY_PRIVATE_JWK / TESSERA_GATEWAY_PUBLIC_JWK when set (production,
 * docker-compose). Otherwise a key pair is made once under the data directory for local runs.
 */
export async function loadGatewayKeys(dataDir: string): Promise<GatewayKeys> {
  const envPrivate = process.env.TESSERA_GATEWAY_PRIVATE_JWK;
  const envPublic = process.env.TESSERA_GATEWAY_PUBLIC_JWK;
  if (envPublic) return keysFromJwk(envPrivate ? (JSON.parse(envPrivate) as JWK) : undefined, JSON.parse(envPublic) as JWK);
  const file = path.join(dataDir, 'keys', 'gateway.jwk.json');
  const pair = fs.existsSync(file) ? '' : JSON.stringify(await generateGatewayJwks());
  const { privateJwk, publicJwk } = JSON.parse(fileMadeOnce(file, () => pair)) as { privateJwk: JWK; publicJwk: JWK };
  return keysFromJwk(privateJwk, publicJwk);
}

/** What a subgraph is asked to run: the fields of a GraphQL request body. */
export interface SubgraphOperation {
  query?: string | null;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** JSON with object keys sorted, so that a value and its round trip through JSON hash alike. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The hash that binds an actor token to one operation: SHA-256 over the document, the operation name and the variables. */
export function operationHash(op: SubgraphOperation): string {
  return createHash('sha256')
    .update(canonicalJson([op.query ?? null, op.operationName ?? null, op.variables ?? {}]))
    .digest('base64url');
}

/** One actor token, as the used-token table keeps it: its subgraph, its id, and when it can no longer be accepted (epoch seconds). */
export interface ActorTokenId {
  audience: string;
  jti: string;
  expiresAt: number;
}

/** The answer to a request whose actor token another request, at this replica or another, already ran. */
export const tokenUsedBefore = () => unauthenticated('This actor token was used before: the gateway signs a new one for every subgraph request');

/**
 * The token ids this process has accepted, until their token expires: a token is good for one
 * request. Bounded by the tokens issued in LIFETIME_SECONDS (+ the verification leeway); a
 * subgraph run as several replicas keeps one such set per replica.
 */
const seenTokenIds = new Map<string, number>();
let nextSweep = 0;
function firstUse(audience: string, jti: string, exp: number): boolean {
  const now = Date.now();
  if (now >= nextSweep) {
    for (const [id, until] of seenTokenIds) if (until <= now) seenTokenIds.delete(id);
    nextSweep = now + 5_000;
  }
  const key = `${audience} ${jti}`;
  if (seenTokenIds.has(key)) return false;
  seenTokenIds.set(key, (exp + VERIFY_LEEWAY_SECONDS) * 1000);
  return true;
}

/**
 * The token is a standard compact JWS (alg EdDSA, any JOSE library verifies it), signed and verified
 * with node:crypto's Ed25519 synchronously: the gateway signs one per subgraph fetch and the
 * subgraph verifies it, and Web Crypto's asynchronous jobs (jose's path) were the largest single
 * cost of a small request (docs/benchmarks.md, request-cost).
 */
const HEADER = Buffer.from(JSON.stringify({ alg: ALG, typ: ACTOR_TOKEN_TYPE })).toString('base64url');
const keyObjects = new WeakMap<CryptoKey, KeyObject>();
function keyObject(key: CryptoKey): KeyObject {
  let k = keyObjects.get(key);
  if (!k) keyObjects.set(key, (k = KeyObject.from(key)));
  return k;
}

export async function signActorToken(keys: GatewayKeys, actor: Actor, audience: string, requestId: string, operation: SubgraphOperation): Promise<string> {
  if (!keys.privateKey) throw new Error('This process holds no gateway signing key');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    agency: actor.agencyId,
    agencyType: actor.agencyType,
    role: actor.role,
    groups: actor.groupIds,
    country: actor.country,
    purpose: actor.purpose,
    rid: requestId,
    op: operationHash(operation),
    iss: ACTOR_TOKEN_ISSUER,
    sub: actor.userId,
    aud: audience,
    jti: randomUUID(),
    iat: now,
    exp: now + LIFETIME_SECONDS,
  };
  const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${sign(null, Buffer.from(body), keyObject(keys.privateKey)).toString('base64url')}`;
}

/** The claims of a compact JWS whose header is exactly ours and whose Ed25519 signature `key` verifies; throws otherwise. */
function verifiedClaims(token: string, key: CryptoKey): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a compact JWS');
  const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (header.alg !== ALG || header.typ !== ACTOR_TOKEN_TYPE || Object.keys(header).length !== 2) throw new Error('unexpected header');
  if (!verify(null, Buffer.from(`${parts[0]}.${parts[1]}`), keyObject(key), Buffer.from(parts[2]!, 'base64url'))) throw new Error('bad signature');
  const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) throw new Error('claims are not an object');
  return claims as Record<string, unknown>;
}

/**
 * The actor a subgraph request runs as, if `authorization` holds a gateway token for this subgraph
 * (`audience`), unexpired, not used before in this process, and signed for exactly `operation`;
 * with the token's id and expiry (`token`), which a request that writes claims in the database
 * (`ActorSession.claimActorToken`), so that no other replica of the subgraph runs it again.
 */
export async function verifyActorToken(
  keys: GatewayKeys,
  authorization: string | undefined,
  audience: string,
  operation: SubgraphOperation,
): Promise<{ actor: Actor; requestId: string; token: ActorTokenId }> {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
  if (!token) throw unauthenticated('Subgraphs accept only requests from the Tessera gateway');
  try {
    const payload = verifiedClaims(token, keys.publicKey);
    const now = Date.now() / 1000;
    const { iss, aud, sub, jti, iat, exp } = payload;
    if (iss !== ACTOR_TOKEN_ISSUER || aud !== audience) throw new Error('another issuer or audience');
    if (typeof sub !== 'string' || typeof jti !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') throw new Error('missing claims');
    if (exp <= now - VERIFY_LEEWAY_SECONDS) throw new Error('expired');
    if (iat > now + VERIFY_LEEWAY_SECONDS || now - iat > LIFETIME_SECONDS + VERIFY_LEEWAY_SECONDS) throw new Error('issued at an unacceptable time');
    const { agency, agencyType, role, groups, country, purpose, rid, op } = payload;
    if (typeof agency !== 'string' || !isActorType(agencyType) || !isRole(role) || !Array.isArray(groups)) {
      throw new Error('malformed actor claims');
    }
    // The anonymous public reaches the public intake subgraph only, and only as the one public actor.
    if (agencyType === PUBLIC && (!PUBLIC_SUBGRAPHS.includes(audience) || agency !== PUBLIC_AGENCY_ID || sub !== PUBLIC_USER_ID || groups.length)) {
      throw new Error('public actor outside the public intake');
    }
    if (typeof op !== 'string' || op !== operationHash(operation)) throw new Error('token signed for another operation');
    if (!firstUse(audience, jti, exp)) throw new Error('token used before');
    return {
      actor: {
        userId: sub,
        agencyId: agency,
        agencyType,
        role,
        groupIds: groups.filter((g): g is string => typeof g === 'string'),
        country: typeof country === 'string' ? country : undefined,
        purpose: typeof purpose === 'string' ? purpose : undefined,
      },
      requestId: typeof rid === 'string' ? rid : 'unknown',
      token: { audience, jti, expiresAt: exp + VERIFY_LEEWAY_SECONDS },
    };
  } catch {
    throw unauthenticated('Subgraphs accept only requests from the Tessera gateway');
  }
}
