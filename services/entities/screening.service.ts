import { createHash } from 'node:crypto';
import { SqlParams } from '../../policies/sql';
import { appendAudit, type AuditActor, ownRecordEvent } from '../kernel/audit';
import { loadConfig } from '../kernel/config';
import { rootLogger } from '../kernel/logger';
import type { RequestContext } from '../kernel/context';
import { type CsvRowShape, readCsvColumns } from '../kernel/csv-records';
import type { Database, Sql } from '../kernel/db';
import { badInput, conflict, forbidden, notFound, rateLimited } from '../kernel/errors';
import { requestHash, requiredIdempotencyKey, submitOnce } from '../kernel/idempotency';
import { assertMayReadAny, projectAll, projectOne, assertCanChange, assertCanCreate, visibleWhere } from '../kernel/policy';
import { assertUuid } from '../kernel/marked-record';
import { observationTableAs } from './entity.repository';
import { hitNoHitKey, identifierHash } from './hit-no-hit.service';
import { type IdentifierInput, normaliseColumns } from './observe';

/**
 * Bulk screening: a bank submits its customer book as a job, in chunks, and learns for each
 * identifier what hit/no-hit (hit-no-hit.service.ts) would answer: known beyond what it can see,
 * how many agencies hold it, whom to ask. Each chunk is answered when it arrives, by one statement
 * for its distinct identifiers, and kept in its row as the job's results until the bank reads them
 * page by page. Chunks of one job are answered side by side (appendScreeningChunk).
 *
 * Audit: the job's creation (COLLECT) and its closing (ALTER, with the job's counts) are events on
 * the job; every chunk is one CONSULT event on the job with `agencyType:<type>`, `chunk:<n>`,
 * `identifiers:<n>` (distinct identifiers in the chunk), `known:<n>`, `outcome:ANSWERED` or
 * `outcome:RATE_LIMITED`, and one `hmac:<hex>` per distinct identifier (identifierHash, the
 * hit/no-hit key): the trail says who screened which identifiers without holding them.
 *
 * Quota: distinct identifiers per agency in the last 24 hours (config.screeningAgencyPerDay),
 * counted over the agency's answered chunks under a per-agency lock, so concurrent chunks of one
 * agency count each other. Over it: RATE_LIMITED with the seconds until the chunk would fit.
 */
export const MAX_SCREENING_CHUNK = 50_000;
export const MAX_SCREENING_JOB = 1_000_000;
export const MAX_RESULTS_PAGE = 10_000;
export const SCREENING_SUBJECT = 'ScreeningJob';

interface JobRow {
  id: string;
  ownerAgencyId: string;
  reference: string;
  status: 'OPEN' | 'CLOSED';
  chunkCount: number;
  identifierCount: number;
  knownCount: number;
  createdAt: Date;
  closedAt: Date | null;
}

const JOB_COLUMNS = `id, owner_agency_id AS "ownerAgencyId", idempotency_key AS reference, status, chunk_count AS "chunkCount",
  identifier_count AS "identifierCount", known_count AS "knownCount", created_at AS "createdAt", closed_at AS "closedAt"`;

const O = observationTableAs('o');
const record = (row: JobRow) => ({ __typename: 'ScreeningJob' as const, ...row });

/** A job named by its id or by the reference its agency gave it. */
export type JobRef = { id?: string | null; reference?: string | null };

/**
 * The caller's own job, by id or by its reference; undefined for any other agency's (row-level
 * security hides them too), which callers answer as NOT_FOUND. `forUpdate` locks the row for the
 * rest of the request.
 */

