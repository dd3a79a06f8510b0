/**
 * The proof of work the public intake asks for (services/intake/challenge.ts): the first decimal
 * nonce such that SHA-256("<challenge>:<nonce>") starts with `bits` zero bits, found with Web
 * Crypto, counting zero bits as the hub does (services/intake/proof-of-work.ts). Where it runs:
 * proof-of-work.ts.
 */
import { leadingZeroBits } from '../../services/intake/proof-of-work';

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
