import fs from 'node:fs';
import path from 'node:path';
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { devIssuerUrl, devSubject, signDevToken } from '../../gateway/dev-idp';
import { ISSUER_MISS_REFRESH_MS } from '../../gateway/identity';
import { codes, dataDir, startTestHub, type TestHub } from '../support/hub';

jest.setTimeout(120_000);

/** The development IdP's stored key of a demo agency (gateway/dev-idp.ts writes it on first use). */
function storedKey(slug: string): { kid: string; privateJwk: JWK; publicJwk: JWK } {
  return JSON.parse(fs.readFileSync(path.join(dataDir(), 'keys', 'dev-idp', `${slug}.jwk.json`), 'utf8')) as { kid: string; privateJwk: JWK; publicJwk: JWK };
}

const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** Attacks on the bearer token, beyond test/identity.test.ts: every one must end in 401 UNAUTHENTICATED. */
describe('JWT attacks', () => {
  let hub: TestHub;
  let rsa: { privateKey: CryptoKey; publicJwk: JWK };

  beforeAll(async () => {
    hub = await startTestHub('in-process');
    // Before the hub first looks at these issuers (it caches them for 30 s):
    // - the Romanian police's IdP (ES256 only) also lists an RSA key in its key set;
    // - West Midlands Police's IdP allows RS256 and lists the same RSA key (the control: that key does verify where allowed);
    // - Banca Carpați's key set has its public key pasted in as a symmetric ("oct") key as well.
    const kp = await generateKeyPair('RS256', { extractable: true });
    rsa = { privateKey: kp.privateKey, publicJwk: { ...(await exportJWK(kp.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' } };
    const es = (slug: string) => storedKey(slug).publicJwk;
    await hub.db.query(`UPDATE agencies.trusted_issuers SET jwks = $2::jsonb WHERE issuer = $1`, [
      devIssuerUrl('politia-romana'),
      JSON.stringify({ keys: [es('politia-romana'), rsa.publicJwk] }),
    ]);
    await hub.db.query(`UPDATE agencies.trusted_issuers SET jwks = $2::jsonb, algorithms = ARRAY['ES256','RS256'] WHERE issuer = $1`, [
      devIssuerUrl('west-midlands-police'),
      JSON.stringify({ keys: [es('west-midlands-police'), rsa.publicJwk] }),
    ]);
    const carpati = es('banca-carpati');
    const octFromPublic: JWK = { kty: 'oct', kid: 'pasted-public-key', k: Buffer.from(JSON.stringify(carpati)).toString('base64url') };
    await hub.db.query(`UPDATE agencies.trusted_issuers SET jwks = $2::jsonb WHERE issuer = $1`, [
      devIssuerUrl('banca-carpati'),
      JSON.stringify({ keys: [carpati, octFromPublic] }),
    ]);
    // Asociația Lumina's IdP issues tokens for at most an hour.
    await hub.db.query(`UPDATE agencies.trusted_issuers SET max_token_lifetime_seconds = 3600 WHERE issuer = $1`, [devIssuerUrl('lumina-ro')]);
  });
  afterAll(() => hub.stop());

  const ME = '{ me { id role } }';
  async function expectRefused(token: string) {
    const r = await hub.gql({ authorization: `Bearer ${token}` }, ME);
    expect(r.status).toBe(401);
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    expect(r.data?.me ?? null).toBeNull();
    // One message for every refusal: the caller never learns which check failed.
    expect(r.errors![0]!.message).toBe('Invalid or unacceptable token');
  }
  async function expectAccepted(token: string) {
    const r = await hub.gql<{ me: { role: string } }>({ authorization: `Bearer ${token}` }, ME);
    expect(r.errors).toBeUndefined();
    expect(r.data?.me.role).toBe('CONTRIBUTOR');
  }

  /** Claims as the agency's IdP issues them; `omit` drops some, `extra` adds or overrides. */
  function claims(slug: string, opts: { omit?: Array<'iat' | 'sub' | 'exp'>; extra?: JWTPayload } = {}): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    const c: JWTPayload = { iss: devIssuerUrl(slug), sub: devSubject(slug, 'CONTRIBUTOR'), aud: 'tessera', iat: now, exp: now + 600, ...opts.extra };
    for (const k of opts.omit ?? []) delete c[k];
    return c;
  }
  /** Signed with the agency's real IdP key: everything but the attack is genuine. */
  async function signedByIdp(slug: string, payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    const key = storedKey(slug);
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT', ...header })
      .sign((await importJWK(key.privateJwk, 'ES256')) as CryptoKey);
  }

  /** Any header at all (jose's SignJWT refuses some), signed ES256 with the real IdP key. */
  function rawSignedByIdp(slug: string, header: Record<string, unknown>, payload: JWTPayload): string {
    const key = storedKey(slug);
    const input = `${enc({ alg: 'ES256', kid: key.kid, typ: 'JWT', ...header })}.${enc(payload)}`;
    const sig = sign('sha256', Buffer.from(input), { key: createPrivateKey({ key: key.privateJwk as never, format: 'jwk' }), dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  }

  test('control: a token made by this test with the IdP key and genuine claims is accepted', async () => {
    await expectAccepted(await signedByIdp('met-police', claims('met-police')));
    await expectAccepted(await signDevToken(dataDir(), 'met-police', devSubject('met-police', 'CONTRIBUTOR'), { audience: 'tessera' }));
    await expectAccepted(rawSignedByIdp('met-police', {}, claims('met-police')));
  });

  test("algorithm confusion: HS256 with the issuer's public key as the HMAC secret", async () => {
    const pub = storedKey('met-police').publicJwk;
    const pem = createPublicKey({ key: pub as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    const der = createPublicKey({ key: pub as never, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    const secrets = [Buffer.from(pem), Buffer.from(JSON.stringify(pub)), der, Buffer.from(pub.x!, 'base64url')];
    for (const secret of secrets) {
      const t = await new SignJWT(claims('met-police'))
        .setProtectedHeader({ alg: 'HS256', kid: storedKey('met-police').kid, typ: 'JWT' })
        .sign(new Uint8Array(secret));
      await expectRefused(t);
    }
  });

  test('algorithm confusion against a key set that holds the public key as a symmetric key', async () => {
    const carpati = storedKey('banca-carpati');
    // The very bytes the misconfigured record holds as its "oct" key: anyone can compute them from the public key.
    const t = await new SignJWT(claims('banca-carpati'))
      .setProtectedHeader({ alg: 'HS256', kid: 'pasted-public-key', typ: 'JWT' })
      .sign(new Uint8Array(Buffer.from(JSON.stringify(carpati.publicJwk))));
    await expectRefused(t);
    // The issuer's genuine ES256 tokens still work.
    await expectAccepted(await signedByIdp('banca-carpati', claims('banca-carpati')));
    // An issuer cannot be made to allow HS* or none at all: the database refuses the record
    // (and the gateway would drop any symmetric algorithm from the list regardless).
    for (const alg of ['HS256', 'none']) {
      await expect(
        hub.db.query(`UPDATE agencies.trusted_issuers SET algorithms = ARRAY['ES256', $2] WHERE issuer = $1`, [devIssuerUrl('banca-carpati'), alg]),
      ).rejects.toThrow(/check constraint/);
    }
  });

  test('an ES256 issuer refuses an RS256 token even though its key set holds the matching RSA key', async () => {
    const token = (slug: string) => new SignJWT(claims(slug)).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1', typ: 'JWT' }).sign(rsa.privateKey);
    await expectRefused(await token('politia-romana'));
    // Control: where RS256 is on the allow-list, the same kind of token verifies with that key.
    await expectAccepted(await token('west-midlands-police'));
    // And the ES256 issuer still accepts its own ES256 tokens.
    await expectAccepted(await signedByIdp('politia-romana', claims('politia-romana')));
  });

  test('an unknown kid is refused, even with a valid signature by the real key', async () => {
    await expectRefused(await signedByIdp('met-police', claims('met-police'), { kid: 'not-a-registered-kid' }));
    await expectRefused(await signedByIdp('met-police', claims('met-police'), { kid: '' }));
  });

  test('a future nbf is refused; an expired token beyond the 30 s tolerance too', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { nbf: now + 3600 } })));
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { nbf: now + 120 } })));
    await expectAccepted(await signedByIdp('met-police', claims('met-police', { extra: { nbf: now - 5 } })));
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { iat: now - 7200, exp: now - 120 } })));
  });

  test('a token issued long ago, issued in the future, or valid for longer than the issuer allows (default 24 h) is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const year2001 = Math.floor(Date.UTC(2001, 0, 1) / 1000);
    const hours = (h: number) => h * 3600;
    // Issued in 2001, valid for a century; issued in 2001 and still valid for ten minutes.
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { iat: year2001, exp: year2001 + hours(24 * 365 * 100) } })));
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { iat: year2001, exp: now + 600 } })));
    // Issued now, valid for a century, or for 25 hours.
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { iat: now, exp: now + hours(24 * 365 * 100) } })));
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { iat: now, exp: now + hours(25) } })));
    // Issued 25 hours ago and still valid for an hour: a lifetime of 26 h, and an age beyond 24 h.
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { iat: now - hours(25), exp: now + hours(1) } })));
    // Issued an hour from now (minted ahead to be used later), or a day from now.
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { iat: now + hours(1), exp: now + hours(2) } })));
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { iat: now + hours(24), exp: now + hours(25) } })));
    // Within the default: 23 h, issued 10 s ahead of the hub's clock (inside the 30 s tolerance), issued 20 h ago.
    await expectAccepted(await signedByIdp('met-police', claims('met-police', { extra: { iat: now, exp: now + hours(23) } })));
    await expectAccepted(await signedByIdp('met-police', claims('met-police', { extra: { iat: now + 10, exp: now + 600 } })));
    await expectAccepted(await signedByIdp('met-police', claims('met-police', { extra: { iat: now - hours(20), exp: now + hours(1) } })));
    // An issuer configured for one hour: two hours is refused, as is a token issued 90 minutes ago; 50 minutes pass.
    await expectRefused(await signedByIdp('lumina-ro', claims('lumina-ro', { extra: { iat: now, exp: now + hours(2) } })));
    await expectRefused(await signedByIdp('lumina-ro', claims('lumina-ro', { extra: { iat: now - 5400, exp: now + 60 } })));
    await expectAccepted(await signedByIdp('lumina-ro', claims('lumina-ro', { extra: { iat: now, exp: now + 3000 } })));
  });

  test('an issuer registered through the API with a maximum lifetime of one hour: used at once, longer tokens refused', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const iss = 'https://idp2.lumina-ro.tessera.test';
    const publicJwk = await exportJWK(publicKey);
    const register = (maxTokenLifetimeSeconds: number) =>
      hub.gql('tessera-admin', 'mutation($input: RegisterTrustedIssuerInput!) { registerTrustedIssuer(input: $input) { id } }', {
        input: {
          agencyId: hub.demo.agencies['lumina-ro']!.id,
          issuer: iss,
          audience: 'tessera',
          algorithms: ['ES256'],
          jwks: JSON.stringify({ keys: [{ ...publicJwk, kid: 'lumina-2', alg: 'ES256' }] }),
          maxTokenLifetimeSeconds,
        },
      });
    expect(codes(await register(59))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await register(604_801))).toEqual(['BAD_USER_INPUT']);
    expect((await register(3600)).errors).toBeUndefined();
    const now = Math.floor(Date.now() / 1000);
    const sign = (iat: number, exp: number) =>
      new SignJWT({ iss, sub: devSubject('lumina-ro', 'CONTRIBUTOR'), aud: 'tessera', iat, exp })
        .setProtectedHeader({ alg: 'ES256', kid: 'lumina-2' })
        .sign(privateKey);
    // The gateway of this process reads the issuers again once the registration commits: the first token is judged on it.
    await expectAccepted(await sign(now, now + 3000));
    await expectRefused(await sign(now, now + 7200));
    await expectRefused(await sign(now - 5400, now + 60));
  });

  test('a token without iat, sub or exp is refused', async () => {
    await expectRefused(await signedByIdp('met-police', claims('met-police', { omit: ['iat'] })));
    await expectRefused(await signedByIdp('met-police', claims('met-police', { omit: ['sub'] })));
    await expectRefused(await signedByIdp('met-police', claims('met-police', { omit: ['exp'] })));
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { sub: '' } })));
  });

  test('claims of the wrong type are refused (sub as a number, aud as another app, iss as an array)', async () => {
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { sub: 12345 as never } })));
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { aud: ['another-app'] } })));
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { iss: [devIssuerUrl('met-police')] as never } })));
  });

  test('a subject registered with another agency is not recognised under this issuer', async () => {
    // The Met's IdP vouching for a bank user's subject: the issuer decides the agency, so no such user.
    await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { sub: devSubject('albion-bank', 'CONTRIBUTOR') } })));
  });

  test("a token signed with one issuer's key claiming another issuer", async () => {
    const key = storedKey('albion-bank');
    const t = await new SignJWT(claims('met-police'))
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .sign((await importJWK(key.privateJwk, 'ES256')) as CryptoKey);
    await expectRefused(t);
  });

  test('tokens pointing at their own keys (jku, x5u, x5c, jwk) or with unknown critical headers are refused', async () => {
    const base = claims('met-police');
    await expectRefused(await signedByIdp('met-police', base, { jku: 'https://attacker.example/jwks.json' }));
    await expectRefused(await signedByIdp('met-police', base, { x5u: 'https://attacker.example/cert.pem' }));
    await expectRefused(await signedByIdp('met-police', base, { x5c: ['MIIB'] }));
    await expectRefused(await signedByIdp('met-police', base, { jwk: storedKey('met-police').publicJwk }));
    await expectRefused(rawSignedByIdp('met-police', { crit: ['x-tessera'], 'x-tessera': true }, base));
    await expectRefused(rawSignedByIdp('met-police', { crit: ['b64'], b64: false }, base));
  });

  test('alg "none" in any spelling, and a signature stripped off a genuine token', async () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) await expectRefused(`${enc({ alg, typ: 'JWT' })}.${enc(claims('met-police'))}.`);
    const genuine = await signedByIdp('met-police', claims('met-police'));
    const [h, p] = genuine.split('.');
    await expectRefused(`${h}.${p}.`);
    await expectRefused(`${h}.${p}`);
    // The payload changed under a genuine signature (the subject swapped for a supervisor).
    await expectRefused(`${h}.${enc(claims('met-police', { extra: { sub: devSubject('met-police', 'SUPERVISOR') } }))}.${genuine.split('.')[2]}`);
  });

  test('a user deactivated through the API is refused from their very next request (gateway in the same process), and readmitted at once', async () => {
    const subject = devSubject('albion-bank', 'VIEWER');
    const token = await signedByIdp('albion-bank', claims('albion-bank', { extra: { sub: subject } }));
    const before = await hub.gql<{ me: { role: string } }>({ authorization: `Bearer ${token}` }, ME);
    expect(before.data?.me.role).toBe('VIEWER'); // now in the gateway's user cache
    const userId = hub.demo.agencies['albion-bank']!.users.VIEWER!;
    const setActive = (active: boolean) =>
      hub.gql('tessera-admin', 'mutation($id: ID!, $active: Boolean!) { setUserActive(id: $id, active: $active) { id } }', { id: userId, active });
    expect((await setActive(false)).errors).toBeUndefined();
    await expectRefused(token);
    expect((await setActive(true)).errors).toBeUndefined();
    const after = await hub.gql<{ me: { role: string } }>({ authorization: `Bearer ${token}` }, ME);
    expect(after.errors).toBeUndefined();
    expect(after.data?.me.role).toBe('VIEWER');
  });

  test('tokens naming hundreds of unknown issuers cost no database lookup each', async () => {
    await expectAccepted(await signedByIdp('met-police', claims('met-police')));
    hub.probe.reset();
    const started = Date.now();
    for (let i = 0; i < 300; i++)
      await expectRefused(await signedByIdp('met-police', claims('met-police', { extra: { iss: `https://idp.attacker-${i}.example` } })));
    // At most one reading of the trusted issuers per ISSUER_MISS_REFRESH_MS (gateway/identity.ts), whatever the number of issuers named.
    expect(hub.probe.statements).toBeLessThanOrEqual(1 + Math.floor((Date.now() - started) / ISSUER_MISS_REFRESH_MS));
  });

  test('a deactivated user is refused within the identity cache window (5 s)', async () => {
    const token = await signedByIdp('safe-passage', claims('safe-passage'));
    await expectAccepted(token);
    await hub.db.query(`UPDATE agencies.users SET active = false WHERE subject = $1`, [devSubject('safe-passage', 'CONTRIBUTOR')]);
    const deadline = Date.now() + 7_000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      const r = await hub.gql({ authorization: `Bearer ${token}` }, ME);
      refused = r.status === 401;
      if (!refused) await new Promise((res) => setTimeout(res, 500));
    }
    expect(refused).toBe(true);
    await expectRefused(token);
  });
});
