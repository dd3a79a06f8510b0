import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../kernel/config';
import type { Sql } from '../kernel/db';
import { type Logger, rootLogger } from '../kernel/logger';
import { type Checkpoint, checkpointText, type NoteVerifier, openNote, parseCheckpointText, parseVerifierKey, signNote, verifierKey } from './signed-note';
import { fileMadeOnce } from '../kernel/hub-secret';
import { newKeyPairJwks } from '../kernel/key-pairs';

/**
 * Signed checkpoints of the audit chain (docs/audit.md): the hub signs, with an Ed25519 key that is
 * not in the database, how many events the chain holds and the hash of the newest, and writes the
 * signed note to a file store outside the database. Whoever keeps copies (an agency, a regulator)
 * can later prove that the chain they are shown still holds what the hub signed: a superuser who
 * edits, removes or truncates events, or recomputes every hash after an edit, cannot make a chain
 * that matches an earlier checkpoint without the key.
 */

/** The key pair and the name checkpoints are signed under (the origin line). */
export interface CheckpointSigner {
  name: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The verifier key a witness is given: "<name>+<hex key id>+<base64(0x01 || public key)>". */
  vkey: string;
}

export const CHECKPOINT_KEY_ENV = 'TESSERA_AUDIT_CHECKPOINT_PRIVATE_JWK';
export const VERIFIER_KEY_ENV = 'TESSERA_AUDIT_CHECKPOINT_VKEY';

const keyFile = (dataDir: string) => path.join(dataDir, 'keys', 'audit-checkpoint.jwk.json');

function signerOf(name: string, privateKey: KeyObject): CheckpointSigner {
  const publicKey = createPublicKey(privateKey);
  return { name, privateKey, publicKey, vkey: verifierKey(name, publicKey) };
}

/**
 * The signing key: the private JWK in TESSERA_AUDIT_CHECKPOINT_PRIVATE_JWK when set (production:
 * from a secret store the database operators cannot read), else a key file made once under the
 * data directory (local runs), like the gateway's key.
 */
export function loadCheckpointSigner(config: Pick<Config, 'dataDir' | 'auditCheckpoints'>): CheckpointSigner {
  const env = process.env[CHECKPOINT_KEY_ENV];
  if (env) return signerOf(config.auditCheckpoints.origin, createPrivateKey({ key: JSON.parse(env) as never, format: 'jwk' }));
  const file = keyFile(config.dataDir);
  const jwk = fileMadeOnce(file, () => JSON.stringify(newKeyPairJwks('ed25519').privateJwk));
  return signerOf(config.auditCheckpoints.origin, createPrivateKey({ key: JSON.parse(jwk) as never, format: 'jwk' }));
}

/**
 * The key to verify checkpoints with: `vkey` when given (a witness passes its own copy), else
 * TESSERA_AUDIT_CHECKPOINT_VKEY, else the public half of the hub's own key (file or environment).
 * Undefined when there is none of these (no checkpoint was ever signed here).
 */
export function checkpointVerifier(config: Pick<Config, 'dataDir' | 'auditCheckpoints'>, vkey?: string): NoteVerifier | undefined {
  const given = vkey ?? process.env[VERIFIER_KEY_ENV];
  if (given) return parseVerifierKey(given);
  if (!process.env[CHECKPOINT_KEY_ENV] && !fs.existsSync(keyFile(config.dataDir))) return undefined;
  return parseVerifierKey(loadCheckpointSigner(config).vkey);
}

/** A checkpoint as stored: the signed note and what it says. */
export interface SignedCheckpoint extends Checkpoint {
  note: string;
}

/** Opens a signed checkpoint note: the signature must verify under `verifier`, the body must be a checkpoint. */
export function openCheckpoint(note: string, verifier: NoteVerifier): SignedCheckpoint {
  return { ...parseCheckpointText(openNote(note, verifier)), note };
}

/**
 * The file store: one file per checkpoint, named so that names sort by tree size then time
 * (`<tree size, 16 digits>-<time>.checkpoint`). Files are written whole (temporary name, then
 * rename), never changed.
 */
export class CheckpointStore {
  constructor(readonly dir: string) {}

  write(c: SignedCheckpoint): string {
    fs.mkdirSync(this.dir, { recursive: true });
    const name = `${String(c.treeSize).padStart(16, '0')}-${c.signedAt.replace(/[-:.]/g, '')}.checkpoint`;
    const file = path.join(this.dir, name);
    fs.writeFileSync(`${file}.tmp`, c.note, { mode: 0o644 });
    fs.renameSync(`${file}.tmp`, file);
    return file;
  }

  /** The newest `last` checkpoint files, newest first (greatest tree size, then latest time). */
  files(last: number): string[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .filter((f) => /^\d{16}-\d{8}T\d{9}Z\.checkpoint$/.test(f))
      .sort()
      .slice(-last)
      .reverse()
      .map((f) => path.join(this.dir, f));
  }

  /** The newest `last` checkpoints whose signature verifies under `verifier`, newest first (other files are skipped). */
  read(verifier: NoteVerifier, last: number): SignedCheckpoint[] {
    const out: SignedCheckpoint[] = [];
    for (const file of this.files(Infinity)) {
      if (out.length >= last) break;
      try {
        out.push(openCheckpoint(fs.readFileSync(file, 'utf8'), verifier));
      } catch {
        /* not signed by this hub's key: never served as one of its checkpoints */
      }
    }
    return out;
  }
}

