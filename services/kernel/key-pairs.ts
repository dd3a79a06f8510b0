import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';

/** The key pairs the hub makes: Ed25519 (actor tokens, audit checkpoints) and P-256 (the development identity providers). */
export type KeyPairType = 'ed25519' | 'p-256';

/** A new private key of this type, as PKCS#8 PEM. */
function newPrivateKeyPem(type: KeyPairType): string {
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  if (type === 'ed25519') return generateKeyPairSync('ed25519', { privateKeyEncoding, publicKeyEncoding }).privateKey;
  return generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding, publicKeyEncoding }).privateKey;
}

/**
 * A new key pair as JWKs, the one way the hub makes keys. Generated as PEM and read back before it
 * is exported: Node 20 can deadlock exporting a freshly generated key object as a JWK, when garbage
 * collection during the export destroys the generation's job, whose destructor takes the lock the
 * export holds (the process then waits for good). A key read from PEM shares no lock with that job.
 */
export function newKeyPairJwks(type: KeyPairType): { privateJwk: JWK; publicJwk: JWK } {
  const key = createPrivateKey(newPrivateKeyPem(type));
  return { privateJwk: key.export({ format: 'jwk' }) as JWK, publicJwk: createPublicKey(key).export({ format: 'jwk' }) as JWK };
}
