import { randomBytes } from 'node:crypto';
import { decodeFilter, encodeFilter, FILTER_ENTRY_BYTES, fromBase64, keyIdOf, toBase64, toHex } from './private-screening.protocol';

/**
 * The protocol's byte encodings are its own (it runs in the browser too, without Buffer): they must
 * be the very base64 and hex the hub and every bank's client exchange — the standard ones — or a
 * filter or an evaluation would not read back.
 */
describe('private screening protocol encodings', () => {
  test.each([0, 1, 2, 3, 4, 5, 31, 32, 33, 64, 1000])('%i bytes: base64 and hex as RFC 4648 and Node write them, read back whole', (n) => {
    const bytes = randomBytes(n);
    const b64 = toBase64(new Uint8Array(bytes));
    expect(b64).toBe(bytes.toString('base64'));
    expect(Buffer.from(fromBase64(b64)).equals(bytes)).toBe(true);
    expect(toHex(new Uint8Array(bytes))).toBe(bytes.toString('hex'));
  });

  test.each(['abc', 'ab!=', '====', 'a==='])('%p is refused as base64', (text) => {
    expect(() => fromBase64(text)).toThrow(/not base64/);
  });

  test('a filter is its entries sorted, read back as the same set', () => {
    const entries = Array.from({ length: 100 }, () => randomBytes(FILTER_ENTRY_BYTES).toString('hex'));
    const filter = encodeFilter(entries);
    expect(filter).toBe(Buffer.from([...entries].sort().join(''), 'hex').toString('base64'));
    expect(decodeFilter(filter)).toEqual(new Set(entries));
    expect(() => decodeFilter(toBase64(new Uint8Array(FILTER_ENTRY_BYTES + 1)))).toThrow(/whole number/);
  });

  test('a key id is the first 16 hex digits of the public key’s SHA-256', async () => {
    const key = randomBytes(32);
    const { createHash } = await import('node:crypto');
    await expect(keyIdOf(new Uint8Array(key))).resolves.toBe(createHash('sha256').update(key).digest('hex').slice(0, 16));
  });
});
