import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { countryOf, normaliseIdentifier } from '../kernel/identifier';
import { type IdentifierInput, recordObservationsBySource } from '../entities/api';
import { appendAudit, type AuditEventInput, ownRecordEvent, writtenFields } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';
import { badInput, ErrorCode, notFound } from '../kernel/errors';
import { requestHash, requiredIdempotencyKey, submitOnceTelling } from '../kernel/idempotency';
import { assertUuid, type HandlingInput, validateHandling } from '../kernel/marked-record';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanCreate, projectAll } from '../kernel/policy';
import { getVisible, projectReturned, selectPage, visibleLoader, visibleReturning } from '../kernel/repository';
import { SqlParams } from '../../policies/sql';
import { assertIndicators, FINANCIAL_INDICATORS } from '../kernel/taxonomy';
import { isoDate, period, text } from '../kernel/validate';
import { transactionReportTable } from './transaction-report.repository';
import { type FileRow, readReportFile } from './report-file';
import type {
  ImportTransactionReportsInput,
  SubmitTransactionReportInput,
  SubmitTransactionReportsInput,
  TransactionReportFilter,
  TransactionReportInput,
} from './typology.input';
import type { PartySignificance } from './typology.type';
import { ownTypologies } from './typology.service';

/** Transaction reports: a bank's evidence, with parties and their accounts, one at a time or in batches. */

type Projected = Record<string, unknown>;

const CURRENCY = /^[A-Z]{3}$/;
const MAX_PARTIES = 200;

/** Visible raw record by id, or undefined: "does not exist" and "does not reach you" are one answer. */

export const getTransactionReport = (ctx: RequestContext, id: string): Promise<Projected> => getVisible(ctx, transactionReportTable, id);

