import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Client, Query } from 'pg';
import { FINANCIAL_INDICATORS } from '../../services/kernel/taxonomy';
import { requestHash } from '../../services/kernel/idempotency';
import { postGraphQL } from '../graphql';
import { runLoad } from '../load';
import { type Measure, seededRandom, supergraphHas } from './common';

/**
 * Transaction reports per second through the API vs the same rows written by the database's own
 * bulk path. The API side is the batch mutation `submitTransactionReports` (batches of 500, one
 * after another, as a bank's loader would send them); where the supergraph has only the single
 * `submitTransactionReport`, that one sequentially. The baseline writes the same reports in
 * one transaction: the account entities upserted in one INSERT ... SELECT FROM unnest ... ON
 * CONFLICT (COPY cannot upsert), then `COPY ... FROM STDIN` (pg's protocol-level copy, no
 * pg-copy-streams) into transaction_reports, observations and report_parties.
 */
const PERSONA = 'albion-bank';
export const REPORT_MUTATION = `mutation Submit($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { id } }`;

export interface ReportInput {
  handling: { marking: 'AMBER' | 'GREEN'; sourceEvaluation: 'UNTESTED'; intelligenceAssessment: 'B'; handlingCode: 'P'; sharedWithAgencyIds?: string[] };
  reportCode: 'STR' | 'SAR';
  reason: string;
  indicators: string[];
  amount: number;
  currency: string;
  dateFrom: string;
  dateTo: string;
  parties: Array<{ name: string; significance: 'SUBJECT' | 'COUNTERPARTY'; account?: { kind: 'BANK_ACCOUNT'; value: string } }>;
  idempotencyKey: string;
}

/**
 * Deterministic reports: half the accounts already known to the hub (hits), half new. Each run
 * (`side`) gets its own range of new account numbers, so every side writes as many new entities.
 */
/** Accounts the hub already holds, for the half of the generated parties that name a known account. */
export async function knownAccounts(sql: { query<R>(text: string): Promise<{ rows: R[] }> }): Promise<string[]> {
  return (await sql.query<{ value: string }>(`SELECT value FROM entities.entities WHERE kind = 'BANK_ACCOUNT' ORDER BY id LIMIT 500`)).rows.map((r) => r.value);
}

export function makeReports(n: number, seed: string, known: string[], side: number, keyPrefix: string): ReportInput[] {
  const rnd = seededRandom(`${seed}:ingest`);
  const codes = Object.keys(FINANCIAL_INDICATORS);
  const account = (i: number, p: number) =>
    rnd() < 0.5
      ? known[Math.floor(rnd() * known.length)]!
      : `GB-SORTCODE:${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}:${String(90_000_000 + side * 1_000_000 + i * 2 + p).padStart(8, '0')}`;
  return Array.from({ length: n }, (_, i) => {
    const from = new Date(Date.UTC(2025, 0, 1) + Math.floor(rnd() * 400) * 86_400_000);
    const to = new Date(from.getTime() + Math.floor(rnd() * 60) * 86_400_000);
    const first = Math.floor(rnd() * codes.length);
    return {
      handling: { marking: rnd() < 0.7 ? 'AMBER' : 'GREEN', sourceEvaluation: 'UNTESTED', intelligenceAssessment: 'B', handlingCode: 'P' },
      reportCode: rnd() < 0.7 ? 'STR' : 'SAR',
      reason: `Benchmark report ${i}: cash deposits outside business hours, moved on within a day to an account in Romania.`,
      indicators: [codes[first]!, codes[(first + 1) % codes.length]!],
      amount: Math.round((100 + rnd() * 20_000) * 100) / 100,
      currency: 'GBP',
      dateFrom: from.toISOString().slice(0, 10),
      dateTo: to.toISOString().slice(0, 10),
      parties: [
        { name: `Subject ${i}`, significance: 'SUBJECT', account: { kind: 'BANK_ACCOUNT', value: account(i, 0) } },
        { name: `Counterparty ${i}`, significance: 'COUNTERPARTY', account: { kind: 'BANK_ACCOUNT', value: account(i, 1) } },
      ],
      idempotencyKey: `${keyPrefix}-${i}`,
    };
  });
}

