import { decodeJwt, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import type { Actor } from '../../policies/actor';
import { ACTOR_TOKEN_ISSUER, type GatewayKeys, operationHash, signActorToken, verifyActorToken } from './actor-token';

/** The gateway's actor token: a standard EdDSA compact JWS, checked strictly by the subgraph. */
describe('actor tokens', () => {
  const actor: Actor = {
    userId: 'u-1',
    agencyId: 'a-1',
    agencyType: 'LAW_ENFORCEMENT',
    role: 'CONTRIBUTOR',
    groupIds: ['g-1'],
    country: 'GB',
    purpose: 'Case WMP-1',
  };
  const operation = { query: '{ me { id } }', variables: {} };
  let keys: GatewayKeys;
  let other: GatewayKeys;
  beforeAll(async () => {
    keys = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    other = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  });
  const bearer = (t: string) => `Bearer ${t}`;
  const refused = (p: Promise<unknown>) => expect(p).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });

  test('any JOSE library verifies it, with the claims the subgraph reads', async () => {
    const token = await signActorToken(keys, actor, 'cases', 'req-1', operation);
    const { payload, protectedHeader } = await jwtVerify(token, keys.publicKey, { issuer: ACTOR_TOKEN_ISSUER, audience: 'cases', typ: 'tessera-actor+jwt' });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'tessera-actor+jwt' });
    expect(payload).toMatchObject({
      sub: 'u-1',
      agency: 'a-1',
      role: 'CONTRIBUTOR',
      groups: ['g-1'],
      purpose: 'Case WMP-1',
      rid: 'req-1',
      op: operationHash(operation),
    });
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  test('the subgraph reads back the actor, once', async () => {
    const token = await signActorToken(keys, actor, 'cases', 'req-2', operation);
    const { jti, exp } = decodeJwt(token);
    await expect(verifyActorToken(keys, bearer(token), 'cases', operation)).resolves.toEqual({
      actor,
      requestId: 'req-2',
      // What a request that writes claims in the table the subgraph's replicas share: kept until the token can no longer be accepted.
      token: { audience: 'cases', jti, expiresAt: exp! + 5 },
    });
    await refused(verifyActorToken(keys, bearer(token), 'cases', operation));
  });

  test('another audience, another operation, another key, a changed claim: refused', async () => {
    await refused(verifyActorToken(keys, bearer(await signActorToken(keys, actor, 'cases', 'r', operation)), 'entities', operation));
    await refused(verifyActorToken(keys, bearer(await signActorToken(keys, actor, 'cases', 'r', operation)), 'cases', { query: '{ persons { fullName } }' }));
    await refused(verifyActorToken(keys, bearer(await signActorToken(other, actor, 'cases', 'r', operation)), 'cases', operation));
    const [h, p, s] = (await signActorToken(keys, actor, 'cases', 'r', operation)).split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'SUPERVISOR' })).toString('base64url');
    await refused(verifyActorToken(keys, bearer(`${h}.${forged}.${s}`), 'cases', operation));
  });

  test('a token whose header is not exactly ours is refused, whoever signed it', async () => {
    const claims = { ...{ agency: 'a-1', agencyType: 'LAW_ENFORCEMENT', role: 'CONTRIBUTOR', groups: [], op: operationHash(operation) } };
    const signed = (header: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader(header as never)
        .setIssuer(ACTOR_TOKEN_ISSUER)
        .setSubject('u-1')
        .setAudience('cases')
        .setJti(`j-${Math.random()}`)
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(keys.privateKey!);
    // The same key and claims with jose's own header: accepted, so the refusals below are the header's.
    await expect(verifyActorToken(keys, bearer(await signed({ alg: 'EdDSA', typ: 'tessera-actor+jwt' })), 'cases', operation)).resolves.toBeDefined();
    await refused(verifyActorToken(keys, bearer(await signed({ alg: 'EdDSA' })), 'cases', operation));
    await refused(verifyActorToken(keys, bearer(await signed({ alg: 'EdDSA', typ: 'tessera-actor+jwt', kid: 'x' })), 'cases', operation));
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'tessera-actor+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    await refused(verifyActorToken(keys, bearer(none), 'cases', operation));
  });

  test('an expired token, or one issued in the future, is refused', async () => {
    const now = jest.spyOn(Date, 'now');
    try {
      const t0 = 1_900_000_000_000;
      now.mockReturnValue(t0);
      const token = await signActorToken(keys, actor, 'cases', 'r', operation);
      const future = await signActorToken(keys, actor, 'cases', 'r', operation);
      now.mockReturnValue(t0 + 66_000);
      await refused(verifyActorToken(keys, bearer(token), 'cases', operation));
      now.mockReturnValue(t0 - 10_000);
      await refused(verifyActorToken(keys, bearer(future), 'cases', operation));
      now.mockReturnValue(t0 + 30_000);
      await expect(verifyActorToken(keys, bearer(future), 'cases', operation)).resolves.toBeDefined();
    } finally {
      now.mockRestore();
    }
  });
});
