import { createHmac } from 'node:crypto';
import { deriveKeyPair, Evaluation, EvaluationRequest, VOPRFServer } from '@cloudflare/voprf-ts';
import { SqlParams } from '../../policies/sql';
import { appendAudit, ownRecordEvent } from '../kernel/audit';
import { loadConfig } from '../kernel/config';
import { rootLogger } from '../kernel/logger';
import type { RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';
import { badInput, conflict, forbidden, rateLimited } from '../kernel/errors';
import { requestHash, requiredIdempotencyKey, submitOnceTelling } from '../kernel/idempotency';
import { hubSecret } from '../kernel/hub-secret';
import { visibleWhere } from '../kernel/policy';
import type { DemoRegistry } from '../kernel/subgraph';
import { observationTableAs } from './entity.repository';
import {
  CRYPTO,
  FILTER_ENTRY_BYTES,
  filterEntry,
  encodeFilter,
  KEY_INFO,
  keyIdOf,
  MODE,
  MODE_NAME,
  oprfInput,
  paddedSize,
  SUITE,
  toBase64,
} from './private-screening.protocol';

/**
 * Private screening (docs/screening.md "Private mode"): a bank learns which of its identifiers the
 * hub knows beyond what the bank can see — the clear mode's `known` — without the hub ever seeing
 * them. RFC 9497 VOPRF (private-screening.protocol.ts):
 *
 * 1. the bank normalises and blinds its identifiers and has the hub evaluate the blinded elements
 *    with its key (`evaluatePrivateScreening`), under the agency's daily quota of elements, each batch
 *    one audit event: agency, user, agency type, element count, key id, outcome — nothing else, the
 *    hub sees random group elements;
 * 2. the bank fetches the filter (`privateScreeningFilter`): the hub's own evaluations of every
 *    identifier the clear mode would answer "known" to the caller, truncated, sorted and padded;
 * 3. the bank unblinds (checking the proof that the hub used its published key) and looks its
 *    outputs up in the filter. It can test only identifiers the hub evaluated for it, so the quota
 *    bounds what it learns as the clear mode's quota does.
 *
 * Who may: whoever may screen in clear (creates ScreeningJobs: a bank's contributors and
 * supervisors); the same rule, asked of the same policy.
 */
export const MAX_PRIVATE_BATCH = 10_000;
export const PRIVATE_SCREENING_SUBJECT = 'PrivateScreening';
export const PRIVATE_SCREENING_FILTER_SUBJECT = 'PrivateScreeningFilter';

export interface HubKey {
  keyId: string;
  publicKey: Uint8Array;
  server: VOPRFServer;
  /** The seed, for the filter's padding entries. */
  seed: Buffer;
}

/**
 * RFC 9497's VOPRF server whose batch proof takes its nonce from the key and the request (as RFC 6979
 * and EdDSA take theirs from the key and the message) instead of drawing it at random: the same
 * request evaluates to the very same bytes, proof included, so a batch re-sent after a lost answer
 * gets the answer it was given. The nonce stays secret and unpredictable (HMAC under a key derived
 * from the seed), and two different requests never share one, which is all the proof needs.
 */
class ReplayableVOPRFServer extends VOPRFServer {
  constructor(
    privateKey: Uint8Array,
    private readonly nonceKey: Buffer,
  ) {
    super(SUITE, privateKey, CRYPTO);
  }

  override async blindEvaluate(req: EvaluationRequest): Promise<Evaluation> {
    const evaluated = await Promise.all(req.blinded.map((b) => this.doBlindEvaluation(b, this.privateKey)));
    const k = this.group.desScalar(this.privateKey);
    const nonce = await this.group.hashToScalar(
      createHmac('sha512', this.nonceKey).update(req.serialize()).digest(),
      new TextEncoder().encode(`${KEY_INFO} proof nonce`),
    );
    const proof = await this.prover.prove_batch(
      k,
      [this.group.generator(), this.group.mulGen(k)],
      req.blinded.map((b, i) => [b, evaluated[i]!]),
      nonce,
    );
    return new Evaluation(this.mode, evaluated, proof);
  }
}

const keys = new Map<string, Promise<HubKey>>();

/**
 * The hub's OPRF key: RFC 9497 DeriveKeyPair from the secret TESSERA_PRIVATE_SCREENING_KEY, or one
 * made once in the data directory (`keys/private-screening-key`), like the hub's other keys, never
 * in the database. Rotate it by setting another secret: evaluations and filters name their key id,
 * and a bank's client refuses to match across two.
 */
export async function privateScreeningKey(): Promise<HubKey> {
  const seed = hubSecret(loadConfig().dataDir, 'private-screening-key', 'TESSERA_PRIVATE_SCREENING_KEY');
  const name = seed.toString('base64url');
  let key = keys.get(name);
  if (!key) {
    key = deriveKeyPair(MODE, SUITE, seed, new TextEncoder().encode(KEY_INFO), CRYPTO).then(async ({ privateKey, publicKey }) => ({
      keyId: await keyIdOf(publicKey),
      publicKey,
      server: new ReplayableVOPRFServer(privateKey, createHmac('sha256', seed).update('proof nonce').digest()),
      seed,
    }));
    keys.set(name, key);
  }
  return key;
}

/** Refused before any work unless the caller may screen (the clear mode's rule: it may open a screening job). */
function assertMayScreen(ctx: RequestContext): void {
  if (!ctx.ability.can('create', { __typename: 'ScreeningJob', ownerAgencyId: ctx.actor.agencyId }))
    throw forbidden('Your agency or role may not screen identifiers');
}

export interface PublicKeyAnswer {
  suite: string;
  mode: string;
  keyId: string;
  publicKey: string;
}

async function publicKeyAnswer(): Promise<PublicKeyAnswer> {
  const key = await privateScreeningKey();
  return { suite: SUITE, mode: MODE_NAME, keyId: key.keyId, publicKey: Buffer.from(key.publicKey).toString('base64') };
}

/** The hub's public key, which a bank pins and checks every evaluation's proof against. */
export async function privateScreeningPublicKey(ctx: RequestContext): Promise<PublicKeyAnswer> {
  assertMayScreen(ctx);
  return publicKeyAnswer();
}

/** A batch the quota refused, with the seconds until it would fit (null: larger than the quota itself). */
class OverQuota extends Error {
  constructor(readonly wait: number | null) {
    super('over the private screening quota');
  }
}

/**
 * Records the batch submitted under `idempotencyKey` and meters its elements against the agency's
 * daily quota, audited, in one transaction under a per-agency lock (concurrent batches count each
 * other). Through submitOnce: the same batch under the same key is not recorded, counted nor
 * audited again (`replayed`, with the key it was evaluated under); another batch under that key is
 * a CONFLICT. Over the quota: RATE_LIMITED with the seconds until the batch would fit, the refusal
 * audited and nothing recorded; a batch larger than the quota itself is BAD_USER_INPUT (audited as
 * refused too).
 */
async function meter(ctx: RequestContext, elements: number, keyId: string, idempotencyKey: string, hash: string): Promise<{ replayed: boolean }> {
  const quota = loadConfig().privateScreeningAgencyPerDay;
  const event = (outcome: string) =>
    ownRecordEvent(ctx, 'CONSULT', PRIVATE_SCREENING_SUBJECT, ctx.requestId, [
      `agencyType:${ctx.actor.agencyType}`,
      `elements:${elements}`,
      `key:${keyId}`,
      `outcome:${outcome}`,
    ]);
  let submitted: { id: string; replayed: boolean };
  try {
    submitted = await submitOnceTelling(ctx, {
      table: 'entities.private_screening_batches',
      subject: 'batch of blinded elements',
      key: idempotencyKey,
      hash,
      insert: async (tx) => {
        if (elements > quota) throw new OverQuota(null);
        await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('tessera.private-screening:' || $1, 0))`, [ctx.actor.agencyId]);
        // Under the lock, a batch under the same key committed first: this insert is a unique violation, which submitOnce answers with it.
        const [{ id }] = (await tx.query<{ id: string }>(
          `INSERT INTO entities.private_screening_batches (owner_agency_id, user_id, element_count, idempotency_key, request_hash, key_id)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [ctx.actor.agencyId, ctx.actor.userId, elements, idempotencyKey, hash, keyId],
        )) as [{ id: string }];
        // Batches leave the window oldest first; the wait ends when the oldest batch whose newer ones plus this one fit has left.
        const [{ wait }] = (await tx.query<{ wait: number }>(
          `SELECT CASE WHEN coalesce(max(total), 0) + $2 <= $3 THEN 0
                       ELSE greatest(1, ceil(extract(epoch FROM min(created_at) FILTER (WHERE newer + $2 <= $3) + interval '1 day' - clock_timestamp())))::int END AS wait
             FROM (SELECT created_at, sum(element_count) OVER () AS total,
                          coalesce(sum(element_count) OVER (ORDER BY created_at DESC, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS newer
                     FROM entities.private_screening_batches
                    WHERE owner_agency_id = $1 AND created_at > clock_timestamp() - interval '1 day' AND id <> $4) AS b`,
          [ctx.actor.agencyId, elements, quota, id],
        )) as [{ wait: number }];
        if (wait !== 0) throw new OverQuota(wait);
        await appendAudit(tx, ctx, [event('ANSWERED')]);
        return id;
      },
    });
  } catch (err) {
    if (!(err instanceof OverQuota)) throw err;
    await ctx.db.transaction((tx) => appendAudit(tx, ctx, [event('RATE_LIMITED')]));
    ctx.log.info({ op: 'privateScreening', elements, outcome: 'RATE_LIMITED', retryAfterSeconds: err.wait }, 'private screening');
    if (err.wait === null) throw badInput('input.request', `more elements than your agency's daily private screening quota (${quota})`);
    throw rateLimited(`Private screening quota reached; try this batch again in ${err.wait} s`, err.wait);
  }
  ctx.log.info({ op: 'privateScreening', elements, outcome: submitted.replayed ? 'REPLAYED' : 'ANSWERED' }, 'private screening');
  if (submitted.replayed) {
    const [batch] = await ctx.db.query<{ key_id: string }>(`SELECT key_id FROM entities.private_screening_batches WHERE id = $1`, [submitted.id]);
    if (batch?.key_id !== keyId)
      throw conflict(
        `idempotencyKey "${idempotencyKey}": this batch was evaluated under key ${batch?.key_id}, and the hub's key is now ${keyId}; fetch the new filter and screen again`,
        { field: 'input.idempotencyKey' },
      );
  }
  return { replayed: submitted.replayed };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Evaluates a batch of blinded elements (an RFC 9497 EvaluationRequest, serialized, base64) with the
 * hub's key, with the proof that it used the published key. Recorded, metered and audited before any
 * work, once per idempotency key: the same batch re-sent under its key (a connection lost before the
 * answer arrived) is evaluated again, free, to the very same bytes (the proof's nonce is the request's,
 * ReplayableVOPRFServer).
 */
