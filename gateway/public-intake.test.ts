import { parse } from 'graphql';
import { clientAddress, PUBLIC_SUBMISSIONS, PublicSourceLimiter, publicRootFields, sourceOf } from './public-intake';

const limits = { requestsPerDay: 5, submissionsPerDay: 2, maxSources: 3, trustedProxyHops: 0 };
const DAY1 = Date.parse('2026-03-01T10:00:00Z');

describe('publicRootFields', () => {
  test.each([
    ['{ publicReportChallenge { bits } }', ['publicReportChallenge']],
    ['mutation M($i: SubmitPublicReportInput!) { submitPublicReport(input: $i) { receiptCode } __typename }', ['submitPublicReport']],
    ['query A { publicReportReceipt(receiptCode: "x") { status } } query B { cases { totalCount } }', undefined],
    ['{ publicReportChallenge { bits } cases { totalCount } }', undefined],
    ['{ ...F } fragment F on Query { publicReportChallenge { bits } }', undefined],
    ['{ ... on Query { publicReportChallenge { bits } } }', undefined],
    ['subscription { publicReportChallenge { bits } }', undefined],
    ['{ __typename }', undefined],
    ['not graphql', undefined],
  ])('%s → %j', (query, expected) => {
    expect(publicRootFields({ query })).toEqual(expected);
  });

  test('the named operation of several is the one judged', () => {
    const query = 'query A { publicReportChallenge { bits } } query B { cases { totalCount } }';
    expect(publicRootFields({ query, operationName: 'A' })).toEqual(['publicReportChallenge']);
    expect(publicRootFields({ query, operationName: 'B' })).toBeUndefined();
  });

  test('a huge public-looking document is not parsed to the end', () => {
    const query = `{ ${Array(2000).fill('publicReportChallenge { bits }').join(' ')} }`;
    expect(() => parse(query)).not.toThrow();
    expect(publicRootFields({ query })).toBeUndefined();
  });
});

describe('sourceOf', () => {
  test('IPv4 as itself (IPv4-mapped IPv6 too); IPv6 by its /64; anything else one unknown source', () => {
    expect(sourceOf('203.0.113.7')).toBe('203.0.113.7');
    expect(sourceOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(sourceOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceOf('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(sourceOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceOf(undefined)).toBe('unknown');
    expect(sourceOf('garbage')).toBe('unknown');
  });
});

describe('clientAddress', () => {
  test('without trusted proxies the connection is the source, whatever X-Forwarded-For claims', () => {
    expect(clientAddress('198.51.100.1', '203.0.113.9', 0)).toBe('198.51.100.1');
  });
  test('behind trusted proxies, the entry the nearest of them wrote; entries the sender added further left do not count', () => {
    expect(clientAddress('10.0.0.2', 'spoofed, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.2', 'spoofed, 203.0.113.9, 10.0.0.1', 2)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
  });
});

describe('PublicSourceLimiter', () => {
  test('a source that floods gets its daily budget and then RATE_LIMITED until the next UTC day; others are unaffected', () => {
    let now = DAY1;
    const limiter = new PublicSourceLimiter(limits, () => now);
    const flood = Array.from({ length: 10 }, () => limiter.take('198.51.100.1', 1).ok);
    expect(flood).toEqual([true, true, false, false, false, false, false, false, false, false]);
    expect(limiter.take('198.51.100.1', 0).ok).toBe(true); // reads still within the request budget
    expect(limiter.take('198.51.100.2', 1).ok).toBe(true);
    const refused = limiter.take('198.51.100.1', 1);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 14 * 3600 });
    now = Date.parse('2026-03-02T00:00:01Z');
    expect(limiter.take('198.51.100.1', 1).ok).toBe(true);
  });

  test('every submission a request carries counts: aliases of one field cannot pass more than the day allows', () => {
    const limiter = new PublicSourceLimiter(limits, () => DAY1);
    const fields = publicRootFields({
      query: 'mutation { a: submitPublicReport(input: {}) { code } b: submitPublicReport(input: {}) { code } c: addToPublicReport(input: {}) { status } }',
    })!;
    const submissions = fields.filter((f) => PUBLIC_SUBMISSIONS.has(f)).length;
    expect(submissions).toBe(3);
    // Three in one request, against a day of two: refused whole, and nothing is taken from the budget.
    expect(limiter.take('198.51.100.7', submissions).ok).toBe(false);
    expect(limiter.take('198.51.100.7', 2).ok).toBe(true);
    expect(limiter.take('198.51.100.7', 1).ok).toBe(false);
  });

  test('an IPv6 sender walking its /64 stays one source', () => {
    const limiter = new PublicSourceLimiter(limits, () => DAY1);
    const answers = Array.from({ length: 4 }, (_, i) => limiter.take(`2001:db8:7:7::${i + 1}`, 1).ok);
    expect(answers).toEqual([true, true, false, false]);
  });

  test('past maxSources, new sources share one budget: memory stays bounded', () => {
    const limiter = new PublicSourceLimiter(limits, () => DAY1);
    for (let i = 0; i < 50; i++) limiter.take(`192.0.2.${i}`, 0);
    expect(limiter.size).toBeLessThanOrEqual(limits.maxSources + 1);
  });

  test('what it holds is a salted hash of each source, never the address, and the salt changes with the day', () => {
    let now = DAY1;
    const limiter = new PublicSourceLimiter(limits, () => now);
    limiter.take('198.51.100.99', 0);
    const held = () => JSON.stringify([...(limiter as unknown as { counts: Map<string, unknown> }).counts.keys()]);
    const day1 = held();
    expect(day1).not.toContain('198.51.100.99');
    now += 86_400_000;
    limiter.take('198.51.100.99', 0);
    expect(held()).not.toEqual(day1);
  });
});
