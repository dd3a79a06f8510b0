import { exportJWK, generateKeyPair, type CryptoKey, SignJWT } from 'jose';
import type { TrustedIssuerRecord } from '../services/agencies/api';
import type { Sql } from '../services/kernel/db';
import { rootLogger } from '../services/kernel/logger';
import { BoundedTtlCache, IdentityVerifier, ISSUER_MISS_REFRESH_MS } from './identity';

/** A stand-in for the identity store that counts what the verifier reads. */
function store(issuers: TrustedIssuerRecord[]) {
  const reads = { issuers: 0, users: 0 };
  const db = {
    async query(text: string) {
      if (/FROM agencies\.trusted_issuers/.test(text)) {
        reads.issuers++;
        return issuers;
      }
      if (/FROM agencies\.users/.test(text)) {
        reads.users++;
        return [{ id: 'u1', role: 'CONTRIBUTOR', active: true, groupIds: [] }];
      }
      throw new Error(`unexpected query ${text}`);
    },
  } as unknown as Sql;
  return { db, reads };
}

describe('IdentityVerifier: unknown issuers', () => {
  let key: CryptoKey;
  let issuer: TrustedIssuerRecord;
  beforeAll(async () => {
    const kp = await generateKeyPair('ES256', { extractable: true });
    key = kp.privateKey;
    issuer = {
      issuer: 'https://idp.known.example',
      agencyId: 'a1',
      agencyType: 'LAW_ENFORCEMENT',
      country: 'GB',
      audience: 'tessera',
      algorithms: ['ES256'],
      jwks: { keys: [{ ...(await exportJWK(kp.publicKey)), kid: 'k1', alg: 'ES256' }] },
      jwksUri: null,
      maxTokenLifetimeSeconds: 86_400,
    };
  });
  const token = (iss: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(iss)
      .setSubject('s')
      .setAudience('tessera')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);

  test('2 000 distinct unknown issuers cost one read of the issuers and leave nothing cached', async () => {
    const { db, reads } = store([issuer]);
    const verifier = new IdentityVerifier(db, rootLogger);
    try {
      await expect(verifier.authenticate(`Bearer ${await token(issuer.issuer)}`, undefined)).resolves.toMatchObject({ agencyId: 'a1' });
      expect(reads.issuers).toBe(1);
      const started = Date.now();
      for (let i = 0; i < 2_000; i++) {
        await expect(verifier.authenticate(`Bearer ${await token(`https://idp.attacker-${i}.example`)}`, undefined)).rejects.toMatchObject({
          extensions: { code: 'UNAUTHENTICATED' },
        });
      }
      // A token with an issuer not (yet) known may reread the issuers, at most once every few seconds.
      expect(reads.issuers).toBeLessThanOrEqual(2 + Math.floor((Date.now() - started) / ISSUER_MISS_REFRESH_MS));
      expect(verifier.issuers.size).toBe(1);
      expect(verifier.users.size).toBe(1);
    } finally {
      verifier.close();
    }
  });

  test('an issuer registered since the last read is found on its first token once the miss interval has passed', async () => {
    const issuers: TrustedIssuerRecord[] = [];
    const { db, reads } = store(issuers);
    const verifier = new IdentityVerifier(db, rootLogger);
    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(1_000_000);
      await expect(verifier.authenticate(`Bearer ${await token(issuer.issuer)}`, undefined)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
      issuers.push(issuer);
      await expect(verifier.authenticate(`Bearer ${await token(issuer.issuer)}`, undefined)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
      expect(reads.issuers).toBe(1);
      now.mockReturnValue(1_000_000 + ISSUER_MISS_REFRESH_MS + 1);
      await expect(verifier.authenticate(`Bearer ${await token(issuer.issuer)}`, undefined)).resolves.toMatchObject({ agencyId: 'a1' });
      expect(reads.issuers).toBe(2);
    } finally {
      now.mockRestore();
      verifier.close();
    }
  });
});

describe('IdentityVerifier: verified tokens', () => {
  test('a token verified once is kept for its next requests, but never past its expiry', async () => {
    const kp = await generateKeyPair('ES256', { extractable: true });
    const issuer: TrustedIssuerRecord = {
      issuer: 'https://idp.kept.example',
      agencyId: 'a1',
      agencyType: 'LAW_ENFORCEMENT',
      country: 'GB',
      audience: 'tessera',
      algorithms: ['ES256'],
      jwks: { keys: [{ ...(await exportJWK(kp.publicKey)), kid: 'k1', alg: 'ES256' }] },
      jwksUri: null,
      maxTokenLifetimeSeconds: 600,
    };
    const { db } = store([issuer]);
    const verifier = new IdentityVerifier(db, rootLogger);
    const now = jest.spyOn(Date, 'now');
    // jose reads the real clock (new Date()), the verifier's own checks Date.now: the token is issued now.
    const issuedAt = Math.floor(Date.now() / 1000);
    const sign = (lifetime: number) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(issuer.issuer)
        .setSubject('s')
        .setAudience('tessera')
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + lifetime)
        .sign(kp.privateKey);
    const at = (seconds: number) => now.mockReturnValue((issuedAt + seconds) * 1000);
    try {
      const shortLived = `Bearer ${await sign(60)}`;
      at(1);
      await expect(verifier.authenticate(shortLived, undefined)).resolves.toMatchObject({ agencyId: 'a1' });
      // Kept (for 30 s): within exp + the clock tolerance (30 s) accepted, past it refused.
      at(29);
      await expect(verifier.authenticate(shortLived, undefined)).resolves.toMatchObject({ agencyId: 'a1' });
      expect(verifier.verifiedTokens.size).toBe(1);
      at(89);
      await expect(verifier.authenticate(shortLived, undefined)).resolves.toMatchObject({ agencyId: 'a1' });
      at(95);
      await expect(verifier.authenticate(shortLived, undefined)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    } finally {
      now.mockRestore();
      verifier.close();
    }
  });
});

describe('BoundedTtlCache', () => {
  test('holds at most its capacity, least recently used out first', async () => {
    const cache = new BoundedTtlCache<number>(60_000, 3);
    for (const k of ['a', 'b', 'c']) await cache.get(k, async () => 1);
    await cache.get('a', async () => 2); // a is now the most recent
    await cache.get('d', async () => 1); // b goes
    expect(cache.size).toBe(3);
    let loaded = false;
    await cache.get('b', async () => ((loaded = true), 1));
    expect(loaded).toBe(true);
    loaded = false;
    await cache.get('a', async () => ((loaded = true), 1));
    expect(loaded).toBe(false);
  });

  test('a load that started before clear() is not kept', async () => {
    const cache = new BoundedTtlCache<string>(60_000, 10);
    let release!: () => void;
    const pending = cache.get('u', () => new Promise<string>((r) => (release = () => r('active'))));
    cache.clear();
    release();
    await pending;
    expect(cache.size).toBe(0);
  });
});
