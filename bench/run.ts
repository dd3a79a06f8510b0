import './env';
import path from 'node:path'; // first: sets LOG_LEVEL and TESSERA_DATA_DIR before any project module loads
import { SCALES, type ScaleName } from './generate';
import { auditConcurrency } from './measures/audit-concurrency';
import type { Budget, Measure } from './measures/common';
import { gatewayOverhead } from './measures/gateway-overhead';
import { hitNoHit } from './measures/hit-no-hit';
import { advertsMeasure } from './measures/adverts';
import { ingest } from './measures/ingest';
import { linkAnalysis } from './measures/link-analysis';
import { linkChart } from './measures/link-chart';
import { nPlusOne } from './measures/n-plus-one';
import { policyCost } from './measures/policy-cost';
import { privateScreening } from './measures/private-screening';
import { reportSingle } from './measures/report-single';
import { requestCost } from './measures/request-cost';
import { runModes } from './measures/run-modes';
import { screening } from './measures/screening';
import { soak } from './measures/soak';
import { type Failure, formatMarkdown, formatTable, load, machine, type Result } from './report';
import { type Stack, startStack } from './stack';

/**
 * `npm run bench [-- --scale small|medium|large] [--only id,id] [--seconds N] [--screening N] [--adverts N] [--seed S] [--keep DIR] [--markdown]`
 * `npm run bench -- --soak 10m [--rate 40]`: the soak run alone (bench/measures/soak.ts).
 *
 * Starts its own database (embedded, or a fresh database on DATABASE_URL's server) and hub, builds
 * the data set, runs every measure of ../shared/design/benchmarks.md side by side with its
 * baseline, and prints one line per measure: id, value, baseline, ratio, target. Exits 0 when
 * targets are missed (it reports, it does not gate); non-zero only when something fails.
 */

/** In the order they run: reads before the writes of ingest. */
const measuresWith = (adverts: number | undefined): Measure[] => [
  requestCost,
  policyCost,
  nPlusOne,
  gatewayOverhead,
  auditConcurrency,
  runModes,
  linkAnalysis,
  linkChart,
  hitNoHit,
  screening,
  privateScreening,
  ingest,
  reportSingle,
  advertsMeasure(adverts),
];
const MEASURES = measuresWith(undefined);

const BUDGETS: Record<ScaleName, Budget> = {
  small: { warmupMs: 1500, roundMs: 2500, rounds: 2, concurrency: 32, samples: 60, reports: 1000, screening: 100_000 },
  medium: { warmupMs: 3000, roundMs: 5000, rounds: 3, concurrency: 32, samples: 150, reports: 5000, screening: 1_000_000 },
  large: { warmupMs: 3000, roundMs: 5000, rounds: 3, concurrency: 32, samples: 200, reports: 10000, screening: 1_000_000 },
};

