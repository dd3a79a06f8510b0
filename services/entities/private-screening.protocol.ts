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

/** Bytes as lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** Bytes as base64 (how the API carries keys, requests, evaluations and filters). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of a base64 string (throws on one that is not). */
export function fromBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The size class a filter of n entries is padded to: the next power of two, at least MIN_FILTER_ENTRIES. */
export function paddedSize(n: number): number {
  let size = MIN_FILTER_ENTRIES;
  while (size < n) size *= 2;
  return size;
}

/** Entries (hex), sorted, as the filter's base64. */
export function encodeFilter(entries: readonly string[]): string {
  const hex = [...entries].sort().join('');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return toBase64(bytes);
}

/** A filter's entries, for membership tests. */
export function decodeFilter(base64: string): Set<string> {
  const bytes = fromBase64(base64);
  if (bytes.length % FILTER_ENTRY_BYTES !== 0) throw new Error(`a filter is a whole number of ${FILTER_ENTRY_BYTES}-byte entries`);
  const entries = new Set<string>();
  for (let i = 0; i < bytes.length; i += FILTER_ENTRY_BYTES) entries.add(toHex(bytes.subarray(i, i + FILTER_ENTRY_BYTES)));
  return entries;
}
