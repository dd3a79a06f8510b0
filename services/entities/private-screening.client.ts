import { Evaluation, VOPRFClient } from '@cloudflare/voprf-ts';
import { countryOf, type EntityKind, normaliseIdentifier } from '../kernel/identifier';
import { CRYPTO, decodeFilter, filterEntry, fromBase64, keyIdOf, MODE_NAME, oprfInput, SUITE, toBase64 } from './private-screening.protocol';

/**
 * The bank's side of private screening (private-screening.service.ts is the hub's): nothing here
 * touches the hub's database or keys; it talks to the hub through its GraphQL API only, and needs
 * this module, private-screening.protocol.ts and services/kernel/identifier.ts (how the hub
 * normalises identifiers: the bank must produce the very bytes the hub evaluated its own
 * identifiers on). scripts/private-screening.ts runs it on a CSV file; the console's Private screening
 * page (console/src/private-screening.tsx) runs it in the officer's browser, so it uses no Node built-in.
 */

/**
 * Sends one GraphQL operation to the hub as the bank's user; answers `data` or throws with the errors.
 * When the request got no answer from the hub (the connection failed or dropped, a proxy answered in
 * its place), it throws HubUnreachable: the client then sends the same request again.
 */
export type HubCall = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/**
 * The hub presents a key other than the one the bank pinned: refused before any batch is sent (nothing
 * evaluated, nothing counted). A rotation the hub's operators announced is accepted by pinning the new
 * key (`publicKey`, whose id is `keyId`); any other is reported to them.
 */
export class KeyChanged extends Error {
  override name = 'KeyChanged';
  constructor(
    readonly pinnedKeyId: string,
    readonly keyId: string,
    readonly publicKey: string,
  ) {
    super(`the hub's key ${keyId} is not the pinned key ${pinnedKeyId}`);
  }
}

/** A request the hub may or may not have received and answered: sent again, under the same idempotency key. */
export class HubUnreachable extends Error {
  override name = 'HubUnreachable';
}

export interface BankIdentifier {
  kind: string;
  value: string;
  /** ISO 3166-1 alpha-2 of a national-format value; else the bank's own country. */
  country?: string | null;
}

export interface PrivateScreeningOptions {
  /** The bank's country (its agency's, as the hub has it): how national-format values are read, as the hub reads them in clear. */
  country?: string | null;
  /**
   * The hub's public key (base64) the bank pinned, from the hub's operators or an earlier run. Given,
   * a filter or evaluation under any other key is refused; not given, the key the hub serves is used
   * (and reported, to pin next time).
   */
  publicKey?: string;
  /** Blinded elements per request (the hub takes at most 10,000). */
  batchSize?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Times a batch is sent again, under its idempotency key, after HubUnreachable (default 4). */
  retries?: number;
  /** Milliseconds before the first retry of a batch, doubled before each next one (default 1,000). */
  retryDelayMs?: number;
  /** Told after each batch the hub evaluated: distinct identifiers finalized so far, of how many. */
  onProgress?: (done: number, of: number) => void;
}

export interface PrivateAnswer {
  kind: string;
  /** Normalised, as the hub stores it. */
  value: string;
  known: boolean;
}

export interface PrivateScreeningRun {
  answers: PrivateAnswer[];
  keyId: string;
  publicKey: string;
  /** The filter's size class (its entries, padding included). */
  filterSize: number;
  /** Distinct identifiers the hub evaluated (blinded) for this run, counted against the agency's quota. */
  evaluated: number;
}

const FILTER = `query { privateScreeningFilter { suite mode keyId publicKey entryBytes size entries } }`;
const EVALUATE = `mutation($input: EvaluatePrivateScreeningInput!) { evaluatePrivateScreening(input: $input) { keyId elements evaluation } }`;

/**
 * Sends `request`, and again after each HubUnreachable, up to `retries` times with a doubling delay.
 * The hub answers a batch sent again under its idempotency key as it answered it first, without
 * counting it twice, so a retry never pays twice for one batch.
 */
async function withRetries<T>(request: () => Promise<T>, retries: number, delayMs: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      if (!(err instanceof HubUnreachable) || attempt >= retries) throw err;
      await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** attempt));
    }
  }
}

/** A fresh idempotency key for one batch. */
function batchKey(): string {
  return `private-screening:${crypto.randomUUID()}`;
}

interface FilterAnswer {
  suite: string;
  mode: string;
  keyId: string;
  publicKey: string;
  entryBytes: number;
  size: number;
  entries: string;
}

/**
 * Normalises each identifier as the hub would (throws as the hub's clear mode would refuse it, naming
 * `identifiers[n]`), so the OPRF input is the hub's own.
 */
