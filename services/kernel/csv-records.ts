import { parse as parseCsv } from 'csv-parse/sync';
import { GraphQLError } from 'graphql';
import { ErrorCode } from './errors';

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
