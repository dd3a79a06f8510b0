import { type CryptoProvider, Oprf } from '@cloudflare/voprf-ts';
import { CryptoNoble } from '@cloudflare/voprf-ts/crypto-noble';

/**
 * Private screening's protocol (docs/screening.md "Private mode"): the one place both parties take
 * its parameters from — the hub (private-screening.service.ts) and a bank's client
 * (scripts/private-screening.ts). RFC 9497 VOPRF over ristretto255 with SHA-512, by
 * @cloudflare/voprf-ts with its @noble/curves group (the library's default, SJCL, has no ristretto255
 * and is several times slower on P-256).
 *
 * - Input: the UTF-8 bytes of `<KIND>:<normalised value>`, the value normalised by
 *   services/kernel/identifier.ts (`normaliseIdentifier`), exactly as the hub stores it.
 * - Output: the VOPRF's 64-byte output; the filter and the bank compare its first
 *   FILTER_ENTRY_BYTES bytes.
 * - Filter: the hub's entries, sorted, padded with random entries to a size class (paddedSize), as
 *   one base64 string of FILTER_ENTRY_BYTES-byte entries.
 *
 * Node and the browser run this same module (the console's private screening page bundles it with the
 * client): no Node built-ins, no Buffer — bytes are Uint8Arrays, hashes the provider's own. The noble
 * provider's package subpath is mapped for TypeScript's node10 resolution in tsconfig.json `paths`.
 */
export const CRYPTO: CryptoProvider = CryptoNoble;
export const SUITE = Oprf.Suite.RISTRETTO255_SHA512;
export const MODE = Oprf.Mode.VOPRF;
export const MODE_NAME = 'VOPRF';
/** Bytes of an output a filter entry keeps: 64 bits, so a test against n entries is a false positive with probability n / 2^64. */
export const FILTER_ENTRY_BYTES = 8;
/** The smallest filter: fewer entries than this are padded to it. */
export const MIN_FILTER_ENTRIES = 4096;
/** The key-derivation info of RFC 9497 DeriveKeyPair, from the hub's secret seed. */
export const KEY_INFO = 'tessera private screening v1';

/** What the OPRF is evaluated on for an identifier already normalised (kind and value as the hub stores them). */
export function oprfInput(kind: string, value: string): Uint8Array {
  return new TextEncoder().encode(`${kind}:${value}`);
}

/** A public key's id: the first 16 hex digits of its SHA-256, named by every evaluation and filter. */
export async function keyIdOf(publicKey: Uint8Array): Promise<string> {
  return toHex(await CRYPTO.hash('SHA-256', publicKey)).slice(0, 16);
}

/** The entry of a filter an output gives (hex). */
export function filterEntry(output: Uint8Array): string {
  return toHex(output.subarray(0, FILTER_ENTRY_BYTES));
}

const ASCII = new TextDecoder();
const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');

/** Bytes as lower-case hex (table-driven into an ASCII buffer, for filters of megabytes). */
export function toHex(bytes: Uint8Array): string {
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    out[2 * i] = HEX_DIGITS[bytes[i]! >> 4]!;
    out[2 * i + 1] = HEX_DIGITS[bytes[i]! & 15]!;
  }
  return ASCII.decode(out);
}

/** The value of one hex digit's char code (0-9, a-f, A-F). */
function nibble(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

const BASE64_ALPHABET = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const BASE64_VALUE = new Int16Array(256).fill(-1);
BASE64_ALPHABET.forEach((c, v) => (BASE64_VALUE[c] = v));

/**
 * Bytes as base64 (how the API carries keys, requests, evaluations and filters). Table-driven into an
 * ASCII buffer: a filter of a million entries is 8 MB, which btoa over a binary string takes hundreds of
 * milliseconds to encode.
 */
export function toBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = BASE64_ALPHABET[n >> 18]!;
    out[o++] = BASE64_ALPHABET[(n >> 12) & 63]!;
    out[o++] = BASE64_ALPHABET[(n >> 6) & 63]!;
    out[o++] = BASE64_ALPHABET[n & 63]!;
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
    out[o++] = BASE64_ALPHABET[n >> 18]!;
    out[o++] = BASE64_ALPHABET[(n >> 12) & 63]!;
    out[o++] = i + 1 < bytes.length ? BASE64_ALPHABET[(n >> 6) & 63]! : 61;
    out[o++] = 61;
  }
  return ASCII.decode(out);
}

/** The bytes of a base64 string (throws on one that is not). */
export function fromBase64(base64: string): Uint8Array {
  const text = new TextEncoder().encode(base64);
  let end = text.length;
  if (end % 4 !== 0) throw new Error('not base64: its length is not a multiple of 4');
  while (end > 0 && text[end - 1] === 61 && text.length - end < 2) end--;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const v = BASE64_VALUE[text[i]!]!;
    if (v < 0) throw new Error('not base64: a character outside its alphabet');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out;
}

/** The size class a filter of n entries is padded to: the next power of two, at least MIN_FILTER_ENTRIES. */
export function paddedSize(n: number): number {
  let size = MIN_FILTER_ENTRIES;
  while (size < n) size *= 2;
  return size;
}

/** Entries (hex), sorted, as the filter's base64. */
export function encodeFilter(entries: readonly string[]): string {
  const sorted = [...entries].sort();
  const bytes = new Uint8Array(sorted.length * FILTER_ENTRY_BYTES);
  let o = 0;
  for (const entry of sorted) for (let i = 0; i < entry.length; i += 2) bytes[o++] = (nibble(entry.charCodeAt(i)) << 4) | nibble(entry.charCodeAt(i + 1));
  return toBase64(bytes);
}

/** A filter's entries, for membership tests. */
export function decodeFilter(base64: string): Set<string> {
  const bytes = fromBase64(base64);
  if (bytes.length % FILTER_ENTRY_BYTES !== 0) throw new Error(`a filter is a whole number of ${FILTER_ENTRY_BYTES}-byte entries`);
  const entries = new Set<string>();
  const hex = toHex(bytes);
  for (let i = 0; i < hex.length; i += 2 * FILTER_ENTRY_BYTES) entries.add(hex.slice(i, i + 2 * FILTER_ENTRY_BYTES));
  return entries;
}