/** `COPY ... FROM STDIN` through pg's own protocol support: a Query that answers CopyInResponse with the data. */
class CopyIn extends Query {
  constructor(
    text: string,
    private readonly data: Buffer,
    callback: (err: Error | null) => void,
  ) {
    super(text, undefined, callback as never);
  }

  handleCopyInResponse(connection: { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void }): void {
    const CHUNK = 1 << 16;
    for (let i = 0; i < this.data.length; i += CHUNK) connection.sendCopyFromChunk(this.data.subarray(i, i + CHUNK));
    connection.endCopyFrom();
  }
}

export function copyFrom(client: Client, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const field = (v: unknown): string => {
    if (v === null || v === undefined) return '\\N';
    const s = Array.isArray(v) ? `{${v.map((x) => `"${String(x).replace(/["\\]/g, '\\$&')}"`).join(',')}}` : String(v);
    return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  };
  const data = Buffer.from(rows.map((r) => `${r.map(field).join('\t')}\n`).join(''));
  return new Promise((resolve, reject) => {
    client.query(new CopyIn(`COPY ${table} (${columns.join(', ')}) FROM STDIN`, data, (err) => (err ? reject(err) : resolve())));
  });
}

const SOURCE_EVALUATION = { UNTESTED: '2' } as const;

