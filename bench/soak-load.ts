import { performance } from 'node:perf_hooks';
import { postGraphQL } from './graphql';
import { percentile } from './load';

/**
 * The soak's load generator, a process of its own (forked by bench/measures/soak.ts) so that its
 * work does not count as the hub's memory or CPU. Open loop: requests start at a fixed rate whether
 * or not earlier ones have answered, as people do; a hub that slows down sees requests pile up
 * instead of the generator politely waiting. Every `windowMs` it reports what answered in that
 * window; at the end, the ids of every acknowledged submission, which the parent looks for in the
 * database.
 */

export interface SoakRequest {
  /** A name for the report (e.g. "police case read"). */
  kind: string;
  /** How often it is chosen, relative to the others. */
  weight: number;
  authorization: string;
  query: string;
  /** Variables of the i-th request of this kind. */
  variables: Array<Record<string, unknown>>;
  purpose?: string;
  allowedCodes?: string[];
  /** For a submission: the path of the acknowledged id in `data` (e.g. "submitTransactionReport.id"). */
  acknowledgedId?: string;
}

export interface SoakPlan {
  url: string;
  ratePerSecond: number;
  durationMs: number;
  windowMs: number;
  /** At most this many requests wait for an answer; one more is counted as an error (the hub is not keeping up). */
  maxInFlight: number;
  requests: SoakRequest[];
}

export interface SoakWindow {
  type: 'window';
  /** Seconds since the start, at the end of the window. */
  at: number;
  answered: number;
  errors: number;
  p50: number;
  p99: number;
  inFlight: number;
}

export interface SoakDone {
  type: 'done';
  sent: number;
  answered: number;
  errors: number;
  /** The first few error messages, for the report. */
  errorSamples: string[];
  acknowledged: string[];
  /** Latency over the whole run, by kind of request. */
  byKind: Array<{ kind: string; answered: number; p50: number; p99: number; max: number }>;
}

function pick(requests: SoakRequest[], r: number): SoakRequest {
  const total = requests.reduce((n, q) => n + q.weight, 0);
  let x = r * total;
  for (const q of requests) {
    x -= q.weight;
    if (x < 0) return q;
  }
  return requests[requests.length - 1]!;
}

function at(data: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), data);
}

export async function runSoak(plan: SoakPlan, report: (m: SoakWindow | SoakDone) => void): Promise<void> {
  const counters = new Map<string, number>();
  const latencies = new Map<string, number[]>(plan.requests.map((q) => [q.kind, []]));
  let window: number[] = [];
  let windowErrors = 0;
  let inFlight = 0;
  let sent = 0;
  let answered = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  const acknowledged: string[] = [];
  const pending = new Set<Promise<void>>();
  const fail = (message: string) => {
    errors++;
    windowErrors++;
    if (errorSamples.length < 10) errorSamples.push(message);
  };

  // A deterministic mix: the same sequence of kinds in every run at the same rate.
  let seed = 0x9e3779b9;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const fire = (req: SoakRequest) => {
    const n = counters.get(req.kind) ?? 0;
    counters.set(req.kind, n + 1);
    const variables = req.variables[n % req.variables.length];
    sent++;
    if (inFlight >= plan.maxInFlight) return fail(`${req.kind}: more than ${plan.maxInFlight} requests waiting`);
    inFlight++;
    const t0 = performance.now();
    const p = postGraphQL(plan.url, req.authorization, req.query, variables, req.allowedCodes ?? [], req.purpose)
      .then(({ data }) => {
        answered++;
        const ms = performance.now() - t0;
        window.push(ms);
        latencies.get(req.kind)!.push(ms);
        if (req.acknowledgedId) {
          const id = at(data, req.acknowledgedId);
          if (typeof id === 'string') acknowledged.push(id);
          else fail(`${req.kind}: acknowledged without an id`);
        }
      })
      .catch((err: unknown) => fail(`${req.kind}: ${(err as Error).message}`))
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  };

  const started = performance.now();
  const interval = 1000 / plan.ratePerSecond;
  let nextWindow = started + plan.windowMs;
  const flush = () => {
    const sorted = [...window].sort((a, b) => a - b);
    report({
      type: 'window',
      at: Math.round((performance.now() - started) / 1000),
      answered: window.length,
      errors: windowErrors,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      inFlight,
    });
    window = [];
    windowErrors = 0;
  };
  for (let i = 0; ; i++) {
    const due = started + i * interval;
    if (due - started >= plan.durationMs) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    fire(pick(plan.requests, random()));
    if (performance.now() >= nextWindow) {
      flush();
      nextWindow += plan.windowMs;
    }
  }
  await Promise.all([...pending]);
  flush();
  const byKind = [...latencies].map(([kind, all]) => {
    const sorted = all.sort((a, b) => a - b);
    return { kind, answered: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? 0 };
  });
  report({ type: 'done', sent, answered, errors, errorSamples, acknowledged, byKind });
}

// Forked by the soak measure: the plan arrives as the first message, reports go back the same way.
if (require.main === module) {
  process.once('message', (plan: SoakPlan) => {
    runSoak(plan, (m) => process.send!(m)).then(
      () => process.disconnect(),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