async function ownJob(ctx: RequestContext, by: JobRef, forUpdate = false): Promise<JobRow | undefined> {
  if (by.id) assertUuid('id', by.id);
  if (by.id && by.reference) throw badInput('reference', 'give the job’s id or its reference, not both');
  const [column, value] = by.id ? ['id', by.id] : ['idempotency_key', by.reference];
  if (!value) throw badInput('id', 'give the job’s id or its reference');
  const [row] = await ctx.db.query<JobRow>(
    `SELECT ${JOB_COLUMNS} FROM entities.screening_jobs WHERE ${column} = $1 AND owner_agency_id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [value, ctx.actor.agencyId],
  );
  return row;
}

export async function getScreeningJob(ctx: RequestContext, by: JobRef) {
  assertMayReadAny(ctx, 'ScreeningJob', 'Your agency may not screen identifiers');
  const row = await ownJob(ctx, by);
  if (!row) throw notFound('ScreeningJob');
  return projectOne(ctx, record(row));
}

/** The caller's agency's jobs, newest first. */
export async function listScreeningJobs(ctx: RequestContext, first: number) {
  assertMayReadAny(ctx, 'ScreeningJob', 'Your agency may not screen identifiers');
  if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first', 'must be between 1 and 100');
  const rows = await ctx.db.query<JobRow>(
    `SELECT ${JOB_COLUMNS} FROM entities.screening_jobs WHERE owner_agency_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
    [ctx.actor.agencyId, first],
  );
  return projectAll(ctx, rows.map(record));
}

/** A new job under the caller's reference; the same reference again answers the same job. */
export async function createScreeningJob(ctx: RequestContext, reference: string) {
  assertCanCreate(ctx, { __typename: 'ScreeningJob', ownerAgencyId: ctx.actor.agencyId });
  const key = requiredIdempotencyKey('reference', reference);
  const id = await submitOnce(ctx, {
    table: 'entities.screening_jobs',
    subject: 'screening job',
    key,
    hash: requestHash({}),
    async insert(tx) {
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO entities.screening_jobs (owner_agency_id, created_by_user_id, idempotency_key, request_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
        [ctx.actor.agencyId, ctx.actor.userId, key, requestHash({})],
      );
      await appendAudit(tx, ctx, [ownRecordEvent(ctx, 'COLLECT', SCREENING_SUBJECT, row!.id, [`agencyType:${ctx.actor.agencyType}`])]);
      return row!.id;
    },
  });
  return getScreeningJob(ctx, { id });
}

/**
 * Seconds until `asked` more identifiers fit the agency's daily quota: 0 now, null never. With
 * `locked`, exact: it takes the agency's screening lock, held until the request ends (so concurrent
 * chunks of the agency count each other), and leaves out `locked`'s own chunk, already written in this
 * transaction. Without, a reading of the chunks committed so far, to refuse early.
 */
async function quotaWait(sql: Sql, agencyId: string, asked: number, locked?: { jobId: string; chunk: number }): Promise<number | null> {
  const quota = loadConfig().screeningAgencyPerDay;
  if (asked > quota) return null;
  if (locked) await sql.query(`SELECT pg_advisory_xact_lock(hashtextextended('tessera.screening:' || $1, 0))`, [agencyId]);
  // Chunks leave the window oldest first; the wait ends when the oldest chunk whose newer ones plus `asked` fit has left.
  const [{ wait }] = (await sql.query<{ wait: number }>(
    `SELECT CASE WHEN coalesce(max(total), 0) + $2 <= $3 THEN 0
                 ELSE greatest(1, ceil(extract(epoch FROM min(created_at) FILTER (WHERE newer + $2 <= $3) + interval '1 day' - clock_timestamp())))::int END AS wait
       FROM (SELECT created_at, sum(identifier_count) OVER () AS total,
                    coalesce(sum(identifier_count) OVER (ORDER BY created_at DESC, job_id, chunk_number ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS newer
               FROM entities.screening_chunks WHERE owner_agency_id = $1 AND created_at > clock_timestamp() - interval '1 day'
                AND (job_id, chunk_number) IS DISTINCT FROM ($4::uuid, $5::int)) AS c`,
    [agencyId, asked, quota, locked?.jobId ?? null, locked?.chunk ?? null],
  )) as [{ wait: number }];
  return wait;
}

/** A line of a chunk as CSV. */
const CSV_LINE: CsvRowShape = { min: 2, max: 3, rule: 'a line is KIND,value or KIND,value,country' };

