import fs from 'node:fs';
import path from 'node:path';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { type Actor, isAgencyType, isRole } from '../../policies/actor';
import { unauthenticated } from './errors';

/**
 * The gateway tells a subgraph who is asking with a short-lived token it signs (EdDSA), audience
 * = that subgraph. Subgraphs hold only the public key: a subgraph called without such a token,
 * with one for another subgraph, or with an expired one, answers UNAUTHENTICATED.
 */
export const ACTOR_TOKEN_ISSUER = 'tessera-gateway';
const ALG = 'EdDSA';
const LIFETIME_SECONDS = 60;

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

/**
 * Keys come from TESSERA_GATEWAY_PRIVATE_JWK / TESSERA_GATEWAY_PUBLIC_JWK when set (production,
 * docker-compose). Otherwise a key pair is made once under the data directory for local runs.
 */
export async function loadGatewayKeys(dataDir: string): Promise<GatewayKeys> {
  const envPrivate = process.env.TESSERA_GATEWAY_PRIVATE_JWK;
  const envPublic = process.env.TESSERA_GATEWAY_PUBLIC_JWK;
  if (envPublic) return keysFromJwk(envPrivate ? (JSON.parse(envPrivate) as JWK) : undefined, JSON.parse(envPublic) as JWK);
  const file = path.join(dataDir, 'keys', 'gateway.jwk.json');
  if (!fs.existsSync(file)) {
    const { privateKey, publicKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const pair = { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
    try {
      fs.writeFileSync(file, JSON.stringify(pair), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process made it first
    }
  }
  const { privateJwk, publicJwk } = JSON.parse(fs.readFileSync(file, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
  return keysFromJwk(privateJwk, publicJwk);
}

export async function signActorToken(keys: GatewayKeys, actor: Actor, audience: string, requestId: string): Promise<string> {
  if (!keys.privateKey) throw new Error('This process holds no gateway signing key');
  return new SignJWT({
    agency: actor.agencyId,
    agencyType: actor.agencyType,
    role: actor.role,
    groups: actor.groupIds,
    country: actor.country,
    purpose: actor.purpose,
    rid: requestId,
  })
    .setProtectedHeader({ alg: ALG, typ: 'tessera-actor+jwt' })
    .setIssuer(ACTOR_TOKEN_ISSUER)
    .setSubject(actor.userId)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${LIFETIME_SECONDS}s`)
    .sign(keys.privateKey);
}

export async function verifyActorToken(keys: GatewayKeys, authorization: string | undefined, audience: string): Promise<{ actor: Actor; requestId: string }> {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
  if (!token) throw unauthenticated('Subgraphs accept only requests from the Tessera gateway');
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      issuer: ACTOR_TOKEN_ISSUER,
      audience,
      algorithms: [ALG],
      typ: 'tessera-actor+jwt',
      requiredClaims: ['exp', 'iat', 'sub'],
      maxTokenAge: `${LIFETIME_SECONDS + 5}s`,
    });
    const { agency, agencyType, role, groups, country, purpose, rid } = payload as Record<string, unknown>;
    if (typeof agency !== 'string' || !isAgencyType(agencyType) || !isRole(role) || !Array.isArray(groups)) {
      throw new Error('malformed actor claims');
    }
    return {
      actor: {
        userId: payload.sub as string,
        agencyId: agency,
        agencyType,
        role,
        groupIds: groups.filter((g): g is string => typeof g === 'string'),
        country: typeof country === 'string' ? country : undefined,
        purpose: typeof purpose === 'string' ? purpose : undefined,
      },
      requestId: typeof rid === 'string' ? rid : 'unknown',
    };
  } catch {
    throw unauthenticated('Subgraphs accept only requests from the Tessera gateway');
  }
}
