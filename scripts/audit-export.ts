import fs from 'node:fs';
import path from 'node:path';
import { withAuditSnapshot } from '../services/audit/database';
import { exportAudit } from '../services/audit/export';

/**
 * `npm run audit:export -- --from 2026-01-01 --to 2026-04-01 --out audit.jsonl`: the events with
 * `at` in [from, to) (both optional; a date alone is midnight UTC), one JSON line each in chain
 * order, then a last line with the chain's head hash. The chain is verified first; a broken chain
 * exits non-zero and writes nothing.
 */
function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (!v || v.startsWith('--')) throw new Error(`${name} needs a value`);
  return v;
}

function instant(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso) || Number.isNaN(new Date(iso).getTime())) throw new Error(`${name} must be an ISO 8601 date or date-time`);
  return iso;
}

async function main() {
  const args = process.argv.slice(2);
  const out = option(args, '--out');
  if (!out) throw new Error('usage: npm run audit:export -- [--from <date>] [--to <date>] --out <file.jsonl>');
  const from = instant('--from', option(args, '--from'));
  const to = instant('--to', option(args, '--to'));
  const target = path.resolve(out);
  const partial = `${target}.partial`;
  const fd = fs.openSync(partial, 'w', 0o600);
  let summary;
  try {
    summary = await withAuditSnapshot((sql) => exportAudit(sql, { from, to }, (line) => void fs.writeSync(fd, `${line}\n`)));
    fs.fsyncSync(fd);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(partial, target);
  console.log(`exported ${summary.count} events to ${target}; chain head seq ${summary.head?.seq ?? '-'} hash ${summary.head?.hash ?? '-'}`);
}

void main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
