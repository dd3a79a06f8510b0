import { randomBytes } from 'node:crypto';
import { identifierHash } from './hit-no-hit.service';
import { identifierHashes } from './identifier-hashes';

/** The screening chunk's keyed hashes in bulk must be exactly hit/no-hit's identifierHash, identifier by identifier. */

test('every identifier hashes as identifierHash hashes it: every message length, ASCII or not, keys of every length', () => {
  const alphabet = 'abcXYZ019+@.-_:/ ';
  const others = ['é', 'ș', '€', '😀', '\u0000'];
  for (const keyLength of [1, 16, 32, 63, 64, 65, 100]) {
    const key = randomBytes(keyLength);
    const kinds: string[] = [];
    const values: string[] = [];
    for (let length = 0; length <= 130; length++) {
      for (const kind of ['PHONE', 'EMAIL', 'BANK_ACCOUNT']) {
        let value = '';
        for (let i = 0; i < length; i++) value += alphabet[Math.floor(Math.random() * alphabet.length)];
        kinds.push(kind, kind);
        values.push(value, value + others[length % others.length]);
      }
    }
    expect(identifierHashes(key, kinds, values)).toEqual(kinds.map((kind, n) => identifierHash(key, kind, values[n]!)));
  }
});

test('a screening chunk’s identifiers: phones, emails and accounts under the hub’s 32-byte key', () => {
  const key = randomBytes(32);
  const kinds = ['PHONE', 'EMAIL', 'BANK_ACCOUNT', 'BANK_ACCOUNT'];
  const values = ['+447700900123', 'customer1@screening.example.com', 'GB-SORTCODE:200000:12345678', 'GB68ALBN60161331926819'];
  expect(identifierHashes(key, kinds, values)).toEqual(kinds.map((kind, n) => identifierHash(key, kind, values[n]!)));
});
