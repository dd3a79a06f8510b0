/**
 * The public intake's proof of work, the part both sides compute: a nonce is good when
 * SHA-256("<challenge>:<nonce>") starts with the challenge's number of zero bits. Pure (no Node
 * module), so the console's solver (console/src/pow.ts) counts exactly as the hub checks.
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
