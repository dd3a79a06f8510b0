import { performance } from 'node:perf_hooks';

/**
 * The load loop: `concurrency` requests in flight, for a fixed time or a fixed count, with a
 * warm-up that is not counted. Every request is timed; a failed request makes the whole
 * measurement fail (a benchmark of error responses measures nothing).
 */

export type Send = (i: number) => Promise<unknown>;

export interface LoadOptions {
  concurrency: number;
  /** Stop after this long (ms)... */
  durationMs?: number;
  /** ...or after this many requests, whichever comes first. */
  requests?: number;
}

export interface LoadStats {
  requests: number;
  elapsedMs: number;
  /** Requests (or whatever one `send` counts) per second. */
  perSecond: number;
  latenciesMs: number[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summary(stats: LoadStats): { p50: number; p95: number; p99: number } {
  const sorted = [...stats.latenciesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

export async function runLoad(send: Send, opts: LoadOptions): Promise<LoadStats> {
  if (!opts.durationMs && !opts.requests) throw new Error('runLoad needs durationMs or requests');
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = opts.durationMs ? started + opts.durationMs : Infinity;
  const limit = opts.requests ?? Infinity;
  let next = 0;
  let failure: Error | undefined;
  const worker = async () => {
    while (!failure && performance.now() < deadline && next < limit) {
      const i = next++;
      const t0 = performance.now();
      try {
        await send(i);
      } catch (err) {
        failure ??= err instanceof Error ? err : new Error(String(err));
        return;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  if (failure) throw new Error(`request failed under load: ${failure.message}`);
  const elapsedMs = performance.now() - started;
  return { requests: latencies.length, elapsedMs, perSecond: (latencies.length * 1000) / elapsedMs, latenciesMs: latencies };
}

function merge(parts: LoadStats[]): LoadStats {
  const requests = parts.reduce((n, p) => n + p.requests, 0);
  const elapsedMs = parts.reduce((n, p) => n + p.elapsedMs, 0);
  return { requests, elapsedMs, perSecond: (requests * 1000) / elapsedMs, latenciesMs: parts.flatMap((p) => p.latenciesMs) };
}

export interface Side {
  send: Send;
  concurrency: number;
}

/**
 * A measurement and its baseline side by side: both warmed up, then alternated A B A B ... for
 * `rounds` rounds of `roundMs` each, so noise from other processes on the machine falls on both.
 */
export async function sideBySide(a: Side, b: Side, opts: { warmupMs: number; roundMs: number; rounds: number }): Promise<[LoadStats, LoadStats]> {
  return alternated([a, b], opts);
}

/** sideBySide for any number of sides: each warmed up, then A B C A B C ... */
export async function alternated<const S extends readonly Side[]>(
  sides: S,
  opts: { warmupMs: number; roundMs: number; rounds: number },
): Promise<{ -readonly [K in keyof S]: LoadStats }> {
  for (const side of sides) await runLoad(side.send, { concurrency: side.concurrency, durationMs: opts.warmupMs });
  const runs: LoadStats[][] = sides.map(() => []);
  for (let r = 0; r < opts.rounds; r++) {
    for (const [i, side] of sides.entries()) runs[i]!.push(await runLoad(side.send, { concurrency: side.concurrency, durationMs: opts.roundMs }));
  }
  return runs.map(merge) as { -readonly [K in keyof S]: LoadStats };
}