export async function listTransactionReports(ctx: RequestContext, filter: TransactionReportFilter | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const f = filter ?? {};
  const from = isoDate('filter.dateFrom', f.dateFrom);
  const to = isoDate('filter.dateTo', f.dateTo);
  const { rows, ...rest } = await selectPage(ctx, transactionReportTable, window, {
    filterFields: [...(f.indicator ? ['indicators'] : []), ...(f.dateFrom || f.dateTo ? ['dateFrom', 'dateTo'] : [])],
    where: (p) => [
      ...(f.indicator ? [`${p.add(f.indicator)} = ANY(r.indicators)`] : []),
      ...(from ? [`coalesce(r.date_to, r.date_from) >= ${p.add(from)}::date`] : []),
      ...(to ? [`coalesce(r.date_from, r.date_to) <= ${p.add(to)}::date`] : []),
    ],
    orderBy: 'r.created_at DESC, r.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

// ---- transaction reports: one, or a batch, through the same validation and the same set-based insert ----

export const MAX_BATCH = 5000;
const MAX_REPORTED_ERRORS = 100;

interface FieldError {
  field: string;
  message: string;
}

/** A row's field error in a batch; `field` is relative to the row (`parties[0].account.value`). */
interface RowError extends FieldError {
  row: number;
  /** For a row read from a file: the element path (goAML) or column (CSV) the field came from, and its line. */
  path?: string;
  line?: number | null;
}

/** A report that passed validation: trimmed texts and normalised accounts, ready to insert. */
interface ValidReport {
  handling: HandlingInput;
  reportCode: string;
  reason: string;
  indicators: string[];
  amount: number | null;
  currency: string | null;
  dateFrom: string | null;
  dateTo: string | null;
  typologyId: string | null;
  parties: Array<{ name: string; significance: string; account: IdentifierInput | null }>;
  /** Phones and e-mail addresses the parties gave (from a file): observed with the report as their source, on no party. */
  contacts: IdentifierInput[];
}

/** A batch row as validateReport reads it: the GraphQL input, or a row read from a file with its parties' contacts. */
type ReportRowInput = TransactionReportInput & { contacts?: Array<{ kind: IdentifierInput['kind']; value: string; country?: string }> };

/** Runs one check; its BAD_USER_INPUT becomes a field error (so every error of a row is reported), anything else propagates. */
function collect(errors: FieldError[], check: () => void): void {
  try {
    check();
  } catch (err) {
    if (!(err instanceof GraphQLError) || err.extensions.code !== ErrorCode.BAD_USER_INPUT) throw err;
    const field = String(err.extensions.field ?? '');
    errors.push({ field, message: err.message.startsWith(`${field}: `) ? err.message.slice(field.length + 2) : err.message });
  }
}

/**
 * Checks every field of one report and normalises its accounts (national formats read by the
 * caller's country, as the entities module will); `prefix` names the report's place in the input.
 */
function validateReport(ctx: RequestContext, input: ReportRowInput, prefix: string): { report: ValidReport; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const f = (name: string) => `${prefix}${name}`;
  collect(errors, () => validateHandling(input.handling, f('handling')));
  collect(errors, () => assertIndicators(f('indicators'), input.indicators, FINANCIAL_INDICATORS));
  let reason = '';
  collect(errors, () => {
    reason = text(f('reason'), input.reason, { max: 20000, required: true })!;
  });
  const { amount, currency } = input;
  if (amount !== undefined && amount !== null) {
    if (!Number.isFinite(amount) || amount < 0 || amount >= 1e16 || Math.round(amount * 100) / 100 !== amount) {
      errors.push({ field: f('amount'), message: 'must be a non-negative amount with at most two decimals' });
    }
    if (!currency) errors.push({ field: f('currency'), message: 'is required with an amount' });
  }
  if (currency && !CURRENCY.test(currency)) errors.push({ field: f('currency'), message: 'must be an ISO 4217 code such as GBP' });
  let dateFrom: string | null = null;
  let dateTo: string | null = null;
  collect(errors, () => {
    dateFrom = isoDate(f('dateFrom'), input.dateFrom);
  });
  collect(errors, () => {
    dateTo = isoDate(f('dateTo'), input.dateTo);
  });
  collect(errors, () => period(f('dateTo'), dateFrom, dateTo));
  if (input.typologyId) collect(errors, () => assertUuid(f('typologyId'), input.typologyId!));
  const partyInputs = input.parties ?? [];
  if (partyInputs.length < 1 || partyInputs.length > MAX_PARTIES) errors.push({ field: f('parties'), message: `name 1 to ${MAX_PARTIES} parties` });
  const parties = partyInputs.slice(0, MAX_PARTIES).map((p, i) => {
    let name = '';
    collect(errors, () => {
      name = text(f(`parties[${i}].name`), p.name, { max: 200, required: true })!;
    });
    let account: IdentifierInput | null = null;
    if (p.account) {
      const { kind, value } = p.account;
      collect(errors, () => {
        const field = f(`parties[${i}].account.value`);
        account = { kind, value: normaliseIdentifier(kind, value, field, countryOf(undefined, ctx.actor.country, field)) };
      });
    }
    return { name, significance: p.significance, account };
  });
  const contacts = (input.contacts ?? []).flatMap((c, i) => {
    let contact: IdentifierInput[] = [];
    collect(errors, () => {
      const field = f(`contacts[${i}].value`);
      contact = [{ kind: c.kind, value: normaliseIdentifier(c.kind, c.value, field, countryOf(c.country, ctx.actor.country, field)) }];
    });
    return contact;
  });
  return {
    report: {
      handling: input.handling,
      reportCode: input.reportCode,
      reason,
      indicators: input.indicators ?? [],
      amount: amount ?? null,
      currency: currency ?? null,
      dateFrom,
      dateTo,
      typologyId: input.typologyId ?? null,
      parties,
      contacts,
    },
    errors,
  };
}

/** A Postgres array literal of strings, for a per-row array column in an unnest insert. */
function pgArray(values: readonly string[] | undefined): string {
  return `{${(values ?? []).map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/**
 * Writes reports with their parties and account observations inside the caller's transaction:
 * one INSERT for all reports and one for all parties (unnest of column arrays); the accounts are
 * observed through the entities module (two statements for all of them), each observation's
 * source its own report with that report's handling. With `claim` (a single report under its
 * idempotency key), the report's INSERT is the submission's first statement: it takes the
 * accounts' lock (`claim.lock`), claims the key (ON CONFLICT DO NOTHING: undefined, nothing
 * written, when the key is taken) and returns the report as the caller may see it, so it is
 * never read back. Answers the audit events for the caller to append as its transaction's last
 * statement, and the written report (with `claim`).
 */
async function insertReports(
  tx: Sql,
  ctx: RequestContext,
  reports: ValidReport[],
  ids: string[],
  origin: { submissionId: string | null; key: string | null; hash: string | null },
  claim?: { lock: string },
): Promise<{ events: AuditEventInput[]; written?: Projected } | undefined> {
  const column = <T>(fn: (r: ValidReport) => T) => reports.map(fn);
  const params = new SqlParams([
    ctx.actor.agencyId,
    ctx.actor.userId,
    origin.submissionId,
    origin.key,
    origin.hash,
    ids,
    column((r) => r.handling.marking),
    column((r) => r.handling.sourceEvaluation),
    column((r) => r.handling.intelligenceAssessment),
    column((r) => r.handling.handlingCode),
    column((r) => r.handling.handlingConditions ?? null),
    column((r) => pgArray(r.handling.sharedWithAgencyIds)),
    column((r) => pgArray(r.handling.sharedWithGroupIds)),
    column((r) => pgArray(r.handling.redRecipientUserIds)),
    column((r) => r.reportCode),
    column((r) => r.reason),
    column((r) => pgArray(r.indicators)),
    column((r) => r.amount),
    column((r) => r.currency),
    column((r) => r.dateFrom),
    column((r) => r.dateTo),
    column((r) => r.typologyId),
  ]);
  const inserted = await tx.query<Record<string, unknown>>(
    `INSERT INTO typologies.transaction_reports AS ${transactionReportTable.alias} (id, owner_agency_id, contributor_user_id, marking, source_evaluation,
       intelligence_assessment, handling_code, handling_conditions, shared_with_agency_ids, shared_with_group_ids, red_recipient_user_ids, report_code, reason,
       indicators, amount, currency, date_from, date_to, typology_id, submission_id, idempotency_key, request_hash)
     SELECT x.id, $1, $2, x.marking, x.source_evaluation, x.intelligence_assessment, x.handling_code, x.handling_conditions, x.shared_agencies::uuid[],
       x.shared_groups::uuid[], x.red_recipients::uuid[], x.report_code, x.reason, x.indicators::text[], x.amount, x.currency, x.date_from, x.date_to,
       x.typology_id, $3, $4, $5
     FROM ${claim ? `(SELECT ${claim.lock}) AS account_lock, ` : ''}unnest($6::uuid[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
       $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::numeric[], $19::text[], $20::date[], $21::date[], $22::uuid[])
       AS x(id, marking, source_evaluation, intelligence_assessment, handling_code, handling_conditions, shared_agencies, shared_groups, red_recipients,
         report_code, reason, indicators, amount, currency, date_from, date_to, typology_id)
     ${claim ? `ON CONFLICT (owner_agency_id, idempotency_key) DO NOTHING RETURNING ${visibleReturning(ctx, transactionReportTable, params)}` : ''}`,
    params.values,
    { prepared: true },
  );
  if (claim && inserted.length === 0) return undefined;

  const reportIds: string[] = [];
  const positions: number[] = [];
  const names: string[] = [];
  const significances: string[] = [];
  const accountEntityIds: Array<string | null> = [];
  // Every report's accounts in two statements, each observation sourced to its own report.
  const observed = await recordObservationsBySource(
    tx,
    ctx.actor,
    reports.map((r, i) => ({
      source: { type: 'TRANSACTION_REPORT' as const, id: ids[i]!, handling: r.handling },
      identifiers: [...r.parties.flatMap((p) => (p.account ? [p.account] : [])), ...r.contacts],
    })),
    'parties',
  );
  for (const [i, r] of reports.entries()) {
    const { entityIds } = observed[i]!;
    let next = 0;
    for (const [position, p] of r.parties.entries()) {
      reportIds.push(ids[i]!);
      positions.push(position);
      names.push(p.name);
      significances.push(p.significance);
      accountEntityIds.push(p.account ? entityIds[next++]! : null);
    }
  }
  await tx.query(
    `INSERT INTO typologies.report_parties (report_id, position, name, significance, account_entity_id)
     SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::uuid[])`,
    [reportIds, positions, names, significances, accountEntityIds],
    { prepared: true },
  );
  // The returned row's parties were read before they were written: they are these (as the table's select list builds them).
  const [row] = inserted;
  const written = row
    ? projectReturned(ctx, transactionReportTable, {
        ...row,
        parties: names.map((name, i) => ({
          name,
          significance: significances[i],
          account: accountEntityIds[i] === null ? null : { __typename: 'Entity', id: accountEntityIds[i] },
        })),
      })
    : undefined;
  // What was collected, for the caller to append as its transaction's last statement (one statement for the whole batch):
  // one event per report. Its accounts' and contacts' observations are written under it (`observations` among its fields),
  // as an advert's are (docs/adverts.md): they take the report as their source and are erased with it, so the report's
  // event answers who contributed them and when.
  const events = reports.map((r, i) =>
    ownRecordEvent(ctx, 'COLLECT', 'TransactionReport', ids[i]!, [...reportFields(r), ...(observed[i]!.observationIds.length ? ['observations'] : [])]),
  );
  return { events, written };
}

/** The fields a report's COLLECT names (never their values). */
function reportFields(r: ValidReport): string[] {
  return writtenFields({
    reportCode: r.reportCode,
    reason: r.reason,
    indicators: r.indicators,
    amount: r.amount,
    currency: r.currency,
    dateFrom: r.dateFrom,
    dateTo: r.dateTo,
    typology: r.typologyId,
    parties: r.parties,
    contacts: r.contacts,
  });
}

/** The advisory lock that orders the writers of transaction reports (see `withAccountLock`). */
const REPORT_ACCOUNTS_LOCK = 4_711_200_301;

/**
 * Runs one submission of reports in its transaction, and runs it again if Postgres aborted it to
 * break a deadlock. A report's accounts are upserted as entities (row locks) report after report,
 * so two submissions naming the same accounts in different orders can deadlock. Every submission
 * holds the report-accounts advisory lock in shared mode, so submissions run side by side; a retry
 * takes it exclusively, which waits for every submission in flight to finish and keeps new ones
 * waiting until it is done, so a retried submission cannot deadlock again. `submit` is given the
 * lock as an SQL call to put in the submission's first statement (the one that claims its key,
 * before any account is written): a retry's claim finds the key taken if it was used meanwhile.
 */
async function withAccountLock<T>(ctx: RequestContext, submit: (lock: string) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const exclusive = attempt > 1;
    try {
      return await submit(`${exclusive ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared'}(${REPORT_ACCOUNTS_LOCK})`);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 2 || (code !== '40P01' && code !== '40001')) throw err;
      ctx.log.warn({ code }, 'report submission aborted by the database; retrying alone');
    }
  }
}

/**
 * One report, all or nothing, idempotent on its key (first invalid field refused, as every single
 * mutation does). The report's INSERT claims the key, so a first submission looks nothing up
 * before it writes, and answers with the report as written; a replay answers with the report its
 * key first wrote.
 */
export async function submitTransactionReport(ctx: RequestContext, input: SubmitTransactionReportInput): Promise<Projected> {
  const { report, errors } = validateReport(ctx, input, 'input.');
  if (errors.length) throw badInput(errors[0]!.field, errors[0]!.message);
  const key = requiredIdempotencyKey('input.idempotencyKey', input.idempotencyKey);
  assertCanCreate(ctx, { __typename: 'TransactionReport', ownerAgencyId: ctx.actor.agencyId });
  if (report.typologyId && !(await ownTypologies(ctx, [report.typologyId])).has(report.typologyId)) throw notFound('Typology');
  const hash = requestHash(input);

  let written: Projected | undefined;
  const { id, replayed } = await withAccountLock(ctx, (lock) =>
    submitOnceTelling(ctx, {
      table: 'typologies.transaction_reports',
      subject: 'transaction report',
      key,
      hash,
      claimsKey: true,
      insert: async (tx) => {
        const reportId = randomUUID();
        const done = await insertReports(tx, ctx, [report], [reportId], { submissionId: null, key, hash }, { lock });
        if (!done) return undefined;
        await appendAudit(tx, ctx, done.events);
        written = done.written;
        return reportId;
      },
    }),
  );
  ctx.log.info({ reportId: id, replayed, op: 'submitTransactionReport' }, 'transaction report submitted');
  return replayed ? getTransactionReport(ctx, id) : written!;
}

function invalidBatch(errors: RowError[], field = 'input.reports'): GraphQLError {
  errors.sort((a, b) => a.row - b.row || (a.line ?? 0) - (b.line ?? 0));
  const rows = new Set(errors.map((e) => e.row)).size;
  return new GraphQLError(`${errors.length} invalid field(s) in ${rows} report(s); nothing was written`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, field, errorCount: errors.length, errors: errors.slice(0, MAX_REPORTED_ERRORS) },
  });
}

