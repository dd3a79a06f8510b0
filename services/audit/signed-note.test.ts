import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { checkpointText, noteKeyId, openNote, parseCheckpointText, parseVerifierKey, rawPublicKey, signNote, verifierKey } from './signed-note';

/**
 * The signed-note format against the reference implementation's own example (Go's
 * golang.org/x/mod/sumdb/note: the PeterNeumann key and note). Ed25519 is deterministic, so a
 * note signed here must be that note byte for byte: any signed-note tool then accepts ours.
 */
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const SKEY_SEED = 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz'; // base64(0x01 || seed), from "PRIVATE+KEY+PeterNeumann+c74f20a3+..."
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const NOTE = `${TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

function referenceKeys() {
  const v = parseVerifierKey(VKEY);
  const seed = Buffer.from(SKEY_SEED, 'base64').subarray(1);
  const privateKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: rawPublicKey(v.publicKey).toString('base64url') },
    format: 'jwk',
  });
  return { v, privateKey, publicKey: createPublicKey(privateKey) };
}

describe('signed notes (C2SP signed-note, Ed25519)', () => {
  test('key id, verifier key and signature are those of the reference example, byte for byte', () => {
    const { v, privateKey, publicKey } = referenceKeys();
    expect(noteKeyId('PeterNeumann', rawPublicKey(publicKey)).toString('hex')).toBe('c74f20a3');
    expect(verifierKey('PeterNeumann', publicKey)).toBe(VKEY);
    expect(signNote(TEXT, 'PeterNeumann', privateKey, publicKey)).toBe(NOTE);
    expect(openNote(NOTE, v)).toBe(TEXT);
  });

  test('an altered text, a signature of another key, or no signature of the key is refused', () => {
    const { v } = referenceKeys();
    expect(() => openNote(NOTE.replace('cryptography', 'cryptographY'), v)).toThrow(/does not verify/);
    const other = generateKeyPairSync('ed25519');
    const forged = signNote(TEXT, 'PeterNeumann', other.privateKey, other.publicKey);
    expect(() => openNote(forged, v)).toThrow(/no signature of PeterNeumann/);
    // Same key id, another key's signature bytes: refused, not skipped.
    const spliced = NOTE.replace(/ [A-Za-z0-9+/=]+\n$/, ` ${Buffer.concat([Buffer.from('c74f20a3', 'hex'), Buffer.alloc(64, 7)]).toString('base64')}\n`);
    expect(() => openNote(spliced, v)).toThrow(/does not verify/);
    expect(() => openNote(TEXT, v)).toThrow(/Not a signed note/);
  });

  test('a mangled verifier key is refused', () => {
    expect(() => parseVerifierKey(VKEY.replace('c74f20a3', 'c74f20a4'))).toThrow(/key id does not match/);
    expect(() => parseVerifierKey(VKEY.slice(0, -4))).toThrow();
    expect(() => parseVerifierKey(`Peter Neumann+c74f20a3+${VKEY.split('+')[2]}`)).toThrow();
  });

  test('a checkpoint body is a tlog-checkpoint: origin, tree size, base64 root hash, extension lines; and reads back', () => {
    const c = { origin: 'tessera.hub/audit', treeSize: 42, rootHash: 'ab'.repeat(32), headSeq: '57', signedAt: '2026-12-04T17:00:00.000Z' };
    const text = checkpointText(c);
    expect(text).toBe(`tessera.hub/audit\n42\n${Buffer.alloc(32, 0xab).toString('base64')}\nseq 57\ntime 2026-12-04T17:00:00.000Z\n`);
    expect(parseCheckpointText(text)).toEqual(c);
    expect(() => parseCheckpointText(text.replace('\n42\n', '\n042\n'))).toThrow(/Not an audit checkpoint/);
  });
});