export async function evaluatePrivateScreening(ctx: RequestContext, input: { request: string; idempotencyKey: string }) {
  assertMayScreen(ctx);
  const idempotencyKey = requiredIdempotencyKey('input.idempotencyKey', input.idempotencyKey);
  const { request } = input;
  const bytes = BASE64.test(request) ? Buffer.from(request, 'base64') : Buffer.alloc(0);
  let req: EvaluationRequest;
  try {
    req = EvaluationRequest.deserialize(SUITE, bytes, CRYPTO);
  } catch {
    throw badInput('input.request', `is not an RFC 9497 evaluation request of ${SUITE}, serialized and base64-encoded`);
  }
  const elements = req.blinded.length;
  if (elements === 0 || elements > MAX_PRIVATE_BATCH) throw badInput('input.request', `a batch holds 1 to ${MAX_PRIVATE_BATCH} blinded elements`);
  if (bytes.length !== req.serialize().length) throw badInput('input.request', 'has bytes after its last element');
  if (req.blinded.some((e) => e.isIdentity())) throw badInput('input.request', 'holds the identity element, which no blinded input is');
  const key = await privateScreeningKey();
  // The request as its bytes say it (base64 has more than one spelling of some bytes).
  const submitted = { idempotencyKey, request: toBase64(req.serialize()) };
  await meter(ctx, elements, key.keyId, idempotencyKey, requestHash(submitted));
  const evaluation = await key.server.blindEvaluate(req);
  return { keyId: key.keyId, elements, evaluation: Buffer.from(evaluation.serialize()).toString('base64') };
}

