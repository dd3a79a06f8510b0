import fs from 'node:fs';
import path from 'node:path';
import { type CryptoKey, importJWK, type JWK, SignJWT } from 'jose';
import { newKeyPairJwks } from '../services/kernel/key-pairs';

/**
 * The local development identity provider: one ES256 key pair per demo agency, made on first use
 * under the data directory (never committed). Production agencies bring their own IdP; the hub
 * only ever holds their public keys.
 */
const ALG = 'ES256';

export function devIssuerUrl(slug: string): string {
  return `https://idp.${slug}.tessera.test`;
}

/** The console's client id at the development OpenID Providers (gateway/dev-op.ts). */
export const CONSOLE_CLIENT_ID = 'tessera-console';
/** The scope that asks for an access token to the hub's GraphQL API. */
export const API_SCOPE = 'graphql';

/** Where the gateway serves the development OpenID Providers (gateway/dev-op.ts), one per demo agency. */
export const DEV_OP_PREFIX = '/idp';

/** The issuer of a demo agency's development OpenID Provider, served by the hub at `publicUrl`. */
export function devProviderIssuer(publicUrl: string, slug: string): string {
  return `${publicUrl.replace(/\/$/, '')}${DEV_OP_PREFIX}/${slug}`;
}

/** Its JWKS URL (the jwks_uri of its discovery document). */
export function devProviderJwksUri(publicUrl: string, slug: string): string {
  return `${devProviderIssuer(publicUrl, slug)}/jwks`;
}

export function devSubject(slug: string, role: string): string {
  return `${slug}.${role.toLowerCase()}`;
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

function keyFile(dataDir: string, slug: string): string {
  return path.join(dataDir, 'keys', 'dev-idp', `${slug}.jwk.json`);
}

async function storedKey(dataDir: string, slug: string): Promise<StoredKey> {
  const file = keyFile(dataDir, slug);
  if (!fs.existsSync(file)) {
    const { privateJwk, publicJwk } = newKeyPairJwks('p-256');
    const kid = `${slug}-${Date.now().toString(36)}`;
    const stored: StoredKey = {
      kid,
      privateJwk: { ...privateJwk, kid, alg: ALG },
      publicJwk: { ...publicJwk, kid, alg: ALG, use: 'sig' },
    };
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, JSON.stringify(stored), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as StoredKey;
}

export async function devPublicJwks(dataDir: string, slug: string): Promise<{ keys: JWK[] }> {
  return { keys: [(await storedKey(dataDir, slug)).publicJwk] };
}

export async function signDevToken(dataDir: string, slug: string, subject: string, opts: { audience: string; expiresIn?: string }): Promise<string> {
  const key = await storedKey(dataDir, slug);
  return new SignJWT({})
    .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(devIssuerUrl(slug))
    .setSubject(subject)
    .setAudience(opts.audience)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '8h')
    .sign((await importJWK(key.privateJwk, ALG)) as CryptoKey);
}