/**
 * A chunk's identifiers as columns, as sent: the GraphQL list, or CSV lines `KIND,value` or
 * `KIND,value,country` (RFC 4180 quoting for values with commas, no header; the kind in any case),
 * read as the list is, so the answer is the same. No object per identifier.
 */
function chunkColumns(input: { identifiers?: IdentifierInput[] | null; csv?: string | null }) {
  if (input.identifiers) {
    const ids = input.identifiers;
    return { field: 'identifiers', kinds: ids.map((i) => i.kind as string), values: ids.map((i) => i.value), countries: ids.map((i) => i.country) };
  }
  const [kindCells, values, countryCells] = readCsvColumns(input.csv!, 'csv', CSV_LINE) as [string[], string[], string[]];
  const upper = new Map<string, string>();
  const kinds = kindCells.map((k) => {
    let kind = upper.get(k);
    if (kind === undefined) upper.set(k, (kind = k.toUpperCase()));
    return kind;
  });
  return { field: 'csv', kinds, values, countries: countryCells.map((c) => c || null) };
}

/**
 * A chunk's distinct identifiers, in the order first sent, as columns, and the keyed hash of each
 * (identifierHash with the hit/no-hit key): what the chunk's
 * audit event keeps of them. Their number is the chunk's distinct count, which the quota meters.
 */
function distinctOf(kinds: readonly string[], values: readonly string[]) {
  const seen = new Map<string, Set<string>>();
  const distinct = { kinds: [] as string[], values: [] as string[] };
  for (let n = 0; n < kinds.length; n++) {
    let ofKind = seen.get(kinds[n]!);
    if (!ofKind) seen.set(kinds[n]!, (ofKind = new Set()));
    const before = ofKind.size;
    ofKind.add(values[n]!);
    if (ofKind.size === before) continue;
    distinct.kinds.push(kinds[n]!);
    distinct.values.push(values[n]!);
  }
  const key = hitNoHitKey();
  return { ...distinct, hashes: distinct.kinds.map((kind, n) => identifierHash(key, kind, distinct.values[n]!)) };
}

/**
 * A Postgres array literal of `values` for a `text[]` parameter, made by one join when no value holds
 * a quote or backslash (the driver would escape each of a chunk's 50,000 values with two regular
 * expressions); else the array itself, which the driver escapes.
 */
function textArray(values: readonly string[]): string | readonly string[] {
  for (const v of values) if (v.includes('"') || v.includes('\\')) return values;
  return values.length === 0 ? '{}' : `{"${values.join('","')}"}`;
}

/** One identifier of a chunk known beyond what the asker sees: how many agencies hold it, and those it may name. */
export interface HeldIdentifier {
  kind: string;
  value: string;
  holders: number;
  contactable: string[];
}

/**
 * The statement that answers a chunk's distinct identifiers, given as `$1` (kinds) and `$2`
 * (normalised values): one row (HeldIdentifier) per identifier known beyond what the asker sees,
 * where `seen` is the condition an observation `o` meets when the asker sees it. Who holds what the
 * asker does not see comes from entities.identifier_holders, the one function that looks past
 * row-level security. It is asked first about every identifier as if the asker saw nothing; the
 * asker's own view is then looked up only for the identifiers the hub holds at all (an index probe
 * and a row-level security check each: for the whole chunk, most of which the hub does not hold,
 * that was the statement's largest part), and those of which it sees a statement are asked about
 * again with its statements left out, which answers them as asking once with them left out would.
 */
