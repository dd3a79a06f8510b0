import { canonicalJson } from '../kernel/audit';
import type { Sql } from '../kernel/db';
import { canonicalOf, readEvents, verifyChain } from './chain';

export const HASH_RULE =
  'hash = hex(sha256(prevHash + canonical)), canonical = JSON of the event line without seq, prevHash and hash, keys sorted at every depth, no whitespace; the first event has prevHash = 64 zeros';

export interface ExportSummary {
  count: number;
  head: { seq: string; hash: string } | null;
}

/**
 * The regulator's export: one JSON line per event with `at` in [from, to) in chain order, then one
 * line with the chain's head (seq and hash of its last event) to anchor it. The whole chain is
 * verified first; a broken chain is not exported (the error names the first bad seq).
 */
export async function exportAudit(sql: Sql, opts: { from?: string; to?: string }, writeLine: (line: string) => void | Promise<void>): Promise<ExportSummary> {
  const verification = await verifyChain(sql);
  if (!verification.ok) {
    throw new Error(`The audit chain does not verify at seq ${verification.firstBad!.seq}: ${verification.firstBad!.reason}. Nothing exported.`);
  }
  let count = 0;
  for await (const e of readEvents(sql, opts)) {
    count++;
    await writeLine(`{"seq":${JSON.stringify(e.seq)},${canonicalJson(canonicalOf(e)).slice(1, -1)},"prevHash":"${e.prevHash}","hash":"${e.hash}"}`);
  }
  await writeLine(
    JSON.stringify({
      head: verification.head,
      chainLength: verification.count,
      chainVerified: true,
      exported: count,
      from: opts.from ?? null,
      to: opts.to ?? null,
      exportedAt: new Date().toISOString(),
      hashRule: HASH_RULE,
    }),
  );
  return { count, head: verification.head };
}