export interface Submission {
  id: string;
  reportIds: string[];
  reportCount: number;
  submittedAt: Date;
}

/** A batch record's columns as a Submission reads them. */
const SUBMISSION_COLUMNS = `id, report_ids::text[] AS "reportIds", created_at AS "submittedAt"`;

type SubmissionRow = { id: string; reportIds: string[]; submittedAt: Date };

const toSubmission = (row: SubmissionRow): Submission => ({ ...row, reportCount: row.reportIds.length });

async function getSubmission(ctx: RequestContext, id: string): Promise<Submission> {
  const [row] = await ctx.db.query<SubmissionRow>(`SELECT ${SUBMISSION_COLUMNS} FROM typologies.submissions WHERE id = $1 AND owner_agency_id = $2`, [
    id,
    ctx.actor.agencyId,
  ]);
  if (!row) throw notFound('TransactionReportSubmission');
  return toSubmission(row);
}

/**
 * A batch of up to 5,000 reports, all or nothing. Every row is validated first; if any fails, the
 * answer is BAD_USER_INPUT listing `{ row, field, message }` (the first 100, and `errorCount`)
 * and nothing is written. Then one transaction writes the batch record (with the report ids, made
 * here, in order), the reports and their parties with set-based statements, and the accounts'
 * observations. The same key and request answer with the same ids; another request under the key
 * is a CONFLICT; of concurrent identical submissions one writes and the others wait for it and
 * answer with its ids.
 */