export function chunkHoldersSql(seen: string): string {
  return `WITH held AS MATERIALIZED (SELECT * FROM entities.identifier_holders($1::text[], $2::text[], '{}')),
          seen AS MATERIALIZED (SELECT en.kind, en.value, o.id FROM held h
                                  JOIN entities.entities en ON en.kind = h.kind AND en.value = h.value
                                  JOIN entities.observations o ON o.entity_id = en.id
                                 WHERE ${seen}),
          again AS (SELECT coalesce(array_agg(s.kind ORDER BY s.kind, s.value), '{}') AS kinds,
                           coalesce(array_agg(s.value ORDER BY s.kind, s.value), '{}') AS vals, ARRAY(SELECT id FROM seen) AS ids
                      FROM (SELECT DISTINCT kind, value FROM seen) AS s),
          reheld AS MATERIALIZED (SELECT r.* FROM again, entities.identifier_holders(again.kinds, again.vals, again.ids) AS r)
     SELECT h.kind, h.value, coalesce(r.holders, h.holders) AS holders, coalesce(r.contactable, h.contactable) AS contactable
       FROM held h LEFT JOIN reheld r ON r.kind = h.kind AND r.value = h.value
      WHERE r.kind IS NOT NULL OR NOT EXISTS (SELECT 1 FROM seen s WHERE s.kind = h.kind AND s.value = h.value)`;
}

/** A chunk as entities.screening_chunks keeps it. */
export interface ChunkRow {
  jobId: string;
  chunkNumber: number;
  ownerAgencyId: string;
  requestHash: string;
  /** Distinct identifiers, as the quota counts them. */
  distinct: number;
  kinds: readonly string[];
  values: readonly string[];
}

/**
 * Keeps a chunk and its answers in the chunk's row (one INSERT): the identifiers in the order asked
 * and, for the known ones, their indexes in the chunk (ascending), holder counts and nameable
 * holders (a JSON array of agency ids per known item; readers sort them), looked up here from the
 * chunk's known identifiers (`held`, chunkHoldersSql). Returns how many of its identifiers are known
 * (duplicates counted each time).
 */
export async function keepChunk(sql: Sql, chunk: ChunkRow, held: readonly HeldIdentifier[]): Promise<number> {
  const byKind = new Map<string, Map<string, HeldIdentifier>>();
  for (const h of held) {
    let ofKind = byKind.get(h.kind);
    if (!ofKind) byKind.set(h.kind, (ofKind = new Map()));
    ofKind.set(h.value, h);
  }
  const items: number[] = [];
  const holders: number[] = [];
  const contactable: string[][] = [];
  const { kinds, values } = chunk;
  for (let n = 0; n < kinds.length; n++) {
    const h = byKind.get(kinds[n]!)?.get(values[n]!);
    if (!h) continue;
    items.push(n);
    holders.push(h.holders);
    contactable.push(h.contactable);
  }
  await sql.query(
    `INSERT INTO entities.screening_chunks (job_id, chunk_number, owner_agency_id, request_hash, identifier_count, known_count,
                                            kinds, vals, known_items, holder_counts, contactable)
     VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8::text[], $9::int[], $10::int[], $11::jsonb)`,
    [
      chunk.jobId,
      chunk.chunkNumber,
      chunk.ownerAgencyId,
      chunk.requestHash,
      chunk.distinct,
      items.length,
      textArray(kinds),
      textArray(values),
      `{${items.join(',')}}`,
      `{${holders.join(',')}}`,
      JSON.stringify(contactable),
    ],
  );
  return items.length;
}

/** A chunk's request hash: the same identifiers in the same order hash the same. */
const chunkHash = (kinds: readonly string[], values: readonly string[]) =>
  createHash('sha256')
    .update(JSON.stringify([kinds, values]))
    .digest('hex');

/** Whether a statement failed on a unique index (a chunk number another request wrote first). */
const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; driverError?: { code?: string } };
  return (e.driverError?.code ?? e.code) === '23505';
};

/** Thrown inside the chunk's savepoint to undo it: the quota or the job refused the chunk after it was answered. */
class Refused {
  constructor(
    readonly why: 'quota' | 'job',
    readonly wait: number | null = null,
  ) {}
}

/**
 * The chunk's own earlier answer: true if chunk `chunkNumber` of the job was answered with the same
 * identifiers (a re-sent chunk: nothing to do), false if never; another chunk under the number is a CONFLICT.
 */
