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

process.env.TESSERA_DATA_DIR = path.join(BENCH_TMP, 'data');
// One JSON line per request at `info` would drown the table; `LOG_LEVEL=info npm run bench` keeps them.
process.env.LOG_LEVEL ??= 'warn';
