import { identifierHash } from './hit-no-hit.service';

/**
 * identifierHash (HMAC-SHA256 of `<KIND>:<value>` under the hit/no-hit key, its first 128 bits in hex
 * after `hmac:`) of many identifiers at once, for a screening chunk's tens of thousands. node:crypto
 * makes an HMAC object, two hash contexts and a digest Buffer per identifier, which costs more than
 * the hashing itself; here the key's two pad blocks are compressed once, and an identifier whose
 * message is ASCII and fits one SHA-256 block (55 bytes; phones, accounts, most emails) costs two
 * compressions in reused typed arrays. Any other goes through identifierHash itself.
 * identifier-hashes.test.ts checks that both ways answer alike.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74,
  0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d,
  0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e,
  0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
  0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** SHA-256's compression of the 16 words `w[0..15]` (big-endian) into `state`, in place; `w` is its 64-word schedule. */
function compress(state: Int32Array, w: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const b = w[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** The state after compressing the key, XORed with `pad` and zero-filled to a block, from SHA-256's initial state. */
function padState(key: Buffer, pad: number, w: Int32Array): Int32Array {
  const block = Buffer.alloc(64, pad);
  for (let i = 0; i < key.length; i++) block[i] = key[i]! ^ pad;
  for (let i = 0; i < 16; i++) w[i] = block.readInt32BE(i * 4);
  const state = Int32Array.from(IV);
  compress(state, w);
  return state;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex32 = (v: number) => HEX[(v >>> 24) & 255]! + HEX[(v >>> 16) & 255]! + HEX[(v >>> 8) & 255]! + HEX[v & 255]!;

/** identifierHash(key, kinds[n], values[n]) for every n, in order. */
export function identifierHashes(key: Buffer, kinds: readonly string[], values: readonly string[]): string[] {
  // HMAC's key is hashed first when longer than a block; such keys go the library's way.
  if (key.length > 64) return kinds.map((kind, n) => identifierHash(key, kind, values[n]!));
  const w = new Int32Array(64);
  const inner = padState(key, 0x36, w);
  const outer = padState(key, 0x5c, w);
  const state = new Int32Array(8);
  const out = new Array<string>(kinds.length);
  for (let n = 0; n < kinds.length; n++) {
    const kind = kinds[n]!;
    const value = values[n]!;
    const length = kind.length + 1 + value.length;
    if (length > 55) {
      out[n] = identifierHash(key, kind, value);
      continue;
    }
    // The message `<kind>:<value>`, its 0x80 end mark and zeros, as big-endian words; ASCII only.
    w.fill(0, 0, 16);
    let ascii = true;
    for (let i = 0; i < length; i++) {
      const code = i < kind.length ? kind.charCodeAt(i) : i === kind.length ? 0x3a : value.charCodeAt(i - kind.length - 1);
      if (code > 0x7f) {
        ascii = false;
        break;
      }
      w[i >> 2]! |= code << (24 - (i & 3) * 8);
    }
    if (!ascii) {
      out[n] = identifierHash(key, kind, value);
      continue;
    }
    w[length >> 2]! |= 0x80 << (24 - (length & 3) * 8);
    w[15] = (64 + length) * 8;
    state.set(inner);
    compress(state, w);
    // The outer hash of the inner digest: 32 bytes, the end mark, the length of pad block and digest.
    for (let i = 0; i < 8; i++) w[i] = state[i]!;
    w[8] = 0x80000000 | 0;
    w.fill(0, 9, 15);
    w[15] = (64 + 32) * 8;
    state.set(outer);
    compress(state, w);
    out[n] = `hmac:${hex32(state[0]!)}${hex32(state[1]!)}${hex32(state[2]!)}${hex32(state[3]!)}`;
  }
  return out;
}
