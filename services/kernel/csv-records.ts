import { parse as parseCsv } from 'csv-parse/sync';
import { GraphQLError } from 'graphql';
import { badInput, ErrorCode } from './errors';

/** One record of an uploaded CSV file: its cells by lower-cased header, and the line it ends on. */
export interface CsvRecord {
  record: Record<string, string>;
  info: { lines: number };
}

/**
 * The records of a CSV file sent as `input.content` (a header line, then records; BOM, blank lines
 * and cell padding ignored; headers trimmed and lower-cased), at most `maxRecords + 1` of them so the
 * caller can refuse a file over its limit without reading the rest. A file that is not CSV is
 * BAD_USER_INPUT on `input.content`, with the line where reading stopped.
 */
export function readCsvRecords(content: string, maxRecords: number): CsvRecord[] {
  try {
    return parseCsv(content, {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      info: true,
      to: maxRecords + 1,
    }) as unknown as CsvRecord[];
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    throw new GraphQLError(`input.content: not readable as CSV${e.lines ? ` at line ${e.lines}` : ''}: ${e.message ?? 'parse error'}; nothing was written`, {
      extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'input.content', ...(e.lines ? { line: e.lines } : {}) },
    });
  }
}

/** How many cells a row of headerless CSV may have, and the rule a row breaking it is refused with. */
export interface CsvRowShape {
  min: number;
  max: number;
  rule: string;
}

/**
 * The rows of headerless CSV sent as `field` (one record a line, RFC 4180 quoting; blank lines and cell
 * padding ignored, as csv-parse's `skip_empty_lines` and `trim` read them), as columns: `columns[c][r]`
 * is cell `c` of row `r`, `''` where a row has fewer cells. Not CSV: BAD_USER_INPUT on `field`; a row
 * with fewer than `shape.min` or more than `shape.max` cells: BAD_USER_INPUT on `field[<row>]`.
 *
 * Most files are plain (no quote, no carriage return, no padding around a cell): those are split here
 * in one pass into the columns (fastCsvColumns); any other goes through csv-parse, which answers the same.
 */
export function readCsvColumns(content: string, field: string, shape: CsvRowShape): string[][] {
  const fast = fastCsvColumns(content, shape);
  if (fast) return fast;
  let rows: string[][];
  try {
    rows = parseCsv(content, { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    throw badInput(field, `is not CSV: ${(e as Error).message}`);
  }
  const columns = Array.from({ length: shape.max }, () => new Array<string>(rows.length));
  rows.forEach((row, r) => {
    if (row.length < shape.min || row.length > shape.max) throw badInput(`${field}[${r}]`, shape.rule);
    for (let c = 0; c < shape.max; c++) columns[c]![r] = row[c] ?? '';
  });
  return columns;
}

/**
 * A cell edge csv-parse's `trim` might remove (ASCII space and controls, and any non-ASCII character,
 * a superset of its Unicode white space), or a quote or carriage return anywhere: the cases left to csv-parse.
 */
const needsFullReading = (code: number) => code <= 0x20 || code >= 0x7f;

/**
 * readCsvColumns for plain CSV, or undefined when the content needs csv-parse's full reading: a quote
 * or carriage return anywhere, a cell beginning or ending with a character `trim` might remove, or a
 * row of a refused shape (csv-parse then reads it, for its error). Exported for its test, which
 * checks that whatever it answers is exactly what csv-parse reads.
 */
export function fastCsvColumns(content: string, shape: CsvRowShape): string[][] | undefined {
  if (content.indexOf('"') !== -1 || content.indexOf('\r') !== -1) return undefined;
  const columns: string[][] = Array.from({ length: shape.max }, () => []);
  let start = 0;
  while (start < content.length) {
    let end = content.indexOf('\n', start);
    if (end === -1) end = content.length;
    if (end > start) {
      let cells = 0;
      let cell = start;
      for (;;) {
        let stop = content.indexOf(',', cell);
        if (stop === -1 || stop > end) stop = end;
        if (stop > cell && (needsFullReading(content.charCodeAt(cell)) || needsFullReading(content.charCodeAt(stop - 1)))) return undefined;
        if (cells === shape.max) return undefined;
        columns[cells++]!.push(content.slice(cell, stop));
        if (stop === end) break;
        cell = stop + 1;
      }
      if (cells < shape.min) return undefined;
      for (let c = cells; c < shape.max; c++) columns[c]!.push('');
    }
    start = end + 1;
  }
  return columns;
}
