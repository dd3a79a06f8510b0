import { createHash } from 'node:crypto';
import { type CryptoProvider, Oprf } from '@cloudflare/voprf-ts';

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
 */
// The noble provider is exported only under a package subpath that TypeScript's node10 resolution cannot see.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const CRYPTO: CryptoProvider = (require('@cloudflare/voprf-ts/crypto-noble') as { CryptoNoble: CryptoProvider }).CryptoNoble;
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
export function keyIdOf(publicKey: Uint8Array): string {
  return createHash('sha256').update(publicKey).digest('hex').slice(0, 16);
}

/** The entry of a filter an output gives (hex). */
export function filterEntry(output: Uint8Array): string {
  return Buffer.from(output.subarray(0, FILTER_ENTRY_BYTES)).toString('hex');
}

/** The size class a filter of n entries is padded to: the next power of two, at least MIN_FILTER_ENTRIES. */
export function paddedSize(n: number): number {
  let size = MIN_FILTER_ENTRIES;
  while (size < n) size *= 2;
  return size;
}

/** Entries (hex), sorted, as the filter's base64. */
export function encodeFilter(entries: readonly string[]): string {
  return Buffer.from([...entries].sort().join(''), 'hex').toString('base64');
}

/** A filter's entries, for membership tests. */
export function decodeFilter(base64: string): Set<string> {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length % FILTER_ENTRY_BYTES !== 0) throw new Error(`a filter is a whole number of ${FILTER_ENTRY_BYTES}-byte entries`);
  const entries = new Set<string>();
  for (let i = 0; i < bytes.length; i += FILTER_ENTRY_BYTES) entries.add(bytes.subarray(i, i + FILTER_ENTRY_BYTES).toString('hex'));
  return entries;
}