async function answeredBefore(ctx: RequestContext, jobId: string, chunkNumber: number, hash: string): Promise<boolean> {
  const [earlier] = await ctx.db.query<{ hash: string }>(`SELECT request_hash AS hash FROM entities.screening_chunks WHERE job_id = $1 AND chunk_number = $2`, [
    jobId,
    chunkNumber,
  ]);
  if (earlier && earlier.hash !== hash) throw conflict(`chunk ${chunkNumber} of this job was already sent with other identifiers`, { field: 'chunk' });
  return earlier !== undefined;
}

/**
 * Appends chunk `chunkNumber` (any order; each number once) to an open job and answers it. The
 * same chunk again is a no-op answering the job; another chunk under a used number is a CONFLICT.
 *
 * Chunks of one job are answered concurrently: the identifiers are read, normalised and hashed
 * before any statement, and the job is not locked while the database answers them. What must be
 * exact is settled after the answer, in the chunk's savepoint, under locks held to the end of the
 * request: the agency's quota (its screening lock, quotaWait), then the job's size and status (one
 * conditional UPDATE of its row, which takes the row's lock), then the audit event. A chunk refused
 * there is undone whole (the savepoint) before its refusal is recorded. Two requests with the same
 * chunk number: the second's insert waits for the first and fails on the chunk's primary key, and
 * it then answers as a chunk sent again does.
 */
export async function appendScreeningChunk(
  ctx: RequestContext,
  jobRef: JobRef,
  chunkNumber: number,
  input: { identifiers?: IdentifierInput[] | null; csv?: string | null },
) {
  if (!Number.isInteger(chunkNumber) || chunkNumber < 0 || chunkNumber >= MAX_SCREENING_JOB)
    throw badInput('chunk', `must be between 0 and ${MAX_SCREENING_JOB - 1}`);
  if ((input.identifiers == null) === (input.csv == null)) throw badInput('identifiers', 'give the chunk as identifiers or as csv, not both');
  const { field, kinds, values: written, countries } = chunkColumns(input);
  if (kinds.length === 0 || kinds.length > MAX_SCREENING_CHUNK) throw badInput(field, `a chunk holds 1 to ${MAX_SCREENING_CHUNK} identifiers`);
  // Refused before any work when the caller may feed no job at all (its agency type or role).
  if (!ctx.ability.can('update', { __typename: 'ScreeningJob', ownerAgencyId: ctx.actor.agencyId }))
    throw forbidden('Your agency or role may not screen identifiers');
  const values = normaliseColumns(ctx.actor, kinds, written, countries, field);
  const hash = chunkHash(kinds, values);
  const unique = distinctOf(kinds, values);
  const distinct = unique.hashes.length;

  const job = await ownJob(ctx, jobRef);
  if (!job) throw notFound('ScreeningJob');
  assertCanChange(ctx, 'update', record(job), 'ScreeningJob');
  if (await answeredBefore(ctx, job.id, chunkNumber, hash)) return getScreeningJob(ctx, { id: job.id });
  const closed = () => conflict('this screening job is closed: create another job to screen more', { field: 'jobId' });
  const tooMany = () => badInput(field, `a job holds at most ${MAX_SCREENING_JOB} identifiers`);
  if (job.status !== 'OPEN') throw closed();
  if (job.identifierCount + kinds.length > MAX_SCREENING_JOB) throw tooMany();

  const event = (outcome: string, known: number) => ({
    action: 'CONSULT' as const,
    subjectType: SCREENING_SUBJECT,
    subjectId: job.id,
    recordOwnerAgencyId: ctx.actor.agencyId,
    fields: [`agencyType:${ctx.actor.agencyType}`, `chunk:${chunkNumber}`, `identifiers:${distinct}`, `known:${known}`, `outcome:${outcome}`, ...unique.hashes],
  });
  // A chunk that does not fit the chunks committed so far costs the database nothing more.
  let wait = await quotaWait(ctx.db, ctx.actor.agencyId, distinct);
  let known = 0;
  if (wait === 0) {
    try {
      known = await ctx.db.transaction(async (tx) => {
        const answered = await answerChunk(
          ctx,
          tx,
          { jobId: job.id, chunkNumber, ownerAgencyId: ctx.actor.agencyId, requestHash: hash, distinct, kinds, values },
          unique,
        );
        const exact = await quotaWait(tx, ctx.actor.agencyId, distinct, { jobId: job.id, chunk: chunkNumber });
        if (exact !== 0) throw new Refused('quota', exact);
        const [counted] = await tx.query<{ id: string }>(
          `UPDATE entities.screening_jobs SET chunk_count = chunk_count + 1, identifier_count = identifier_count + $2, known_count = known_count + $3
            WHERE id = $1 AND status = 'OPEN' AND identifier_count + $2 <= $4 RETURNING id`,
          [job.id, kinds.length, answered, MAX_SCREENING_JOB],
        );
        if (!counted) throw new Refused('job');
        await appendAudit(tx, ctx, [event('ANSWERED', answered)]);
        return answered;
      });
    } catch (err) {
      if (isUniqueViolation(err) && (await answeredBefore(ctx, job.id, chunkNumber, hash))) return getScreeningJob(ctx, { id: job.id });
      if (!(err instanceof Refused)) throw err;
      if (err.why === 'job') throw (await ownJob(ctx, { id: job.id }))?.status === 'OPEN' ? tooMany() : closed();
      wait = err.wait;
    }
  }
  if (wait !== 0) {
    await ctx.db.transaction((tx) => appendAudit(tx, ctx, [event('RATE_LIMITED', 0)]));
    ctx.log.info({ op: 'screening', jobId: job.id, chunk: chunkNumber, identifiers: distinct, outcome: 'RATE_LIMITED', retryAfterSeconds: wait }, 'screening');
    if (wait === null) throw badInput(field, `more distinct identifiers than your agency's daily screening quota (${loadConfig().screeningAgencyPerDay})`);
    throw rateLimited(`Screening quota reached; try this chunk again in ${wait} s`, wait);
  }
  ctx.log.info({ op: 'screening', jobId: job.id, chunk: chunkNumber, identifiers: distinct, known, outcome: 'ANSWERED' }, 'screening');
  return getScreeningJob(ctx, { id: job.id });
}

