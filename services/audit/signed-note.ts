import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * The C2SP signed-note format (https://c2sp.org/signed-note) with Ed25519 signatures, and the
 * tlog-checkpoint body (https://c2sp.org/tlog-checkpoint) the audit trail's checkpoints use, so that
 * any signed-note tool (Go's golang.org/x/mod/sumdb/note, sigsum, transparency-dev witnesses) can
 * check a checkpoint with the hub's verifier key.
 *
 * - A note is its text (non-empty, ending in a newline), a blank line, then signature lines
 *   "— <key name> <base64(key id || signature)>" (U+2014 em dash, a space). The signature covers
 *   the text including its final newline.
 * - Key id = the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key);
 *   0x01 is the Ed25519 signature type.
 * - Verifier key (what a witness is given): "<name>+<hex key id>+<base64(0x01 || public key)>".
 */

const ED25519 = 0x01;
const EM_DASH = '\u2014';

/** A key name: non-empty, no whitespace, no '+'. */
export function assertKeyName(name: string): void {
  if (!name || /[\s+]/u.test(name)) throw new Error(`A signed-note key name is non-empty, without spaces or '+': "${name}"`);
}

/** The raw 32 bytes of an Ed25519 public key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('Not an Ed25519 public key');
  return Buffer.from(jwk.x, 'base64url');
}

export function noteKeyId(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0x0a, ED25519]), publicKey]))
    .digest()
    .subarray(0, 4);
}

export function verifierKey(name: string, publicKey: KeyObject): string {
  assertKeyName(name);
  const raw = rawPublicKey(publicKey);
  return `${name}+${noteKeyId(name, raw).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), raw]).toString('base64')}`;
}

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
}

export function parseVerifierKey(vkey: string): NoteVerifier {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  const raw = m ? Buffer.from(m[3]!, 'base64') : Buffer.alloc(0);
  if (!m || raw.length !== 33 || raw[0] !== ED25519) throw new Error('A verifier key reads <name>+<hex key id>+<base64(0x01 || Ed25519 public key)>');
  const key = raw.subarray(1);
  const keyId = noteKeyId(m[1]!, key);
  if (keyId.toString('hex') !== m[2]) throw new Error('The verifier key id does not match its name and public key');
  return { name: m[1]!, keyId, publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.toString('base64url') }, format: 'jwk' }) };
}

/** Signs `text` (non-empty, ending in one newline, no blank line) as a signed note. */
export function signNote(text: string, name: string, privateKey: KeyObject, publicKey: KeyObject): string {
  assertKeyName(name);
  if (!text.endsWith('\n') || text.includes('\n\n') || text.startsWith('\n')) throw new Error('A note text ends in a newline and holds no blank line');
  const signature = sign(null, Buffer.from(text, 'utf8'), privateKey);
  const id = noteKeyId(name, rawPublicKey(publicKey));
  return `${text}\n${EM_DASH} ${name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

/**
 * The text of a note signed by `verifier`, or an error: the note must be well formed and carry a
 * signature line of that key name and key id whose Ed25519 signature verifies (lines of other keys
 * are ignored, as the spec says).
 */
export function openNote(note: string, verifier: NoteVerifier): string {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error('Not a signed note: no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  let found = false;
  for (const line of lines) {
    const m = new RegExp(`^${EM_DASH} (\\S+) ([A-Za-z0-9+/=]+)$`).exec(line);
    if (!m) throw new Error('Not a signed note: malformed signature line');
    const sig = Buffer.from(m[2]!, 'base64');
    if (m[1] !== verifier.name || sig.length < 4 || !sig.subarray(0, 4).equals(verifier.keyId)) continue;
    if (!verify(null, Buffer.from(text, 'utf8'), verifier.publicKey, sig.subarray(4))) throw new Error(`The signature of ${verifier.name} does not verify`);
    found = true;
  }
  if (!found) throw new Error(`The note carries no signature of ${verifier.name} (key id ${verifier.keyId.toString('hex')})`);
  return text;
}

/**
 * A checkpoint of the audit chain, as a tlog-checkpoint body: origin, tree size (the number of
 * events in the chain), the base64 root hash (here the hash of the chain's event number `treeSize`,
 * see docs/audit.md), then two extension lines: that event's seq, and when the hub signed.
 */
export interface Checkpoint {
  origin: string;
  treeSize: number;
  /** Hex, as the chain stores it. */
  rootHash: string;
  headSeq: string;
  signedAt: string;
}

export function checkpointText(c: Checkpoint): string {
  return `${c.origin}\n${c.treeSize}\n${Buffer.from(c.rootHash, 'hex').toString('base64')}\nseq ${c.headSeq}\ntime ${c.signedAt}\n`;
}

export function parseCheckpointText(text: string): Checkpoint {
  const m = /^([^\n]+)\n(0|[1-9]\d{0,15})\n([A-Za-z0-9+/]{43}=)\nseq (\d{1,19})\ntime (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)\n$/.exec(text);
  if (!m) throw new Error('Not an audit checkpoint: expected origin, tree size, base64 root hash, "seq <n>" and "time <ISO 8601>" lines');
  return { origin: m[1]!, treeSize: Number(m[2]), rootHash: Buffer.from(m[3]!, 'base64').toString('hex'), headSeq: m[4]!, signedAt: m[5]! };
}
