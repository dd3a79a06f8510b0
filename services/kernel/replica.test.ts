import { lsnValue } from './db';
import { lsnFromHeader, onlyReads, routeOf } from './replica';

const writing = new Set(['hitNoHit']);
const op = (query: string, operationName?: string) => ({ query, variables: {}, operationName });

describe('which subgraph requests may read on the replica', () => {
  test('a query of plain root fields only reads; entity references too', () => {
    expect(onlyReads(op('{ cases(first: 1) { totalCount } }'), writing)).toBe(true);
    expect(onlyReads(op('query($r: [_Any!]!) { _entities(representations: $r) { __typename } }'), writing)).toBe(true);
  });

  test('a mutation, a query selecting a writing root field, or anything unclear runs on the primary', () => {
    expect(onlyReads(op('mutation { openCase(input: {}) { id } }'), writing)).toBe(false);
    expect(onlyReads(op('{ me { id } hitNoHit(identifiers: []) { known } }'), writing)).toBe(false);
    expect(onlyReads(op('{ ...F } fragment F on Query { hitNoHit(identifiers: []) { known } }'), writing)).toBe(false);
    expect(onlyReads(op('query A { me { id } } mutation B { x }', 'B'), writing)).toBe(false);
    expect(onlyReads(op('query A { me { id } } mutation B { x }'), writing)).toBe(false);
    expect(onlyReads(op('{ not graphql'), writing)).toBe(false);
  });

  test("the route carries the caller's last write only for a read", () => {
    expect(routeOf(op('{ me { id } }'), writing, '0/16B3748')).toEqual({ readOnly: true, minLsn: '0/16B3748' });
    expect(routeOf(op('mutation { x }'), writing, '0/16B3748')).toEqual({});
  });
});

describe('WAL positions', () => {
  test('compare as 64-bit numbers, high word first', () => {
    expect(lsnValue('1/0') > lsnValue('0/FFFFFFFF')).toBe(true);
    expect(lsnValue('0/16B3748')).toBe(0x16b3748n);
  });

  test('a header that is not one is ignored, never reaches SQL', () => {
    expect(lsnFromHeader('0/16B3748')).toBe('0/16B3748');
    expect(lsnFromHeader("0/1'; DROP TABLE x; --")).toBeUndefined();
    expect(lsnFromHeader(null)).toBeUndefined();
  });
});