/**
 * Answers a chunk and keeps it with its answers: one statement answers its distinct identifiers
 * (`unique`), where what the caller already sees is the Observation rule itself (the same SQL as
 * hit/no-hit) and who holds the rest comes from entities.identifier_holders (chunkHoldersSql); one
 * more keeps the chunk's row (keepChunk). Returns how many of its identifiers are known.
 */
async function answerChunk(ctx: RequestContext, tx: Sql, chunk: ChunkRow, unique: { kinds: string[]; values: string[] }): Promise<number> {
  const params = new SqlParams([textArray(unique.kinds), textArray(unique.values)]);
  const visible = visibleWhere(ctx, 'Observation', { alias: 'o', attributes: O.attributes(ctx, params), grantsTable: O.grantsTable }, params);
  const held = await tx.query<HeldIdentifier>(chunkHoldersSql(`coalesce((${visible}), false)`), params.values);
  return keepChunk(tx, chunk, held);
}

/** No more chunks: the job's results are final. Closing a closed job answers it unchanged. */
export async function closeScreeningJob(ctx: RequestContext, jobRef: JobRef) {
  const job = await ownJob(ctx, jobRef, true);
  if (!job) throw notFound('ScreeningJob');
  assertCanChange(ctx, 'update', record(job), 'ScreeningJob');
  if (job.status === 'OPEN') {
    await ctx.db.transaction(async (tx) => {
      await tx.query(`UPDATE entities.screening_jobs SET status = 'CLOSED', closed_at = now() WHERE id = $1`, [job.id]);
      await appendAudit(tx, ctx, [
        ownRecordEvent(ctx, 'ALTER', SCREENING_SUBJECT, job.id, [
          'status',
          `chunks:${job.chunkCount}`,
          `identifiers:${job.identifierCount}`,
          `known:${job.knownCount}`,
        ]),
      ]);
    });
  }
  return getScreeningJob(ctx, { id: job.id });
}

