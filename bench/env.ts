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

process.env.TESSERA_DATA_DIR = path.join(BENCH_TMP, 'data');
// The benchmark's database is its own: the application role's URL is derived from it, never taken from here.
delete process.env.TESSERA_APP_DATABASE_URL;
// One JSON line per request at `info` would drown the table; `LOG_LEVEL=info npm run bench` keeps them.
process.env.LOG_LEVEL ??= 'warn';
// As a deployment runs (docker-compose.yml, npm start): graphql-js checks every `instanceof` the slow,
// multi-realm-safe way unless NODE_ENV is production, which alone cost ~10% of a hit/no-hit request.
process.env.NODE_ENV = 'production';
// The gateway refuses queries whose static cost exceeds 50,000 (gateway/limits.ts); n-plus-one's
// 1000 cases with nested lists cost more. Raised for the benchmark's own hub only; it changes the
// threshold, not the work the check does.
process.env.TESSERA_MAX_COST ??= '10000000';