interface ChainExtent {
  events: string;
  head_seq: string | null;
  head_hash: string | null;
  after_hash: string | null;
}

export interface CheckpointerOptions {
  db: Sql;
  signer: CheckpointSigner;
  store: CheckpointStore;
  everyEvents: number;
  everySeconds: number;
  /** How often the chain's extent is read (one cheap statement); default 1 s. */
  pollMs?: number;
  log?: Logger;
  now?: () => Date;
}

/**
 * Signs checkpoints off the request path: a timer reads the chain's extent (audit.chain_extent, one
 * statement over the events appended since the last checkpoint) and signs when `everyEvents` were
 * appended, or `everySeconds` passed since the last checkpoint and any event was; `stop()` signs
 * a last one. Before each signature it checks that the head it signed last is still in the chain
 * with the same hash: a chain rewritten underneath it is never signed (it logs and stops signing).
 */
export class Checkpointer {
  private last: SignedCheckpoint | undefined;
  private lastSignedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private refused: string | undefined;
  private readonly log: Logger;
  private readonly now: () => Date;

  constructor(private readonly opts: CheckpointerOptions) {
    this.log = opts.log ?? rootLogger.child({ service: 'audit-checkpoints' });
    this.now = opts.now ?? (() => new Date());
    this.last = opts.store.read(parseVerifierKey(opts.signer.vkey), 1)[0];
    this.lastSignedAt = this.last ? Date.parse(this.last.signedAt) : 0;
  }

  /** The last checkpoint signed (or found in the store at start). */
  get latest(): SignedCheckpoint | undefined {
    return this.last;
  }

  start(): this {
    const poll = Math.min(this.opts.pollMs ?? 1000, this.opts.everySeconds * 1000);
    this.timer = setInterval(() => void this.tick(false), poll);
    this.timer.unref();
    return this;
  }

  /** Stops the timer and signs the chain's head if it moved since the last checkpoint. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.tick(true);
  }

  /** Signs now if any event was appended since the last checkpoint (`force`), or when one of the thresholds is reached. */
  tick(force: boolean): Promise<SignedCheckpoint | undefined> {
    // One at a time: a slow statement never lets two ticks sign the same extent.
    const next = this.running.then(() => this.maybeSign(force));
    this.running = next.catch((err: unknown) => this.log.error({ err }, 'audit checkpoint failed'));
    return next;
  }

  private async maybeSign(force: boolean): Promise<SignedCheckpoint | undefined> {
    if (this.refused) return undefined;
    const last = this.last;
    const [extent] = await this.opts.db.query<ChainExtent>(
      'SELECT events::text AS events, head_seq, head_hash, after_hash FROM audit.chain_extent($1::bigint)',
      [last?.headSeq ?? '0'],
    );
    const added = Number(extent!.events);
    if (last && extent!.after_hash !== last.rootHash) {
      this.refused = `the event at seq ${last.headSeq} signed in the checkpoint of ${last.signedAt} ${extent!.after_hash ? 'has another hash now' : 'is gone'}: the chain was rewritten below a signed head`;
      this.log.error(
        { checkpoint: last.treeSize, seq: last.headSeq },
        `audit chain no longer matches its last signed checkpoint; no checkpoint is signed until this is resolved: ${this.refused}`,
      );
      return undefined;
    }
    if (added === 0 || !extent!.head_seq || !extent!.head_hash) return undefined;
    const now = this.now();
    const due = force || added >= this.opts.everyEvents || now.getTime() - this.lastSignedAt >= this.opts.everySeconds * 1000;
    if (!due) return undefined;
    const checkpoint: Checkpoint = {
      origin: this.opts.signer.name,
      treeSize: (last?.treeSize ?? 0) + added,
      rootHash: extent!.head_hash,
      headSeq: extent!.head_seq,
      signedAt: now.toISOString(),
    };
    const signed: SignedCheckpoint = {
      ...checkpoint,
      note: signNote(checkpointText(checkpoint), this.opts.signer.name, this.opts.signer.privateKey, this.opts.signer.publicKey),
    };
    this.opts.store.write(signed);
    this.last = signed;
    this.lastSignedAt = now.getTime();
    return signed;
  }
}

/** The checkpointer `npm start` (or the audit subgraph's own process) runs, from the configuration. */
export function startCheckpointer(db: Sql, config: Pick<Config, 'dataDir' | 'auditCheckpoints'>): Checkpointer {
  const c = config.auditCheckpoints;
  return new Checkpointer({
    db,
    signer: loadCheckpointSigner(config),
    store: new CheckpointStore(c.dir),
    everyEvents: c.everyEvents,
    everySeconds: c.everySeconds,
  }).start();
}

let served: { key: string; signer: CheckpointSigner; store: CheckpointStore } | undefined;

/** The checkpoints the API serves: the store and key of this process's configuration (read once per configuration). */
export function servedCheckpoints(config: Pick<Config, 'dataDir' | 'auditCheckpoints'>): { signer: CheckpointSigner; store: CheckpointStore } {
  const key = JSON.stringify([config.dataDir, config.auditCheckpoints, process.env[CHECKPOINT_KEY_ENV] ?? '']);
  if (served?.key !== key) served = { key, signer: loadCheckpointSigner(config), store: new CheckpointStore(config.auditCheckpoints.dir) };
  return served;
}
