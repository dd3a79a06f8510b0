import { parse as parseCsv } from 'csv-parse/sync';
import { type CsvRowShape, fastCsvColumns, readCsvColumns } from './csv-records';

/**
 * Headerless CSV read as columns (readCsvColumns): the plain files a bank's export gives are split in
 * one pass (fastCsvColumns), every other goes through csv-parse. Whatever the one-pass split answers
 * must be exactly what csv-parse reads.
 */

const SHAPE: CsvRowShape = { min: 2, max: 3, rule: 'a line is KIND,value or KIND,value,country' };

/** csv-parse's reading with the options readCsvColumns gives it, as columns; undefined where it refuses the file or a row's shape. */
function byCsvParse(content: string): string[][] | undefined {
  let rows: string[][];
  try {
    rows = parseCsv(content, { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch {
    return undefined;
  }
  if (rows.some((r) => r.length < SHAPE.min || r.length > SHAPE.max)) return undefined;
  return Array.from({ length: SHAPE.max }, (_, c) => rows.map((r) => r[c] ?? ''));
}

/** A deterministic pseudo-random generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('every plain file it splits, it splits exactly as csv-parse reads it; the rest it leaves to csv-parse', () => {
  // Pieces that matter to CSV (separators, quotes, line ends, padding of every kind csv-parse trims) and ordinary text.
  const pieces = [
    ',',
    ',',
    '\n',
    '\n',
    '"',
    '\r',
    '\r\n',
    ' ',
    '\t',
    '\u00a0',
    '\u2003',
    '\ufeff',
    'é',
    'ș',
    'PHONE',
    'email',
    '+447700900123',
    'a b',
    'x',
    '',
  ];
  const rnd = random(20261206);
  let split = 0;
  for (let i = 0; i < 20_000; i++) {
    let content = '';
    const length = 1 + Math.floor(rnd() * 14);
    for (let p = 0; p < length; p++) content += pieces[Math.floor(rnd() * pieces.length)];
    const fast = fastCsvColumns(content, SHAPE);
    if (fast === undefined) continue;
    split++;
    expect({ content, columns: fast }).toEqual({ content, columns: byCsvParse(content) });
  }
  // The comparison is not vacuous: a good share of the random files are plain.
  expect(split).toBeGreaterThan(500);
});

test('a bank’s export is split in one pass, blank lines and a last line end included', () => {
  const content = 'PHONE,+447700900123\nEMAIL,someone@example.com\n\nPHONE,0722 123 456,RO\nBANK_ACCOUNT,GB-SORTCODE:200000:12345678\n';
  const expected = [
    ['PHONE', 'EMAIL', 'PHONE', 'BANK_ACCOUNT'],
    ['+447700900123', 'someone@example.com', '0722 123 456', 'GB-SORTCODE:200000:12345678'],
    ['', '', 'RO', ''],
  ];
  expect(fastCsvColumns(content, SHAPE)).toEqual(expected);
  expect(readCsvColumns(content, 'csv', SHAPE)).toEqual(expected);
});

test('quoted cells, padding and Windows line ends are read by csv-parse, to the same columns', () => {
  const content = 'PHONE , +447700900123\r\n"ADDRESS","1 High St, Leeds"\r\n  \r\nEMAIL,a@example.com,GB';
  expect(fastCsvColumns(content, SHAPE)).toBeUndefined();
  expect(readCsvColumns(content, 'csv', SHAPE)).toEqual([
    ['PHONE', 'ADDRESS', 'EMAIL'],
    ['+447700900123', '1 High St, Leeds', 'a@example.com'],
    ['', '', 'GB'],
  ]);
});

test('a row of the wrong shape, or a file that is not CSV, is BAD_USER_INPUT naming the row or the field', () => {
  const refusal = (content: string) => {
    try {
      readCsvColumns(content, 'csv', SHAPE);
    } catch (e) {
      const err = e as { message: string; extensions: Record<string, unknown> };
      return { message: err.message, ...err.extensions };
    }
    throw new Error('read');
  };
  expect(refusal('PHONE,+447700900123\n\nPHONE')).toEqual({ message: `csv[1]: ${SHAPE.rule}`, code: 'BAD_USER_INPUT', field: 'csv[1]' });
  expect(refusal('PHONE,a,GB,extra')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'csv[0]' });
  expect(refusal('PHONE,"unclosed')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'csv', message: expect.stringMatching(/^csv: is not CSV: /) });
});