interface Args {
  scale: ScaleName;
  /** `--soak 10m`: the soak run alone, this long (ms). */
  soak?: number;
  /** Requests per second of the soak's load generator. */
  rate: number;
  seed: string;
  only?: string[];
  seconds?: number;
  /** Identifiers in the screening job, instead of the scale's. */
  screening?: number;
  /** Adverts each side of the adverts measure writes (`--adverts 1000000`), instead of the scale's. */
  adverts?: number;
  markdown: boolean;
  list: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { scale: 'small', seed: 'tessera-bench-1', markdown: false, list: false, rate: 40 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a.startsWith('--scale')) {
      const s = value();
      if (!(s in SCALES)) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
      args.scale = s as ScaleName;
    } else if (a.startsWith('--seed')) args.seed = value();
    else if (a.startsWith('--only')) args.only = value().split(',');
    else if (a.startsWith('--keep'))
      value(); // read by bench/env.ts (BENCH_KEEP) before anything loads
    else if (a.startsWith('--seconds')) {
      args.seconds = Number(value());
      if (!(args.seconds > 0)) throw new Error('--seconds must be a positive number');
    } else if (a.startsWith('--screening')) {
      args.screening = Number(value());
      if (!Number.isInteger(args.screening) || args.screening < 1) throw new Error('--screening must be a positive whole number of identifiers');
    } else if (a.startsWith('--adverts')) {
      args.adverts = Number(value());
      if (!Number.isInteger(args.adverts) || args.adverts < 1) throw new Error('--adverts must be a positive whole number of adverts');
    } else if (a.startsWith('--soak')) {
      const m = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(value());
      if (!m) throw new Error('--soak takes a duration such as 90s, 10m or 1h');
      args.soak = Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
    } else if (a.startsWith('--rate')) {
      args.rate = Number(value());
      if (!(args.rate > 0)) throw new Error('--rate must be a positive number of requests per second');
    } else if (a === '--markdown') args.markdown = true;
    else if (a === '--list') args.list = true;
    else throw new Error(`Unknown argument ${a} (use --scale, --only, --seconds, --screening, --adverts, --soak, --rate, --seed, --keep, --markdown, --list)`);
  }
  const unknown = args.only?.filter((id) => !MEASURES.some((m) => m.id === id));
  if (unknown?.length) throw new Error(`Unknown measure ${unknown.join(', ')} (known: ${MEASURES.map((m) => m.id).join(', ')})`);
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const m of MEASURES) console.log(`${m.id.padEnd(18)} ${m.describe}`);
    return 0;
  }
  const budget = { ...BUDGETS[args.scale] };
  if (args.seconds) budget.roundMs = (args.seconds * 1000) / budget.rounds;
  if (args.screening) budget.screening = args.screening;
  const log = (line: string) => console.log(line);
  const started = Date.now();
  log(`Tessera benchmark, ${new Date().toISOString()}`);
  log(`Machine: ${machine()}; ${load()} at start`);
  log(
    `Settings: NODE_ENV=${process.env.NODE_ENV} (as npm start), unlike npm start TESSERA_MAX_COST=${process.env.TESSERA_MAX_COST}, LOG_LEVEL=${process.env.LOG_LEVEL}`,
  );
  log(
    `Scale: ${args.scale} (${Object.entries(SCALES[args.scale])
      .map(([k, v]) => `${k} ${v.toLocaleString('en-GB')}`)
      .join(', ')}), seed "${args.seed}"`,
  );

  let stack: Stack | undefined;
  const interrupt = () => {
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const results: Result[] = [];
  const failures: Failure[] = [];
  try {
    stack = await startStack({ scale: args.scale, seed: args.seed, log });
    const g = stack.generated;
    log(
      `Generated in ${g.seconds.toFixed(1)} s: ${Object.entries(g.rows)
        .map(([t, n]) => `${t} ${n.toLocaleString('en-GB')}`)
        .join(', ')}`,
    );
    // A soak run is a mode of its own: the soak alone, its charts into docs/benchmarks/.
    const measures = args.soak
      ? [soak({ durationMs: args.soak, ratePerSecond: args.rate, chartsDir: path.join(__dirname, '..', 'docs', 'benchmarks') })]
      : measuresWith(args.adverts);
    for (const m of measures) {
      if (args.only && !args.only.includes(m.id)) continue;
      const t = Date.now();
      log(`\n[${m.id}] ${m.describe}`);
      try {
        const rs = await m.run({ stack, budget, seed: args.seed, log });
        results.push(...rs);
        log(formatTable(rs, [], true).split('\n').slice(1).join('\n'));
      } catch (err) {
        failures.push({ id: m.id, error: (err as Error).message });
        log(`  ERROR: ${(err as Error).stack ?? String(err)}`);
      }
      log(`  (${((Date.now() - t) / 1000).toFixed(1)} s, ${load()})`);
    }
  } finally {
    await stack?.stop();
  }
  log(
    `\nResults (${args.scale}, ${machine()}, ${((Date.now() - started) / 1000).toFixed(0)} s in all, ${load()} at the end; LOG_LEVEL=${process.env.LOG_LEVEL}):\n`,
  );
  log(formatTable(results, failures, false));
  if (args.markdown) log(`\n${formatMarkdown(results, failures)}`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