type Answer = { chunk: number; index: number; kind: string; value: string; known: boolean; holderCount: number; contactable: string[] };

/**
 * One chunk's part of a results page: its answers after index `after` (-1: from the start), at most
 * `limit` of them, in order — of every identifier, or of the known ones only. The statement reads
 * slices of the chunk's arrays, never the whole chunk row by row: it counts the known items at or
 * before the cursor (`known_items` is ascending), slices the next `limit` known items, holder counts
 * and holders from there, and the identifiers from the page's first index to its last (every
 * identifier: `after + 1 …`; known only: the first to the last known item sliced). The slices are
 * zipped here, in one pass. `OFFSET 0` keeps each slice a value computed once, not an expression the
 * planner would copy into each use. Row-level security and the owner check name the chunk's row.
 */
async function pageOfChunk(ctx: RequestContext, jobId: string, chunk: number, after: number, limit: number, onlyKnown: boolean): Promise<Answer[]> {
  const window = onlyKnown ? 'k.items[1] AS lo, k.items[cardinality(k.items)] AS hi' : '$4::int + 1 AS lo, $4::int + $5::int AS hi';
  const [slice] = await ctx.db.query<{
    lo: number | null;
    kinds: string[] | null;
    vals: string[] | null;
    items: number[];
    holders: number[];
    contactable: string[][];
  }>(
    `SELECT w.lo, c.kinds[w.lo + 1 : w.hi + 1] AS kinds, c.vals[w.lo + 1 : w.hi + 1] AS vals, k.items, k.holders, k.contactable
       FROM entities.screening_chunks c
      CROSS JOIN LATERAL (SELECT count(*)::int AS p FROM unnest(c.known_items) AS x WHERE x <= $4::int) AS s
      CROSS JOIN LATERAL (SELECT c.known_items[s.p + 1 : s.p + $5::int] AS items, c.holder_counts[s.p + 1 : s.p + $5::int] AS holders,
                                 jsonb_path_query_array(c.contactable, '$[$from to $to]', jsonb_build_object('from', s.p, 'to', s.p + $5::int - 1)) AS contactable
                           OFFSET 0) AS k
      CROSS JOIN LATERAL (SELECT ${window} OFFSET 0) AS w
      WHERE c.job_id = $1 AND c.owner_agency_id = $2 AND c.chunk_number = $3`,
    [jobId, ctx.actor.agencyId, chunk, after, limit],
  );
  if (!slice || slice.lo === null || !slice.kinds || !slice.vals) return [];
  const { lo, kinds, vals, items, holders, contactable } = slice;
  const answer = (index: number, k: number | undefined): Answer => ({
    chunk,
    index,
    kind: kinds[index - lo]!,
    value: vals[index - lo]!,
    known: k !== undefined,
    holderCount: k === undefined ? 0 : holders[k]!,
    contactable: k === undefined ? [] : contactable[k]!,
  });
  if (onlyKnown) return items.map((index, k) => answer(index, k));
  const out: Answer[] = [];
  let k = 0;
  for (let index = lo; index < lo + kinds.length; index++) out.push(answer(index, items[k] === index ? k++ : undefined));
  return out;
}

export interface ResultPageArgs {
  first: number;
  after?: string | null;
  onlyKnown: boolean;
}

