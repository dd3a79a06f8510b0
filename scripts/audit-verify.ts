import { verifyChain } from '../services/audit/chain';
import { withAuditSnapshot } from '../services/audit/database';

/**
 * `npm run audit:verify [-- --anchor <hash>]`: recomputes the audit hash chain over DATABASE_URL
 * (or the embedded database under .tessera). Exits 0 and prints the head when the chain is intact;
 * exits 1 naming the first bad seq otherwise. `--anchor` checks that a head recorded earlier (for
 * instance the last line of an export) is still in the chain, which detects events cut from its end.
 */
async function main() {
  const args = process.argv.slice(2);
  const i = args.indexOf('--anchor');
  const anchor = i >= 0 ? args[i + 1] : undefined;
  if (i >= 0 && !/^[0-9a-f]{64}$/.test(anchor ?? '')) throw new Error('--anchor takes a 64-character hex hash');
  const result = await withAuditSnapshot((sql) => verifyChain(sql, { anchor }));
  if (result.ok) {
    console.log(`audit chain OK: ${result.count} events${result.head ? `, head seq ${result.head.seq} hash ${result.head.hash}` : ''}`);
    return;
  }
  console.error(`audit chain BROKEN at seq ${result.firstBad!.seq}: ${result.firstBad!.reason}`);
  process.exitCode = 1;
}

void main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
});
