/**
 * The proof of work the public intake asks for (services/intake/challenge.ts): the first decimal
 * nonce such that SHA-256("<challenge>:<nonce>") starts with `bits` zero bits, found with Web
 * Crypto. Where it runs: proof-of-work.ts.
 */

export function leadingZeroBits(digest: Uint8Array): number {
  let n = 0;
  for (const byte of digest) {
    if (byte === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(byte) - 24;
  }
  return n;
}

const encoder = new TextEncoder();

/** Tries nonces in batches (hashed concurrently); `pause` runs between batches. */
export async function solve(challenge: string, bits: number, pause?: () => Promise<void>, batch = 256): Promise<string> {
  for (let start = 0; ; start += batch) {
    const digests = await Promise.all(Array.from({ length: batch }, (_, i) => crypto.subtle.digest('SHA-256', encoder.encode(`${challenge}:${start + i}`))));
    const found = digests.findIndex((d) => leadingZeroBits(new Uint8Array(d)) >= bits);
    if (found >= 0) return String(start + found);
    if (pause) await pause();
  }
}