const O = observationTableAs('o');

/** The filter entry of one of the hub's identifiers under `key`. */
async function entryOf(key: HubKey, kind: string, value: string): Promise<Buffer> {
  return Buffer.from(filterEntry(await key.server.evaluate(oprfInput(kind, value))), 'hex');
}

/**
 * Evaluates and stores the entry of every entity that has none under the hub's current key: what the
 * first filter would otherwise do. The entities are those a filter can hold (every identifier with a
 * statement: entities.private_screening_identifiers with nothing seen), read through the schema's
 * function, so the hub's runtime role can run it as well as the tables' owner
 * (scripts/private-screening-entries.ts, the demo data, the entries builder). It yields to the event
 * loop after each entry (an entry is ~2 ms of BigInt arithmetic, which would otherwise hold requests
 * up) and stops between stored batches once `stopped()` says so. Answers how many it stored.
 */
export async function storeMissingEntries(db: Sql, progress?: (done: number, of: number) => void, stopped: () => boolean = () => false): Promise<number> {
  const key = await privateScreeningKey();
  const missing = await db.query<{ id: string; kind: string; value: string }>(
    `SELECT entity_id AS id, kind, value FROM entities.private_screening_identifiers('{}'::uuid[], $1) WHERE entry IS NULL ORDER BY entity_id`,
    [key.keyId],
  );
  let stored = 0;
  for (let i = 0; i < missing.length && !stopped(); i += STORE_BATCH) {
    const batch = missing.slice(i, i + STORE_BATCH);
    const entries: Buffer[] = [];
    for (const e of batch) {
      entries.push(await entryOf(key, e.kind, e.value));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await db.query(`SELECT entities.store_private_screening_entries($1, $2::uuid[], $3::bytea[])`, [key.keyId, batch.map((e) => e.id), entries]);
    stored += batch.length;
    progress?.(stored, missing.length);
  }
  return stored;
}

export interface EntriesBuilder {
  /** Resolves when the build is over (complete, stopped or failed). */
  idle(): Promise<void>;
  /** Stops the build after the batch it is evaluating, and resolves when it has. */
  stop(): Promise<void>;
}

/**
 * The entities subgraph's background work: the entries of the hub's key, built off the request path
 * when the process starts. The key is read once per process (TESSERA_PRIVATE_SCREENING_KEY or the key
 * file), so a rotation is a restart, and a restart builds the new key's entries: the first bank to
 * fetch a filter after it does not wait for every entity's evaluation. A filter fetched while the
 * build runs evaluates whatever is still missing itself, as it does for entities new since the build
 * (both store with ON CONFLICT DO NOTHING: at worst an entry is evaluated twice). Runs on the
 * process's own pool, as the hub's runtime role.
 */
export function startEntriesBuilder(db: Sql): EntriesBuilder {
  const log = rootLogger.child({ service: 'private-screening-entries' });
  let stopped = false;
  const started = Date.now();
  const build = (async () => {
    try {
      const { keyId } = await privateScreeningKey();
      const stored = await storeMissingEntries(db, undefined, () => stopped);
      log.info({ key: keyId, stored, ms: Date.now() - started, complete: !stopped }, 'private screening entries built');
    } catch (err) {
      log.error({ err }, 'private screening entries not built in the background; filters evaluate what they miss');
    }
  })();
  return {
    idle: () => build,
    async stop() {
      stopped = true;
      await build;
    },
  };
}

/** Demo data: Albion Bank's private screening of three identifiers two days ago (its batch), and every demo entity's entry under the hub's current key. */
export async function seedPrivateScreeningDemo(db: Sql, demo: DemoRegistry): Promise<void> {
  const bank = demo.agencies['albion-bank']!;
  await db.query(
    `INSERT INTO entities.private_screening_batches (owner_agency_id, user_id, element_count, created_at) VALUES ($1, $2, 3, now() - interval '2 days')`,
    [bank.id, bank.users.CONTRIBUTOR],
  );
  await storeMissingEntries(db);
}

/** Entries evaluated and stored per transaction when a filter finds some missing (each stored batch outlives a request that times out). */
const STORE_BATCH = 500;

/**
 * The entries of the hub's identifiers under `key`, in the order given: stored ones as they are, the
 * missing ones (entities new since the last filter, or a new key) evaluated now and stored for every
 * later filter, of any caller and any process.
 */
async function entriesOf(ctx: RequestContext, key: HubKey, rows: ReadonlyArray<IdentifierRow>): Promise<string[]> {
  const missing = rows.filter((r) => r.entry === null);
  for (let i = 0; i < missing.length; i += STORE_BATCH) {
    const batch = missing.slice(i, i + STORE_BATCH);
    const entries: Buffer[] = [];
    for (const r of batch) entries.push(await entryOf(key, r.kind, r.value));
    batch.forEach((r, n) => (r.entry = entries[n]!));
    await ctx.db.transaction((tx) =>
      tx.query(`SELECT entities.store_private_screening_entries($1, $2::uuid[], $3::bytea[])`, [key.keyId, batch.map((r) => r.entityId), entries]),
    );
  }
  if (missing.length > 0) ctx.log.info({ op: 'privateScreeningFilter', evaluated: missing.length }, 'private screening entries evaluated');
  return rows.map((r) => r.entry!.toString('hex'));
}

interface IdentifierRow {
  entityId: string;
  kind: string;
  value: string;
  entry: Buffer | null;
}

/**
 * Padding entries: pseudo-random, from the key's seed, the first `count` of one sequence whatever
 * the size class. Two filters then share the padding of the smaller: fresh random padding would
 * fall out of the intersection of two fetches, and padding of its own per size class would do so
 * across classes; either way the intersection would leave the true count.
 */
function paddingEntries(key: HubKey, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(createHmac('sha256', key.seed).update(`padding:${i}`).digest().subarray(0, FILTER_ENTRY_BYTES).toString('hex'));
  }
  return out;
}

