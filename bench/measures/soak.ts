import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { SoakDone, SoakPlan, SoakRequest, SoakWindow } from '../soak-load';
import { type Measure, shareableCaseIds } from './common';
import { makeReports, REPORT_MUTATION } from './ingest';

/**
 * A day under load, shortened: `npm run bench -- --soak 10m [--rate N]`. A load generator in a
 * process of its own sends mixed persona traffic at a fixed rate (police reading cases with names
 * and searching people, a bank asking hit/no-hit and submitting transaction reports, an NGO listing
 * narratives, the hub reading route aggregates). The hub, in this process, is sampled every window:
 * its heap after a full garbage collection (what it retains) and its resident memory. At the end,
 * every acknowledged submission is looked for in the database.
 *
 * Results: errors (must be 0), retained heap growth over the run after its first fifth (must be
 * flat: under 10% of the heap or 8 MB, whichever is more), acknowledged submissions found (all).
 * Charts of latency and memory over time are written as SVG (vega-lite) to `chartsDir`.
 */
export interface SoakOptions {
  durationMs: number;
  ratePerSecond: number;
  chartsDir: string;
}

const WINDOW_MS = 10_000;
const PURPOSE = 'Soak run: investigation BENCH-SOAK';

interface Sample extends SoakWindow {
  /** The heap kept after V8's last full collection so far (undefined before its first). */
  heapMb?: number;
  /** V8's full collections during the window: a sample without one repeats the last figure. */
  collections: number;
  rssMb: number;
}

/**
 * The heap V8 keeps after each full (mark-compact) collection it makes on its own, observed, not
 * forced: growth of it means memory kept, not garbage not yet collected. A full collection forced
 * at every sample held the hub 70 to 160 ms, and the requests that arrived meanwhile were the p99.
 */
function keptHeap(): { collections(): number; mb(): number | undefined; stop(): void } {
  let collections = 0;
  let mb: number | undefined;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as { detail?: { kind?: number } }).detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      collections++;
      mb = process.memoryUsage().heapUsed / 2 ** 20;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return { collections: () => collections, mb: () => mb, stop: () => observer.disconnect() };
}

/** A full collection now, outside the load: the run's last memory sample. */
function collectNow(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function lineChart(title: string, unit: string, rows: Array<{ at: number; series: string; value: number }>, file: string): Promise<void> {
  const spec = vegaLite.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 640,
    height: 240,
    data: { values: rows },
    mark: { type: 'line', point: false },
    encoding: {
      x: { field: 'at', type: 'quantitative', title: 'seconds since the start' },
      y: { field: 'value', type: 'quantitative', title: unit },
      color: { field: 'series', type: 'nominal', title: null },
    },
    config: { background: 'white' },
  }).spec;
  const svg = await new vega.View(vega.parse(spec), { renderer: 'none' }).toSVG();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, svg);
}