export async function submitTransactionReports(ctx: RequestContext, input: SubmitTransactionReportsInput): Promise<Submission> {
  const key = requiredIdempotencyKey('input.idempotencyKey', input.idempotencyKey);
  const count = input.reports?.length ?? 0;
  if (count < 1 || count > MAX_BATCH) throw badInput('input.reports', `submit 1 to ${MAX_BATCH} reports`);
  assertCanCreate(ctx, { __typename: 'TransactionReport', ownerAgencyId: ctx.actor.agencyId });
  const validated = input.reports.map((r) => validateReport(ctx, r, ''));
  const errors: RowError[] = validated.flatMap((v, row) => v.errors.map((e) => ({ row, ...e })));
  const reports = validated.map((v) => v.report);
  const typologyIds = [
    ...new Set(reports.flatMap((r, row) => (r.typologyId && !validated[row]!.errors.some((e) => e.field === 'typologyId') ? [r.typologyId] : []))),
  ];
  const own = await ownTypologies(ctx, typologyIds);
  reports.forEach((r, row) => {
    if (r.typologyId && typologyIds.includes(r.typologyId) && !own.has(r.typologyId)) errors.push({ row, field: 'typologyId', message: 'Typology not found' });
  });
  if (errors.length) throw invalidBatch(errors);
  return (await writeBatch(ctx, key, requestHash(input), reports, 'submitTransactionReports')).submission;
}

