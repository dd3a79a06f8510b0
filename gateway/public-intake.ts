import { createHmac, randomBytes } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import type { SubgraphOperation } from '../services/kernel/actor-token';

/**
 * The one exception to "every request is authenticated": a request with no Authorization header
 * whose operation is made only of these root fields runs as the anonymous public actor
 * (policies/actor.ts PUBLIC), which may do nothing else (policies/agency-types/public.ts) and
 * reaches no other subgraph (services/kernel/actor-token.ts PUBLIC_SUBGRAPHS). Anything else
 * without a token stays UNAUTHENTICATED.
 */
export const PUBLIC_FIELDS: ReadonlySet<string> = new Set(['publicReportChallenge', 'submitPublicReport', 'publicReportReceipt', 'addToPublicReport']);
/** The public fields that write: a tighter daily budget per source. */
export const PUBLIC_SUBMISSIONS: ReadonlySet<string> = new Set(['submitPublicReport', 'addToPublicReport']);
/** A public operation is small: the parser stops here, before Apollo's own (larger) limit. */
const PUBLIC_MAX_TOKENS = 1000;

/**
 * The root fields of the operation a request asks for when it is public: one operation (the named
 * one, or the only one), a query or a mutation, whose root selections are plain fields of
 * PUBLIC_FIELDS (or __typename), no fragments. Anything else: undefined.
 */
export function publicRootFields(op: SubgraphOperation): string[] | undefined {
  if (typeof op.query !== 'string' || op.query.length > 20_000) return undefined;
  let operations: OperationDefinitionNode[];
  try {
    const doc = parse(op.query, { maxTokens: PUBLIC_MAX_TOKENS });
    if (doc.definitions.some((d) => d.kind !== Kind.OPERATION_DEFINITION)) return undefined;
    operations = doc.definitions as OperationDefinitionNode[];
  } catch {
    return undefined;
  }
  const chosen = op.operationName ? operations.filter((o) => o.name?.value === op.operationName) : operations;
  if (chosen.length !== 1) return undefined;
  const operation = chosen[0]!;
  if (operation.operation === 'subscription') return undefined;
  const fields: string[] = [];
  for (const s of operation.selectionSet.selections) {
    if (s.kind !== Kind.FIELD) return undefined;
    if (s.name.value === '__typename') continue;
    if (!PUBLIC_FIELDS.has(s.name.value)) return undefined;
    fields.push(s.name.value);
  }
  return fields.length ? fields : undefined;
}

export interface PublicIntakeLimits {
  /** Public requests per source per UTC day (challenges, receipts, submissions). */
  requestsPerDay: number;
  /** Submissions and additions per source per UTC day. */
  submissionsPerDay: number;
  /** Sources tracked at once; past it, new sources share one budget (memory stays bounded). */
  maxSources: number;
  /** Reverse proxies in front of the gateway that append to X-Forwarded-For (0: the connection's own address is the source). */
  trustedProxyHops: number;
}

export function publicLimitsFromEnv(): PublicIntakeLimits {
  const n = (name: string, fallback: number) => {
    const v = Number(process.env[name]);
    return Number.isInteger(v) && v > 0 ? v : fallback;
  };
  return {
    requestsPerDay: n('TESSERA_PUBLIC_REQUESTS_PER_DAY', 200),
    submissionsPerDay: n('TESSERA_PUBLIC_SUBMISSIONS_PER_DAY', 10),
    maxSources: n('TESSERA_PUBLIC_MAX_SOURCES', 200_000),
    trustedProxyHops: n('TESSERA_TRUSTED_PROXY_HOPS', 0),
  };
}

/**
 * The sender's address: the connection's, or behind `hops` trusted proxies the entry they wrote
 * into X-Forwarded-For (counted from the right: entries further left are the sender's own say).
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined, hops: number): string | undefined {
  if (hops <= 0 || !forwardedFor) return peer;
  const chain = forwardedFor
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return chain.length >= hops ? chain[chain.length - hops] : peer;
}

/**
 * The source a budget is kept for: an IPv4 address, or an IPv6 /64 (one subscriber's prefix,
 * which a sender can otherwise walk through address by address).
 */
export function sourceOf(address: string | undefined): string {
  if (!address) return 'unknown';
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIPv4(v4)) return v4;
  if (!isIPv6(address)) return 'unknown';
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Per-source daily budgets for the public fields, kept in this process's memory only, under a
 * salted hash of the source: the salt is random, made at the first request of each UTC day and
 * dropped with the day's counts at the next, and never written anywhere. No address is stored or
 * logged, and yesterday's hashes cannot be tied to an address by anyone, the hub included.
 * (Several gateway processes each keep their own budget.)
 */
export class PublicSourceLimiter {
  private day = '';
  private salt = Buffer.alloc(0);
  private readonly counts = new Map<string, { requests: number; submissions: number }>();

  constructor(
    readonly limits: PublicIntakeLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many sources today's budgets are kept for. */
  get size(): number {
    return this.counts.size;
  }

  /** The salted hash a source's budget is kept under today (the only form of the address held). */
  private keyOf(source: string): string {
    return createHmac('sha256', this.salt).update(source).digest('base64url').slice(0, 22);
  }

  /** Takes one request and its `submissions` from the source's budget, or says how long until the budget renews. */
  take(address: string | undefined, submissions: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    const day = utcDay(now);
    if (day !== this.day) {
      this.day = day;
      this.salt = randomBytes(32);
      this.counts.clear();
    }
    let key = this.keyOf(sourceOf(address));
    if (!this.counts.has(key) && this.counts.size >= this.limits.maxSources) key = 'overflow';
    const used = this.counts.get(key) ?? { requests: 0, submissions: 0 };
    if (used.requests >= this.limits.requestsPerDay || (submissions > 0 && used.submissions + submissions > this.limits.submissionsPerDay)) {
      const nextDay = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((nextDay - now) / 1000)) };
    }
    used.requests++;
    used.submissions += submissions;
    this.counts.set(key, used);
    return { ok: true };
  }
}