/** A page of a job's results in submission order (chunk number, then index in the chunk), or of its known identifiers only. */
export async function screeningResults(ctx: RequestContext, job: { id: string }, args: ResultPageArgs) {
  assertMayReadAny(ctx, 'ScreeningResult', 'Your agency may not screen identifiers');
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_RESULTS_PAGE) throw badInput('first', `must be between 1 and ${MAX_RESULTS_PAGE}`);
  let after = [-1, -1];
  if (args.after) {
    const m = /^(\d{1,9}):(\d{1,9})$/.exec(args.after);
    if (!m) throw badInput('after', 'is not a cursor this server issued');
    after = [Number(m[1]), Number(m[2])];
  }
  // Chunk by chunk, in order, from the cursor's, until the page (and one more, to tell whether
  // another page follows) is full: a chunk's answers are arrays in its row (chunkAnswersSql), and
  // each chunk gives only the slices the page needs (pageOfChunk).
  const chunks = await ctx.db.query<{ chunk: number }>(
    `SELECT chunk_number AS chunk FROM entities.screening_chunks WHERE job_id = $1 AND owner_agency_id = $2 AND chunk_number >= $3 ORDER BY chunk_number`,
    [job.id, ctx.actor.agencyId, Math.max(after[0]!, 0)],
  );
  const rows: Answer[] = [];
  for (const { chunk } of chunks) {
    if (rows.length > args.first) break;
    rows.push(...(await pageOfChunk(ctx, job.id, chunk, chunk === after[0] ? after[1]! : -1, args.first + 1 - rows.length, args.onlyKnown)));
  }
  const page = rows.slice(0, args.first);
  const last = page[page.length - 1];
  return {
    nodes: projectAll(
      ctx,
      page.map((r) => ({
        __typename: 'ScreeningResult' as const,
        ownerAgencyId: ctx.actor.agencyId,
        chunk: r.chunk,
        index: r.index,
        kind: r.kind,
        value: r.value,
        known: r.known,
        holderCount: r.holderCount,
        contactableAgencies: [...r.contactable].sort().map((id) => ({ __typename: 'Agency' as const, id })),
      })),
    ),
    pageInfo: { hasNextPage: rows.length > args.first, endCursor: last ? `${last.chunk}:${last.index}` : undefined },
  };
}

/** Who erases answers past their time: the hub itself, no agency or user (the audit trail's actor columns stay empty). */
const SWEEP: AuditActor = { actor: { userId: '', agencyId: '' }, requestId: 'screening-answers-sweep' };

/**
 * Erases the identifiers and answers of the chunks answered more than `days` days ago (at least
 * one: the daily quota reads the chunks of the last 24 hours), keeping their rows and counts
 * (entities.erase_screening_answers), with one ERASE audit event per job in the same transaction.
 * Answers how many chunks it emptied.
 */
export async function eraseScreeningAnswers(db: Database, days = loadConfig().screeningAnswersDays): Promise<number> {
  return db.transaction(async (tx) => {
    const erased = await tx.query<{ jobId: string; ownerAgencyId: string; chunks: number }>(
      `SELECT job_id AS "jobId", owner_agency_id AS "ownerAgencyId", chunks FROM entities.erase_screening_answers(make_interval(days => $1))`,
      [days],
    );
    await appendAudit(
      tx,
      SWEEP,
      erased.map((e) => ({
        action: 'ERASE' as const,
        subjectType: SCREENING_SUBJECT,
        subjectId: e.jobId,
        recordOwnerAgencyId: e.ownerAgencyId,
        fields: ['identifiers', 'answers', `chunks:${e.chunks}`],
      })),
    );
    return erased.reduce((n, e) => n + e.chunks, 0);
  });
}

/** How often the process erases screening answers past their time (and once when it starts). */
const SCREENING_SWEEP_MS = 60 * 60 * 1000;

/**
 * The entities subgraph's sweep of screening answers past TESSERA_SCREENING_ANSWERS_DAYS: when the
 * process starts, then every hour. Every replica may run it: erasing what is already erased
 * changes nothing.
 */
export function startScreeningAnswersSweep(db: Database): { stop(): Promise<void> } {
  const log = rootLogger.child({ service: 'screening-answers' });
  let running: Promise<void> = Promise.resolve();
  const sweep = () => {
    running = eraseScreeningAnswers(db).then(
      (erased) => {
        if (erased > 0) log.info({ erased, days: loadConfig().screeningAnswersDays }, 'screening answers erased');
      },
      (err: unknown) => log.error({ err }, 'screening answers not erased; the next sweep tries again'),
    );
  };
  sweep();
  const timer = setInterval(sweep, SCREENING_SWEEP_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