/**
 * Writes a validated batch once under its key: the batch record (with the report ids, made here, in
 * order), the reports and their parties with set-based statements, the accounts' and contacts'
 * observations, and the audit events, in one transaction. The batch record's INSERT claims the key
 * (see submitTransactionReport). Answers the batch, as written or as its key first wrote it.
 */
async function writeBatch(
  ctx: RequestContext,
  key: string,
  hash: string,
  reports: ValidReport[],
  op: string,
): Promise<{ submission: Submission; replayed: boolean }> {
  const started = Date.now();
  let written: Submission | undefined;
  const { id, replayed } = await withAccountLock(ctx, (lock) =>
    submitOnceTelling(ctx, {
      table: 'typologies.submissions',
      subject: 'batch of transaction reports',
      key,
      hash,
      claimsKey: true,
      insert: async (tx) => {
        const ids = reports.map(() => randomUUID());
        // The batch record first: a concurrent submission under the same key waits on it here
        // (unique key) instead of writing its own reports, then answers with these ids.
        const [row] = await tx.query<SubmissionRow>(
          `INSERT INTO typologies.submissions (owner_agency_id, contributor_user_id, idempotency_key, request_hash, report_ids)
           SELECT $1, $2, $3, $4, $5::uuid[] FROM (SELECT ${lock}) AS account_lock
           ON CONFLICT (owner_agency_id, idempotency_key) DO NOTHING RETURNING ${SUBMISSION_COLUMNS}`,
          [ctx.actor.agencyId, ctx.actor.userId, key, hash, ids],
        );
        if (!row) return undefined;
        const done = await insertReports(tx, ctx, reports, ids, { submissionId: row.id, key: null, hash: null });
        await appendAudit(tx, ctx, done!.events);
        written = toSubmission(row);
        return row.id;
      },
    }),
  );
  ctx.log.info({ submissionId: id, replayed, reports: reports.length, ms: Date.now() - started, op }, 'transaction reports submitted');
  return { submission: replayed ? await getSubmission(ctx, id) : written!, replayed };
}

