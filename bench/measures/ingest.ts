import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Client, Query } from 'pg';
import { FINANCIAL_INDICATORS } from '../../services/kernel/taxonomy';
import { requestHash } from '../../services/kernel/idempotency';
import { postGraphQL } from '../graphql';
import { runLoad } from '../load';
import type { Measure } from './common';
import { seededRandom } from './common';

/**
 * Transaction reports per second through the API vs the same rows written by the database's own
 * bulk path. The API has only the single `submitTransactionReport` mutation (no batch mutation
 * yet), so it is measured sequentially, one report after another, as a bank's loader would call
 * it; the same rows at 8 in flight are given as a note. The baseline writes the same reports in
 * one transaction: the account entities upserted in one INSERT ... SELECT FROM unnest ... ON
 * CONFLICT (COPY cannot upsert), then `COPY ... FROM STDIN` (pg's protocol-level copy, no
 * pg-copy-streams) into transaction_reports, observations and report_parties.
 */
const PERSONA = 'albion-bank';
const MUTATION = `mutation Submit($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { id } }`;

interface ReportInput {
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

/** Deterministic reports: half the accounts already known to the hub (hits), half new. */
function makeReports(n: number, seed: string, known: string[], keyPrefix: string): ReportInput[] {
  const rnd = seededRandom(`${seed}:ingest`);
  const codes = Object.keys(FINANCIAL_INDICATORS);
  const account = (i: number, p: number) =>
    rnd() < 0.5 ? known[Math.floor(rnd() * known.length)]! : `GB-SORTCODE:${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}:${String(90_000_000 + i * 3 + p).padStart(8, '0')}`;
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

function copyFrom(client: Client, table: string, columns: string[], rows: unknown[][]): Promise<void> {
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
    const handling = (r: ReportInput) => [owner.agencyId, owner.userId, r.handling.marking, SOURCE_EVALUATION[r.handling.sourceEvaluation], r.handling.intelligenceAssessment, r.handling.handlingCode];
    const HANDLING_COLUMNS = ['owner_agency_id', 'contributor_user_id', 'marking', 'source_evaluation', 'intelligence_assessment', 'handling_code'];
    await copyFrom(
      client,
      'typologies.transaction_reports',
      ['id', ...HANDLING_COLUMNS, 'report_code', 'reason', 'indicators', 'amount', 'currency', 'date_from', 'date_to', 'idempotency_key', 'request_hash'],
      reports.map((r, i) => [ids[i], ...handling(r), r.reportCode, r.reason.trim(), r.indicators, r.amount, r.currency, r.dateFrom, r.dateTo, r.idempotencyKey, requestHash(r)]),
    );
    await copyFrom(
      client,
      'entities.observations',
      ['id', ...HANDLING_COLUMNS, 'entity_id', 'source_type', 'source_id'],
      reports.flatMap((r, i) =>
        [...new Set(r.parties.flatMap((p) => (p.account ? [entityIds.get(key(p.account.value))!] : [])))].map((entityId) => [randomUUID(), ...handling(r), entityId, 'TRANSACTION_REPORT', ids[i]]),
      ),
    );
    await copyFrom(
      client,
      'typologies.report_parties',
      ['report_id', 'position', 'name', 'significance', 'account_entity_id'],
      reports.flatMap((r, i) => r.parties.map((p, position) => [ids[i], position, p.name.trim(), p.significance, p.account ? entityIds.get(key(p.account.value)) : null])),
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

export const ingest: Measure = {
  id: 'ingest',
  describe: 'transaction reports/s through submitTransactionReport (sequential) / COPY of the same rows',
  async run({ stack, budget, seed }) {
    const sql = await stack.rawClient();
    const auth = await stack.authorization(PERSONA);
    const actor = await stack.actor(PERSONA);
    const known = (await sql.query<{ value: string }>(`SELECT value FROM entities.entities WHERE kind = 'BANK_ACCOUNT' ORDER BY id LIMIT 500`)).rows.map((r) => r.value);
    const n = budget.reports;
    const submit = (reports: ReportInput[]) => (i: number) => postGraphQL(stack.hub.url, auth, MUTATION, { input: reports[i] });

    // Warm-up (not counted), then the API sequentially, the COPY baseline, and the API at 8 in flight.
    await runLoad(submit(makeReports(20, `${seed}:warm`, known, 'ingest-warmup')), { concurrency: 1, requests: 20 });
    const api = await runLoad(submit(makeReports(n, seed, known, 'ingest-api')), { concurrency: 1, requests: n });
    const copyRows = makeReports(n, seed, known, 'ingest-copy');
    const t = performance.now();
    await copyReports(sql, copyRows, { agencyId: actor.agencyId, userId: actor.userId });
    const copyMs = performance.now() - t;
    const copyPerSecond = (n * 1000) / copyMs;
    const concurrent = await runLoad(submit(makeReports(n, seed, known, 'ingest-api8')), { concurrency: 8, requests: n });

    return [
      {
        id: 'ingest',
        value: api.perSecond,
        unit: 'reports/s',
        baseline: copyPerSecond,
        ratio: api.perSecond / copyPerSecond,
        notes: [
          `${n} reports of 2 parties with accounts (half already known) as ${PERSONA}; API = submitTransactionReport one at a time (no batch mutation exists), through the gateway`,
          `baseline = one transaction: entities upsert (INSERT ... SELECT FROM unnest ON CONFLICT) + COPY FROM STDIN into transaction_reports, observations, report_parties (${copyMs.toFixed(0)} ms)`,
          `API at 8 in flight: ${api.perSecond > 0 ? concurrent.perSecond.toFixed(0) : '-'} reports/s`,
        ],
      },
    ];
  },
};
