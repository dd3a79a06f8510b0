/**
 * Checks a signed checkpoint of the audit chain in the browser with Web Crypto, by the rules a
 * witness uses (docs/audit.md, services/audit/signed-note.ts): the C2SP signed-note format with an
 * Ed25519 signature, and the tlog-checkpoint body whose fields the API also answers one by one.
 *
 * What this proves: the note was signed by the key given, and the fields the page shows (tree size,
 * head seq and hash, time) are the ones signed. What it cannot prove: that the key is the hub's (the
 * published key comes from the same API: a key kept by the agency, received through another channel,
 * is what makes it a proof), nor that the chain still holds the signed events (that needs every
 * event: `npm run audit:verify`, run by the hub or a regulator with the agencies' copies).
 */

export interface CheckpointFields {
  note: string;
  origin: string;
  treeSize: string;
  headSeq: string;
  headHash: string;
  signedAt: string;
}

export interface PublishedKey {
  name: string;
  keyId: string;
  publicKey: string;
  verifierKey: string;
}

/** Why a check failed: a text key under `audit.verify.` and its values. */
export class CheckFailed extends Error {
  constructor(
    readonly reason: string,
    readonly values: Record<string, string> = {},
  ) {
    super(reason);
  }
}

const ED25519 = 0x01;
const EM_DASH = '\u2014';

type Bytes = Uint8Array<ArrayBuffer>;

function fromBase64(b64: string): Bytes {
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

const hex = (bytes: Bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const equal = (a: Bytes, b: Bytes) => a.length === b.length && a.every((x, i) => x === b[i]);

export interface Verifier {
  name: string;
  keyId: Bytes;
  publicKey: Bytes;
}

/** The signed-note key id: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key). */
async function keyIdOf(name: string, publicKey: Bytes): Promise<Bytes> {
  const name8 = new TextEncoder().encode(name);
  const input = new Uint8Array([...name8, 0x0a, ED25519, ...publicKey]);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input)).slice(0, 4);
}

/** Reads "<name>+<hex key id>+<base64(0x01 || public key)>" and checks that its key id is its name's and key's. */
export async function parseVerifierKey(vkey: string): Promise<Verifier> {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  let raw: Bytes = new Uint8Array();
  try {
    raw = m ? fromBase64(m[3]!) : raw;
  } catch {
    raw = new Uint8Array();
  }
  if (!m || raw.length !== 33 || raw[0] !== ED25519) throw new CheckFailed('badKey');
  const publicKey = raw.slice(1);
  const keyId = await keyIdOf(m[1]!, publicKey);
  if (hex(keyId) !== m[2]) throw new CheckFailed('keyIdMismatch');
  return { name: m[1]!, keyId, publicKey };
}

/** The published key's parts must be the verifier key's: the API cannot answer two keys at once. */
export async function publishedVerifier(key: PublishedKey): Promise<Verifier> {
  const v = await parseVerifierKey(key.verifierKey);
  if (v.name !== key.name || hex(v.keyId) !== key.keyId || !equal(v.publicKey, fromBase64(key.publicKey))) throw new CheckFailed('keyPartsDiffer');
  return v;
}

/** Whether this browser's Web Crypto verifies Ed25519 (Chromium 137+, Firefox 129+, Safari 17+). */
export async function ed25519Supported(): Promise<boolean> {
  try {
    // RFC 8032's first test key: a valid point, which any implementation imports.
    const key = Uint8Array.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'.match(/../g)!, (h) => parseInt(h, 16));
    await crypto.subtle.importKey('raw', key, { name: 'Ed25519' }, false, ['verify']);
    return true;
  } catch {
    return false;
  }
}

/** The text of a note signed by `verifier` (signature lines of other keys are ignored), or CheckFailed. */
export async function openNote(note: string, verifier: Verifier): Promise<string> {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new CheckFailed('notANote');
  const text = note.slice(0, split + 1);
  const key = await crypto.subtle.importKey('raw', verifier.publicKey, { name: 'Ed25519' }, false, ['verify']);
  let found = false;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const m = new RegExp(`^${EM_DASH} (\\S+) ([A-Za-z0-9+/=]+)$`).exec(line);
    if (!m) throw new CheckFailed('notANote');
    const sig = fromBase64(m[2]!);
    if (m[1] !== verifier.name || sig.length < 4 || !equal(sig.slice(0, 4), verifier.keyId)) continue;
    if (!(await crypto.subtle.verify({ name: 'Ed25519' }, key, sig.slice(4), new TextEncoder().encode(text)))) {
      throw new CheckFailed('badSignature', { name: verifier.name });
    }
    found = true;
  }
  if (!found) throw new CheckFailed('noSignature', { name: verifier.name, keyId: hex(verifier.keyId) });
  return text;
}

/** Verifies the note and that the fields answered beside it are the ones it signs. */
export async function verifyCheckpoint(c: CheckpointFields, verifier: Verifier): Promise<void> {
  const text = await openNote(c.note, verifier);
  const m = /^([^\n]+)\n(0|[1-9]\d{0,15})\n([A-Za-z0-9+/]{43}=)\nseq (\d{1,19})\ntime ([^\n]+)\n$/.exec(text);
  if (!m) throw new CheckFailed('notACheckpoint');
  const signed = { origin: m[1]!, treeSize: m[2]!, headHash: hex(fromBase64(m[3]!)), headSeq: m[4]!, signedAt: m[5]! };
  for (const field of ['origin', 'treeSize', 'headHash', 'headSeq', 'signedAt'] as const) {
    if (signed[field] !== c[field]) throw new CheckFailed('fieldDiffers', { field });
  }
}

/**
 * The newest checkpoints, newest first, each verified, with tree sizes that never shrink: a chain
 * cut at its end, then signed again, shows as a smaller tree size after a larger one.
 */
export async function verifyHistory(checkpoints: CheckpointFields[], verifier: Verifier): Promise<void> {
  for (const c of checkpoints) await verifyCheckpoint(c, verifier);
  for (let i = 1; i < checkpoints.length; i++) {
    const newer = checkpoints[i - 1]!;
    const older = checkpoints[i]!;
    if (BigInt(newer.treeSize) < BigInt(older.treeSize)) throw new CheckFailed('shrank', { newer: newer.treeSize, older: older.treeSize });
  }
}