export function soak(opts: SoakOptions): Measure {
  return {
    id: 'soak',
    describe: `mixed persona traffic at ${opts.ratePerSecond} req/s for ${opts.durationMs / 60_000} min from a separate process: errors, memory, acknowledged submissions`,
    async run({ stack, seed, log }) {
      const cases = await shareableCaseIds(stack, 200);
      const names = (
        await stack.owner.query<{ n: string }>(`SELECT full_name AS n FROM cases.persons WHERE full_name IS NOT NULL ORDER BY id LIMIT 100`)
      ).rows.map((r) => r.n);
      const identifiers = (
        await stack.owner.query<{ kind: string; value: string }>(
          `SELECT kind, value FROM entities.entities WHERE kind IN ('PHONE', 'EMAIL', 'BANK_ACCOUNT') ORDER BY md5(id::text) LIMIT 300`,
        )
      ).rows;
      const accounts = (
        await stack.owner.query<{ value: string }>(`SELECT value FROM entities.entities WHERE kind = 'BANK_ACCOUNT' ORDER BY id LIMIT 500`)
      ).rows.map((r) => r.value);
      const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
      const maxReports = Math.ceil((opts.ratePerSecond * opts.durationMs) / 1000);
      const requests: SoakRequest[] = [
        {
          kind: 'police reads a case with names',
          weight: 35,
          authorization: await stack.authorization('met-police'),
          query: `query OpenCase($id: ID!) { case(id: $id) { id reference status persons { pseudonym role fullName } events { type occurredOn } } }`,
          variables: cases.map((id) => ({ id })),
          purpose: PURPOSE,
          allowedCodes: ['FORBIDDEN_FIELD', 'PURPOSE_REQUIRED'],
        },
        {
          kind: 'police searches a person',
          weight: 15,
          authorization: await stack.authorization('west-midlands-police'),
          query: `query Find($name: String!) { searchPersons(name: $name, first: 5) { person { id pseudonym fullName } } }`,
          variables: names.map((name) => ({ name })),
          purpose: PURPOSE,
          allowedCodes: ['FORBIDDEN_FIELD', 'PURPOSE_REQUIRED'],
        },
        {
          kind: 'bank asks hit/no-hit',
          weight: 20,
          authorization: await stack.authorization('albion-bank'),
          query: `query Check($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { known holderCount } }`,
          variables: Array.from({ length: 100 }, (_, i) => ({ ids: identifiers.slice((i * 3) % 297, ((i * 3) % 297) + 3) })),
        },
        {
          kind: 'bank submits a transaction report',
          weight: 15,
          authorization: await stack.authorization('albion-bank'),
          query: REPORT_MUTATION,
          variables: makeReports(maxReports, seed, accounts, 7, `soak-${run}`).map((input) => ({ input })),
          acknowledgedId: 'submitTransactionReport.id',
        },
        {
          kind: 'NGO lists narratives',
          weight: 10,
          authorization: await stack.authorization('safe-passage'),
          query: `{ narratives(first: 20) { totalCount nodes { id } } }`,
          variables: [{}],
        },
        {
          kind: 'hub reads route aggregates',
          weight: 5,
          authorization: await stack.authorization('tessera-hub'),
          query: `query Routes($from: String!, $to: String!) { routeAggregates(periodFrom: $from, periodTo: $to) { nodes { caseCount countSuppressed } } }`,
          variables: [{ from: '2024-01-01', to: '2026-12-31' }],
        },
      ];
      const plan: SoakPlan = {
        url: stack.hub.url,
        ratePerSecond: opts.ratePerSecond,
        durationMs: opts.durationMs,
        windowMs: WINDOW_MS,
        maxInFlight: 512,
        requests,
      };

      const heap = keptHeap();
      const samples: Sample[] = [];
      const child = fork(path.join(__dirname, '..', 'soak-load.ts'), [], { execArgv: ['-r', '@swc-node/register'], stdio: 'inherit' });
      const done = await new Promise<SoakDone>((resolve, reject) => {
        let counted = 0;
        child.on('message', (m: SoakWindow | SoakDone) => {
          if (m.type === 'done') return resolve(m);
          const collections = heap.collections() - counted;
          counted += collections;
          const sample: Sample = { ...m, heapMb: heap.mb(), collections, rssMb: process.memoryUsage().rss / 2 ** 20 };
          samples.push(sample);
          log(
            `  ${String(m.at).padStart(5)} s  ${(m.answered / (WINDOW_MS / 1000)).toFixed(1).padStart(6)} req/s  p50 ${m.p50.toFixed(1)} ms  p99 ${m.p99.toFixed(1)} ms  errors ${m.errors}  heap kept ${sample.heapMb?.toFixed(1) ?? '-'} MB (${collections} full collections)  rss ${sample.rssMb.toFixed(0)} MB`,
          );
        });
        child.once('exit', (code) => code && reject(new Error(`the load generator exited with ${code}`)));
        child.send(plan);
      }).finally(() => heap.stop());
      const end = { at: (samples[samples.length - 1]?.at ?? 0) + 1, heapMb: collectNow() };

      const found = done.acknowledged.length
        ? Number(
            (await stack.owner.query<{ n: string }>(`SELECT count(*) AS n FROM typologies.transaction_reports WHERE id = ANY($1::uuid[])`, [done.acknowledged]))
              .rows[0]!.n,
          )
        : 0;
      // The samples after the first fifth of the run that follow a full collection, and the one after the load.
      const steady = [
        ...samples.slice(Math.floor(samples.length / 5)).flatMap((s) => (s.collections > 0 && s.heapMb !== undefined ? [{ at: s.at, heapMb: s.heapMb }] : [])),
        end,
      ];
      const heapSlope = slope(steady.map((s) => [s.at, s.heapMb])); // MB per second
      const span = steady.length > 1 ? steady[steady.length - 1]!.at - steady[0]!.at : 0;
      const growth = heapSlope * span;
      const heapStart = steady[0]?.heapMb ?? 0;
      const allowed = Math.max(8, heapStart * 0.1);

      await lineChart(
        `Latency under ${opts.ratePerSecond} req/s of mixed persona traffic`,
        'ms',
        samples.flatMap((s) => [
          { at: s.at, series: 'p50', value: s.p50 },
          { at: s.at, series: 'p99', value: s.p99 },
        ]),
        path.join(opts.chartsDir, 'soak-latency.svg'),
      );
      await lineChart(
        'Hub memory (heap kept after full collections, resident set)',
        'MB',
        [
          ...samples.flatMap((s) => [
            ...(s.heapMb === undefined ? [] : [{ at: s.at, series: 'heap kept', value: s.heapMb }]),
            { at: s.at, series: 'resident', value: s.rssMb },
          ]),
          { at: end.at, series: 'heap kept', value: end.heapMb },
        ],
        path.join(opts.chartsDir, 'soak-memory.svg'),
      );
      const throughput = done.answered / (opts.durationMs / 1000);
      const common = [
        `${done.sent} requests sent at ${opts.ratePerSecond}/s for ${(opts.durationMs / 60_000).toFixed(1)} min (${throughput.toFixed(1)} answered/s), open loop from a forked process`,
        `charts: ${path.join(opts.chartsDir, 'soak-latency.svg')}, ${path.join(opts.chartsDir, 'soak-memory.svg')}`,
        ...done.byKind.map((k) => `${k.kind}: ${k.answered} answered, p50 ${k.p50.toFixed(1)} ms, p99 ${k.p99.toFixed(1)} ms, max ${k.max.toFixed(0)} ms`),
      ];
      return [
        {
          id: 'soak-errors',
          value: done.errors,
          unit: 'errors',
          baseline: done.sent,
          baselineUnit: 'requests',
          ratio: done.sent ? done.errors / done.sent : 0,
          target: '= 0',
          pass: done.errors === 0,
          notes: [...common, ...done.errorSamples.map((e) => `error: ${e}`)],
        },
        {
          id: 'soak-memory',
          value: growth,
          unit: 'MB',
          baseline: heapStart,
          baselineUnit: 'MB',
          ratio: heapStart ? growth / heapStart : 0,
          target: `growth < ${allowed.toFixed(1)} MB`,
          // A trend needs samples: too few of V8's own full collections leave memory unjudged, not flat.
          pass: steady.length >= 3 && growth < allowed,
          notes: [
            `heap kept after V8's full collections (${steady.length} samples after the run's first fifth, the last forced after the load), trend: ${(heapSlope * 60).toFixed(2)} MB/min; resident ${samples[0]?.rssMb.toFixed(0)} → ${samples[samples.length - 1]?.rssMb.toFixed(0)} MB`,
          ],
        },
        {
          id: 'soak-acknowledged',
          value: found,
          unit: 'found',
          baseline: done.acknowledged.length,
          baselineUnit: 'acknowledged',
          ratio: done.acknowledged.length ? found / done.acknowledged.length : 1,
          target: '= 1',
          pass: found === done.acknowledged.length,
          notes: ['every transaction report the hub acknowledged (an id in the answer), looked for by id in the database after the run'],
        },
      ];
    },
  };
}
