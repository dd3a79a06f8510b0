import fs from 'node:fs';
import { verifyChain } from '../services/audit/chain';
import { checkpointVerifier, CheckpointStore, openCheckpoint, type SignedCheckpoint } from '../services/audit/checkpoints';
import { withAuditSnapshot } from '../services/audit/database';
import { loadConfig } from '../services/kernel/config';

/**
 * `npm run audit:verify [-- --checkpoint <file>]... [--key <verifier key>] [--anchor <hash>]`:
 * recomputes the audit hash chain over DATABASE_URL (or the embedded database under .tessera) and
 * checks it against the latest signed checkpoint in the checkpoint store (TESSERA_AUDIT_CHECKPOINT_DIR)
 * and against every checkpoint file given (a witness's own copies). Checkpoints are verified with
 * `--key` (a witness passes the verifier key it was given), else TESSERA_AUDIT_CHECKPOINT_VKEY,
 * else the hub's own key. Exits 0 and prints the head when the chain is intact and holds what every
 * checkpoint signed; exits 1 naming the first bad seq, or the checkpoint that does not verify.
 * `--anchor` checks that a head hash recorded earlier is still in the chain.
 */
function values(args: string[], flag: string): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    if (a !== flag) return;
    const v = args[i + 1];
    if (!v || v.startsWith('--')) throw new Error(`${flag} takes a value`);
    out.push(v);
  });
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const [anchor] = values(args, '--anchor');
  if (anchor !== undefined && !/^[0-9a-f]{64}$/.test(anchor)) throw new Error('--anchor takes a 64-character hex hash');
  const [key] = values(args, '--key');
  const config = loadConfig();
  const files = [...new CheckpointStore(config.auditCheckpoints.dir).files(1), ...values(args, '--checkpoint')];
  const verifier = checkpointVerifier(config, key);
  if (files.length > 0 && !verifier) throw new Error('Checkpoints need a key to verify them: pass --key <verifier key> or set TESSERA_AUDIT_CHECKPOINT_VKEY');
  const checkpoints: SignedCheckpoint[] = [];
  for (const file of files) {
    try {
      checkpoints.push(openCheckpoint(fs.readFileSync(file, 'utf8'), verifier!));
    } catch (err) {
      console.error(`audit checkpoint ${file} does not verify: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
      return;
    }
  }
  const result = await withAuditSnapshot((sql) => verifyChain(sql, { anchor, checkpoints }));
  if (result.ok) {
    const head = result.head ? `, head seq ${result.head.seq} hash ${result.head.hash}` : '';
    console.log(`audit chain OK: ${result.count} events${head}`);
    for (const c of checkpoints) console.log(`matches the checkpoint signed by ${c.origin} at ${c.signedAt}: ${c.treeSize} events, seq ${c.headSeq}`);
    if (checkpoints.length === 0)
      console.error('warning: no signed checkpoint to check against: events removed from the end, or a recomputed chain, go unnoticed');
    return;
  }
  console.error(`audit chain BROKEN at seq ${result.firstBad!.seq}: ${result.firstBad!.reason}`);
  process.exitCode = 1;
}

void main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
});