/** `TransactionReportSubmission.reports`: the batch's reports you may see, in submission order, one statement. */
export async function reportsOfSubmission(ctx: RequestContext, submission: Submission): Promise<Projected[]> {
  const rows = await visibleLoader(ctx, transactionReportTable, 'id').loadMany(submission.reportIds);
  return projectAll(
    ctx,
    rows.flatMap((r) => (Array.isArray(r) ? r : [])),
  );
}

// ---- transaction-report files: goAML XML or CSV, read into a batch ----

export interface ReportImport {
  submission: Submission;
  replayed: boolean;
  rows: Array<{ reportId: string; path: string; line: number | null; reference: string | null }>;
  unmapped: Array<{ path: string; count: number }>;
}

/** Where in the file a row's field came from: the field itself, else the nearest enclosing field (`parties[1]`), else the row. */
function sourceOf(row: FileRow, field: string): { path: string; line: number | null } {
  for (let f = field; ;) {
    const source = row.sources.get(f);
    if (source) return source;
    const enclosing = f.replace(/(\.[^.[]+|\[\d+\])$/, '');
    if (enclosing === f || enclosing === '') return { path: row.path, line: row.line };
    f = enclosing;
  }
}

/**
 * A bank's goAML report (each transaction, and an activity, one report) or CSV file (docs/formats.md)
 * as one batch: the same all-or-nothing validation as submitTransactionReports, every error naming
 * its row, batch field, and the element path (or CSV column) and line it came from; idempotent on
 * the key over the file's exact content and handling. What the file holds that no report keeps is
 * answered as `unmapped` element paths with counts, the same on a replay.
 */
export async function importTransactionReports(ctx: RequestContext, input: ImportTransactionReportsInput): Promise<ReportImport> {
  const key = requiredIdempotencyKey('input.idempotencyKey', input.idempotencyKey);
  assertCanCreate(ctx, { __typename: 'TransactionReport', ownerAgencyId: ctx.actor.agencyId });
  // What the caller gives for every report is checked once, before the file is read.
  validateHandling(input.handling, 'input.handling');
  assertIndicators('input.indicators', input.indicators, FINANCIAL_INDICATORS);
  const file = readReportFile(input.format, input.content);
  const count = file.rows.length;
  if (count < 1 || count > MAX_BATCH)
    throw badInput('input.content', `a file holds 1 to ${MAX_BATCH} reports (goAML transactions or activities); this one holds ${count}`);
  const errors: RowError[] = [];
  // One element read into several fields (goAML's date_transaction; report_code for every transaction) is one error.
  const reported = new Set<string>();
  const reports = file.rows.map((row, n) => {
    const rowInput: ReportRowInput = {
      handling: input.handling,
      reportCode: row.reportCode as ReportRowInput['reportCode'],
      reason: row.reason,
      indicators: [...new Set([...(input.indicators ?? []), ...row.indicators])],
      amount: row.amount,
      currency: row.currency,
      dateFrom: row.dateFrom,
      dateTo: row.dateTo,
      parties: row.parties.map((p) => ({ ...p, significance: p.significance as PartySignificance })),
      contacts: row.contacts,
    };
    const { report, errors: fieldErrors } = validateReport(ctx, rowInput, '');
    const add = (e: RowError) => {
      const seen = `${e.path}\u0000${e.line}\u0000${e.message}`;
      if (!reported.has(seen)) errors.push(e);
      reported.add(seen);
    };
    for (const e of row.errors) add({ row: n, field: e.field, message: e.message, path: e.path, line: e.line });
    for (const e of fieldErrors) {
      // The file's own read errors name these fields more precisely.
      if (row.errors.some((r) => r.field === e.field || e.field.startsWith(`${r.field}.`))) continue;
      add({ row: n, ...e, ...sourceOf(row, e.field) });
    }
    return report;
  });
  if (errors.length) throw invalidBatch(errors, 'input.content');
  const { submission, replayed } = await writeBatch(ctx, key, requestHash(input), reports, 'importTransactionReports');
  return {
    submission,
    replayed,
    rows: file.rows.map((row, n) => ({ reportId: submission.reportIds[n]!, path: row.path, line: row.line, reference: row.reference })),
    unmapped: file.unmapped,
  };
}
