import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { loadConfig } from '../kernel/config';
import { hubSecret } from '../kernel/hub-secret';
import { leadingZeroBits } from './proof-of-work';

/**
 * A proof-of-work a person does not notice (hashcash): the client fetches a challenge, finds a
 * nonce such that SHA-256("<challenge>:<nonce>") starts with `bits` zero bits (some 65 000 hashes
 * at 16 bits: a fraction of a second in a browser or phone), and sends both with its report. The
 * challenge is signed by the hub (HMAC, key outside the database), so issuing one stores nothing;
 * it expires, and the intake schema records it as spent when a report uses it, so each is good once.
 */
export const CHALLENGE_TTL_SECONDS = 15 * 60;
const VERSION = 'c1';

export interface Challenge {
  challenge: string;
  bits: number;
  expiresAt: Date;
}

/** The difficulty in leading zero bits: TESSERA_INTAKE_POW_BITS (8-28), else 16. */
export function challengeBits(): number {
  const n = Number(process.env.TESSERA_INTAKE_POW_BITS ?? 16);
  return Number.isInteger(n) && n >= 8 && n <= 28 ? n : 16;
}

function key(): Buffer {
  return hubSecret(loadConfig().dataDir, 'intake-challenge-key', 'TESSERA_INTAKE_CHALLENGE_KEY');
}

const mac = (body: string) => createHmac('sha256', key()).update(body).digest().subarray(0, 16).toString('base64url');

export function issueChallenge(now = Date.now(), bits = challengeBits()): Challenge {
  const issued = Math.floor(now / 1000);
  const body = `${VERSION}.${issued}.${bits}.${randomBytes(12).toString('base64url')}`;
  return { challenge: `${body}.${mac(body)}`, bits, expiresAt: new Date((issued + CHALLENGE_TTL_SECONDS) * 1000) };
}

export function workOf(challenge: string, nonce: string): number {
  return leadingZeroBits(createHash('sha256').update(`${challenge}:${nonce}`).digest());
}

/** What a client does: the first nonce (a decimal counter) that meets the challenge's difficulty. */
export function solveChallenge(challenge: string, bits: number): string {
  for (let i = 0; ; i++) if (workOf(challenge, String(i)) >= bits) return String(i);
}

export type ChallengeVerdict = { ok: true; id: string; expiresAt: Date } | { ok: false; reason: 'MALFORMED' | 'EXPIRED' | 'TOO_EASY' | 'UNSOLVED' };

/**
 * Checks a challenge and its nonce, cheaply (one HMAC, one SHA-256): signed by this hub, not
 * expired, at least today's difficulty, solved. Whether it was spent before is the database's
 * answer (intake.spend_challenge), in the transaction of the report.
 */
export function verifyChallenge(challenge: unknown, nonce: unknown, now = Date.now()): ChallengeVerdict {
  if (typeof challenge !== 'string' || typeof nonce !== 'string' || challenge.length > 200 || !/^[0-9]{1,20}$/.test(nonce))
    return { ok: false, reason: 'MALFORMED' };
  const parts = challenge.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) return { ok: false, reason: 'MALFORMED' };
  const [, issuedText, bitsText, id, signature] = parts as [string, string, string, string, string];
  const expected = Buffer.from(mac(parts.slice(0, 4).join('.')));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'MALFORMED' };
  const issued = Number(issuedText);
  const expiresAt = new Date((issued + CHALLENGE_TTL_SECONDS) * 1000);
  if (!Number.isInteger(issued) || expiresAt.getTime() < now || issued * 1000 > now + 60_000) return { ok: false, reason: 'EXPIRED' };
  const bits = Number(bitsText);
  if (!(bits >= challengeBits())) return { ok: false, reason: 'TOO_EASY' };
  if (workOf(challenge, nonce) < bits) return { ok: false, reason: 'UNSOLVED' };
  return { ok: true, id, expiresAt };
}
