import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { newKeyPairJwks } from './key-pairs';

describe('newKeyPairJwks', () => {
  test.each([
    ['ed25519', { kty: 'OKP', crv: 'Ed25519' }, null],
    ['p-256', { kty: 'EC', crv: 'P-256' }, 'sha256'],
  ] as const)('%s: a pair whose private JWK signs what its public JWK verifies, and whose public JWK holds no private part', (type, shape, digest) => {
    const { privateJwk, publicJwk } = newKeyPairJwks(type);
    expect(privateJwk).toMatchObject(shape);
    expect(publicJwk).toMatchObject(shape);
    expect(typeof privateJwk.d).toBe('string');
    expect(publicJwk).not.toHaveProperty('d');
    const data = Buffer.from('checkpoint');
    const signature = sign(digest, data, createPrivateKey({ key: privateJwk as never, format: 'jwk' }));
    expect(verify(digest, data, createPublicKey({ key: publicJwk as never, format: 'jwk' }), signature)).toBe(true);
    expect(newKeyPairJwks(type).privateJwk.d).not.toBe(privateJwk.d);
  });
});
