import 'reflect-metadata'; // type-graphql decorators need the metadata API whatever module loads first
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Imported first by bench/run.ts, before any project module: the root logger reads LOG_LEVEL and
 * the dev IdP / gateway keys live under TESSERA_DATA_DIR, so both must be set before they load.
 * The benchmark's keys, embedded database and subgraph processes all live in this temp directory.
 */
export const BENCH_TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'));
fs.chmodSync(BENCH_TMP, 0o755); // embedded Postgres runs as the `postgres` user when we are root
// However the run ends (--list, a bad argument, an error before the database starts), nothing is left behind.
process.once('exit', () => fs.rmSync(BENCH_TMP, { recursive: true, force: true }));

/**
 * `--keep DIR`: the embedded database and the keys live in DIR and outlive the run, so that a later
 * run with the same `--keep DIR`, scale and seed measures the same data set without generating it
 * again (minutes at `large`). Read here because the keys' directory must be set before any module loads.
 */
function keepArgument(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--keep' || a.startsWith('--keep='));
  if (i < 0) return undefined;
  const value = argv[i]!.includes('=') ? argv[i]!.slice(argv[i]!.indexOf('=') + 1) : argv[i + 1];
  if (!value || value.startsWith('--')) throw new Error('--keep needs a directory');
  return path.resolve(value);
}
export const BENCH_KEEP = keepArgument(process.argv.slice(2));
if (BENCH_KEEP) fs.mkdirSync(BENCH_KEEP, { recursive: true, mode: 0o755 });

process.env.TESSERA_DATA_DIR = path.join(BENCH_KEEP ?? BENCH_TMP, 'data');
// The benchmark's database is its own: the application role's URL is derived from it, never taken from here.
delete process.env.TESSERA_APP_DATABASE_URL;
// One JSON line per request at `info` would drown the table; `LOG_LEVEL=info npm run bench` keeps them.
process.env.LOG_LEVEL ??= 'warn';
// The benchmark's personas sign in through the demo agencies' development issuers (bench/stack.ts).
process.env.TESSERA_DEV_IDP ??= '1';
// As a deployment runs (docker-compose.yml, npm start): graphql-js checks every `instanceof` the slow,
// multi-realm-safe way unless NODE_ENV is production, which alone cost ~10% of a hit/no-hit request.
process.env.NODE_ENV = 'production';
// The gateway refuses queries whose static cost exceeds 50,000 (gateway/limits.ts); n-plus-one's
// 1000 cases with nested lists cost more. Raised for the benchmark's own hub only; it changes the
// threshold, not the work the check does.
process.env.TESSERA_MAX_COST ??= '10000000';
// Hit/no-hit quotas (services/kernel/config.ts) would refuse the throughput measure after its first
// seconds; raised for the benchmark's own hub only: every request is still metered and audited.
for (const quota of ['USER_PER_MINUTE', 'USER_PER_DAY', 'AGENCY_PER_MINUTE', 'AGENCY_PER_DAY']) process.env[`TESSERA_HIT_NO_HIT_${quota}`] ??= '1000000000';
