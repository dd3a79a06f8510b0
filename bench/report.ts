import os from 'node:os';

/** One line of the benchmark's output: a measure, its baseline measured in the same run, their ratio. */
export interface Result {
  id: string;
  value: number;
  unit: string;
  baseline: number;
  baselineUnit?: string;
  /** Replaces `value unit` in the table (e.g. "12.3 / 20.1 ms" for p50 / p95). */
  valueText?: string;
  baselineText?: string;
  /** value / baseline. */
  ratio: number;
  /** What the ratio should be, e.g. ">= 0.5"; absent when benchmarks.md sets none. */
  target?: string;
  /** Whether the target is met; undefined when there is no target. */
  pass?: boolean;
  /** Extra lines: what exactly was measured, approximations, the raw figures. */
  notes?: string[];
}

/** A measure that failed with an error (the run then exits non-zero). */
export interface Failure {
  id: string;
  error: string;
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1000) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-GB');
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** Two decimals, or two significant digits below 0.1 (0.0018 says more than 0.00). */
export function formatRatio(n: number): string {
  return Math.abs(n) >= 0.1 || n === 0 ? n.toFixed(2) : n.toPrecision(2);
}

const cells = (r: Result) => [
  r.id,
  r.valueText ?? `${formatNumber(r.value)} ${r.unit}`,
  r.baselineText ?? `${formatNumber(r.baseline)} ${r.baselineUnit ?? r.unit}`,
  formatRatio(r.ratio),
  r.target ?? '(none set)',
  r.pass === undefined ? 'info' : r.pass ? 'pass' : 'MISS',
];

const HEADER = ['id', 'value', 'baseline', 'ratio', 'target', ''];

/** The aligned table, one line per measure, with notes indented under it. */
export function formatTable(results: Result[], failures: Failure[], withNotes = true): string {
  const rows = [HEADER, ...results.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 1 || i === 2 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(HEADER)];
  for (const r of results) {
    out.push(line(cells(r)));
    if (withNotes) for (const n of r.notes ?? []) out.push(`    ${n}`);
  }
  for (const f of failures) out.push(`${f.id.padEnd(widths[0]!)}  ERROR: ${f.error}`);
  return out.join('\n');
}

export function formatMarkdown(results: Result[], failures: Failure[]): string {
  const out = ['| id | value | baseline | ratio | target | |', '|---|---:|---:|---:|---|---|'];
  for (const r of results) out.push(`| ${cells(r).join(' | ')} |`);
  for (const f of failures) out.push(`| ${f.id} | ERROR: ${f.error.replace(/\|/g, '\\|')} | | | | |`);
  return out.join('\n');
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.availableParallelism()} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** Other work on the machine skews every absolute figure: the 1-minute load average says how much. */
export function load(): string {
  return `load average ${os.loadavg()[0]!.toFixed(1)}`;
}