export function normaliseForScreening(identifiers: readonly BankIdentifier[], bankCountry?: string | null): Array<{ kind: EntityKind; value: string }> {
  return identifiers.map((i, n) => ({
    kind: i.kind as EntityKind,
    value: normaliseIdentifier(i.kind as EntityKind, i.value, `identifiers[${n}].value`, countryOf(i.country, bankCountry, `identifiers[${n}].country`)),
  }));
}

/**
 * Screens `identifiers` privately: normalise, fetch the filter, blind in batches, have the hub
 * evaluate them, finalize (verifying each batch's proof against the key), look the outputs up.
 * Answers in input order.
 */
export async function privateScreen(call: HubCall, identifiers: readonly BankIdentifier[], opts: PrivateScreeningOptions = {}): Promise<PrivateScreeningRun> {
  const normalised = normaliseForScreening(identifiers, opts.country);
  const name = (i: { kind: string; value: string }) => `${i.kind}:${i.value}`;
  const distinct = [...new Map(normalised.map((i) => [name(i), i])).values()];

  const { privateScreeningFilter: filter } = await call<{ privateScreeningFilter: FilterAnswer }>(FILTER);
  if (filter.suite !== SUITE || filter.mode !== MODE_NAME)
    throw new Error(`the hub screens with ${filter.mode} ${filter.suite}; this client speaks ${MODE_NAME} ${SUITE}`);
  if ((await keyIdOf(fromBase64(filter.publicKey))) !== filter.keyId) throw new Error('the filter names a key id that is not its public key’s');
  if (opts.publicKey && opts.publicKey !== filter.publicKey) throw new KeyChanged(await keyIdOf(fromBase64(opts.publicKey)), filter.keyId, filter.publicKey);
  // Every batch's proof is checked against the pinned key (the hub's own when none is pinned).
  const publicKey = fromBase64(opts.publicKey ?? filter.publicKey);
  const entries = decodeFilter(filter.entries);
  const client = new VOPRFClient(SUITE, publicKey, CRYPTO);

  const batchSize = Math.min(opts.batchSize ?? 2000, 10_000);
  const batches: Array<Array<{ kind: string; value: string }>> = [];
  for (let i = 0; i < distinct.length; i += batchSize) batches.push(distinct.slice(i, i + batchSize));
  const known = new Map<string, boolean>();
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const [finData, request] = await client.blind(batch.map((i) => oprfInput(i.kind, i.value)));
      const input = { request: toBase64(request.serialize()), idempotencyKey: batchKey() };
      const { evaluatePrivateScreening: answer } = await withRetries(
        () => call<{ evaluatePrivateScreening: { keyId: string; elements: number; evaluation: string } }>(EVALUATE, { input }),
        opts.retries ?? 4,
        opts.retryDelayMs ?? 1000,
      );
      if (answer.keyId !== filter.keyId)
        throw new Error(`the hub evaluated under key ${answer.keyId}, its filter is under ${filter.keyId}: the key rotated, run again`);
      // Throws unless the proof shows the evaluation was made with the filter's (pinned) key.
      const outputs = await client.finalize(finData, Evaluation.deserialize(SUITE, fromBase64(answer.evaluation), CRYPTO));
      batch.forEach((i, n) => known.set(name(i), entries.has(filterEntry(outputs[n]!))));
      opts.onProgress?.(known.size, distinct.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  return {
    answers: normalised.map((i) => ({ kind: i.kind, value: i.value, known: known.get(name(i)) ?? false })),
    keyId: filter.keyId,
    publicKey: filter.publicKey,
    filterSize: filter.size,
    evaluated: distinct.length,
  };
}

const HIT_NO_HIT = `query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { kind value known holderCount contactableAgencies { id name } } }`;

/** The operations this client sends: scripts/console-operations.test.ts checks them against the API, as the console runs this client too. */
export const PRIVATE_SCREENING_OPERATIONS = { FILTER, EVALUATE, HIT_NO_HIT } as const;

export interface WhomToAsk {
  kind: string;
  value: string;
  known: boolean;
  holderCount: number;
  contactableAgencies: Array<{ id: string; name: string }>;
}

/**
 * The next step for the hits only: the clear, audited hit/no-hit (holder count, whom to ask), in
 * requests of at most 1,000 — the hub then learns these identifiers, as it does every identifier
 * asked in clear, and nothing of the rest.
 */
export async function whomToAsk(call: HubCall, hits: ReadonlyArray<{ kind: string; value: string }>): Promise<WhomToAsk[]> {
  const out: WhomToAsk[] = [];
  for (let i = 0; i < hits.length; i += 1000) {
    const ids = hits.slice(i, i + 1000).map((h) => ({ kind: h.kind, value: h.value }));
    out.push(...(await call<{ hitNoHit: WhomToAsk[] }>(HIT_NO_HIT, { ids })).hitNoHit);
  }
  return out;
}