/** A filter's entries (hex): the hub's evaluations `entries` padded to their size class (paddedSize). */
export function paddedFilterEntries(key: HubKey, entries: readonly string[]): { size: number; entries: string[] } {
  const size = paddedSize(entries.length);
  return { size, entries: [...entries, ...paddingEntries(key, size - entries.length)] };
}

/**
 * The filter of the caller: the hub's evaluation of every identifier the clear mode answers "known"
 * to it — with a statement the caller cannot see (the Observation rule, as the caller, under
 * row-level security), by entities.private_screening_identifiers, which asks the clear mode's
 * entities.identifier_holders — truncated to FILTER_ENTRY_BYTES, padded to its size class, sorted.
 * Audited: who fetched a filter of which size class under which key.
 */
export async function privateScreeningFilter(ctx: RequestContext) {
  assertMayScreen(ctx);
  const key = await privateScreeningKey();
  const params = new SqlParams();
  const visible = visibleWhere(ctx, 'Observation', { alias: 'o', attributes: O.attributes(ctx, params), grantsTable: O.grantsTable }, params);
  const keyParam = params.add(key.keyId);
  const identifiers = await ctx.db.query<IdentifierRow>(
    `SELECT entity_id AS "entityId", kind, value, entry
       FROM entities.private_screening_identifiers(ARRAY(SELECT o.id FROM entities.observations o WHERE coalesce((${visible}), false)), ${keyParam})`,
    params.values,
  );
  const { size, entries } = paddedFilterEntries(key, await entriesOf(ctx, key, identifiers));
  const filter = encodeFilter(entries);
  await ctx.db.transaction((tx) =>
    appendAudit(tx, ctx, [
      ownRecordEvent(ctx, 'CONSULT', PRIVATE_SCREENING_FILTER_SUBJECT, ctx.requestId, [
        `agencyType:${ctx.actor.agencyType}`,
        `size:${size}`,
        `key:${key.keyId}`,
      ]),
    ]),
  );
  return { ...(await publicKeyAnswer()), entryBytes: FILTER_ENTRY_BYTES, size, entries: filter };
}