/** The same reports as the service writes them: report, upserted account entities, one observation per distinct account, parties. */
async function copyReports(client: Client, reports: ReportInput[], owner: { agencyId: string; userId: string }): Promise<void> {
  await client.query('BEGIN');
  try {
    const key = (v: string) => `BANK_ACCOUNT\u0000${v}`;
    const values = [...new Set(reports.flatMap((r) => r.parties.flatMap((p) => (p.account ? [p.account.value] : []))))].sort();
    const upserted = await client.query<{ id: string; value: string }>(
      `INSERT INTO entities.entities (kind, value) SELECT 'BANK_ACCOUNT', v FROM unnest($1::text[]) AS v
       ON CONFLICT (kind, value) DO UPDATE SET kind = EXCLUDED.kind RETURNING id, value`,
      [values],
    );
    const entityIds = new Map(upserted.rows.map((e) => [key(e.value), e.id]));
    const ids = reports.map(() => randomUUID());
    const handling = (r: ReportInput) => [
      owner.agencyId,
      owner.userId,
      r.handling.marking,
      SOURCE_EVALUATION[r.handling.sourceEvaluation],
      r.handling.intelligenceAssessment,
      r.handling.handlingCode,
    ];
    const HANDLING_COLUMNS = ['owner_agency_id', 'contributor_user_id', 'marking', 'source_evaluation', 'intelligence_assessment', 'handling_code'];
    await copyFrom(
      client,
      'typologies.transaction_reports',
      ['id', ...HANDLING_COLUMNS, 'report_code', 'reason', 'indicators', 'amount', 'currency', 'date_from', 'date_to', 'idempotency_key', 'request_hash'],
      reports.map((r, i) => [
        ids[i],
        ...handling(r),
        r.reportCode,
        r.reason.trim(),
        r.indicators,
        r.amount,
        r.currency,
        r.dateFrom,
        r.dateTo,
        r.idempotencyKey,
        requestHash(r),
      ]),
    );
    await copyFrom(
      client,
      'entities.observations',
      ['id', ...HANDLING_COLUMNS, 'entity_id', 'source_type', 'source_id'],
      reports.flatMap((r, i) =>
        [...new Set(r.parties.flatMap((p) => (p.account ? [entityIds.get(key(p.account.value))!] : [])))].map((entityId) => [
          randomUUID(),
          ...handling(r),
          entityId,
          'TRANSACTION_REPORT',
          ids[i],
        ]),
      ),
    );
    await copyFrom(
      client,
      'typologies.report_parties',
      ['report_id', 'position', 'name', 'significance', 'account_entity_id'],
      reports.flatMap((r, i) =>
        r.parties.map((p, position) => [ids[i], position, p.name.trim(), p.significance, p.account ? entityIds.get(key(p.account.value)) : null]),
      ),
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

const BATCH = 500;
const BATCH_MUTATION = `mutation SubmitBatch($input: SubmitTransactionReportsInput!) { submitTransactionReports(input: $input) { id reportCount } }`;

export const ingest: Measure = {
  id: 'ingest',
  describe: 'transaction reports/s through the batch mutation / COPY of the same rows',
  async run({ stack, budget, seed }) {
    const sql = await stack.rawClient();
    const auth = await stack.authorization(PERSONA);
    const actor = await stack.actor(PERSONA);
    const known = await knownAccounts(sql);
    const n = budget.reports;
    const single = (reports: ReportInput[]) => (i: number) => postGraphQL(stack.hub.url, auth, REPORT_MUTATION, { input: reports[i] });
    const batch = (reports: ReportInput[], key: string, size: number) => (i: number) =>
      postGraphQL(stack.hub.url, auth, BATCH_MUTATION, {
        input: { idempotencyKey: `${key}-${i}`, reports: reports.slice(i * size, (i + 1) * size).map(({ idempotencyKey: _k, ...r }) => r) },
      });
    const hasBatch = supergraphHas('Mutation', 'submitTransactionReports');
    // Idempotency keys are this run's own: a kept data set (--keep) already holds an earlier run's.
    const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
    const key = (name: string) => `ingest-${run}-${name}`;

    // The API (warmed up first), then the COPY baseline of the same rows, then the other API path as a note.
    let api: { perSecond: number };
    const notes: string[] = [];
    if (hasBatch) {
      await runLoad(batch(makeReports(50, seed, known, 0, key('warm')), key('warmup'), 50), { concurrency: 1, requests: 1 });
      const batches = Math.ceil(n / BATCH);
      const stats = await runLoad(batch(makeReports(n, seed, known, 1, key('api')), key('api-batch'), BATCH), { concurrency: 1, requests: batches });
      api = { perSecond: stats.perSecond * BATCH };
      notes.push(
        `${n} reports of 2 parties with accounts (half already known to the hub) as ${PERSONA}; API = submitTransactionReports, ${batches} sequential batches of ${BATCH}`,
      );
    } else {
      await runLoad(single(makeReports(20, seed, known, 0, key('warmup'))), { concurrency: 1, requests: 20 });
      api = await runLoad(single(makeReports(n, seed, known, 1, key('api'))), { concurrency: 1, requests: n });
      notes.push(
        `${n} reports of 2 parties with accounts (half already known) as ${PERSONA}; no batch mutation in the supergraph: API = submitTransactionReport one at a time`,
      );
    }
    const t = performance.now();
    await copyReports(sql, makeReports(n, seed, known, 2, key('copy')), { agencyId: actor.agencyId, userId: actor.userId });
    const copyMs = performance.now() - t;
    const copyPerSecond = (n * 1000) / copyMs;
    notes.push(
      `baseline = one transaction: account entities upserted (INSERT ... SELECT FROM unnest ON CONFLICT) + COPY FROM STDIN into transaction_reports, observations, report_parties (${copyMs.toFixed(0)} ms); the API also writes its audit trail`,
    );
    const few = Math.min(n, 200);
    const seq = await runLoad(single(makeReports(few, seed, known, 3, key('single'))), { concurrency: 1, requests: few });
    notes.push(`submitTransactionReport one at a time: ${seq.perSecond.toFixed(0)} reports/s (${few} sequential)`);
    if (!hasBatch) {
      const eight = await runLoad(single(makeReports(few, seed, known, 4, key('api8'))), { concurrency: 8, requests: few });
      notes.push(`submitTransactionReport at 8 in flight: ${eight.perSecond.toFixed(0)} reports/s`);
    }
    return [
      {
        id: 'ingest',
        value: api.perSecond,
        unit: 'reports/s',
        baseline: copyPerSecond,
        ratio: api.perSecond / copyPerSecond,
        target: '>= 0.3',
        pass: api.perSecond / copyPerSecond >= 0.3,
        notes,
      },
    ];
  },
};
